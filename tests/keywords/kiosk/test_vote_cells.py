"""The vote cells (keywords.sorting.result_models.SortVoteCell) kept from PostgreSQL's
triggers as votes change: after every kind of change the aggregation counts the same from
them as from a scan of the votes, with the changes pending and once they are folded; the
folded cells equal those counted afresh in Python from the votes, and likewise each
player's included votes. PostgreSQL only: elsewhere there are no triggers and the
aggregation scans."""

import random
import threading
import uuid

import pytest
from django.db import connection, connections

from keywords.sorting import aggregation, integrity, kiosk, services, vote_cells
from keywords.sorting.models import SortChannel, SortParticipant, SortVote
from keywords.sorting.result_models import CellGrouping, SortVoteCell, SortVoteDelta
from keywords.sorting.vote_profiles import sort_votes_copy_profile
from tests.conftest import all_at_once
from tests.keywords.sorting_factories import bare_round, published_list
from tests.keywords.sorting_results_data import play

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the vote cells are kept by PostgreSQL triggers")


def _expected_cells(round):
    """The cells of the round's included votes, counted in Python from the votes."""
    cells = {}

    def add(key):
        cells[key] = cells.get(key, 0) + 1

    for v in SortVote.objects.filter(round=round, excluded=False).values():
        base = (v["item_id"], v["choice"])
        add((CellGrouping.POSITION, *base, "", "", 0, "", "", v["position"]))
        if v["device_class"]:
            add(
                (CellGrouping.PROFILE, *base, v["channel"], v["device_class"])
                + (v["target_groups"], "", "", 0)
            )
            add((CellGrouping.AGE_AREA, *base, "", "", 0, v["age_band"], v["area"], 0))
    return cells


def _stored_cells(round):
    return {
        key: n
        for *key, n in SortVoteCell.objects.filter(round=round)
        .exclude(votes=0)
        .values_list(
            "grouping",
            "item_id",
            "choice",
            "channel",
            "device_class",
            "target_groups",
            "age_band",
            "area",
            "position",
            "votes",
        )
        for key in [tuple(key)]
    }


def _assert_cells_match(round):
    """The counts from the cells equal a scan's before the pending changes are folded
    (the aggregation adds them) and after; once folded, nothing is pending and the cells
    and the players' included votes equal what the votes say."""
    scanned = vars(aggregation.round_counts(round, scan=True))
    assert vars(aggregation.round_counts(round)) == scanned
    assert vars(aggregation.round_counts(round, grouping_sets=True)) == scanned
    vote_cells.vote_cells_fold()
    assert not SortVoteDelta.objects.exists()
    stored = _stored_cells(round)
    assert stored == _expected_cells(round)
    # Each player's included votes, which the players' count reads.
    players = SortParticipant.objects.filter(round=round)
    assert {p.pk: p.included_votes for p in players} == {
        p.pk: p.votes.filter(excluded=False).count() for p in players
    }
    assert SortVoteCell.objects.filter(round=round, votes__lt=0).count() == 0
    assert vars(aggregation.round_counts(round)) == scanned
    return stored


def _online(round, seed=1):
    return services.sort_participant_start(
        round=round, channel=SortChannel.ONLINE, device_class="phone", rng=random.Random(seed)
    )


def test_single_votes_replacements_undo_and_the_profile_copy(sorting_round):
    round = sorting_round
    services.sorting_round_update(
        round=round, expected_version=round.version, ask_area=False, ask_target_groups=True
    )
    round.refresh_from_db()
    player, other = _online(round), _online(round, seed=2)
    for item in player.deck[:3]:
        services.sort_vote_cast(participant=player, item_id=item, choice=1)
    services.sort_vote_cast(participant=other, item_id=other.deck[0], choice=-1)
    cells = _assert_cells_match(round)
    # Unfinished: every grouping counts them, under their device class and an empty rest
    # of the profile (the finish copies the rest).
    assert {key[0] for key in cells} == set(CellGrouping)
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.POSITION) == 4
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.PROFILE) == 4

    # A changed answer moves the vote (ON CONFLICT DO UPDATE); the same answer again and
    # an undo (a delete) are counted too.
    services.sort_vote_cast(participant=player, item_id=player.deck[0], choice=0)
    services.sort_vote_cast(participant=player, item_id=player.deck[0], choice=0)
    services.sort_vote_undo(participant=player)
    _assert_cells_match(round)
    assert SortVote.objects.filter(participant=player).count() == 2

    services.sort_participant_finish(
        participant=player, age_band="65-79", target_groups=["older", "student"]
    )
    cells = _assert_cells_match(round)
    # The player's two votes and the other's one, which still has the empty rest.
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.PROFILE) == 3
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.AGE_AREA) == 3
    aged = [n for key, n in cells.items() if key[0] == CellGrouping.AGE_AREA and key[6] != ""]
    assert sum(aged) == 2
    # Copying the same profile again changes no count.
    sort_votes_copy_profile(participant_ids=[player.pk])
    assert _assert_cells_match(round) == cells


