"""Staff pages for a round's kiosks, workplace meetings and exclusions. Staff and admins
only (EDITOR_ROLES via member_required): another municipality's round is 404, another
role 403. Every change is a POST that redirects (Post/Redirect/Get)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from visionportal.access import EDITOR_ROLES, member_required, process_for_member

from . import integrity, kiosk, workplace
from .kiosk_forms import DeviceForm, ExclusionForm, GroupSessionForm
from .models import SortGroupSession, SortingDevice, SortingRound, SortParticipant
from .services import SortingError


def _round(request, pk, round_pk) -> SortingRound:
    """A round of the member's process, or 404 (another municipality's too)."""
    process = process_for_member(request, pk)
    return get_object_or_404(
        SortingRound.objects.select_related("process").prefetch_related("process__phases"),
        pk=round_pk,
        process=process,
    )


def _back(request, name, round, *args):
    return redirect(
        f"keywords:{name}", request.municipality.slug, round.process_id, round.pk, *args
    )


# --- Kiosks ------------------------------------------------------------------------


def _render_devices(request, round, form, status=200):
    return render(
        request,
        "keywords/sorting/kiosk_devices.html",
        {
            "round": round,
            "process": round.process,
            "devices": kiosk.devices_of(round),
            "form": form,
        },
        status=status,
    )


@require_GET
@member_required(EDITOR_ROLES)
def sorting_devices(request, pk, round_pk):
    round = _round(request, pk, round_pk)
    return _render_devices(request, round, DeviceForm())


@require_POST
@member_required(EDITOR_ROLES)
def sorting_device_new(request, pk, round_pk):
    round = _round(request, pk, round_pk)
    form = DeviceForm(request.POST)
    if form.is_valid():
        try:
            device = kiosk.device_register(round=round, by=request.user, **form.cleaned_data)
        except SortingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Kiosk “%(name)s” registered. Open its link on the tablet.")
                % {"name": device.name},
            )
            return _back(request, "sorting_devices", round)
    return _render_devices(request, round, form, status=400)


@require_POST
@member_required(EDITOR_ROLES)
def sorting_device_retire(request, pk, round_pk, device_pk):
    round = _round(request, pk, round_pk)
    device = get_object_or_404(SortingDevice, pk=device_pk, round=round)
    kiosk.device_retire(device=device, by=request.user)
    messages.success(
        request, _("Kiosk “%(name)s” retired: its link no longer works.") % {"name": device.name}
    )
    return _back(request, "sorting_devices", round)


# --- Workplace meetings ---------------------------------------------------------------


def _render_meetings(request, round, form, status=200):
    return render(
        request,
        "keywords/sorting/workplace_sessions.html",
        {
            "round": round,
            "process": round.process,
            "sessions": workplace.sessions_of(round)[:200],
            "form": form,
        },
        status=status,
    )


@require_GET
@member_required(EDITOR_ROLES)
def sorting_meetings(request, pk, round_pk):
    round = _round(request, pk, round_pk)
    return _render_meetings(request, round, GroupSessionForm())


@require_POST
@member_required(EDITOR_ROLES)
def sorting_meeting_new(request, pk, round_pk):
    round = _round(request, pk, round_pk)
    form = GroupSessionForm(request.POST)
    if form.is_valid():
        try:
            session = workplace.group_session_create(
                round=round, by=request.user, **form.cleaned_data
            )
        except SortingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Meeting registered. Show its cards on the shared screen."))
            return _back(request, "sorting_meeting", round, session.pk)
    return _render_meetings(request, round, form, status=400)


def _session(round, session_pk) -> SortGroupSession:
    return get_object_or_404(SortGroupSession, pk=session_pk, round=round)


def _render_meeting(request, round, session, *, errors=None, entered=None, error="", status=200):
    cards = workplace.session_cards(session)
    rows = []
    for card in cards:
        values = (entered or {}).get(card.item_id)
        rows.append(
            {
                "card": card,
                "values": values
                or {"want": card.want, "not_want": card.not_want, "skip": card.skip},
                "error": (errors or {}).get(card.item_id, ""),
            }
        )
    return render(
        request,
        "keywords/sorting/workplace_session.html",
        {
            "round": round,
            "process": round.process,
            "session": session,
            "rows": rows,
            "error": error,
        },
        status=status,
    )


@require_GET
@member_required(EDITOR_ROLES)
def sorting_meeting(request, pk, round_pk, session_pk):
    round = _round(request, pk, round_pk)
    return _render_meeting(request, round, _session(round, session_pk))


@require_POST
@member_required(EDITOR_ROLES)
def sorting_meeting_counts(request, pk, round_pk, session_pk):
    round = _round(request, pk, round_pk)
    session = _session(round, session_pk)
    entered = {}
    for card in workplace.session_cards(session):
        entered[card.item_id] = {
            field: request.POST.get(f"{field}-{card.item_id}", "")
            for field in workplace.COUNT_FIELDS
        }
    try:
        workplace.group_counts_save(session=session, counts=entered, by=request.user)
    except workplace.CountErrors as error:
        return _render_meeting(
            request,
            round,
            session,
            errors=error.errors,
            entered=entered,
            error=error.message,
            status=400,
        )
    messages.success(request, _("The counts were saved."))
    return _back(request, "sorting_meeting", round, session.pk)


@require_GET
@member_required(EDITOR_ROLES)
def sorting_meeting_screen(request, pk, round_pk, session_pk):
    """The shared screen: one card at a time, big, with links to the next and previous."""
    round = _round(request, pk, round_pk)
    session = _session(round, session_pk)
    cards = workplace.session_cards(session)
    try:
        position = min(max(int(request.GET.get("card", 1)), 1), max(len(cards), 1))
    except ValueError:
        position = 1
    return render(
        request,
        "keywords/sorting/workplace_screen.html",
        {
            "round": round,
            "process": round.process,
            "session": session,
            "card": cards[position - 1] if cards else None,
            "position": position,
            "total": len(cards),
        },
    )


# --- Review and exclusions ------------------------------------------------------------


@require_GET
@member_required(EDITOR_ROLES)
def sorting_integrity(request, pk, round_pk):
    round = _round(request, pk, round_pk)
    return render(
        request,
        "keywords/sorting/integrity.html",
        {
            "round": round,
            "process": round.process,
            "findings": integrity.review_findings(round),
            "exclusions": integrity.exclusions_of(round),
            "excluded": integrity.excluded_counts(round),
            "devices": kiosk.devices_of(round),
            "sessions": workplace.sessions_of(round)[:200],
            "form": ExclusionForm(),
        },
    )


def _parse_window(request):
    """The kiosk window from ISO timestamps (the findings' buttons) or local datetimes."""
    values = []
    for name in ("window_start", "window_end"):
        raw = request.POST.get(name, "").strip()
        try:
            value = datetime.datetime.fromisoformat(raw)
        except ValueError:
            raise SortingError(_("Give the window's start and end.")) from None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        values.append(value)
    return tuple(values)


@require_POST
@member_required(EDITOR_ROLES)
def sorting_exclude(request, pk, round_pk):
    round = _round(request, pk, round_pk)
    target = request.POST.get("target")
    include = request.POST.get("action") == "include"
    try:
        kwargs = {}
        if target == "participant":
            kwargs["participant"] = get_object_or_404(
                SortParticipant, pk=request.POST.get("participant"), round=round
            )
        elif target == "device":
            kwargs["device"] = get_object_or_404(
                SortingDevice, pk=request.POST.get("device"), round=round
            )
            kwargs["window"] = _parse_window(request)
        elif target == "group_session":
            kwargs["group_session"] = _session(round, request.POST.get("group_session"))
        else:
            raise SortingError(_("Choose what to exclude."))
        record = integrity.votes_exclude(
            round=round,
            by=request.user,
            reason=request.POST.get("reason", ""),
            include=include,
            **kwargs,
        )
    except (SortingError, ValueError) as error:
        messages.error(request, getattr(error, "message", _("Choose what to exclude.")))
    else:
        if include:
            message = _("Included again: %(count)d rows changed.")
        else:
            message = _(
                "Excluded: %(count)d rows changed. They stay stored and can be included again."
            )
        messages.success(request, message % {"count": record.changed})
    return _back(request, "sorting_integrity", round)
