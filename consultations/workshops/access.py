"""Who may reach which workshop series, session, sign-up or photo: the one place that looks
them up for a view. The rules are visionportal.access's: another municipality's objects do
not exist for you (404); the role check (403) is the view's `member_required(roles)`.
Residents reach only series of published processes of public municipalities; a sign-up
only through its secret token.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from visionportal.access import process_for_member

from .models import BoardDocument, SignUp, Workshop, WorkshopPhoto, WorkshopSeries


def series_for_member(request, pk: int) -> WorkshopSeries:
    return get_object_or_404(
        WorkshopSeries.objects.select_related("process__municipality"),
        pk=pk,
        process__municipality=request.municipality,
    )


def process_of_member(request, process_pk: int):
    return process_for_member(request, process_pk)


def workshop_for_member(request, pk: int) -> Workshop:
    return get_object_or_404(
        Workshop.objects.select_related("series__process__municipality"),
        pk=pk,
        series__process__municipality=request.municipality,
    )


def sign_up_for_member(request, workshop: Workshop, sign_up_pk: int) -> SignUp:
    return get_object_or_404(SignUp, pk=sign_up_pk, workshop=workshop)


def photo_for_member(request, workshop: Workshop, photo_pk: int) -> WorkshopPhoto:
    return get_object_or_404(WorkshopPhoto, pk=photo_pk, workshop=workshop)


def board_document_for_member(workshop: Workshop, number: int) -> BoardDocument:
    """Board PDF `number` of the member's `workshop`, or 404."""
    return get_object_or_404(
        BoardDocument.objects.select_related("requested_by"), workshop=workshop, number=number
    )


def public_series(*, municipality_slug: str, process_slug: str, pk: int) -> WorkshopSeries:
    return get_object_or_404(
        WorkshopSeries.objects.select_related("process__municipality"),
        pk=pk,
        process__slug=process_slug,
        process__municipality__slug=municipality_slug,
        process__is_public=True,
        process__municipality__is_public=True,
    )


def public_workshop(series: WorkshopSeries, pk: int) -> Workshop:
    return get_object_or_404(Workshop, pk=pk, series=series)


def sign_up_by_token(token: str) -> SignUp:
    """The sign-up whose confirmation link this is, or 404. The token is the only key: it
    is random (256 bits) and shown only to the person who signed up."""
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        SignUp.objects.select_related("workshop__series__process__municipality"), token=token
    )


def public_photo(series: WorkshopSeries, photo_pk: int, digest: str) -> WorkshopPhoto:
    return get_object_or_404(WorkshopPhoto, pk=photo_pk, digest=digest, workshop__series=series)
