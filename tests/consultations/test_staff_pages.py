"""Staff entry of answers from other channels, the answers list, and moderation."""

import uuid

import pytest

from consultations.models import Answer, Channel, Response

from .factories import closed_consultation, open_consultation
from .staff_helpers import XSS, staff_url, submit


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _entry(consultation, *texts, key=None, **fields):
    data = {
        "idempotency_key": str(key or uuid.uuid4()),
        "channel": "focus_group",
        "group_label": "",
        "participants": "",
        "age_band": "",
        "area": "",
        **fields,
    }
    for question, text in zip(consultation.questions.all(), texts, strict=False):
        data[f"question_{question.pk}"] = text
    return data


def test_entry_form_shows_channel_group_questions_and_profile(client, staff, consultation):
    client.force_login(staff)
    page = client.get(staff_url("response_create", consultation))
    assert page.status_code == 200
    text = page.text
    for name in ("channel", "group_label", "participants", "age_band", "area"):
        assert f'name="{name}"' in text
    for question in consultation.questions.all():
        assert f'name="question_{question.pk}"' in text
    assert 'name="idempotency_key"' in text
    assert 'value="online"' not in text


def test_staff_store_a_focus_group_with_label_and_participants(client, staff, consultation):
    client.force_login(staff)
    data = _entry(
        consultation, "Parkerna", group_label="Ungdomsrådet", participants="12", age_band="16-24"
    )
    response = client.post(staff_url("response_create", consultation), data)
    assert response.status_code == 302
    assert response["Location"] == staff_url("responses", consultation)
    stored = Response.objects.get()
    assert (stored.channel, stored.group_label, stored.participants, stored.age_band) == (
        Channel.FOCUS_GROUP,
        "Ungdomsrådet",
        12,
        "16-24",
    )
    assert [a.text for a in stored.answers.all()] == ["Parkerna"]


def test_double_submit_of_the_staff_form_stores_one_response(client, staff, consultation):
    client.force_login(staff)
    data = _entry(consultation, "Parkerna", key=uuid.uuid4())
    url = staff_url("response_create", consultation)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Response.objects.count() == 1


def test_staff_may_enter_answers_after_the_consultation_closed(client, staff, process):
    consultation = closed_consultation(process)
    client.force_login(staff)
    response = client.post(
        staff_url("response_create", consultation),
        _entry(consultation, "Intervju från i våras", channel="interview"),
    )
    assert response.status_code == 302
    assert Response.objects.get().channel == "interview"


@pytest.mark.parametrize(
    ("fields", "texts", "message"),
    [
        ({}, (), "Answer at least one question"),
        ({"participants": "0"}, ("x",), "greater than or equal to 1"),
        ({"participants": "many"}, ("x",), "Enter a whole number"),
        ({"channel": "online"}, ("x",), "Select a valid choice"),
        ({"group_label": "g" * 121}, ("x",), "at most 120 characters"),
    ],
)
def test_invalid_entries_are_explained_and_not_stored(
    client, staff, consultation, fields, texts, message
):
    client.force_login(staff)
    page = client.post(
        staff_url("response_create", consultation), _entry(consultation, *texts, **fields)
    )
    assert page.status_code == 200
    assert message in page.text
    assert not Response.objects.exists()


def test_an_answer_over_the_limit_is_refused(client, staff, consultation):
    client.force_login(staff)
    page = client.post(
        staff_url("response_create", consultation), _entry(consultation, "x" * 100_000)
    )
    assert page.status_code == 200
    assert "at most 2000 characters" in page.text
    assert not Response.objects.exists()


def test_list_shows_masked_answers_and_escapes_markup(client, moderator, consultation):
    submit(consultation, f"Ring mig 070-123 45 67 {XSS}", channel="interview", group_label=XSS)
    client.force_login(moderator)
    page = client.get(staff_url("responses", consultation))
    assert page.status_code == 200
    assert "070-123 45 67" not in page.text
    assert "[phone]" in page.text
    assert "<script>" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    # Moderators see no links to entry, import or export.
    assert staff_url("response_create", consultation) not in page.text
    assert staff_url("export", consultation, "csv") not in page.text


def test_list_filters_by_channel_and_paginates(client, staff, consultation):
    for index in range(55):
        submit(consultation, f"Intervju {index}", channel="interview")
    submit(consultation, "Från nätet")
    client.force_login(staff)
    url = staff_url("responses", consultation)
    page = client.get(url, {"channel": "online"})
    assert "Från nätet" in page.text and "Intervju" not in page.text
    page = client.get(url, {"channel": "interview"})
    assert "55 responses" in page.text
    assert "Page 1 of 2" in page.text
    assert "channel=interview&amp;page=2" in page.text
    page2 = client.get(url, {"channel": "interview", "page": "2"})
    assert page2.text.count("Intervju ") == 5
    # Nonsense filters and pages fall back instead of failing.
    assert client.get(url, {"channel": "<x>", "page": "999999999999"}).status_code == 200


def test_moderator_hides_an_answer_with_a_reason_and_it_is_audited(client, moderator, consultation):
    answer = submit(consultation, "Anna Svensson på Storgatan 3 är dum").answers.get()
    client.force_login(moderator)
    response = client.post(
        staff_url("answer_hide", consultation, answer.pk), {"reason": "Names a person"}
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.hidden_by == moderator
    assert answer.hidden_reason == "Names a person"
    assert answer.hidden_at is not None
    assert Answer.objects.filter(pk=answer.pk).exists()
    assert not Answer.objects.visible().filter(pk=answer.pk).exists()
    page = client.get(staff_url("responses", consultation))
    assert "Names a person" in page.text and "Show again" in page.text


@pytest.mark.parametrize("reason", ["", "   ", "r" * 501])
def test_hiding_needs_a_reason_of_sensible_length(client, moderator, consultation, reason):
    answer = submit(consultation, "Text").answers.get()
    client.force_login(moderator)
    client.post(staff_url("answer_hide", consultation, answer.pk), {"reason": reason})
    answer.refresh_from_db()
    assert answer.hidden_at is None


def test_hide_reason_with_markup_is_shown_inert(client, moderator, consultation):
    answer = submit(consultation, "Text").answers.get()
    client.force_login(moderator)
    client.post(staff_url("answer_hide", consultation, answer.pk), {"reason": XSS})
    page = client.get(staff_url("responses", consultation))
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


def test_list_query_count_does_not_grow_with_responses(
    client, staff, consultation, django_assert_max_num_queries
):
    for index in range(3):
        submit(consultation, f"Svar {index}", "Mer", "Mindre", channel="interview")
    client.force_login(staff)
    url = staff_url("responses", consultation)
    client.get(url)  # warm up the session and the MFA lookup
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for index in range(30):
        submit(consultation, f"Fler {index}", "Mer", channel="workshop")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(
    "language,expected", [("sv", "16 maj 2015"), ("da", "16. maj 2015"), ("nb", "16. mai 2015")]
)
def test_answer_times_are_written_in_the_pages_language(
    client, staff, consultation, language, expected
):
    """Issue 14: "16 Maj 2015" (an English pattern with a Swedish month) in every language."""
    import datetime

    response = Response.objects.create(consultation=consultation, idempotency_key=uuid.uuid4())
    at = datetime.datetime(2015, 5, 16, 12, 30, tzinfo=datetime.UTC)
    Response.objects.filter(pk=response.pk).update(submitted_at=at)
    client.force_login(staff)
    client.cookies["django_language"] = language
    page = client.get(staff_url("responses", consultation)).text
    assert expected in page and "Maj 2015" not in page
