"""A real Celery worker against Redis writes a background export after its commit, and the
download gives the same bytes as the export streamed in a request."""

import os
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, transaction

from consultations import export_jobs, exports, selectors
from consultations.models import ExportJob, ExportStatus
from tests.conftest import forget_celery_connections, require_service
from visionportal.celery import app

from .factories import open_consultation
from .staff_helpers import submit

pytestmark = pytest.mark.celery_worker

REDIS_BASE = os.environ.get("CELERY_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
CLAIM_KEY = "visionportal:test-claim"


def _claim_free_database():
    """An empty Redis database among 10–15, marked as ours so parallel runs skip it."""
    for number in range(10, 16):
        url = f"{REDIS_BASE}/{number}"
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, str(uuid.uuid4()), nx=True, ex=600):
            return url, client
    return None, None


@pytest.fixture
def celery_worker(transactional_db):
    try:
        available = bool(redis.Redis.from_url(REDIS_BASE, socket_connect_timeout=1).ping())
    except redis.RedisError:
        available = False
    require_service(available, f"no Redis at {REDIS_BASE} for the Celery worker tests")
    url, client = _claim_free_database()
    require_service(url is not None, "no free Redis database among 10–15")
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    forget_celery_connections()
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
        ):
            yield
    finally:
        app.conf.update(saved)
        forget_celery_connections()
        client.flushdb()


def _finished(job_pk):
    try:
        return ExportJob.objects.get(pk=job_pk).is_finished
    except OperationalError:
        return False  # SQLite's shared cache: the worker holds the table; ask again


def test_a_background_export_is_written_by_the_worker_after_commit(
    celery_worker, process, monkeypatch
):
    monkeypatch.setattr(export_jobs, "CHUNK_BYTES", 64)
    consultation = open_consultation(process)
    with transaction.atomic():
        for index in range(5):
            submit(consultation, f"Parken {index}", "=1+1", channel="interview")
        job = export_jobs.export_job_start(consultation=consultation, fmt="csv", by=None)
    deadline = time.monotonic() + 60
    while not _finished(job.pk) and time.monotonic() < deadline:
        time.sleep(0.2)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert (job.processed, job.total) == (5, 5)
    table, _ = selectors.export_table(consultation)
    assert b"".join(export_jobs.export_job_file(job)) == exports.to_csv(table)
