"""Counting a sorting round's votes in the database and storing the results as a snapshot.

On PostgreSQL the counts are read from the vote cells (result_models.SortVoteCell), kept
from triggers as votes change: a few ten thousand rows instead of a million votes; and the
players from each player's included votes, kept likewise. Both are folded from the
triggers' delta rows (keywords.sorting.vote_cells), and the rows not folded yet are added
in the same transaction, so the counts are those of the votes stored. Votes without a
device class (written before votes carried it) are counted from their players as below,
through a partial index that is otherwise empty. The scan that follows
stays for other databases and as the cells' reference (the tests compare the two).

Scanning, the counts come from GROUP BY queries over the votes' covering index, never
from votes loaded into Python and never joined to their players: a finished player's profile
(device class, age band, area, target groups) is copied onto their votes
(keywords.sorting.vote_profiles), so three plain GROUP BYs over one index (by channel,
device class and target groups; by age band and area; by deck position), each a parallel
scan on PostgreSQL, give every grouping (an unfinished player's votes carry their device
class and an empty rest, as their player does); votes without a device class are
joined to their players through a small partial index. The
players per group are one query over the players; workplace meetings' counts are summed
per keyword. Everything is counted in one repeatable-read transaction.

Services (write): ``result_snapshot_request`` (staff: queue an aggregation, the task
computes it), ``result_snapshot_compute`` (the task's work; idempotent: a finished
snapshot is never computed again, so it never changes), ``result_snapshots_refresh``
(the beat: a new snapshot for every open round whose votes changed).
Selectors (read): ``latest_snapshot``, ``snapshot_for_round``.
"""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from consultations import profile
from visionportal.models import PopulationDimension, PopulationMargin

from .models import (
    TARGET_GROUP_BITS,
    SortGroupCount,
    SortGroupSession,
    SortingRound,
    SortParticipant,
    SortParticipantTargetGroup,
    SortVote,
    target_groups_of_mask,
)
from .result_models import (
    CellGrouping,
    SnapshotStatus,
    SnapshotTrigger,
    SortResultSnapshot,
    SortVoteCell,
    SortVoteDelta,
)
from .results import RoundCounts, compute_results
from .vote_cells import vote_cells_fold

logger = logging.getLogger(__name__)

STEPS = 5  # counting, then compute_results' four steps
# Scheduled refreshes keep this many of their own snapshots per round; staff's are kept.
KEEP_SCHEDULED = 3

# The groupings counted over the votes that carry their player's profile: the vote
# columns each reads besides item and answer. Channel, device class and target groups
# share one (few combinations); age band × area is the weighting's cells.
_GROUPINGS = ("channel, device_class, target_groups", "age_band, area", "position")
_COLUMNS = "channel, device_class, target_groups, age_band, area, position"


def _add(target: dict, key: tuple, n: int) -> None:
    target[key] = target.get(key, 0) + n


def _add_row(counts: RoundCounts, item, choice, n, *, profile=None, age_area=None, position=None):
    if profile is not None:
        channel, device, mask = profile
        _add(counts.by_channel_device, (item, choice, channel, device), n)
        for group in target_groups_of_mask(mask):
            _add(counts.by_target_group, (item, choice, group), n)
    if age_area is not None:
        _add(counts.by_age_area, (item, choice, *age_area), n)
    if position is not None:
        _add(counts.by_position, (item, choice, position), n)