def test_kiosk_batches_with_finished_plays(device):
    plays = kiosk.kiosk_decks_deal(device=device, count=3, rng=random.Random(4))
    votes = [
        kiosk.QueuedVote(p.token, item, 1 - n % 3, None)
        for p in plays
        for n, item in enumerate(p.deck)
    ]
    receipt = kiosk.kiosk_batch_receive(
        device=device,
        idempotency_key=uuid.uuid4(),
        votes=votes[:6],
        finished=[plays[0].token],
    )
    assert receipt.stored == 6
    _assert_cells_match(device.round)
    # A retry and an overlapping batch store nothing twice (ON CONFLICT DO NOTHING).
    kiosk.kiosk_batch_receive(device=device, idempotency_key=uuid.uuid4(), votes=votes)
    cells = _assert_cells_match(device.round)
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.POSITION) == len(votes)
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.PROFILE) == len(votes)
    assert not SortVote.objects.filter(round=device.round, device_class="").exists()


def test_exclusion_reinclusion_and_deletion(sorting_round, staff):
    round = sorting_round
    kept = play(round, {"trygghet": 1, "parker": -1}, device_class="desktop", age_band="25-44")
    doubtful = play(
        round,
        {"trygghet": -1, "parker": -1, "segregation": 0},
        device_class="phone",
        area="Hageby",
        groups=["young"],
    )
    sort_votes_copy_profile(participant_ids=[kept.pk, doubtful.pk])
    before = _assert_cells_match(round)
    integrity.votes_exclude(round=round, by=staff, reason="Samma svar", participant=doubtful)
    assert sum(n for key, n in _assert_cells_match(round).items() if key[0] == 1) == 2
    integrity.votes_exclude(
        round=round, by=staff, reason="Granskat", include=True, participant=doubtful
    )
    assert _assert_cells_match(round) == before
    # Deleting a player deletes their votes (cascade) and their counts.
    SortParticipant.objects.filter(pk=doubtful.pk).delete()
    after = _assert_cells_match(round)
    assert sum(n for key, n in after.items() if key[0] == CellGrouping.POSITION) == 2
    # An uncopied player's votes deleted likewise.
    late = play(round, {"konstgräs": 1}, device_class="phone")
    _assert_cells_match(round)
    late.delete()
    assert _assert_cells_match(round) == after


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_and_finishes_keep_the_cells_exact(sorting_round):
    """Eight players vote on the same cards at once (the same hot cells), then finish at
    once, while the changes are folded again and again; each thread has its own
    connection and transactions."""
    round = sorting_round
    threads = 8
    players = [_online(round, seed=n) for n in range(threads)]
    errors, playing = [], threading.Event()
    playing.set()

    def fold():
        try:
            while playing.is_set():
                vote_cells.vote_cells_fold()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    def vote(n):
        for item in sorted(players[n].deck):
            services.sort_vote_cast(participant=players[n], item_id=item, choice=1)

    folder = threading.Thread(target=fold)
    folder.start()
    try:
        all_at_once(vote, threads)
        all_at_once(
            lambda n: services.sort_participant_finish(participant=players[n], age_band="25-44"),
            threads,
        )
    finally:
        playing.clear()
        folder.join(60)
    assert not errors, errors
    cells = _assert_cells_match(round)
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.POSITION) == 4 * threads
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.PROFILE) == 4 * threads


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_card_store_one_answer_and_count_it_once(sorting_round):
    """A player's card sent from several tabs at once, with different answers: the first
    insert wins, the others wait for it and then replace its answer (or find it equal), so
    one vote is left and every cell counts it once."""
    round = sorting_round
    player = _online(round)
    threads, card = 6, player.deck[0]
    stored = all_at_once(
        lambda n: services.sort_vote_store(
            round=round,
            token=player.token,
            channel=SortChannel.ONLINE,
            item_id=card,
            choice=(1, -1, 0)[n % 3],
            next_card=True,
        ),
        threads,
    )
    assert len(stored) == threads and all(s.answered == {card} for s in stored)
    vote = SortVote.objects.get(participant=player)
    assert vote.item_id == card and vote.choice in (1, -1, 0)
    cells = _assert_cells_match(round)
    assert sum(n for key, n in cells.items() if key[0] == CellGrouping.POSITION) == 1


def test_deleting_a_round_deletes_its_cells_and_leaves_the_others(device, process):
    round = device.round
    plays = kiosk.kiosk_decks_deal(device=device, count=2, rng=random.Random(5))
    votes = [kiosk.QueuedVote(p.token, item, 1, None) for p in plays for item in p.deck]
    kiosk.kiosk_batch_receive(
        device=device,
        idempotency_key=uuid.uuid4(),
        votes=votes,
        finished=[p.token for p in plays],
    )
    consultation = round.keyword_list.consultation
    other = bare_round(
        published_list(process, ["trygghet", "parker"], consultation=consultation, version=2)
    )
    play(other, {"trygghet": 1, "parker": 0}, device_class="phone")
    kept = _assert_cells_match(other)
    assert _assert_cells_match(round)
    # Changes still pending in both rounds when one is deleted.
    play(round, {round.keyword_list.items.first().label: -1}, device_class="phone")
    late = play(other, {"parker": 1}, device_class="phone")
    assert SortVoteDelta.objects.filter(round_id=round.pk).exists()
    # The cascade deletes the batches (their votes' batch set to null first), the votes,
    # the players and the cells; the votes' triggers append the deletions, and the fold
    # drops every change of the round that is gone and folds the other's.
    round.delete()
    vote_cells.vote_cells_fold()
    assert not SortVoteDelta.objects.exists()
    assert not SortVoteCell.objects.filter(round_id=round.pk).exists()
    assert _assert_cells_match(other) != kept
    late.delete()
    assert _assert_cells_match(other) == kept
