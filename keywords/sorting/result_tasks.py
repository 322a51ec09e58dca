"""Celery tasks of the sorting results: thin, idempotent, named explicitly, JSON arguments.
Progress lives on the snapshot row, so results are ignored."""

from celery import shared_task

from . import aggregation, vote_cells


@shared_task(name="keywords.sorting_aggregate_round", ignore_result=True)
def aggregate_round(snapshot_id: int) -> str:
    return aggregation.result_snapshot_compute(snapshot_id=snapshot_id).status


@shared_task(name="keywords.sorting_refresh_results", ignore_result=True)
def refresh_results() -> int:
    return len(aggregation.result_snapshots_refresh())


@shared_task(name="keywords.sorting_fold_vote_cells", ignore_result=True)
def fold_vote_cells() -> int:
    return vote_cells.vote_cells_fold()
