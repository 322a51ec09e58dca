"""A real Celery worker against Redis: tasks round-trip, and a task enqueued inside a
transaction runs only after the commit."""

import os
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from tests.conftest import forget_celery_connections, require_service
from visionportal.celery import app
from visionportal.models import VisionProcess
from visionportal.tasks import enqueue_on_commit, ping, process_outline

pytestmark = pytest.mark.celery_worker

# A database of its own so test traffic never mixes with a developer's queues.
REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def celery_worker(transactional_db):
    require_service(_redis_available(), f"no Redis at {REDIS_URL} for the Celery worker tests")
    redis.Redis.from_url(REDIS_URL).flushdb()
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=REDIS_URL)
    forget_celery_connections()
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10
        ):
            yield
    finally:
        app.conf.update(saved)
        forget_celery_connections()


def test_a_task_round_trips_through_redis_and_a_real_worker(celery_worker):
    assert ping.delay().get(timeout=10) == "pong"


def test_a_task_enqueued_in_a_transaction_runs_only_after_commit(celery_worker, norrkoping):
    task_id = str(uuid.uuid4())
    with transaction.atomic():
        process = VisionProcess.objects.create(
            municipality=norrkoping, title="Vision 2035", slug="vision-2035"
        )
        enqueue_on_commit(process_outline, process.pk, task_id=task_id)
        time.sleep(0.5)
        # Nothing was sent yet: the worker has not seen the task.
        assert app.AsyncResult(task_id).state == "PENDING"
    outline = app.AsyncResult(task_id).get(timeout=10)
    assert outline == {"title": "Vision 2035", "phases": 0, "tracks": 0, "milestones": 0}


def test_a_rolled_back_transaction_sends_nothing(celery_worker, norrkoping):
    task_id = str(uuid.uuid4())
    with pytest.raises(RuntimeError), transaction.atomic():
        process = VisionProcess.objects.create(
            municipality=norrkoping, title="Vision 2035", slug="vision-2035"
        )
        enqueue_on_commit(process_outline, process.pk, task_id=task_id)
        raise RuntimeError("rolled back")
    time.sleep(1)
    assert app.AsyncResult(task_id).state == "PENDING"


def test_without_on_commit_the_worker_cannot_see_uncommitted_rows(celery_worker, norrkoping):
    """Why enqueue_on_commit exists: sent inside the transaction, the task fails."""
    with transaction.atomic():
        process = VisionProcess.objects.create(
            municipality=norrkoping, title="Vision 2035", slug="vision-2035"
        )
        result = process_outline.delay(process.pk)
        result.get(timeout=10, propagate=False)
        assert result.state == "FAILURE"
