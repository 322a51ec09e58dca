"""A real Celery worker against Redis runs the keyword tasks: a rebuild reports progress
until done, and a submitted response is extracted after its commit."""

import time
import uuid

import pytest
from django.db import OperationalError, transaction

from consultations.services import response_submit
from keywords.extraction import services
from keywords.models import ExtractionRun, Keyword, KeywordMention, RunStatus
from tests.consultations.factories import open_consultation

from .factories import respond

pytestmark = pytest.mark.celery_worker

TIMEOUT = 60


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
