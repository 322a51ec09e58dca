"""Running a hot path's one statement in one round trip.

Django keeps connections open between requests (CONN_MAX_AGE) and, with
CONN_HEALTH_CHECKS, sends a query of its own before a request's first one, so that a
connection PostgreSQL has dropped since (a restart, a failover) is replaced instead of
failing the request. That check is a round trip like any other: on the sorting game's
vote, whose one statement is the request's only query, it was a tenth of the request's
time in Python and half of its waits on the database.

A statement that may safely run twice needs no check beforehand: run it, and only if the
connection turns out to be broken, replace the connection and run it once more.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import InterfaceError, OperationalError, connection


def fetch_one_idempotent(sql: str, params: Sequence) -> tuple | None:
    """The first row of `sql`, which the caller promises is idempotent (running it twice
    leaves what running it once does), run in autocommit.

    Skips Django's health check when it is due; if the statement then fails because the
    kept connection is broken, reconnects and runs it again, once. Any other error (the
    statement's own, or a timeout on a connection that still works) is raised as it is.
    Inside a transaction, or when no check is due, this is a plain execute: a statement
    in a transaction cannot be retried alone."""
    if (
        connection.in_atomic_block
        or not connection.health_check_enabled
        or connection.health_check_done
        or connection.connection is None
    ):
        return _fetch_one(sql, params)
    connection.health_check_done = True
    try:
        return _fetch_one(sql, params)
    except (OperationalError, InterfaceError):
        if connection.is_usable():
            raise
        connection.close()
        return _fetch_one(sql, params)


def _fetch_one(sql: str, params: Sequence) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
