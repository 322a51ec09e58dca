"""The sorting game's services and pure parts: dealing by exposure (seeded), one answer per
player and card, undo, finishing with the profile answers, and rounds refusing votes when
they are not open."""

import datetime
import random
import uuid
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from keywords.sorting import dealing, selectors, services
from keywords.sorting.devices import device_class
from keywords.sorting.models import (
    SortChannel,
    SortChoice,
    SortingRoundItem,
    SortParticipant,
    SortVote,
)
from tests.conftest import rows_read, running_phase
from tests.keywords.sorting_factories import published_list
from visionportal.models import PhaseKind

LABELS = ["trygghet", "kollektivtrafik", "segregation", "konstgräs", "parker", "Strömmen"]


# --- dealing (pure) -------------------------------------------------------------------------


def test_deal_gives_distinct_items_of_the_requested_size():
    deck = dealing.deal({i: 0 for i in range(1, 11)}, 4, random.Random(1))
    assert len(deck) == 4 == len(set(deck))
    assert set(deck) <= set(range(1, 11))
    assert sorted(dealing.deal({1: 0, 2: 5}, 10, random.Random(1))) == [1, 2]
    assert dealing.deal({}, 3, random.Random(1)) == []


def test_deal_is_reproducible_with_a_seed_whatever_the_mapping_order():
    shown = {7: 2, 3: 0, 9: 1, 1: 4}
    reversed_order = dict(reversed(list(shown.items())))
    assert dealing.deal(shown, 3, random.Random(42)) == dealing.deal(
        reversed_order, 3, random.Random(42)
    )


def test_a_single_card_is_drawn_in_proportion_to_one_over_times_shown_plus_one():
    # Weights 1, 1/2, 1/4: probabilities 4/7, 2/7, 1/7.
    rng = random.Random(2035)
    draws = Counter(dealing.deal({1: 0, 2: 1, 3: 3}, 1, rng)[0] for _ in range(70_000))
    for item, expected in ((1, 4 / 7), (2, 2 / 7), (3, 1 / 7)):
        assert draws[item] / 70_000 == pytest.approx(expected, abs=0.01)


def test_the_order_of_a_deck_is_shuffled():
    # With equal exposure, each item leads a deck about equally often.
    rng = random.Random(7)
    firsts = Counter(dealing.deal({1: 0, 2: 0, 3: 0}, 3, rng)[0] for _ in range(30_000))
    for item in (1, 2, 3):
        assert firsts[item] / 30_000 == pytest.approx(1 / 3, abs=0.01)


