"""Counting a sorting round's votes in the database and storing the results as a snapshot.

The counts come from GROUP BY queries over the votes' indexes, never from votes loaded
into Python: on PostgreSQL one query reads every included vote once (joined to its
player for the profile answers) and fills three groupings at once (GROUPING SETS: by
channel and device class, by age band and area, by deck position), so a million votes
cost about what one plain ``GROUP BY item, choice`` costs. Other databases (the demo's
SQLite) run the same groupings as separate queries. Target groups (any number per player)
and the players per group are two small queries more; workplace meetings' counts are
summed per keyword.

Services (write): ``result_snapshot_request`` (staff: queue an aggregation, the task
computes it), ``result_snapshot_compute`` (the task's work; idempotent: a finished
snapshot is never computed again, so it never changes), ``result_snapshots_refresh``
(the beat: a new snapshot for every open round whose votes changed).
Selectors (read): ``latest_snapshot``, ``snapshot_for_round``.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from consultations import profile
from visionportal.models import PopulationDimension, PopulationMargin

from .models import (
    SortGroupCount,
    SortGroupSession,
    SortingRound,
    SortParticipant,
    SortParticipantTargetGroup,
    SortVote,
)
from .result_models import SnapshotStatus, SnapshotTrigger, SortResultSnapshot
from .results import RoundCounts, compute_results

logger = logging.getLogger(__name__)

STEPS = 5  # counting, then compute_results' four steps
# Scheduled refreshes keep this many of their own snapshots per round; staff's are kept.
KEEP_SCHEDULED = 3

_GROUPINGS = {
    "by_channel_device": "p.channel, p.device_class",
    "by_age_area": "p.age_band, p.area",
    "by_position": "v.position",
}


def _vote_sql(select: str, group_by: str) -> str:
    # Only table names from the models and this module's own column lists are spliced in;
    # the round is a parameter.
    return (
        f"SELECT v.item_id, v.choice, {select}, COUNT(*) "  # noqa: S608
        f"FROM {SortVote._meta.db_table} v "
        f"JOIN {SortParticipant._meta.db_table} p ON p.id = v.participant_id "
        f"WHERE v.round_id = %s AND NOT v.excluded "
        f"GROUP BY {group_by}"
    )


def _count_votes(round_id: int, counts: RoundCounts, *, grouping_sets: bool) -> None:
    with connection.cursor() as cursor:
        if grouping_sets:
            # GROUPING(...) tells the sets apart: a bit per column that is not grouped.
            sets = ", ".join(f"(v.item_id, v.choice, {cols})" for cols in _GROUPINGS.values())
            cursor.execute(
                _vote_sql(
                    "p.channel, p.device_class, p.age_band, p.area, v.position, "
                    "GROUPING(p.channel, p.age_band, v.position)",
                    f"GROUPING SETS ({sets})",
                ),
                [round_id],
            )
            for item, choice, channel, device, age, area, position, unused, n in cursor:
                if unused == 0b011:
                    counts.by_channel_device[(item, choice, channel, device)] = n
                elif unused == 0b101:
                    counts.by_age_area[(item, choice, age, area)] = n
                else:
                    counts.by_position[(item, choice, position)] = n
            return
        for name, columns in _GROUPINGS.items():
            cursor.execute(_vote_sql(columns, f"v.item_id, v.choice, {columns}"), [round_id])
            target = getattr(counts, name)
            for item, choice, *keys, n in cursor:
                target[(item, choice, *keys)] = n


def round_counts(round: SortingRound, *, grouping_sets: bool | None = None) -> RoundCounts:
    """Everything the results need, counted by the database."""
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    counts = RoundCounts(
        items=list(round.keyword_list.items.order_by("position", "pk").values_list("pk", "label"))
    )
    _count_votes(round.pk, counts, grouping_sets=grouping_sets)
    included = SortVote.objects.filter(round=round, excluded=False)
    voted = SortParticipant.objects.filter(round=round).filter(
        pk__in=included.values("participant_id")
    )
    for channel, device, age, area, n in (
        voted.values_list("channel", "device_class", "age_band", "area")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.players[(channel, device, age, area)] = n
    groups = SortParticipantTargetGroup.objects.filter(participant__in=voted.values("pk"))
    counts.players_by_target_group = dict(
        groups.values_list("group").annotate(n=Count("pk")).order_by()
    )
    if counts.players_by_target_group:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT v.item_id, v.choice, g."group", COUNT(*) '  # noqa: S608
                f"FROM {SortParticipantTargetGroup._meta.db_table} g "
                f"JOIN {SortVote._meta.db_table} v ON v.participant_id = g.participant_id "
                f"WHERE v.round_id = %s AND NOT v.excluded "
                f'GROUP BY v.item_id, v.choice, g."group"',
                [round.pk],
            )
            for item, choice, group, n in cursor:
                counts.by_target_group[(item, choice, group)] = n
    sessions = SortGroupSession.objects.filter(round=round, excluded=False)
    totals = sessions.aggregate(n=Count("pk"), people=Sum("participants"))
    counts.meeting_sessions = totals["n"] or 0
    counts.meeting_participants = totals["people"] or 0
    for item, position, want, not_want, skip in (
        SortGroupCount.objects.filter(session__in=sessions)
        .values_list("item_id", "position")
        .annotate(Sum("want"), Sum("not_want"), Sum("skip"))
        .order_by()
    ):
        for choice, n in ((1, want), (-1, not_want), (0, skip)):
            if n:
                counts.meetings[(item, choice)] = counts.meetings.get((item, choice), 0) + n
                counts.meetings_by_position[(item, choice, position)] = n
    return counts


def population_inputs(round: SortingRound) -> tuple[dict, dict]:
    """The municipality's population margins (age band, area) and each stored area value's
    group in the area margins (matched ignoring case, by value or by its label, as the
    representativeness dashboard matches them)."""
    municipality = round.process.municipality
    margins = {
        dimension: PopulationMargin.objects.as_dict(municipality=municipality, dimension=dimension)
        for dimension in (PopulationDimension.AGE_BAND, PopulationDimension.AREA)
    }
    by_key = {group.casefold(): group for group in margins[PopulationDimension.AREA]}
    area_groups = {}
    stored = (
        SortParticipant.objects.filter(round=round)
        .exclude(area="")
        .values_list("area", flat=True)
        .distinct()
    )
    for value in stored:
        for key in (value.casefold(), profile.area_label(value).casefold()):
            if key in by_key:
                area_groups[value] = by_key[key]
                break
    return margins, area_groups


def round_fingerprint(round: SortingRound) -> dict:
    """Cheap figures that change whenever the results could: included and excluded votes
    and the newest vote, finished players (profile answers arrive at the end), and the
    workplace meetings. Read from indexes; no counting of groups."""
    votes = SortVote.objects.filter(round=round).aggregate(
        included=Count("pk", filter=Q(excluded=False)),
        excluded=Count("pk", filter=Q(excluded=True)),
        newest=Max("pk"),
    )
    players = SortParticipant.objects.filter(round=round).aggregate(
        finished=Count("pk", filter=Q(finished_at__isnull=False)), last=Max("finished_at")
    )
    meetings = SortGroupSession.objects.filter(round=round).aggregate(
        n=Count("pk"), excluded=Count("pk", filter=Q(excluded=True)), last=Max("entered_at")
    )
    return {
        "votes": votes["included"],
        "excluded_votes": votes["excluded"],
        "newest_vote": votes["newest"],
        "finished_players": players["finished"],
        "last_finished": players["last"].isoformat() if players["last"] else None,
        "meetings": meetings["n"],
        "excluded_meetings": meetings["excluded"],
        "last_meeting": meetings["last"].isoformat() if meetings["last"] else None,
    }


# --- services -------------------------------------------------------------------------------


def result_snapshot_request(
    *, round: SortingRound, by=None, trigger: str = SnapshotTrigger.STAFF
) -> SortResultSnapshot:
    """Queue an aggregation of the round; the task is sent once the caller commits."""
    from . import result_tasks  # the tasks call this module

    snapshot = SortResultSnapshot.objects.create(
        round=round, requested_by=by, trigger=trigger, steps_total=STEPS
    )
    transaction.on_commit(lambda: result_tasks.aggregate_round.delay(snapshot.pk))
    return snapshot


def _progress(snapshot_id: int):
    def report(step: int) -> None:
        SortResultSnapshot.objects.filter(pk=snapshot_id, status=SnapshotStatus.RUNNING).update(
            steps_done=min(step + 1, STEPS)
        )

    return report


def result_snapshot_compute(*, snapshot_id: int) -> SortResultSnapshot:
    """Count and compute the snapshot's results. Idempotent: a finished snapshot is
    returned unchanged (its figures never change once done); a redelivered run of a
    snapshot that was interrupted computes it again from the start."""
    claimed = SortResultSnapshot.objects.filter(
        pk=snapshot_id, status__in=[SnapshotStatus.QUEUED, SnapshotStatus.RUNNING]
    ).update(status=SnapshotStatus.RUNNING, started_at=timezone.now(), steps_done=0, error="")
    snapshot = SortResultSnapshot.objects.select_related("round__process__municipality").get(
        pk=snapshot_id
    )
    if not claimed:
        return snapshot
    round = snapshot.round
    try:
        fingerprint = round_fingerprint(round)
        counts = round_counts(round)
        margins, area_groups = population_inputs(round)
        report = _progress(snapshot.pk)
        report(0)
        data = compute_results(counts, margins=margins, area_groups=area_groups, progress=report)
    except Exception as error:
        logger.exception("sorting results of round %s failed", round.pk)
        SortResultSnapshot.objects.filter(pk=snapshot.pk, status=SnapshotStatus.RUNNING).update(
            status=SnapshotStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        snapshot.refresh_from_db()
        return snapshot
    inputs = {
        **fingerprint,
        "population": {d: sum(m.values()) for d, m in margins.items()},
        "status": round.status(),
    }
    SortResultSnapshot.objects.filter(pk=snapshot.pk, status=SnapshotStatus.RUNNING).update(
        status=SnapshotStatus.DONE,
        finished_at=timezone.now(),
        steps_done=STEPS,
        inputs=inputs,
        data=data,
        votes=data["totals"]["votes"],
        participants=data["totals"]["players"],
        group_participants=data["totals"]["meeting_participants"],
    )
    if snapshot.trigger == SnapshotTrigger.SCHEDULE:
        _prune_scheduled(round)
    snapshot.refresh_from_db()
    return snapshot


def _prune_scheduled(round: SortingRound) -> None:
    keep = (
        SortResultSnapshot.objects.done()
        .filter(round=round, trigger=SnapshotTrigger.SCHEDULE)
        .order_by("-finished_at", "-pk")
        .values_list("pk", flat=True)[:KEEP_SCHEDULED]
    )
    SortResultSnapshot.objects.done().filter(round=round, trigger=SnapshotTrigger.SCHEDULE).exclude(
        pk__in=list(keep)
    ).delete()


def result_snapshots_refresh(*, at=None) -> list[int]:
    """The beat's refresh: a snapshot for every open round whose inputs changed since its
    latest snapshot (none queued or running already). Returns the new snapshots' ids."""
    created = []
    rounds = SortingRound.objects.filter(
        opened_at__isnull=False, closed_at__isnull=True
    ).prefetch_related("process__phases")
    for round in rounds:
        if not round.is_open(at):
            continue
        if SortResultSnapshot.objects.filter(
            round=round, status__in=[SnapshotStatus.QUEUED, SnapshotStatus.RUNNING]
        ).exists():
            continue
        latest = SortResultSnapshot.objects.latest_done(round)
        fingerprint = round_fingerprint(round)
        if latest is not None and all(
            latest.inputs.get(key) == value for key, value in fingerprint.items()
        ):
            continue
        created.append(result_snapshot_request(round=round, trigger=SnapshotTrigger.SCHEDULE).pk)
    return created


# --- selectors ------------------------------------------------------------------------------


def latest_snapshot(round: SortingRound) -> SortResultSnapshot | None:
    return SortResultSnapshot.objects.latest_done(round)


def snapshot_in_progress(round: SortingRound) -> SortResultSnapshot | None:
    return (
        SortResultSnapshot.objects.filter(
            round=round, status__in=[SnapshotStatus.QUEUED, SnapshotStatus.RUNNING]
        )
        .order_by("-pk")
        .first()
    )
