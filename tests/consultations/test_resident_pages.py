import re
import uuid

import pytest
from django.urls import reverse

from consultations.models import Answer, Response

from .factories import (
    NORRKOPING_AREAS,
    closed_consultation,
    open_consultation,
    upcoming_consultation,
)


def _urls(consultation):
    args = [consultation.process.municipality.slug, consultation.process.slug, consultation.pk]
    return {
        "form": reverse("consultations:form", args=args),
        "submit": reverse("consultations:submit", args=args),
        "receipt": reverse("consultations:receipt", args=args),
    }


def _post_data(consultation, *texts, key=None, **profile):
    data = {"idempotency_key": str(key or uuid.uuid4()), "age_band": "", "area": "", **profile}
    for question, text in zip(consultation.questions.all(), texts, strict=False):
        data[f"question_{question.pk}"] = text
    return data


@pytest.fixture(autouse=True)
def english(client):
    """Norrköping's pages default to Swedish; these tests read the English strings."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process, areas=NORRKOPING_AREAS)


def test_form_shows_the_questions_as_labelled_textareas_with_length_hints(client, consultation):
    page = client.get(_urls(consultation)["form"])
    assert page.status_code == 200
    html = page.content.decode()
    # Seed 000's questions come in every UI language: an English page reads them in English,
    # their shared lead ("Think of ... in 9 years:") said once above them, not in each label.
    english = {
        "keep": "What should we take with us of what is good today?",
        "leave": "What should we leave behind of what is not good today?",
        "miss": "What should Norrköping be that you miss today?",
    }
    assert (
        '<p class="question-lead" lang="en" dir="auto">Think of Norrköping in 9 years</p>' in html
    )
    for question in consultation.questions.all():
        field_id = f"id_question_{question.pk}"
        label = english[question.kind]
        assert f'<label for="{field_id}" lang="en" dir="auto">{label}</label>' in html
        textarea = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>', html).group(0)
        assert 'maxlength="2000"' in textarea
        assert 'dir="auto"' in textarea
        assert f'aria-describedby="{field_id}_helptext"' in textarea
    assert "Optional. At most 2,000 characters." in html
    assert "IP addresses are not stored" in html
    assert "Prefer not to say" in html


def test_form_carries_a_fresh_idempotency_key_on_each_load(client, consultation):
    pattern = r'name="idempotency_key" value="([0-9a-f-]{36})"'
    first = re.search(pattern, client.get(_urls(consultation)["form"]).content.decode())
    second = re.search(pattern, client.get(_urls(consultation)["form"]).content.decode())
    assert first and second and first.group(1) != second.group(1)


def test_form_page_changes_nothing(client, consultation):
    client.get(_urls(consultation)["form"])
    assert Response.objects.count() == 0


def test_sending_answers_redirects_to_the_receipt(client, consultation):
    urls = _urls(consultation)
    sent = client.post(urls["submit"], _post_data(consultation, "Parkerna", age_band="65-79"))
    assert sent.status_code == 302
    assert sent["Location"] == urls["receipt"]
    response = Response.objects.get()
    assert (response.channel, response.age_band) == ("online", "65-79")
    receipt = client.get(urls["receipt"])
    assert receipt.status_code == 200
    assert "What happens next" in receipt.content.decode()
    assert reverse("public:process", args=["norrkoping", "vision-2035"]) in receipt.content.decode()


def test_double_post_stores_one_response_and_shows_the_receipt_twice(client, consultation):
    urls = _urls(consultation)
    data = _post_data(consultation, "Parkerna", "Köerna")
    first = client.post(urls["submit"], data)
    second = client.post(urls["submit"], data)
    assert first["Location"] == second["Location"] == urls["receipt"]
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 2


def test_empty_form_is_shown_again_with_an_alert(client, consultation):
    page = client.post(_urls(consultation)["submit"], _post_data(consultation, "", " "))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="alert"' in html
    assert "Answer at least one question" in html
    assert Response.objects.count() == 0


def test_too_long_answer_is_shown_again_with_the_typed_text_kept(client, consultation):
    typed = "Längre än tillåtet " + "x" * 2000
    page = client.post(
        _urls(consultation)["submit"],
        _post_data(consultation, "Parkerna", typed, area="Skärblacka"),
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="alert"' in html
    assert "at most 2000 characters" in html
    assert typed in html
    assert "Parkerna" in html
    assert '<option value="Skärblacka" selected>' in html
    assert 'aria-invalid="true"' in html
    assert Response.objects.count() == 0


def test_typed_markup_is_shown_back_as_inert_text(client, consultation):
    payload = "<script>alert('x')</script>" + "y" * 2000
    html = client.post(_urls(consultation)["submit"], _post_data(consultation, payload)).content
    assert b"<script>alert(" not in html
    assert b"&lt;script&gt;alert(" in html


def test_missing_idempotency_key_is_refused_without_storing(client, consultation):
    data = _post_data(consultation, "Parkerna")
    data["idempotency_key"] = "not-a-uuid"
    page = client.post(_urls(consultation)["submit"], data)
    assert page.status_code == 200
    assert 'role="alert"' in page.content.decode()
    assert Response.objects.count() == 0


def test_submit_refuses_get(client, consultation):
    assert client.get(_urls(consultation)["submit"]).status_code == 405


def test_closed_consultation_shows_a_clear_page_not_an_error(client, process):
    consultation = closed_consultation(process)
    page = client.get(_urls(consultation)["form"])
    assert page.status_code == 200
    assert "closed on 30 June 2015" in page.content.decode()
    assert b"<textarea" not in page.content


def test_posting_to_a_closed_consultation_shows_the_closed_page(client, process):
    consultation = closed_consultation(process)
    page = client.post(_urls(consultation)["submit"], _post_data(consultation, "Sent"))
    assert page.status_code == 200
    assert "no longer accepts answers" in page.content.decode()
    assert Response.objects.count() == 0


def test_upcoming_consultation_says_when_it_opens(client, process):
    consultation = upcoming_consultation(process)
    page = client.get(_urls(consultation)["form"])
    assert page.status_code == 200
    assert "It opens on" in page.content.decode()


def test_pages_are_translated(client, consultation):
    client.cookies["django_language"] = "sv"
    page = client.get(_urls(consultation)["form"])
    assert "IP-adresser" in page.content.decode()


def test_process_page_links_to_its_consultation(client, consultation):
    page = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    assert _urls(consultation)["form"] in page.content.decode()


def test_consultation_of_a_draft_process_is_not_found(client, draft_process):
    consultation = open_consultation(draft_process)
    for url in _urls(consultation).values():
        assert client.get(url).status_code in (404, 405)
    assert (
        client.post(_urls(consultation)["submit"], _post_data(consultation, "a")).status_code == 404
    )
    assert Response.objects.count() == 0


def test_consultation_of_a_hidden_municipality_is_not_found(client, consultation):
    consultation.process.municipality.is_public = False
    consultation.process.municipality.save()
    assert client.get(_urls(consultation)["form"]).status_code == 404


def test_consultation_under_another_municipalitys_address_is_not_found(client, ishoj, consultation):
    url = reverse("consultations:form", args=["ishoj", "vision-2035", consultation.pk])
    assert client.get(url).status_code == 404
    url = reverse("consultations:submit", args=["ishoj", "vision-2035", consultation.pk])
    assert client.post(url, _post_data(consultation, "a")).status_code == 404


ROLES = ["anonymous", "outsider", "other_staff", "councillor", "moderator", "staff", "admin_user"]


@pytest.mark.parametrize("role", ROLES)
def test_resident_pages_are_the_same_for_every_role(client, request, consultation, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    urls = _urls(consultation)
    assert client.get(urls["form"]).status_code == 200
    assert client.get(urls["receipt"]).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_draft_process_consultation_is_hidden_from_every_role(client, request, draft_process, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    consultation = open_consultation(draft_process)
    assert client.get(_urls(consultation)["form"]).status_code == 404
