"""The resident's submit is the hottest write (tests/benchmarks/submit_benchmark.py): these
pin down how few queries it takes, and that the single-statement insert on PostgreSQL
stores exactly what the ORM path does."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from consultations import access
from consultations.models import Answer, Response, ResponseTargetGroup
from consultations.services import response_submit
from tests.conftest import require_service

from .factories import open_consultation


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _answers(consultation, *texts):
    return {str(q.pk): t for q, t in zip(consultation.questions.all(), texts, strict=False)}


def _form_consultation(consultation):
    process = consultation.process
    return access.public_consultation_for_form(
        municipality_slug=process.municipality.slug, process_slug=process.slug, pk=consultation.pk
    )


def test_a_first_submit_of_a_loaded_consultation_takes_one_statement_on_postgresql(
    consultation, django_assert_num_queries
):
    require_service(connection.vendor == "postgresql", "the one-statement insert is PostgreSQL's")
    loaded = _form_consultation(consultation)
    answers = _answers(consultation, "Parkerna", "", "Fler cykelvägar 🚲")
    with django_assert_num_queries(1):
        response, created = response_submit(
            consultation=loaded,
            idempotency_key=uuid.uuid4(),
            answers=answers,
            age_band="25-44",
            area="main_urban_area",
            target_groups=["student", "working"],
        )
    assert created
    stored = Response.objects.get(pk=response.pk)
    assert (stored.age_band, stored.area, stored.channel) == ("25-44", "main_urban_area", "online")
    assert stored.keywords_extracted_at is None
    assert list(stored.answers.values_list("text", flat=True)) == [
        "Parkerna",
        "Fler cykelvägar 🚲",
    ]
    assert all(a.hidden_at is None and a.hidden_reason == "" for a in stored.answers.all())
    assert sorted(stored.target_groups.values_list("group", flat=True)) == ["student", "working"]


def test_a_retried_submit_stores_nothing_more_and_returns_the_first_response(consultation):
    loaded = _form_consultation(consultation)
    key = uuid.uuid4()
    first, created = response_submit(
        consultation=loaded,
        idempotency_key=key,
        answers=_answers(consultation, "Parkerna"),
        target_groups=["student"],
    )
    again, created_again = response_submit(
        consultation=loaded,
        idempotency_key=key,
        answers=_answers(consultation, "Parkerna"),
        target_groups=["student"],
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1
    assert ResponseTargetGroup.objects.count() == 1


def test_the_submit_page_reads_nothing_from_the_database_once_its_form_was_loaded(
    client, consultation, django_assert_max_num_queries
):
    """The form's GET caches the consultation and its questions for a few seconds; the
    POST then only writes (one statement on PostgreSQL; BEGIN, three INSERTs and COMMIT on
    SQLite)."""
    process = consultation.process
    args = [process.municipality.slug, process.slug, consultation.pk]
    client.cookies["django_language"] = "sv"
    assert client.get(reverse("consultations:form", args=args)).status_code == 200
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "age_band": "",
        "area": "",
        **{f"question_{q.pk}": "Parkerna" for q in consultation.questions.all()},
    }
    writes = 1 if connection.vendor == "postgresql" else 5
    with django_assert_max_num_queries(writes):
        response = client.post(reverse("consultations:submit", args=args), data)
    assert response.status_code == 302
    assert Answer.objects.count() == 3


def test_forms_of_two_consultations_keep_their_own_area_choices(process):
    """The form's choice fields share their choice lists between copies (for speed); a
    consultation's own areas must still never show up in another's form."""
    from consultations.forms import ResponseForm

    with_districts = open_consultation(process, areas="Inre staden\nSkärblacka")
    default_split = open_consultation(process)
    first = ResponseForm(consultation=with_districts, questions=[])
    second = ResponseForm(consultation=default_split, questions=[])
    first_values = [value for value, _label in first.fields["area"].choices]
    second_values = [value for value, _label in second.fields["area"].choices]
    assert "Skärblacka" in first_values
    assert "Skärblacka" not in second_values
    assert "countryside" in second_values
    assert [v for v, _ in first.fields["area"].widget.choices] == first_values
    assert [v for v, _ in second.fields["area"].widget.choices] == second_values
    assert ResponseForm.base_fields["area"].choices == []


def test_line_breaks_count_as_one_character_as_the_browser_counts_them(consultation):
    """A browser submits each line break as CR LF; maxlength and the live counter count it
    once. An answer right at the limit must not be refused for its line breaks."""
    limit = consultation.max_answer_length
    lines = ["x" * 9] * (limit // 10)
    as_typed = "\n".join(lines)  # what the resident sees: 1999 characters
    as_sent = as_typed.replace("\n", "\r\n")
    assert len(as_typed) <= limit < len(as_sent)

    response, created = response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers=_answers(consultation, as_sent),
    )
    assert created
    assert response.answers.get().text == as_typed


@pytest.mark.django_db(transaction=True)
def test_a_question_removed_after_the_form_was_loaded_is_a_clear_error_not_a_500(client, process):
    """The form's questions are cached for a few seconds; staff may remove an unanswered
    question meanwhile. The resident is told to reload; nothing is stored."""
    consultation = open_consultation(process)
    custom = consultation.questions.create(kind="custom", text="Något mer?", position=9)
    loaded = access.public_consultation(
        municipality_slug="norrkoping",
        process_slug=process.slug,
        pk=consultation.pk,
        with_questions=True,
    )
    custom.delete()
    with pytest.raises(ValidationError, match="Reload the page"):
        response_submit(
            consultation=loaded,
            idempotency_key=uuid.uuid4(),
            answers={str(custom.pk): "Badplatser"},
        )
    assert not Response.objects.exists()
