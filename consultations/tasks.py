"""Celery tasks of consultations: thin, idempotent, named explicitly, JSON arguments only."""

from celery import shared_task

from . import drafts


@shared_task(name="consultations.clear_expired_drafts")
def clear_expired_drafts() -> int:
    return drafts.drafts_clear_expired()
