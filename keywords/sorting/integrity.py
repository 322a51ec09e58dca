"""Staff review of implausible votes and audited exclusions (issue 10).

Selectors gather the detection's inputs in SQL, bounded (votes per source and minute
over the limit; the answer sequences of the most recent players only), and hand them to
the pure functions in bursts.py. Services flip the excluded flags and write the audit
row (integrity_models.SortExclusion) in one transaction; the votes themselves are never
deleted, and re-including is another audited decision.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMinute
from django.utils import timezone
from django.utils.translation import gettext as _

from . import bursts
from .integrity_models import ExclusionAction, ExclusionTarget, SortExclusion
from .models import SortGroupSession, SortingDevice, SortingRound, SortParticipant, SortVote
from .services import SortingError

# "Hundreds of votes a minute": well above a person's 20–30.
BURST_VOTES_PER_MINUTE = 100
# Detection looks back this far, and at most this many recent players' sequences.
LOOKBACK = datetime.timedelta(days=7)
SEQUENCE_PLAYERS = 2000
SAME_SEQUENCE_PLAYERS = 5
SAME_SEQUENCE_LENGTH = 10
REASON_MAX = 2000
FINDINGS_SHOWN = 50
ONLINE = "online"


def _source(device_id) -> str:
    return f"kiosk:{device_id}" if device_id else ONLINE


def review_findings(round: SortingRound, *, at=None) -> dict:
    """Bursts and identical sequences of the last LOOKBACK, for the review page."""
    since = (at or timezone.now()) - LOOKBACK
    recent = SortVote.objects.filter(round=round, cast_at__gte=since)
    per_minute = (
        recent.annotate(minute=TruncMinute("cast_at"), device_id=F("participant__device_id"))
        .values("device_id", "minute")
        .annotate(votes=Count("pk"))
        .filter(votes__gt=BURST_VOTES_PER_MINUTE)
        .order_by()
    )
    found_bursts = bursts.detect_bursts(
        ((_source(r["device_id"]), r["minute"], r["votes"]) for r in per_minute[:5000]),
        limit=BURST_VOTES_PER_MINUTE,
    )
    players = list(
        SortParticipant.objects.filter(round=round, started_at__gte=since)
        .order_by("-started_at", "-pk")
        .values_list("pk", "device_id")[:SEQUENCE_PLAYERS]
    )
    source_of = {pk: _source(device_id) for pk, device_id in players}
    choices = defaultdict(list)
    for participant_id, choice in (
        SortVote.objects.filter(participant_id__in=source_of, excluded=False)
        .order_by("participant_id", "position")
        .values_list("participant_id", "choice")
    ):
        choices[participant_id].append(choice)
    found_sequences = bursts.detect_identical_sequences(
        {pk: (source_of[pk], tuple(c)) for pk, c in choices.items()},
        min_players=SAME_SEQUENCE_PLAYERS,
        min_length=SAME_SEQUENCE_LENGTH,
    )
    devices = {
        f"kiosk:{d.pk}": d for d in SortingDevice.objects.filter(round=round).only("pk", "name")
    }
    return {
        "bursts": [(b, devices.get(b.source)) for b in found_bursts[:FINDINGS_SHOWN]],
        "sequences": [(s, devices.get(s.source)) for s in found_sequences[:FINDINGS_SHOWN]],
        "limit": BURST_VOTES_PER_MINUTE,
        "since": since,
    }


def _clean_reason(reason) -> str:
    reason = str(reason or "").replace("\x00", "").strip()
    if not reason:
        raise SortingError(_("Give a reason: it is kept with the decision."))
    if len(reason) > REASON_MAX:
        raise SortingError(
            _("Shorten the reason to at most %(max)d characters.") % {"max": REASON_MAX}
        )
    return reason


@transaction.atomic
def votes_exclude(
    *,
    round: SortingRound,
    by,
    reason: str,
    include: bool = False,
    participant: SortParticipant | None = None,
    device: SortingDevice | None = None,
    window: tuple[datetime.datetime, datetime.datetime] | None = None,
    group_session: SortGroupSession | None = None,
    at=None,
) -> SortExclusion:
    """Exclude (or, with include=True, include again) one player's votes, a kiosk's votes
    cast in `window` [start, end), or a workplace meeting, with the reason on record."""
    reason = _clean_reason(reason)
    flag = not include
    # Lock the round row: two staff deciding on the same votes at once queue up, so the
    # counts in the audit rows add up.
    SortingRound.objects.select_for_update().filter(pk=round.pk).first()
    record = SortExclusion(
        round=round,
        action=ExclusionAction.INCLUDE if include else ExclusionAction.EXCLUDE,
        reason=reason,
        by=by,
        at=at or timezone.now(),
    )
    if participant is not None:
        if participant.round_id != round.pk:
            raise SortingError(_("That player did not play this round."))
        record.target, record.participant = ExclusionTarget.PARTICIPANT, participant
        votes = SortVote.objects.filter(round=round, participant=participant)
        record.changed = votes.exclude(excluded=flag).update(excluded=flag)
    elif device is not None:
        if device.round_id != round.pk or window is None:
            raise SortingError(_("Choose a kiosk of this round and a time window."))
        start, end = window
        if end <= start:
            raise SortingError(_("The window must end after it starts."))
        record.target, record.device = ExclusionTarget.DEVICE, device
        record.window_start, record.window_end = start, end
        votes = SortVote.objects.filter(
            round=round, participant__device=device, cast_at__gte=start, cast_at__lt=end
        )
        record.changed = votes.exclude(excluded=flag).update(excluded=flag)
    elif group_session is not None:
        if group_session.round_id != round.pk:
            raise SortingError(_("That meeting is not part of this round."))
        record.target, record.group_session = ExclusionTarget.GROUP_SESSION, group_session
        record.changed = (
            SortGroupSession.objects.filter(pk=group_session.pk)
            .exclude(excluded=flag)
            .update(excluded=flag)
        )
    else:
        raise SortingError(_("Choose what to exclude."))
    record.save()
    return record


def exclusions_of(round: SortingRound, limit: int = 100):
    return (
        SortExclusion.objects.filter(round=round)
        .select_related("by", "participant", "device", "group_session")
        .order_by("-at", "-pk")[:limit]
    )


def excluded_counts(round: SortingRound) -> dict:
    return {
        "votes": SortVote.objects.filter(round=round, excluded=True).count(),
        "meetings": SortGroupSession.objects.filter(round=round, excluded=True).count(),
    }
