"""Celery tasks of the core: thin, idempotent, named explicitly, JSON arguments only."""

from celery import shared_task

from . import selectors, services


@shared_task(name="visionportal.ping")
def ping() -> str:
    return "pong"


@shared_task(name="visionportal.clear_expired_sessions")
def clear_expired_sessions() -> int:
    return services.expired_sessions_clear()


@shared_task(name="visionportal.process_outline")
def process_outline(process_id: int) -> dict:
    return selectors.process_outline(process_id)
