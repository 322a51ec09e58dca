"""Celery tasks of the core: thin, idempotent, named explicitly, JSON arguments only."""

from celery import shared_task
from django.db import transaction

from . import selectors, services


def enqueue_on_commit(task, *args, task_id: str | None = None) -> None:
    """Send `task` only once the current transaction commits.

    A task sent earlier could run before its rows are visible to the worker, or for a
    transaction that is then rolled back. Outside a transaction it is sent at once.
    """
    transaction.on_commit(lambda: task.apply_async(args=args, task_id=task_id))


@shared_task(name="visionportal.ping")
def ping() -> str:
    return "pong"


@shared_task(name="visionportal.clear_expired_sessions")
def clear_expired_sessions() -> int:
    return services.expired_sessions_clear()


@shared_task(name="visionportal.process_outline")
def process_outline(process_id: int) -> dict:
    return selectors.process_outline(process_id)
