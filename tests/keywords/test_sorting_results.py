"""The sorting results: counts from the database against hand-computed small rounds
(exclusions, workplace meetings, groups, positions), the results computed from them
(weighting, suppression, agreement), and snapshots that never change once done."""

import builtins
import math

import pytest

from keywords.sorting import aggregation, results
from keywords.sorting.models import DeviceClass, SortChannel, SortVote
from keywords.sorting.result_models import SnapshotStatus, SnapshotTrigger, SortResultSnapshot
from tests.keywords.sorting_factories import bare_round, published_list
from visionportal.models import PopulationMargin

from .sorting_results_data import kiosk, meeting, play

pytestmark = pytest.mark.django_db

A, B, C = "trygghet", "kollektivtrafik", "segregation"


@pytest.fixture
def round(process):
    return bare_round(published_list(process, [A, B, C]))


@pytest.fixture
def played(round):
    """Three players with included votes, one whose only vote is excluded, a workplace
    meeting of ten and an excluded one (see the expected counts in the tests)."""
    ids = {i.label: i.pk for i in round.keyword_list.items.all()}
    play(
        round,
        {A: 1, B: -1, C: 0},
        device_class=DeviceClass.PHONE,
        age_band="25-44",
        area="Inre staden",
        groups=["student"],
    )
    play(round, {B: 1, A: 1}, device_class=DeviceClass.DESKTOP, age_band="65-79", area="Landsbygd")
    play(
        round,
        {A: -1, C: -1},
        channel=SortChannel.KIOSK,
        device=kiosk(round),
        device_class=DeviceClass.TABLET,
    )
    play(round, {A: -1}, device_class=DeviceClass.PHONE, age_band="25-44", excluded=True)
    meeting(round, 10, {A: (6, 3, 1), B: (2, 7, 1)})
    meeting(round, 5, {A: (5, 0, 0)}, excluded=True, name="Struken träff")
    return ids


@pytest.mark.parametrize("grouping_sets", [True, False])
def test_counts_match_the_hand_count(round, played, grouping_sets):
    a, b, c = played[A], played[B], played[C]
    counts = aggregation.round_counts(round, grouping_sets=grouping_sets)
    assert counts.items == [(a, A), (b, B), (c, C)]
    assert counts.by_channel_device == {
        (a, 1, "online", "phone"): 1,
        (b, -1, "online", "phone"): 1,
        (c, 0, "online", "phone"): 1,
        (a, 1, "online", "desktop"): 1,
        (b, 1, "online", "desktop"): 1,
        (a, -1, "kiosk", "tablet"): 1,
        (c, -1, "kiosk", "tablet"): 1,
    }
    assert counts.by_age_area == {
        (a, 1, "25-44", "Inre staden"): 1,
        (b, -1, "25-44", "Inre staden"): 1,
        (c, 0, "25-44", "Inre staden"): 1,
        (a, 1, "65-79", "Landsbygd"): 2 - 1,
        (b, 1, "65-79", "Landsbygd"): 1,
        (a, -1, "", ""): 1,
        (c, -1, "", ""): 1,
    }
    assert counts.by_position == {
        (a, 1, 1): 1,
        (b, 1, 1): 1,
        (a, -1, 1): 1,
        (b, -1, 2): 1,
        (a, 1, 2): 1,
        (c, -1, 2): 1,
        (c, 0, 3): 1,
    }
    assert counts.by_target_group == {
        (a, 1, "student"): 1,
        (b, -1, "student"): 1,
        (c, 0, "student"): 1,
    }
    assert counts.players == {
        ("online", "phone", "25-44", "Inre staden"): 1,
        ("online", "desktop", "65-79", "Landsbygd"): 1,
        ("kiosk", "tablet", "", ""): 1,
    }
    assert counts.players_by_target_group == {"student": 1}
    assert counts.meetings == {(a, 1): 6, (a, -1): 3, (a, 0): 1, (b, 1): 2, (b, -1): 7, (b, 0): 1}
    assert counts.meeting_sessions == 1
    assert counts.meeting_participants == 10


