"""Folding the votes' changes into the vote cells (result_models.SortVoteCell).

On PostgreSQL the votes' triggers append every change as SortVoteDelta rows (keywords
migration 0022 says why); ``vote_cells_fold`` moves them into the cells and the players'
included votes. A Celery beat task folds each minute, and the aggregation folds before it
counts; it also adds whatever was appended since, so folding late never makes a count
wrong, only the pending rows more. Elsewhere (the SQLite demo) there are no triggers and
nothing to fold: the aggregation scans the votes.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

# A fold that meets a round or keyword being deleted at that moment (the deletion takes
# the cells the fold is adding to) fails on the foreign key or a deadlock; the next try
# finds the round gone and drops its rows.
_RETRY_STATES = {"23503", "40P01"}


def vote_cells_fold() -> int:
    """Fold every pending change into the cells, in one transaction; the number of cells
    written (0 when nothing was pending, and always 0 off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return 0
    try:
        return _fold()
    except DatabaseError as error:
        state = getattr(error.__cause__, "sqlstate", None)
        if state not in _RETRY_STATES:
            raise
        logger.info("vote cells fold tried again (%s)", state)
        return _fold()


def _fold() -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT sort_vote_cells_fold()")
        return cursor.fetchone()[0]
