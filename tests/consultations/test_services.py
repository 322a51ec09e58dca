import datetime
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from consultations.models import Answer, Consultation, QuestionKind, Response
from consultations.services import consultation_create_default, response_submit
from tests.conftest import require_service

from .factories import (
    NORRKOPING_AREAS,
    closed_consultation,
    open_consultation,
    upcoming_consultation,
)


def _answers(consultation, *texts):
    return {q.pk: t for q, t in zip(consultation.questions.all(), texts, strict=False)}


@pytest.fixture
def consultation(process):
    return open_consultation(process, areas=NORRKOPING_AREAS)


def test_default_consultation_asks_seed_000s_three_questions_in_swedish(process):
    consultation = closed_consultation(process)
    questions = list(consultation.questions.all())
    assert [q.kind for q in questions] == [QuestionKind.KEEP, QuestionKind.LEAVE, QuestionKind.MISS]
    # Asked in 2015 about 2035: seed 000's "om 20 år".
    assert questions[0].text == (
        "Tänk dig Norrköping om 20 år: Vad ska vi ta med oss av det som är bra idag?"
    )
    assert questions[2].text.endswith("Vad ska Norrköping vara av det som du saknar idag?")
    assert consultation.language == "sv"
    assert consultation.max_answer_length == 2000


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("sv", "Tänk dig Norrköping om "),
        ("da", "Forestil dig Norrköping om "),
        ("nb", "Tenk deg Norrköping om "),
        ("en", "Think of Norrköping in "),
    ],
)
def test_default_questions_name_the_municipality_in_each_language(process, language, phrase):
    consultation = open_consultation(process, language=language)
    questions = list(consultation.questions.all())
    assert len(questions) == 3
    assert all(question.text.startswith(phrase) for question in questions)
    # The third question names the municipality again: "What should Norrköping be ...".
    assert questions[2].text.count("Norrköping") == 2
    assert "Norrköping" in consultation.title


def test_default_horizon_counts_from_the_year_asked_to_the_target_year(process):
    tz = timezone.get_current_timezone()
    consultation = consultation_create_default(
        process=process,
        opens_at=datetime.datetime(2025, 1, 1, tzinfo=tz),
        closes_at=datetime.datetime(2025, 2, 1, tzinfo=tz),
        language="en",
    )
    assert consultation.questions.first().text.startswith("Think of Norrköping in 10 years:")


def test_default_horizon_is_20_years_without_a_target_year(process):
    process.target_year = None
    process.save()
    consultation = open_consultation(process, language="da")
    assert consultation.questions.first().text.startswith("Forestil dig Norrköping om 20 år:")


def test_closing_before_opening_is_refused_by_the_database(process):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(
            process=process, title="x", language="sv", opens_at=now, closes_at=now
        )


def test_submit_stores_the_response_and_its_answers(consultation):
    response, created = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers=_answers(consultation, "  Parkerna  ", "Bilköerna", ""),
        age_band="25-44",
        area="Innerstaden",
    )
    assert created
    assert response.channel == "online"
    assert response.age_band == "25-44"
    assert sorted(response.answers.values_list("text", flat=True)) == ["Bilköerna", "Parkerna"]


def test_double_submit_stores_one_response(consultation):
    key = uuid.uuid4()
    answers = _answers(consultation, "Parkerna")
    first, created_first = response_submit(
        consultation=consultation, idempotency_key=key, answers=answers
    )
    second, created_second = response_submit(
        consultation=consultation, idempotency_key=str(key), answers=answers
    )
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1


def test_same_key_is_a_different_response_in_another_consultation(process, consultation):
    other = open_consultation(process)
    key = uuid.uuid4()
    response_submit(
        consultation=consultation, idempotency_key=key, answers=_answers(consultation, "a")
    )
    response_submit(consultation=other, idempotency_key=key, answers=_answers(other, "b"))
    assert Response.objects.count() == 2