def _count_votes(round_id: int, counts: RoundCounts, *, grouping_sets: bool) -> None:
    """Three plain GROUP BYs over the votes that carry their profile (each a parallel scan
    on PostgreSQL), or with `grouping_sets` one GROUPING SETS query that fills the three
    in one scan (PostgreSQL 15 runs it in one process: measured 1.6 times slower on two
    cores, but it reads the votes once where reading is what costs); then the few votes
    whose profile is not copied yet, with their players' profiles, through the partial
    index of those votes."""
    votes = SortVote._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling the aggregation (JIT) costs more than it saves here; the hash
            # tables (a few ten thousand groups) fit in memory instead of spilling to a sort.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        included = f"FROM {votes} WHERE round_id = %s AND NOT excluded"
        copied = f"{included} AND device_class <> ''"
        if grouping_sets:
            # Every included vote counts by position; the profile groupings skip the
            # votes without a copied profile (device class "", kept apart in each set).
            sets = ", ".join(
                f"(item_id, choice, {columns}, device_class = '')" for columns in _GROUPINGS[1:]
            )
            cursor.execute(
                f"SELECT item_id, choice, {_COLUMNS}, device_class = '', "  # noqa: S608
                f"GROUPING(channel, age_band), COUNT(*) {included} "
                f"GROUP BY GROUPING SETS ((item_id, choice, {_GROUPINGS[0]}), {sets})",
                [round_id],
            )
            rows = cursor.fetchall()
            for item, choice, channel, device, mask, age, area, position, bare, unused, n in rows:
                if unused == 0b01:
                    if device:
                        _add_row(counts, item, choice, n, profile=(channel, device, mask))
                elif unused == 0b10:
                    if not bare:
                        _add_row(counts, item, choice, n, age_area=(age, area))
                else:
                    _add_row(counts, item, choice, n, position=position)
        else:
            for columns in _GROUPINGS:
                source = included if columns == "position" else copied
                cursor.execute(
                    f"SELECT item_id, choice, {columns}, COUNT(*) {source} "  # noqa: S608
                    f"GROUP BY item_id, choice, {columns}",
                    [round_id],
                )
                for item, choice, *keys, n in cursor:
                    if columns == _GROUPINGS[0]:
                        _add_row(counts, item, choice, n, profile=keys)
                    elif columns == _GROUPINGS[1]:
                        _add_row(counts, item, choice, n, age_area=keys)
                    else:
                        _add_row(counts, item, choice, n, position=keys[0])
        _count_unprofiled(cursor, round_id, counts)


def _count_cells(round_id: int, counts: RoundCounts) -> None:
    """The included votes' counts from the round's vote cells (kept from PostgreSQL's
    triggers) and the changes not folded into them yet: the same three groupings as the
    scan's, the profile ones over the votes that carry their profile; then any votes
    without a device class, as the scan counts them."""
    cells, deltas = SortVoteCell._meta.db_table, SortVoteDelta._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT grouping, item_id, choice, channel, device_class, target_groups, "  # noqa: S608
            f"age_band, area, position, votes FROM {cells} WHERE round_id = %s AND votes <> 0",
            [round_id],
        )
        _add_cells(counts, cursor.fetchall())
        cursor.execute(
            f"SELECT item_id, choice, {_COLUMNS}, SUM(n) FROM {deltas} "  # noqa: S608
            f"WHERE round_id = %s GROUP BY item_id, choice, {_COLUMNS} HAVING SUM(n) <> 0",
            [round_id],
        )
        pending = cursor.fetchall()
        for item, choice, channel, device, mask, age, area, position, n in pending:
            # As the cells count them: the profile groupings only once a vote carries it.
            profiled = device != ""
            _add_row(
                counts,
                item,
                choice,
                n,
                position=position,
                profile=(channel, device, mask) if profiled else None,
                age_area=(age, area) if profiled else None,
            )
        if pending:
            # A pending change can take a cell's last vote away: no count of nothing.
            for grouping in (
                counts.by_position,
                counts.by_channel_device,
                counts.by_target_group,
                counts.by_age_area,
            ):
                for key in [key for key, n in grouping.items() if n == 0]:
                    del grouping[key]
        _count_unprofiled(cursor, round_id, counts)


def _add_cells(counts: RoundCounts, rows: list) -> None:
    """The cells' rows added as _add_row adds them, inlined: tens of thousands of rows,
    whose handling was the dearest part of counting from the cells (fetched at once,
    plain int groupings, each mask's target groups worked out once)."""
    position_grouping, profile_grouping = int(CellGrouping.POSITION), int(CellGrouping.PROFILE)
    by_position, by_profile = counts.by_position, counts.by_channel_device
    by_group, by_age_area = counts.by_target_group, counts.by_age_area
    groups_of: dict[int, list[str]] = {}
    for grouping, item, choice, channel, device, mask, age, area, position, n in rows:
        if grouping == position_grouping:
            key = (item, choice, position)
            by_position[key] = by_position.get(key, 0) + n
        elif grouping == profile_grouping:
            key = (item, choice, channel, device)
            by_profile[key] = by_profile.get(key, 0) + n
            if mask:
                if mask not in groups_of:
                    groups_of[mask] = target_groups_of_mask(mask)
                for group in groups_of[mask]:
                    key = (item, choice, group)
                    by_group[key] = by_group.get(key, 0) + n
        else:
            key = (item, choice, age, area)
            by_age_area[key] = by_age_area.get(key, 0) + n


def _unprofiled_sql() -> str:
    """The included votes without a device class, with their players' profiles: the
    votes from the partial index alone (it includes the columns counted), hash-joined to
    the round's players and their target groups' bitmasks. Two parameters: the round,
    twice."""
    votes, players = SortVote._meta.db_table, SortParticipant._meta.db_table
    return (
        f"SELECT v.item_id, v.choice, v.channel, q.device_class, "  # noqa: S608
        f"COALESCE(m.mask, 0) AS target_groups, q.age_band, q.area "
        f"FROM {votes} v JOIN {players} q ON q.id = v.participant_id {_mask_join_sql('q')} "
        f"WHERE v.round_id = %s AND NOT v.excluded AND v.device_class = '' AND q.round_id = %s"
    )


