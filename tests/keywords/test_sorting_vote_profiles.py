"""Players' profiles copied onto their votes (keywords/sorting/vote_profiles.py): the
finish copies them with one UPDATE, and the results count the same whether a vote carries
its profile or takes it from its player (unfinished players, votes stored directly)."""

import datetime
import random

import pytest
from django.utils import timezone

from keywords.sorting import aggregation, services
from keywords.sorting.models import (
    TARGET_GROUP_BITS,
    DeviceClass,
    SortChannel,
    SortVote,
    target_group_mask,
    target_groups_of_mask,
)
from keywords.sorting.vote_profiles import sort_votes_copy_profile
from tests.conftest import running_phase
from tests.keywords.sorting_factories import bare_round, published_list
from visionportal.models import PhaseKind

from .sorting_results_data import kiosk, meeting, play

pytestmark = pytest.mark.django_db

A, B, C = "trygghet", "kollektivtrafik", "segregation"


def test_target_group_bits_are_distinct_and_round_trip():
    bits = list(TARGET_GROUP_BITS.values())
    assert len(set(bits)) == len(bits) and all(b & (b - 1) == 0 for b in bits)
    assert max(bits) < 2**15  # a PostgreSQL smallint
    mask = target_group_mask(["student", "older", "student"])
    assert mask == TARGET_GROUP_BITS["student"] | TARGET_GROUP_BITS["older"]
    assert target_groups_of_mask(mask) == ["student", "older"]
    assert target_groups_of_mask(0) == []


@pytest.fixture
def open_round(process, staff):
    running_phase(process, PhaseKind.SORTING)
    now = timezone.now()
    round = services.sorting_round_create(
        process=process,
        keyword_list=published_list(process, [A, B, C, "konstgräs"]),
        by=staff,
        title="Sortera nyckelorden",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=20),
        deck_size=4,
    )
    return services.sorting_round_open(round=round, by=staff)


def _start(round, seed=1):
    return services.sort_participant_start(
        round=round, channel=SortChannel.ONLINE, device_class="phone", rng=random.Random(seed)
    )


def test_finishing_copies_the_profile_onto_every_vote_of_the_player(open_round):
    round = open_round
    services.sorting_round_update(
        round=round, expected_version=round.version, ask_area=False, ask_target_groups=True
    )
    round.refresh_from_db()
    player, other = _start(round), _start(round, seed=2)
    for item in player.deck[:3]:
        services.sort_vote_cast(participant=player, item_id=item, choice=1)
    cast = services.sort_vote_cast(participant=other, item_id=other.deck[0], choice=-1)
    assert cast.device_class == "phone"  # as stored
    services.sort_participant_finish(
        participant=player, age_band="65-79", target_groups=["older", "working"]
    )
    copied = set(
        SortVote.objects.filter(participant=player).values_list(
            "device_class", "age_band", "area", "target_groups"
        )
    )
    assert copied == {("phone", "65-79", "", target_group_mask(["older", "working"]))}
    # The other player has not finished: their vote carries the device class it was cast
    # with and an empty rest, as the player has.
    assert list(
        SortVote.objects.filter(participant=other).values_list(
            "device_class", "age_band", "area", "target_groups"
        )
    ) == [("phone", "", "", 0)]


@pytest.fixture
def mixed_round(process):
    round = bare_round(published_list(process, [A, B, C]))
    players = [
        play(
            round,
            {A: 1, B: -1, C: 0},
            device_class=DeviceClass.PHONE,
            age_band="25-44",
            area="Inre staden",
            groups=["student", "young"],
        ),
        play(round, {B: 1, A: 1}, device_class=DeviceClass.DESKTOP, age_band="65-79"),
        play(
            round,
            {A: -1, C: -1},
            channel=SortChannel.KIOSK,
            device=kiosk(round),
            device_class=DeviceClass.TABLET,
        ),
        play(round, {C: 1}, device_class=DeviceClass.PHONE, area="Landsbygd", groups=["older"]),
        play(round, {A: -1}, device_class=DeviceClass.PHONE, age_band="25-44", excluded=True),
        # Started, answered nothing: not a player of the results.
        play(round, {}, device_class=DeviceClass.DESKTOP, age_band="80+"),
    ]
    meeting(round, 10, {A: (6, 3, 1), B: (2, 7, 1)})
    return round, players


def _all_counts(round, grouping_sets):
    counts = aggregation.round_counts(round, grouping_sets=grouping_sets)
    return {name: value for name, value in vars(counts).items()}


@pytest.mark.parametrize("grouping_sets", [False, True])
def test_counts_are_the_same_with_and_without_copied_profiles(mixed_round, grouping_sets):
    round, players = mixed_round
    uncopied = _all_counts(round, grouping_sets)
    assert uncopied["by_target_group"]  # the join path reads the players' groups
    # Players with an included vote only: not the excluded one, not the one without votes.
    assert uncopied["players"] == {
        ("online", "phone", "25-44", "Inre staden"): 1,
        ("online", "desktop", "65-79", ""): 1,
        ("kiosk", "tablet", "", ""): 1,
        ("online", "phone", "", "Landsbygd"): 1,
    }
    assert uncopied["players_by_target_group"] == {"student": 1, "young": 1, "older": 1}
    sort_votes_copy_profile(participant_ids=[players[0].pk, players[2].pk])
    assert SortVote.objects.filter(device_class="").count() == 4
    assert _all_counts(round, grouping_sets) == uncopied
    sort_votes_copy_profile(participant_ids=[p.pk for p in players])
    assert not SortVote.objects.filter(device_class="").exists()
    assert _all_counts(round, grouping_sets) == uncopied
    assert _all_counts(round, not grouping_sets) == uncopied