def test_results_of_the_hand_counted_round(round, played):
    data = results.compute_results(aggregation.round_counts(round), min_group_size=1)
    by_label = {item["label"]: item for item in data["items"]}
    assert [
        (i["wants"], i["not_wants"], i["skips"]) for i in (by_label[A], by_label[B], by_label[C])
    ] == [
        (8, 4, 1),
        (3, 8, 1),
        (0, 1, 1),
    ]
    assert by_label[A]["share"] == round_5(8 / 12)
    assert [i["label"] for i in data["items"]] == [A, B, C]  # by the Wilson lower bound
    assert by_label[C]["often_skipped"] and not by_label[A]["often_skipped"]
    assert data["totals"] == {
        "votes": 27,
        "players": 3,
        "meetings": 1,
        "meeting_participants": 10,
        "votes_by_channel": {"kiosk": 2, "online": 5, "workplace_meeting": 20},
    }
    channels = {g["code"]: g for g in data["groups"]["channel"]}
    assert channels["online"]["players"] == 2
    assert channels["online"]["items"][str(played[A])][:3] == [2, 0, 0]
    assert channels["workplace_meeting"]["players"] == 10
    assert channels["workplace_meeting"]["items"][str(played[B])][:3] == [2, 7, 1]
    ages = {g["code"]: g for g in data["groups"]["age_band"]}
    assert set(ages) == {"25-44", "65-79"}  # players who did not say are in no age band
    assert ages["25-44"]["items"][str(played[B])][:3] == [0, 1, 0]
    assert data["groups"]["target_group"][0]["code"] == "student"
    assert data["weighting"]["method"] == ""  # no population figures
    assert by_label[A]["weighted"] is None
    # Position 1: 2 + 6 wants, 1 + 3 not; position 2: 1 + 2 wants, 2 + 7 not.
    trend = results.ranking.cochran_armitage({1: (8, 4), 2: (3, 9)})
    assert data["order_effect"]["z"] == round_5(trend.z)


def round_5(value):
    return builtins.round(value, 5)


def test_small_groups_are_suppressed_and_their_counts_not_stored(round, played):
    data = results.compute_results(aggregation.round_counts(round))
    channels = {g["code"]: g for g in data["groups"]["channel"]}
    # online 2 and kiosk 1 are small; 2 + 1 < 5, so the meeting's 10 would reveal them.
    assert all(g["suppressed"] for g in channels.values())
    assert all("items" not in g and g["players"] is None for g in channels.values())
    assert all(g["suppressed"] for g in data["groups"]["age_band"])


def test_weighting_post_stratifies_with_one_dimension_of_figures(round, played, norrkoping):
    for group, population in (("25-44", 100), ("65-79", 300)):
        PopulationMargin.objects.create(
            municipality=norrkoping, dimension="age_band", group=group, population=population
        )
    margins, area_groups = aggregation.population_inputs(round)
    data = results.compute_results(
        aggregation.round_counts(round), margins=margins, area_groups=area_groups
    )
    assert data["weighting"] == {"method": "post_stratify", "dimensions": ["age_band"]}
    b = next(i for i in data["items"] if i["label"] == B)
    # Both age cells have fewer than 10 answers, so they are merged (STATISTICS.md): 1 of 2.
    assert (b["weighted"]["share"], b["weighted"]["n"]) == (0.5, 2)


def test_raking_weights_the_players_to_both_margins():
    """STATISTICS.md's raking oracle: players [[30, 10], [20, 40]] (age × area), margins
    age 0.5/0.5 and area 0.4/0.6 give cell weights [[1, 2], [0.5, 1]]."""
    players, by_age_area = {}, {}
    for (age, area), n, wants in (
        (("a1", "r1"), 30, 0),
        (("a1", "r2"), 10, 10),
        (("a2", "r1"), 20, 0),
        (("a2", "r2"), 40, 0),
    ):
        players[("online", "phone", age, area)] = n
        by_age_area[(7, 1, age, area)] = wants
        by_age_area[(7, -1, age, area)] = n - wants
        by_age_area = {k: v for k, v in by_age_area.items() if v}
    counts = results.RoundCounts(
        items=[(7, "x")],
        by_channel_device={(7, 1, "online", "phone"): 10, (7, -1, "online", "phone"): 90},
        by_age_area=by_age_area,
        players=players,
    )
    data = results.compute_results(
        counts,
        margins={"age_band": {"a1": 50, "a2": 50}, "area": {"r1": 40, "r2": 60}},
        area_groups={"r1": "r1", "r2": "r2"},
    )
    weighted = data["items"][0]["weighted"]
    assert data["weighting"]["method"] == "rake"
    assert data["items"][0]["share"] == 0.1
    assert weighted["share"] == 0.2  # 2 × 10 / (30 + 2 × 10 + 0.5 × 20 + 40)
    assert weighted["n_eff"] == round_5(100**2 / (30 + 4 * 10 + 0.25 * 20 + 40))
    interval = results.ranking.wilson(0.2 * weighted["n_eff"], weighted["n_eff"])
    assert math.isclose(weighted["low"], interval.low, abs_tol=1e-5)