def _count_unprofiled(cursor, round_id: int, counts: RoundCounts) -> None:
    """The profile groupings over the votes without a device class (none are written
    now; the deck position needs no profile, so the position grouping counts every vote
    directly): one GROUP BY of their players' whole profile, a few thousand rows at most,
    which Python adds to both groupings (faster than GROUPING SETS' two hash tables)."""
    cursor.execute(
        "SELECT item_id, choice, channel, device_class, target_groups, age_band, area, "  # noqa: S608
        f"COUNT(*) FROM ({_unprofiled_sql()}) AS votes GROUP BY item_id, choice, channel, "
        "device_class, target_groups, age_band, area",
        [round_id, round_id],
    )
    for item, choice, channel, device, mask, age, area, n in cursor:
        _add_row(counts, item, choice, n, profile=(channel, device, mask), age_area=(age, area))


def _mask_join_sql(alias: str) -> str:
    """LEFT JOIN of each player's target groups as their bitmask (column ``m.mask``)."""
    groups = SortParticipantTargetGroup._meta.db_table
    cases = " ".join(f"WHEN '{group}' THEN {bit}" for group, bit in TARGET_GROUP_BITS.items())
    return (
        # Table names from the models and the bits' constant codes only.
        f'LEFT JOIN (SELECT g.participant_id, SUM(CASE g."group" {cases} ELSE 0 END) AS mask '  # noqa: S608
        f"FROM {groups} g GROUP BY g.participant_id) m ON m.participant_id = {alias}.id"
    )


def _count_players(round_id: int, counts: RoundCounts, *, scan: bool = False) -> None:
    """Players with at least one included vote, per profile and per target group. On
    PostgreSQL each player's included votes are kept from the vote triggers, so this reads
    the players alone (with the changes not folded yet); with `scan` (and on other
    databases) it looks at the votes: the players with any vote, less those whose every
    vote is excluded (few; found from the excluded votes). "Any vote" is a lateral LIMIT 1
    probe of the unique (player, item) index that never reads the table (index-only: three
    times faster than checking each vote's exclusion there); a semi-join would read every
    vote again."""
    votes, players = SortVote._meta.db_table, SortParticipant._meta.db_table
    params = [round_id]
    if connection.vendor == "postgresql" and not scan:
        voted = (
            f"LEFT JOIN (SELECT participant_id, SUM(n) AS n FROM "  # noqa: S608
            f"{SortVoteDelta._meta.db_table} WHERE round_id = %s GROUP BY participant_id) "
            "pending ON pending.participant_id = p.id"
        )
        params.insert(0, round_id)
        condition = "AND p.included_votes + COALESCE(pending.n, 0) > 0"
    else:
        if connection.vendor == "postgresql":
            voted = (
                f"CROSS JOIN LATERAL (SELECT 1 FROM {votes} v "  # noqa: S608
                f"WHERE v.participant_id = p.id LIMIT 1) AS voted"
            )
            any_vote = ""
        else:
            voted = ""
            any_vote = f"AND EXISTS (SELECT 1 FROM {votes} v WHERE v.participant_id = p.id) "  # noqa: S608
        only_excluded = (
            f"SELECT x.participant_id FROM {votes} x "  # noqa: S608
            f"WHERE x.round_id = %s AND x.excluded AND NOT EXISTS (SELECT 1 FROM {votes} w "
            f"WHERE w.participant_id = x.participant_id AND NOT w.excluded)"
        )
        condition = f"{any_vote}AND p.id NOT IN ({only_excluded})"
        params.append(round_id)
    counted = f"{players} p {voted} WHERE p.round_id = %s {condition}"
    groups = SortParticipantTargetGroup._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.channel, p.device_class, p.age_band, p.area, COUNT(*) "  # noqa: S608
            f"FROM {counted} GROUP BY p.channel, p.device_class, p.age_band, p.area",
            params,
        )
        for channel, device, age, area, n in cursor:
            key = (channel, device, age, area)
            counts.players[key] = counts.players.get(key, 0) + n
        # A player names a group once (a constraint): the rows per group are its players.
        cursor.execute(
            f'SELECT g."group", COUNT(*) FROM {groups} g '  # noqa: S608
            f'WHERE g.participant_id IN (SELECT p.id FROM {counted}) GROUP BY g."group"',
            params,
        )
        for group, n in cursor:
            if group not in TARGET_GROUP_BITS:
                continue
            counts.players_by_target_group[group] = counts.players_by_target_group.get(group, 0) + n


