"""Checks behind /healthz, kept apart from views so they can be tested directly."""

from django.conf import settings
from django.db import connection

from .celery import app as celery_app


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def broker_status() -> str:
    """ "ok", "down", or "eager" when tasks run in-process and there is no broker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "down"
        return "down"
