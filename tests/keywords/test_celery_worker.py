"""A real Celery worker against Redis runs the keyword tasks: a rebuild reports progress
until done, and a submitted response is extracted after its commit."""

import os
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, transaction

from consultations.services import response_submit
from keywords.extraction import services
from keywords.models import ExtractionRun, Keyword, KeywordMention, RunStatus
from tests.conftest import forget_celery_connections, require_service
from tests.consultations.factories import open_consultation
from visionportal.celery import app

from .factories import respond

pytestmark = pytest.mark.celery_worker

REDIS_BASE = os.environ.get("CELERY_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
CLAIM_KEY = "visionportal:test-claim"
TIMEOUT = 60


def _claim_free_database():
    """An empty Redis database among 10–15, marked as ours so parallel runs skip it."""
    for number in range(10, 16):
        url = f"{REDIS_BASE}/{number}"
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, str(uuid.uuid4()), nx=True, ex=600):
            return url, client
    return None, None


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_BASE, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def celery_worker(transactional_db):
    require_service(_redis_available(), f"no Redis at {REDIS_BASE} for the Celery worker tests")
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


def _wait_for(predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError:
            pass  # SQLite's shared cache: the worker holds the table; ask again
        time.sleep(0.2)
    return False


def test_a_rebuild_runs_on_the_worker_and_reports_progress_until_done(celery_worker, process):
    consultation = open_consultation(process)
    # One transaction: the worker (extracting each new response, then rebuilding) starts
    # only after the commit, so it never writes while this thread does.
    with transaction.atomic():
        for _ in range(3):
            respond(consultation, keep="Parkerna och kollektivtrafiken", miss="Fler cykelvägar")
        # Sent only on commit, as the rebuild view does.
        run = services.extraction_run_start(consultation=consultation)

    assert _wait_for(lambda: ExtractionRun.objects.get(pk=run.pk).is_finished)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert (run.processed, run.total) == (6, 6)
    assert run.started_at <= run.finished_at
    assert Keyword.objects.filter(consultation=consultation, base_form="park").exists()


def test_a_submitted_response_is_extracted_by_the_worker_after_commit(celery_worker, process):
    consultation = open_consultation(process)
    keep = consultation.questions.get(kind="keep")
    response, created = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers={str(keep.pk): "Kollektivtrafiken"},
    )
    assert created
    mentions = KeywordMention.objects.filter(answer__response=response)
    assert _wait_for(mentions.exists)
    assert list(mentions.values_list("keyword__base_form", flat=True)) == ["kollektivtrafik"]


def test_a_merge_has_the_worker_recompute_the_suggestions_after_commit(
    celery_worker, process, staff, monkeypatch
):
    from keywords.curation import services as curation
    from keywords.curation import suggestions
    from keywords.models import MergeSuggestion, MergeSuggestionState

    from .factories import keyword

    monkeypatch.setattr(suggestions, "QUEUE_DELAY", 0)
    consultation = open_consultation(process)
    park, parker = keyword(consultation, "park"), keyword(consultation, "parker")
    skola, skolor = keyword(consultation, "skola"), keyword(consultation, "skolor")
    with transaction.atomic():
        curation.keyword_merge(keywords=[parker], into=park, by=staff)
        curation.keyword_split(keyword=parker, by=staff)
        # Nothing is queued before the commit (the worker would read the old keywords).
        assert not MergeSuggestionState.objects.filter(queued_at__isnull=False).exists()

    state = MergeSuggestionState.objects.filter(consultation=consultation)
    assert _wait_for(lambda: state.filter(computed_at__isnull=False, queued_at=None).exists())
    pairs = MergeSuggestion.objects.filter(consultation=consultation)
    assert set(pairs.values_list("keyword_a", "keyword_b")) == {
        (park.pk, parker.pk),
        (skola.pk, skolor.pk),
    }
