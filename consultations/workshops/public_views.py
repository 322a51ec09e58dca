"""Residents' workshop pages: a series and its evenings, sign-up (no account), the
confirmation with its cancel button, a participant's own photo, the presenter screen and
the photos themselves (served by a view, never a media URL). All work without JavaScript;
every change is a POST guarded by CSRF, a rate limit and an idempotency key."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from visionportal import files, ratelimits

from . import access, selectors, services
from .forms import PhotoForm, SignUpForm, new_key
from .models import PhotoKind

# Per client address: a person signs up for a few evenings; a script is stopped early.
SIGN_UPS_PER_WINDOW = 20
PHOTOS_PER_WINDOW = 10
WINDOW_SECONDS = 600


def _limited(request, purpose: str, limit: int) -> bool:
    key = ratelimits.client_key(request, purpose=f"workshops.{purpose}")
    return ratelimits.over_limit(
        f"vp:workshop-rate:{purpose}", key, limit=limit, window=WINDOW_SECONDS
    )


def _series_page(request, series, *, forms=None, status=200):
    forms = forms or {}
    workshops = list(selectors.workshops_of(series))
    for workshop in workshops:
        workshop.form = forms.get(workshop.pk) or SignUpForm(
            initial={"key": new_key()}, prefix=f"w{workshop.pk}"
        )
    response = render(
        request,
        "consultations/workshops/series.html",
        {
            "series": series,
            "process": series.process,
            "municipality": series.process.municipality,
            "workshops": workshops,
        },
        status=status,
    )
    # Each rendering carries fresh idempotency keys: never cached.
    add_never_cache_headers(response)
    return response


@require_GET
def series(request, municipality_slug, process_slug, pk):
    found = access.public_series(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    return _series_page(request, found)


@require_POST
def sign_up(request, municipality_slug, process_slug, pk, workshop_pk):
    found = access.public_series(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    workshop = access.public_workshop(found, workshop_pk)
    form = SignUpForm(request.POST, prefix=f"w{workshop.pk}")
    if _limited(request, "sign-up", SIGN_UPS_PER_WINDOW):
        form.is_valid()
        form.add_error(None, _("Too many sign-ups from this connection. Try again in a while."))
        return _series_page(request, found, forms={workshop.pk: form}, status=429)
    if form.is_valid():
        try:
            sign_up, _created = services.workshop_sign_up(
                workshop=workshop,
                idempotency_key=form.cleaned_data["key"],
                name=form.cleaned_data["name"],
                accessibility_needs=form.cleaned_data["accessibility_needs"],
            )
        except services.WorkshopError as error:
            form.add_error(None, error.message)
        else:
            return redirect("consultations:workshops:confirmation", sign_up.token)
    return _series_page(request, found, forms={workshop.pk: form}, status=400)


def _confirmation(request, sign_up, *, photo_form=None, status=200):
    workshop = sign_up.workshop
    response = render(
        request,
        "consultations/workshops/confirmation.html",
        {
            "sign_up": sign_up,
            "workshop": workshop,
            "series": workshop.series,
            "process": workshop.series.process,
            "municipality": workshop.series.process.municipality,
            "photo_form": photo_form or PhotoForm(),
            "photos": selectors.photos_of(workshop).filter(sign_up=sign_up),
        },
        status=status,
    )
    # The address holds the token: the site-wide Referrer-Policy "same-origin"
    # (settings.SECURE_REFERRER_POLICY) keeps it from other sites. ("no-referrer" would
    # make the browser send "Origin: null" with this page's forms, which CSRF refuses.)
    add_never_cache_headers(response)
    return response


@require_GET
def confirmation(request, token):
    return _confirmation(request, access.sign_up_by_token(token))


@require_POST
def cancel(request, token):
    sign_up = access.sign_up_by_token(token)
    services.sign_up_cancel(sign_up=sign_up)
    messages.success(request, _("Your sign-up is cancelled. Your seat is free for someone else."))
    return redirect("consultations:workshops:confirmation", token)


@require_POST
def participant_photo(request, token):
    """A participant adds their own photo, the same way staff add prompts (cleaned, with a
    text alternative). Only through a sign-up's token: no anonymous uploads."""
    sign_up = access.sign_up_by_token(token)
    form = PhotoForm(request.POST, request.FILES)
    if sign_up.cancelled_at is not None:
        form.is_valid()
        form.add_error(None, _("This sign-up was cancelled."))
        return _confirmation(request, sign_up, photo_form=form, status=400)
    if _limited(request, "photo", PHOTOS_PER_WINDOW):
        form.is_valid()
        form.add_error(None, _("Too many photos from this connection. Try again in a while."))
        return _confirmation(request, sign_up, photo_form=form, status=429)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            # Size first: a huge upload is refused without reading it into memory.
            if upload.size > services.PHOTO_MAX_BYTES:
                raise services.WorkshopError(services.PHOTO_ERRORS["too_large"])
            services.photo_add(
                workshop=sign_up.workshop,
                data=upload.read(),
                alt=form.cleaned_data["alt"],
                kind=PhotoKind.PARTICIPANT,
                sign_up=sign_up,
            )
        except services.WorkshopError as error:
            form.add_error("image", error.message)
        else:
            messages.success(request, _("Your photo is added. It is shown at the workshop."))
            return redirect("consultations:workshops:confirmation", token)
    return _confirmation(request, sign_up, photo_form=form, status=400)


@require_GET
def screen(request, municipality_slug, process_slug, pk, workshop_pk):
    """The presenter screen: the evening's photo prompts, then participants' photos."""
    found = access.public_series(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    workshop = access.public_workshop(found, workshop_pk)
    return render(
        request,
        "consultations/workshops/screen.html",
        {
            "series": found,
            "workshop": workshop,
            "process": found.process,
            "municipality": found.process.municipality,
            "prompts": selectors.photos_of(workshop, PhotoKind.PROMPT)[:60],
            "participant_photos": selectors.photos_of(workshop, PhotoKind.PARTICIPANT)[:60],
        },
    )


@require_GET
def photo(request, municipality_slug, process_slug, pk, photo_pk, digest):
    """A workshop photo, for the published process's participants. The digest in the
    address names this exact file, so it may be cached."""
    found = access.public_series(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    item = access.public_photo(found, photo_pk, digest)
    response = files.protected_download(
        name=item.file,
        filename=f"photo-{item.pk}.{item.file.rsplit('.', 1)[-1]}",
        content_type=item.content_type,
        inline=True,
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