def test_retry_after_closing_returns_the_response_stored_in_time(consultation):
    key = uuid.uuid4()
    stored, _ = response_submit(
        consultation=consultation, idempotency_key=key, answers=_answers(consultation, "a")
    )
    consultation.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    consultation.opens_at = consultation.closes_at - datetime.timedelta(days=1)
    consultation.save()
    again, created = response_submit(
        consultation=consultation, idempotency_key=key, answers=_answers(consultation, "a")
    )
    assert (again.pk, created) == (stored.pk, False)


def test_closed_consultation_refuses_answers(process):
    consultation = closed_consultation(process)
    with pytest.raises(ValidationError, match="closed"):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers=_answers(consultation, "a"),
        )
    assert Response.objects.count() == 0


def test_not_yet_open_consultation_refuses_answers(process):
    consultation = upcoming_consultation(process)
    with pytest.raises(ValidationError, match="not opened"):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers=_answers(consultation, "a"),
        )
    assert Response.objects.count() == 0


def test_all_empty_answers_are_refused(consultation):
    with pytest.raises(ValidationError, match="at least one"):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers=_answers(consultation, "", "   \n\t ", ""),
        )
    assert Response.objects.count() == 0


def test_empty_answers_are_ignored_when_another_is_given(consultation):
    response, _ = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers=_answers(consultation, "", "Mer grönska", " "),
    )
    assert list(response.answers.values_list("text", flat=True)) == ["Mer grönska"]


def test_too_long_answer_is_refused_with_the_limit(consultation):
    keep = consultation.questions.first()
    with pytest.raises(ValidationError) as error:
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers={keep.pk: "x" * 2001},
        )
    assert str(keep.pk) in error.value.message_dict
    assert "2000" in error.value.message_dict[str(keep.pk)][0]
    assert Response.objects.count() == 0


def test_answer_at_the_limit_after_stripping_is_accepted(consultation):
    keep = consultation.questions.first()
    response, _ = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers={keep.pk: "  " + "x" * 2000 + "\n"},
    )
    assert len(response.answers.get().text) == 2000


def test_question_of_another_consultation_is_refused(process, consultation):
    other = open_consultation(process)
    with pytest.raises(ValidationError):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers={other.questions.first().pk: "a"},
        )


def test_unknown_age_band_is_refused(consultation):
    with pytest.raises(ValidationError):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers=_answers(consultation, "a"),
            age_band="42",
        )


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "Mer grönska 🌳🚲 och 👩🏽‍👩🏽‍👧🏽 familjer",
        "أريد مكتبة أكبر في الحي",
        '=HYPERLINK("http://evil")',
    ],
)
def test_answers_are_stored_exactly_as_written(consultation, text):
    response, _ = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers=_answers(consultation, text),
    )
    response.refresh_from_db()
    assert response.answers.get().text == text


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_stores_one_response(process):
    require_service(connection.vendor == "postgresql", "concurrent submits need PostgreSQL")
    consultation = open_consultation(process)
    key = uuid.uuid4()
    answers = _answers(consultation, "Parkerna")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                response_submit(consultation=consultation, idempotency_key=key, answers=answers)
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({response.pk for response, _ in results}) == 1
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert Answer.objects.filter(response__consultation=consultation).count() == 1


@pytest.mark.parametrize("invisible", ["\u00a0\u200b", "\u200b", "\ufeff\u2060", "\u200d", "\x07"])
def test_an_answer_of_only_invisible_characters_counts_as_empty(consultation, invisible):
    with pytest.raises(ValidationError, match="at least one"):
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers=_answers(consultation, invisible, "", ""),
        )
    response, _ = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers=_answers(consultation, invisible, "Mer grönska", ""),
    )
    assert list(response.answers.values_list("text", flat=True)) == ["Mer grönska"]


def test_an_answer_with_a_joiner_between_letters_is_kept_as_typed(consultation):
    # ZWNJ is part of Persian spelling: only answers with nothing visible are empty.
    response, _ = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers=_answers(consultation, "می\u200cخواهم"),
    )
    assert response.answers.get().text == "می\u200cخواهم"