@pytest.mark.parametrize(
    "agent,expected",
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "phone"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120 Mobile Safari/537.36", "phone"),
        ("Mozilla/5.0 (Linux; Android 13; SM-X200) Chrome/120 Safari/537.36", "tablet"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "tablet"),
        ("Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36", "desktop"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_device_class_from_the_user_agent(agent, expected):
    assert device_class(agent) == expected


# --- rounds and plays -----------------------------------------------------------------------


@pytest.fixture
def keyword_list(process):
    return published_list(process, LABELS)


@pytest.fixture
def round(process, keyword_list, staff):
    running_phase(process, PhaseKind.SORTING)
    now = timezone.now()
    round = services.sorting_round_create(
        process=process,
        keyword_list=keyword_list,
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


@pytest.mark.django_db
def test_create_makes_one_dealing_counter_per_list_item(round, keyword_list):
    assert SortingRoundItem.objects.filter(round=round).count() == len(LABELS)
    assert round.status() == "open"


@pytest.mark.django_db
def test_create_refuses_a_list_of_another_process(process, keyword_list, staff, norrkoping):
    from visionportal.models import VisionProcess

    other = VisionProcess.objects.create(municipality=norrkoping, title="Annan", slug="annan")
    now = timezone.now()
    with pytest.raises(services.SortingError):
        services.sorting_round_create(
            process=other,
            keyword_list=keyword_list,
            by=staff,
            title="x",
            opens_at=now,
            closes_at=now + datetime.timedelta(days=1),
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields,message",
    [
        ({"title": "  "}, "title"),
        ({"deck_size": 7}, "at most that many"),
        ({"deck_size": 0}, "between 1 and"),
        ({"closes_offset": -2}, "close after"),
        ({"intro": "x" * 5001}, "introduction"),
    ],
)
def test_create_refuses_bad_settings_with_a_message(process, keyword_list, staff, fields, message):
    now = timezone.now()
    settings = {"title": "Runda", "opens_at": now, "closes_at": now + datetime.timedelta(days=1)}
    offset = fields.pop("closes_offset", None)
    if offset is not None:
        settings["closes_at"] = now + datetime.timedelta(days=offset)
    settings |= fields
    with pytest.raises(services.SortingError, match=message):
        services.sorting_round_create(
            process=process, keyword_list=keyword_list, by=staff, **settings
        )


@pytest.mark.django_db
def test_dealing_counts_exposure_and_evens_it_out(round):
    # One keyword was shown far more often (e.g. it was on the first kiosk's decks).
    overexposed = SortingRoundItem.objects.filter(round=round).first()
    SortingRoundItem.objects.filter(pk=overexposed.pk).update(times_shown=1000)
    for seed in range(30):
        _start(round, seed)
    shown = dict(SortingRoundItem.objects.filter(round=round).values_list("pk", "times_shown"))
    assert sum(shown.values()) == 1000 + 30 * 4
    # Its weight is 1/1001 against about 1/25 for the others: it is (almost) never dealt
    # until the others catch up, and the others share the exposure.
    assert shown.pop(overexposed.pk) <= 1001
    assert min(shown.values()) >= 20


@pytest.mark.django_db
def test_a_deck_is_the_rounds_items_and_positions_follow_it(round, keyword_list):
    player = _start(round)
    items = set(keyword_list.items.values_list("pk", flat=True))
    assert len(player.deck) == 4 and set(player.deck) <= items
    third = player.deck[2]
    vote = services.sort_vote_cast(participant=player, item_id=third, choice=SortChoice.WANT)
    assert vote.position == 3
    assert vote.channel == SortChannel.ONLINE and vote.round_id == round.pk


@pytest.mark.django_db
def test_answering_again_replaces_and_a_double_submit_changes_nothing(round):
    player = _start(round)
    card = player.deck[0]
    first = services.sort_vote_cast(participant=player, item_id=card, choice=SortChoice.WANT)
    again = services.sort_vote_cast(participant=player, item_id=card, choice=SortChoice.WANT)
    assert again.pk == first.pk and again.cast_at == first.cast_at
    services.sort_vote_cast(participant=player, item_id=card, choice=SortChoice.NOT_WANT)
    assert list(SortVote.objects.filter(participant=player).values_list("choice", flat=True)) == [
        -1
    ]


@pytest.mark.django_db
def test_an_online_vote_returns_the_next_cards_state_only_when_asked(round):
    player = _start(round)
    first, second = player.deck[:2]
    vote = dict(round=round, token=player.token, channel=SortChannel.ONLINE)
    stored = services.sort_vote_store(**vote, item_id=first, choice=SortChoice.WANT)
    assert (stored.deck, stored.answered) == (None, None)
    assert stored.position == 1 and stored.vote_id is not None and stored.cast_at is not None
    stored = services.sort_vote_store(
        **vote, item_id=second, choice=SortChoice.NOT_WANT, next_card=True
    )
    assert stored.deck == player.deck and stored.answered == {first, second}
    # The same answer again: stored once, nothing changed, the state as it is.
    again = services.sort_vote_store(
        **vote, item_id=second, choice=SortChoice.NOT_WANT, next_card=True
    )
    assert again.vote_id is None and again.cast_at is None
    assert again.answered == {first, second}


@pytest.mark.django_db
def test_undo_takes_back_the_latest_answer_and_shows_that_card_again(round):
    player = _start(round)
    for card in player.deck[:2]:
        services.sort_vote_cast(participant=player, item_id=card, choice=SortChoice.WANT)
    assert selectors.game_state(player).position == 3
    undone = services.sort_vote_undo(participant=player)
    assert undone.item_id == player.deck[1]
    state = selectors.game_state(player)
    assert state.card.pk == player.deck[1] and state.position == 2 and state.answered == 1
    services.sort_vote_undo(participant=player)
    assert services.sort_vote_undo(participant=player) is None


@pytest.mark.django_db
def test_a_card_outside_the_deck_and_an_unknown_answer_are_refused(round, keyword_list):
    player = _start(round)
    outside = next(
        pk for pk in keyword_list.items.values_list("pk", flat=True) if pk not in player.deck
    )
    with pytest.raises(services.SortingError, match="not in your game"):
        services.sort_vote_cast(participant=player, item_id=outside, choice=1)
    with pytest.raises(services.SortingError):
        services.sort_vote_cast(participant=player, item_id=player.deck[0], choice=5)


@pytest.mark.django_db
def test_skip_is_refused_when_the_round_offers_none(round, staff):
    services.sorting_round_update(round=round, expected_version=round.version, offer_skip=False)
    round.refresh_from_db()
    player = _start(round)
    with pytest.raises(services.SortingError, match="skip"):
        services.sort_vote_cast(participant=player, item_id=player.deck[0], choice=SortChoice.SKIP)


@pytest.mark.django_db
def test_a_closed_round_refuses_new_plays_votes_and_undo(round, staff):
    player = _start(round)
    services.sort_vote_cast(participant=player, item_id=player.deck[0], choice=1)
    services.sorting_round_close(round=round, by=staff)
    round.refresh_from_db()
    player.round = round
    with pytest.raises(services.SortingError, match="closed"):
        _start(round)
    with pytest.raises(services.SortingError, match="closed"):
        services.sort_vote_cast(participant=player, item_id=player.deck[1], choice=1)
    with pytest.raises(services.SortingError, match="closed"):
        services.sort_vote_undo(participant=player)
    assert SortVote.objects.filter(participant=player).count() == 1


@pytest.mark.django_db
def test_a_closed_online_channel_refuses_online_plays(round):
    services.sorting_round_update(round=round, expected_version=round.version, online_open=False)
    round.refresh_from_db()
    with pytest.raises(services.SortingError, match="this way"):
        _start(round)


@pytest.mark.django_db
def test_finishing_keeps_only_the_asked_profile_answers_and_ends_the_play(round):
    services.sorting_round_update(
        round=round, expected_version=round.version, ask_target_groups=True, ask_area=False
    )
    round.refresh_from_db()
    player = _start(round)
    done = services.sort_participant_finish(
        participant=player, age_band="25-44", area="countryside", target_groups=["student"]
    )
    assert done.finished_at is not None
    assert (done.age_band, done.area) == ("25-44", "")
    assert list(done.target_groups.values_list("group", flat=True)) == ["student"]
    # Finishing twice keeps the first answers; a finished play takes no more votes.
    services.sort_participant_finish(participant=done, age_band="80+")
    done.refresh_from_db()
    assert done.age_band == "25-44"
    with pytest.raises(services.SortingError, match="finished"):
        services.sort_vote_cast(participant=done, item_id=done.deck[0], choice=1)


@pytest.mark.django_db
def test_finishing_refuses_answers_outside_the_choices(round):
    player = _start(round)
    with pytest.raises(services.SortingError):
        services.sort_participant_finish(participant=player, age_band="100-120")
    with pytest.raises(services.SortingError):
        services.sort_participant_finish(participant=player, area="Atlantis")
    assert SortParticipant.objects.get(pk=player.pk).finished_at is None


@pytest.mark.django_db
def test_a_stale_settings_save_is_refused(round):
    from visionportal.services import StaleVersion

    services.sorting_round_update(round=round, expected_version=round.version, title="Ny titel")
    with pytest.raises(StaleVersion):
        services.sorting_round_update(round=round, expected_version=round.version, title="Gammal")


@pytest.mark.django_db
def test_live_counts_per_channel_and_device_class(round):
    first = _start(round)
    services.sort_vote_cast(participant=first, item_id=first.deck[0], choice=1)
    second = _start(round, 2)
    services.sort_participant_finish(participant=second)
    counts = selectors.round_live_counts(round)
    assert (counts.players, counts.finished, counts.votes) == (2, 1, 1)
    assert [(r.channel, r.device_class, r.players, r.finished) for r in counts.rows] == [
        ("online", "phone", 2, 1)
    ]


@pytest.mark.django_db
def test_the_demo_has_norrkopings_2015_round_closed_once_over():
    from keywords.sorting.models import SortingRound
    from visionportal.demo import load_demo

    load_demo()
    load_demo()  # rewrites, never duplicates
    round = SortingRound.objects.get()
    assert round.process.municipality.slug == "norrkoping"
    assert round.status() == "closed" and round.opened_at is not None
    assert round.items.count() == round.keyword_list.items.count() > 0


def _another_round(round, *, by, title):
    """A second round of `round`'s process on the same list and dates."""
    return services.sorting_round_create(
        process=round.process,
        keyword_list=round.keyword_list,
        by=by,
        title=title,
        opens_at=round.opens_at,
        closes_at=round.closes_at,
        deck_size=4,
    )


@pytest.mark.django_db
def test_a_vote_reads_its_player_alone_though_the_statistics_say_nobody_plays(round, staff):
    if connection.vendor != "postgresql":
        pytest.skip("per-transaction table statistics are PostgreSQL's")
    earlier = _another_round(round, by=staff, title="En tidigare runda")
    SortParticipant.objects.bulk_create(
        SortParticipant(round=earlier, channel=SortChannel.ONLINE, token=uuid.uuid4(), deck=[])
        for _ in range(5000)
    )
    with connection.cursor() as cursor:
        # Statistics taken before anyone played this round, as when it has just opened.
        cursor.execute(f"ANALYZE {SortParticipant._meta.db_table}")
    players = [_start(round, seed=n) for n in range(300)]
    player = players[150]
    before = rows_read(SortParticipant)
    stored = services.sort_vote_store(
        round=round,
        token=player.token,
        channel=SortChannel.ONLINE,
        item_id=player.deck[0],
        choice=SortChoice.WANT,
    )
    assert stored.participant_id == player.pk
    between = rows_read(SortParticipant)
    assert selectors.player_by_token(player.token, round=round, channel=SortChannel.ONLINE)
    # The vote reads its player (and the vote-count trigger and the foreign key check
    # touch it); with the round's index it read all 300.
    assert between - before <= 5
    assert rows_read(SortParticipant) - between <= 2


@pytest.mark.django_db
def test_a_players_token_finds_them_only_in_their_own_round_and_channel(round, staff):
    player = _start(round)
    assert selectors.player_by_token(player.token, round=round, channel=SortChannel.ONLINE) == (
        player
    )
    assert selectors.player_by_token(player.token, round=round, channel=SortChannel.KIOSK) is None
    other = _another_round(round, by=staff, title="En annan runda")
    other = services.sorting_round_open(round=other, by=staff)
    assert selectors.player_by_token(player.token, round=other) is None
    stored = services.sort_vote_store(
        round=other,
        token=player.token,
        channel=SortChannel.ONLINE,
        item_id=player.deck[0],
        choice=SortChoice.WANT,
    )
    assert stored is None and not SortVote.objects.filter(participant=player).exists()
