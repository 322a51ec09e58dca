"""A real Celery worker against Redis: a task round-trips through the broker.

(That a task enqueued in a transaction runs only after its commit is shown with a real task
in tests/keywords/test_celery_worker.py.)"""

import pytest

from visionportal.tasks import ping

pytestmark = pytest.mark.celery_worker


def test_a_task_round_trips_through_redis_and_a_real_worker(celery_worker):
    assert ping.delay().get(timeout=10) == "pong"
