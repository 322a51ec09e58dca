"""The municipality's identity on its public pages: an administrator sets the accent colour
(checked for WCAG AA contrast before it is accepted); residents' pages load it as a small
stylesheet (no inline styles: the CSP forbids them)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import contrast, selectors, services
from ..access import member_required
from ..forms import AccentColourForm
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
    return render(
        request,
        "visionportal/workspace/identity.html",
        {"form": form, "municipality": municipality},
        status=400 if form.errors else 200,
    )


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
