"""Celery tasks of the core: thin, idempotent, named explicitly, JSON arguments only."""

from celery import shared_task

from . import services


@shared_task(name="visionportal.ping")
def ping() -> str:
    return "pong"


@shared_task(name="visionportal.clear_expired_sessions")
def clear_expired_sessions() -> int:
    return services.expired_sessions_clear()