def test_a_snapshot_is_computed_once_and_never_changes(
    round, played, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = aggregation.result_snapshot_request(round=round, by=staff)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE
    assert (snapshot.votes, snapshot.participants, snapshot.group_participants) == (27, 3, 10)
    assert snapshot.inputs["votes"] == 7 and snapshot.inputs["excluded_votes"] == 1
    data, finished = snapshot.data, snapshot.finished_at
    # New votes, then the same task again (a redelivery): the done snapshot stays as it was.
    play(round, {C: 1})
    aggregation.result_snapshot_compute(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert (snapshot.data, snapshot.finished_at) == (data, finished)
    # A new request makes a new snapshot with the new vote; the old one is still there.
    with django_capture_on_commit_callbacks(execute=True):
        newer = aggregation.result_snapshot_request(round=round, by=staff)
    assert SortResultSnapshot.objects.get(pk=newer.pk).votes == 28
    assert aggregation.latest_snapshot(round).pk == newer.pk
    assert SortResultSnapshot.objects.get(pk=snapshot.pk).data == data


def test_excluding_votes_changes_the_next_snapshot_only(
    round, played, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = aggregation.result_snapshot_request(round=round)
    SortVote.objects.filter(round=round, channel=SortChannel.KIOSK).update(excluded=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = aggregation.result_snapshot_request(round=round)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.votes, second.votes) == (27, 25)
    assert second.participants == 2


def test_the_scheduled_refresh_skips_unchanged_rounds(
    round, played, django_capture_on_commit_callbacks, process
):
    from tests.keywords.sorting_factories import sorting_phase

    sorting_phase(process)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(aggregation.result_snapshots_refresh()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert aggregation.result_snapshots_refresh() == []
    play(round, {C: 1})
    with django_capture_on_commit_callbacks(execute=True):
        assert len(aggregation.result_snapshots_refresh()) == 1
    scheduled = SortResultSnapshot.objects.filter(trigger=SnapshotTrigger.SCHEDULE)
    assert scheduled.count() == 2 and all(s.status == SnapshotStatus.DONE for s in scheduled)


def test_a_failed_aggregation_is_marked_failed(
    round, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(aggregation, "round_counts", broken)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = aggregation.result_snapshot_request(round=round)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.FAILED and "database gone" in snapshot.error
    assert aggregation.latest_snapshot(round) is None


def test_a_tie_in_secondary_suppression_hides_the_same_group_whatever_the_row_order():
    """Areas of 10, 10 and 3 players: the 3 is hidden and, so that it cannot be worked
    out, one of the tens too: the first by its code, however the database ordered them."""
    players = {("online", "phone", "", "b"): 10, ("online", "phone", "", "a"): 10}
    players[("online", "phone", "", "c")] = 3
    by_age_area = {(7, 1, "", area): n for (_, _, _, area), n in players.items()}
    shown = []
    for order in (list(players), list(reversed(players))):
        counts = results.RoundCounts(
            items=[(7, "x")],
            by_channel_device={(7, 1, "online", "phone"): 23},
            by_age_area={(7, 1, "", k[3]): by_age_area[(7, 1, "", k[3])] for k in order},
            players={k: players[k] for k in order},
        )
        data = results.compute_results(counts)
        shown.append([g["code"] for g in data["groups"]["area"] if not g["suppressed"]])
    assert shown == [["b"], ["b"]]


def test_the_computed_snapshot_is_what_was_stored(round, played):
    snapshot = SortResultSnapshot.objects.create(round=round, steps_total=aggregation.STEPS)
    computed = aggregation.result_snapshot_compute(snapshot_id=snapshot.pk)
    stored = SortResultSnapshot.objects.get(pk=snapshot.pk)
    fields = ["status", "steps_done", "finished_at", "votes", "participants", "inputs", "data"]
    assert computed.status == SnapshotStatus.DONE and computed.steps_done == computed.steps_total
    assert {f: getattr(computed, f) for f in fields} == {f: getattr(stored, f) for f in fields}


def test_the_snapshot_data_is_compressed_with_lz4_where_the_server_has_it():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY (enumvals) FROM pg_settings "
            "WHERE name = 'default_toast_compression'"
        )
        (has_lz4,) = cursor.fetchone()
        cursor.execute(
            "SELECT attcompression FROM pg_attribute WHERE attname = 'data' "
            "AND attrelid = 'keywords_sortresultsnapshot'::regclass"
        )
        (compression,) = cursor.fetchone()
    assert compression == ("l" if has_lz4 else "")