def round_counts(
    round: SortingRound, *, scan: bool = False, grouping_sets: bool = False
) -> RoundCounts:
    """Everything the results need, counted by the database in one transaction; a
    repeatable-read one where it starts one (the Celery task), so the groupings all count
    the same votes. From the vote cells on PostgreSQL unless `scan` (or `grouping_sets`,
    a way of scanning) asks for the votes to be scanned, as they are elsewhere."""
    counts = RoundCounts(
        items=list(round.keyword_list.items.order_by("position", "pk").values_list("pk", "label"))
    )
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        scan = scan or grouping_sets
        if connection.vendor == "postgresql" and not scan:
            _count_cells(round.pk, counts)
        else:
            _count_votes(round.pk, counts, grouping_sets=grouping_sets)
        _count_players(round.pk, counts, scan=scan)
        _count_meetings(round, counts)
    return counts


def _count_meetings(round: SortingRound, counts: RoundCounts) -> None:
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


def population_inputs(round: SortingRound, *, areas=None) -> tuple[dict, dict]:
    """The municipality's population margins (age band, area) and each stored area value's
    group in the area margins (matched ignoring case, by value or by its label, as the
    representativeness dashboard matches them). `areas`: the area values to match, when
    the caller has them (the counted players'); else the round's players' are read."""
    municipality = round.process.municipality
    margins = {
        dimension: PopulationMargin.objects.as_dict(municipality=municipality, dimension=dimension)
        for dimension in (PopulationDimension.AGE_BAND, PopulationDimension.AREA)
    }
    by_key = {group.casefold(): group for group in margins[PopulationDimension.AREA]}
    area_groups = {}
    if areas is None:
        areas = (
            SortParticipant.objects.filter(round=round)
            .exclude(area="")
            .order_by()
            .values_list("area", flat=True)
            .distinct()
        )
    for value in areas:
        if not value:
            continue
        for key in (value.casefold(), profile.area_label(value).casefold()):
            if key in by_key:
                area_groups[value] = by_key[key]
                break
    return margins, area_groups


def round_fingerprint(round: SortingRound, *, included_votes: int | None = None) -> dict:
    """Cheap figures that change whenever the results could: included and excluded votes
    and the newest vote, finished players (profile answers arrive at the end), and the
    workplace meetings. Read from indexes; no counting of groups. The aggregation passes
    the included votes it has just counted, which spares a scan of all of them."""
    votes = SortVote.objects.filter(round=round)
    if included_votes is None:
        included_votes = votes.filter(excluded=False).count()
    newest = votes.order_by("-pk").values_list("pk", flat=True).first()
    votes = {
        "included": included_votes,
        "excluded": votes.filter(excluded=True).count(),
        "newest": newest,
    }
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


# The progress bar polls every second or two; steps that finish sooner than this after
# the last write are not written (each write is a commit: at a million votes the five
# writes were a twentieth of the aggregation). The finish writes the last step anyway.
PROGRESS_INTERVAL = 0.5


def _progress(snapshot_id: int):
    written = time.monotonic()

    def report(step: int) -> None:
        nonlocal written
        now = time.monotonic()
        if now - written < PROGRESS_INTERVAL:
            return
        written = now
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
        # Counting adds what is not folded yet; folding first keeps that little.
        vote_cells_fold()
        counts = round_counts(round)
        fingerprint = round_fingerprint(
            round, included_votes=sum(counts.by_channel_device.values())
        )
        # Every area a counted vote or player has is a counted player's.
        areas = {area for _channel, _device, _age, area in counts.players}
        margins, area_groups = population_inputs(round, areas=areas)
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
    done = {
        "status": SnapshotStatus.DONE,
        "finished_at": timezone.now(),
        "steps_done": STEPS,
        "inputs": inputs,
        "data": data,
        "votes": data["totals"]["votes"],
        "participants": data["totals"]["players"],
        "group_participants": data["totals"]["meeting_participants"],
    }
    stored = SortResultSnapshot.objects.filter(
        pk=snapshot.pk, status=SnapshotStatus.RUNNING
    ).update(**done)
    if snapshot.trigger == SnapshotTrigger.SCHEDULE:
        _prune_scheduled(round)
    if stored:
        # What was stored is at hand: reading the row back decoded all of `data` again
        # (a tenth of the aggregation at a million votes).
        for field, value in done.items():
            setattr(snapshot, field, value)
    else:
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
