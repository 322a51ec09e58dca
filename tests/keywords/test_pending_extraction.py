"""New responses are extracted by a sweep sent on commit: at most one send per interval per
process under load, and a sweep that catches up with whatever the broker missed."""

import uuid

import pytest
from kombu.exceptions import OperationalError as BrokerError

from consultations.models import Response
from consultations.services import response_submit
from keywords import tasks
from keywords.extraction import services
from keywords.models import KeywordMention
from visionportal.celery import app

from .factories import respond


def _submit(consultation, text="Parkerna"):
    keep = consultation.questions.get(kind="keep")
    response, _ = response_submit(
        consultation=consultation, idempotency_key=uuid.uuid4(), answers={str(keep.pk): text}
    )
    return response


def _base_forms(response):
    return set(
        KeywordMention.objects.filter(answer__response=response).values_list(
            "keyword__base_form", flat=True
        )
    )


def test_a_new_response_is_pending_until_the_sweep_extracts_it(consultation):
    response = respond(consultation, keep="Kollektivtrafiken", miss="Cykelvägar")
    assert Response.objects.get(pk=response.pk).keywords_extracted_at is None

    assert services.pending_responses_extract() == 1

    response.refresh_from_db()
    assert response.keywords_extracted_at is not None
    assert _base_forms(response) == {"kollektivtrafik", "cykelväg"}


def test_a_second_sweep_finds_nothing_to_do(consultation):
    respond(consultation, keep="Parkerna")
    services.pending_responses_extract()
    mentions = list(KeywordMention.objects.values_list("pk", "keyword_id", "answer_id"))

    assert services.pending_responses_extract() == 0
    assert list(KeywordMention.objects.values_list("pk", "keyword_id", "answer_id")) == mentions


def test_the_sweep_works_through_more_responses_than_one_batch(consultation):
    responses = [respond(consultation, keep=f"Parkerna {i}") for i in range(7)]

    assert services.pending_responses_extract(limit=3) == 7
    assert not Response.objects.filter(keywords_extracted_at__isnull=True).exists()
    assert all(_base_forms(r) == {"park"} for r in responses)


def test_a_submit_is_extracted_once_its_transaction_commits(
    consultation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(consultation, "Kollektivtrafiken")
    response.refresh_from_db()
    assert response.keywords_extracted_at is not None
    assert _base_forms(response) == {"kollektivtrafik"}


@pytest.fixture
def broker_calls(monkeypatch):
    """Record what would go to the broker (the external border) with a worker-style setup."""
    calls = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "_last_sweep_sent", -services.TRIGGER_INTERVAL)
    monkeypatch.setattr(
        tasks.extract_pending, "apply_async", lambda *a, **kw: calls.append(kw) or None
    )
    return calls


def test_under_load_one_sweep_is_sent_per_interval_and_runs_after_the_commits(
    consultation, django_capture_on_commit_callbacks, broker_calls, monkeypatch
):
    clock = iter([100.0, 100.2, 100.9, 101.1])
    monkeypatch.setattr(services, "_clock", lambda: next(clock))
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            _submit(consultation)

    # Sent at 100.0 (covering 100.2 and 100.9: it runs an interval later) and at 101.1.
    assert broker_calls == [{"countdown": services.TRIGGER_INTERVAL}] * 2
    assert Response.objects.filter(keywords_extracted_at__isnull=True).count() == 4


def test_a_response_stored_while_the_broker_is_down_is_kept_and_extracted_later(
    consultation, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "_last_sweep_sent", -services.TRIGGER_INTERVAL)

    def broker_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.extract_pending, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(consultation, "Kollektivtrafiken")

    response.refresh_from_db()
    assert response.answers.count() == 1
    assert response.keywords_extracted_at is None
    assert "Connection refused" in caplog.text

    # Later submits do not each wait for the broker: sends pause for a while.
    attempts = []
    monkeypatch.setattr(tasks.extract_pending, "apply_async", lambda *a, **k: attempts.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        _submit(consultation, "Parkerna")
    assert attempts == []

    # The periodic sweep (beat) catches up once the broker is back.
    assert tasks.extract_pending() == 2
    assert _base_forms(response) == {"kollektivtrafik"}


def test_keyword_tasks_never_wait_on_the_result_backend():
    for task in (tasks.extract_pending, tasks.rebuild):
        assert task.ignore_result


def test_the_sweep_is_on_the_beat_schedule():
    from django.conf import settings

    entries = settings.CELERY_BEAT_SCHEDULE.values()
    assert {"task": "keywords.extract_pending", "schedule": 60} in entries


def test_an_answer_edited_on_its_own_is_extracted_again_by_the_sweep(
    consultation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(consultation, "Parkerna")
    assert _base_forms(response) == {"park"}

    answer = response.answers.get()
    answer.text = "Kollektivtrafiken"
    with django_capture_on_commit_callbacks(execute=True):
        answer.save()
    response.refresh_from_db()
    assert response.keywords_extracted_at is not None
    assert _base_forms(response) == {"kollektivtrafik"}


def test_a_moderator_hiding_an_answer_leaves_its_extraction_alone(consultation, moderator):
    from consultations.services import answer_hide

    response = _submit(consultation, "Parkerna")
    services.pending_responses_extract()
    answer_hide(answer=response.answers.get(), by=moderator, reason="Personuppgifter")
    response.refresh_from_db()
    assert response.keywords_extracted_at is not None
