"""Staff create a consultation from the process page: seed 000's three questions in the
language they choose, then the settings page to reword them."""

import pytest
from django.urls import reverse

from consultations.models import Consultation, QuestionKind

from .test_staff_access import EDITOR, EDITOR_POST, ROLES, _assert_outcome, _client_for


def _url(process, slug=None):
    return reverse(
        "consultations_staff:create", args=[slug or process.municipality.slug, process.pk]
    )


def _data(**changes):
    data = {"language": "sv", "opens_at": "2026-04-01T08:00", "closes_at": "2026-06-30T23:59"}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_of_the_municipality_create_consultations(client, request, process, role):
    client = _client_for(client, request, role)
    _assert_outcome(client.get(_url(process)), EDITOR[role], f"{role} GET")
    _assert_outcome(client.post(_url(process), _data()), EDITOR_POST[role], f"{role} POST")
    assert Consultation.objects.filter(process=process).exists() is (EDITOR_POST[role] == 302)


def test_another_municipalitys_process_is_not_found(client, other_staff, process):
    client.force_login(other_staff)
    assert client.get(_url(process, slug="ishoj")).status_code == 404
    assert client.post(_url(process, slug="ishoj"), _data()).status_code == 404
    assert not Consultation.objects.exists()


def test_the_new_consultation_asks_the_three_questions_and_opens_its_settings(
    client, staff, process
):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    form = client.get(_url(process))
    assert 'value="sv" selected' in form.content.decode()  # the municipality's language

    response = client.post(_url(process), _data(language="da"))

    consultation = Consultation.objects.get(process=process)
    assert response["Location"] == reverse(
        "consultations_staff:edit", args=["norrkoping", consultation.pk]
    )
    assert consultation.language == "da"
    assert consultation.title == "Forestil dig Norrköping om 9 år"  # 2035 - 2026
    assert list(consultation.questions.values_list("kind", flat=True)) == [
        QuestionKind.KEEP,
        QuestionKind.LEAVE,
        QuestionKind.MISS,
    ]
    assert "Norrköping" in consultation.questions.get(kind=QuestionKind.MISS).text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"closes_at": "2026-03-01T00:00"}, "The consultation must close after it opens."),
        ({"opens_at": ""}, "This field is required."),
        ({"opens_at": "<script>alert(1)</script>"}, "Enter a valid date/time."),
        ({"language": "ar"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_created(
    client, staff, process, changes, error
):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.post(_url(process), _data(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert "<script>alert(1)</script>" not in html
    assert not Consultation.objects.exists()


def test_the_process_page_links_to_a_new_consultation_and_each_ones_settings(
    client, staff, process
):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("workspace:process_edit", args=["norrkoping", process.pk]))
    html = page.content.decode()
    assert "No consultation yet." in html
    assert _url(process) in html

    client.post(_url(process), _data())
    consultation = Consultation.objects.get()
    html = client.get(
        reverse("workspace:process_edit", args=["norrkoping", process.pk])
    ).content.decode()
    assert reverse("consultations_staff:edit", args=["norrkoping", consultation.pk]) in html


def test_a_moderator_reaches_the_answers_and_who_has_answered_from_the_municipality_page(
    client, moderator, staff, process, django_assert_max_num_queries
):
    client.force_login(staff)
    client.post(_url(process), _data())
    consultation = Consultation.objects.get()
    municipality_page = reverse("workspace:municipality", args=["norrkoping"])
    answers = reverse("consultations_staff:responses", args=["norrkoping", consultation.pk])
    who = reverse("consultations_staff:representation", args=["norrkoping", consultation.pk])
    assert answers not in client.get(municipality_page).text  # editors use the process page

    client.force_login(moderator)
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(12):
        page = client.get(municipality_page).text
    assert "Answers to moderate" in page
    assert answers in page and who in page
    assert client.get(answers).status_code == 200
    assert client.get(who).status_code == 200
