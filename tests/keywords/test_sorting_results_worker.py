"""A real Celery worker against Redis aggregates a sorting round: staff's request is sent
after its commit, the worker computes the snapshot, and the same task delivered again
changes nothing; the beat's refresh task queues and computes the open rounds' snapshots,
and its fold task moves the votes' changes into the vote cells."""

import time

import pytest
from django.db import OperationalError, connection, transaction

from keywords.sorting import aggregation, result_tasks
from keywords.sorting.result_models import (
    CellGrouping,
    SnapshotStatus,
    SortResultSnapshot,
    SortVoteCell,
    SortVoteDelta,
)
from tests.conftest import require_service
from tests.keywords.sorting_factories import bare_round, published_list, sorting_phase

from .sorting_results_data import meeting, play

pytestmark = pytest.mark.celery_worker

TIMEOUT = 60


def _wait_for(predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError:
            pass
        time.sleep(0.2)
    return False


def test_the_worker_computes_a_snapshot_once(celery_worker, process, staff):
    round = bare_round(published_list(process, ["Trygghet", "Strömmen"]))
    with transaction.atomic():
        for _ in range(3):
            play(round, {"Trygghet": 1, "Strömmen": -1})
        meeting(round, 6, {"Strömmen": (4, 2, 0)})
        snapshot = aggregation.result_snapshot_request(round=round, by=staff)
        # Nothing is sent before the commit.
        assert SortResultSnapshot.objects.get(pk=snapshot.pk).status == SnapshotStatus.QUEUED

    assert _wait_for(lambda: SortResultSnapshot.objects.get(pk=snapshot.pk).is_finished)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE, snapshot.error
    assert (snapshot.votes, snapshot.participants, snapshot.group_participants) == (12, 3, 6)
    assert snapshot.steps_done == snapshot.steps_total
    strommen = next(i for i in snapshot.data["items"] if i["label"] == "Strömmen")
    assert (strommen["wants"], strommen["not_wants"]) == (4, 5)

    # Redelivered (acks_late): the finished snapshot stays exactly as it was.
    finished, data = snapshot.finished_at, snapshot.data
    result_tasks.aggregate_round.delay(snapshot.pk)
    refresh = result_tasks.refresh_results.delay  # the beat's task, through the broker
    sorting_phase(process)
    play(round, {"Trygghet": -1})  # a new vote: the refresh skips unchanged rounds
    refresh()
    assert _wait_for(lambda: SortResultSnapshot.objects.filter(round=round).count() == 2)
    assert _wait_for(
        lambda: all(s.is_finished for s in SortResultSnapshot.objects.filter(round=round))
    )
    snapshot.refresh_from_db()
    assert (snapshot.finished_at, snapshot.data) == (finished, data)
    newest = aggregation.latest_snapshot(round)
    assert newest.pk != snapshot.pk and newest.trigger == "schedule" and newest.votes == 13


def test_the_beat_folds_the_votes_changes_into_the_cells(celery_worker, process, settings):
    require_service(
        connection.vendor == "postgresql", "the vote cells are kept by PostgreSQL triggers"
    )
    assert settings.CELERY_BEAT_SCHEDULE["fold-sorting-vote-cells"] == {
        "task": "keywords.sorting_fold_vote_cells",
        "schedule": 60,
    }
    round = bare_round(published_list(process, ["Trygghet", "Strömmen"]))
    play(round, {"Trygghet": 1, "Strömmen": -1})
    assert SortVoteDelta.objects.filter(round_id=round.pk).count() == 2
    result_tasks.fold_vote_cells.delay()  # the beat's task, through the broker
    assert _wait_for(lambda: not SortVoteDelta.objects.exists())
    cells = SortVoteCell.objects.filter(round=round, grouping=CellGrouping.POSITION)
    assert sorted(cells.values_list("choice", "position", "votes")) == [(-1, 2, 1), (1, 1, 1)]
