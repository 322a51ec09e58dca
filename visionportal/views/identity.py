"""The municipality's identity on its public pages: an administrator sets the accent colour
(checked for WCAG AA contrast before it is accepted) and the logo (cleaned and re-encoded
by visionportal.logos); residents' pages load the colour as a small stylesheet (no inline
styles: the CSP forbids them) and the logo from a public URL with its content hash."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import contrast, logos, selectors, services
from ..access import member_required
from ..forms import AccentColourForm, LogoForm
from ..models import Role

# What a colour input starts from when the municipality has none (--brand in the CSS).
DEFAULT_ACCENT = "#0b4f6c"
# A hover shade: darker keeps the contrast against white at least as high.
HOVER_DARKEN = 0.7


@member_required(frozenset({Role.ADMIN}))
def identity(request):
    municipality = request.municipality
    form = AccentColourForm(
        request.POST or None,
        initial={"accent_colour": municipality.accent_colour or DEFAULT_ACCENT},
    )
    if request.method == "POST" and form.is_valid():
        colour = "" if form.cleaned_data["use_default"] else form.cleaned_data["accent_colour"]
        try:
            services.municipality_accent_set(municipality=municipality, accent_colour=colour)
        except services.IdentityError as error:
            form.add_error("accent_colour", error)
        else:
            messages.success(request, _("The colour is saved. Residents' pages use it now."))
            return redirect("workspace:identity", municipality.slug)
    return _identity_page(request, form=form)


def _logo_form(municipality, data=None, files=None):
    return LogoForm(data, files, initial={"alt": municipality.logo_alt or municipality.name})


def _identity_page(request, *, form=None, logo_form=None):
    municipality = request.municipality
    form = form or AccentColourForm(
        initial={"accent_colour": municipality.accent_colour or DEFAULT_ACCENT}
    )
    logo_form = logo_form or _logo_form(municipality)
    return render(
        request,
        "visionportal/workspace/identity.html",
        {"form": form, "logo_form": logo_form, "municipality": municipality},
        status=400 if form.errors or logo_form.errors else 200,
    )


@require_POST
@member_required(frozenset({Role.ADMIN}))
def logo_set(request):
    municipality = request.municipality
    form = _logo_form(municipality, request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            # Size first: a huge upload is refused without reading it into memory.
            if upload is not None and upload.size > logos.MAX_BYTES:
                raise services.IdentityError(str(services.LOGO_ERRORS["too_large"]))
            services.municipality_logo_set(
                municipality=municipality,
                data=upload.read() if upload is not None else None,
                alt=form.cleaned_data["alt"],
            )
        except services.IdentityError as error:
            form.add_error("logo", error)
        else:
            messages.success(request, _("The logo is saved. Residents' pages show it now."))
            return redirect("workspace:identity", municipality.slug)
    return _identity_page(request, logo_form=form)


@require_POST
@member_required(frozenset({Role.ADMIN}))
def logo_remove(request):
    services.municipality_logo_remove(municipality=request.municipality)
    messages.success(request, _("The logo is removed."))
    return redirect("workspace:identity", request.municipality.slug)


@require_GET
def logo(request, municipality_slug, digest):
    """The logo as public content: anyone may fetch it, like the pages that show it. The
    URL carries the content hash, so it never changes under a cached copy."""
    municipality = selectors.public_municipality(municipality_slug)
    if municipality is None or not municipality.logo or municipality.logo_digest != digest:
        raise Http404
    if not default_storage.exists(municipality.logo):
        raise Http404
    response = FileResponse(default_storage.open(municipality.logo, "rb"), content_type="image/png")
    patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    # Served as exactly what it is: it was re-encoded to PNG, and nothing guesses otherwise.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def theme_css(request, municipality_slug):
    municipality = selectors.public_municipality(municipality_slug)
    if municipality is None or not municipality.accent_colour:
        raise Http404
    colour = municipality.accent_colour
    # Only a value that passed the check (#rrggbb) is ever written into the stylesheet.
    contrast.parse_hex(colour)
    css = f":root {{ --brand: {colour}; --brand-dark: {contrast.darken(colour, HOVER_DARKEN)}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The page links it with the colour in the query string, so a change is a new URL.
    patch_cache_control(response, public=True, max_age=86400)
    return response
