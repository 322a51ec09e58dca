"""The consultation settings page: who may use it, what it saves, and two editors at once."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, Question, QuestionKind
from visionportal.services import StaleVersion

from .factories import open_consultation
from .staff_helpers import XSS, staff_url, submit
from .test_staff_access import EDITOR, EDITOR_POST, ROLES, _assert_outcome, _client_for


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _form_data(consultation, **changes):
    """What the settings page posts when nothing is changed, with `changes` applied."""
    questions = list(consultation.questions.all())
    tz = timezone.get_current_timezone()
    data = {
        "version": consultation.version,
        "title": consultation.title,
        "intro": consultation.intro,
        "opens_at": consultation.opens_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": consultation.closes_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "max_answer_length": consultation.max_answer_length,
        "areas": consultation.areas,
        "questions-TOTAL_FORMS": len(questions) + 2,
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for name in ("ask_age_band", "ask_area", "ask_target_groups", "ask_preferred_language"):
        if getattr(consultation, name):
            data[name] = "on"
    for index, question in enumerate(questions):
        data[f"questions-{index}-question_id"] = question.pk
        data[f"questions-{index}-text"] = question.text
        data[f"questions-{index}-position"] = index + 1
    for index in range(len(questions), len(questions) + 2):
        data[f"questions-{index}-text"] = ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("role", ROLES)
def test_settings_page_is_for_editors_of_that_municipality(client, request, consultation, role):
    client = _client_for(client, request, role)
    url = staff_url("edit", consultation)
    _assert_outcome(client.get(url), EDITOR[role], f"{role} GET")
    posted = client.post(url, _form_data(consultation, title="Ny titel"))
    _assert_outcome(posted, EDITOR_POST[role], f"{role} POST")
    consultation.refresh_from_db()
    assert (consultation.title == "Ny titel") is (EDITOR_POST[role] == 302)


def test_other_municipalitys_consultation_is_not_found(client, other_staff, consultation):
    client.force_login(other_staff)
    assert client.get(staff_url("edit", consultation, slug="ishoj")).status_code == 404


def test_staff_configure_settings_profile_questions_and_areas(client, staff, consultation):
    client.force_login(staff)
    data = _form_data(
        consultation,
        title="Norrköping 2035",
        intro="Berätta!",
        max_answer_length=500,
        ask_age_band=None,
        ask_preferred_language="on",
        areas="Hageby\n\n  Inre   staden \nhageby\nمدينة 🏙️",
    )
    response = client.post(staff_url("edit", consultation), data)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Norrköping 2035"
    assert consultation.max_answer_length == 500
    assert not consultation.ask_age_band
    assert consultation.ask_preferred_language
    assert consultation.areas == "Hageby\nInre staden\nمدينة 🏙️"
    page = client.get(staff_url("edit", consultation))
    assert "The consultation&#x27;s settings were saved." in page.content.decode()


def test_staff_reword_reorder_remove_and_add_questions(client, staff, consultation):
    client.force_login(staff)
    keep, leave, miss = consultation.questions.all()
    data = _form_data(
        consultation,
        **{
            "questions-0-text": "Vad är bra idag?",
            "questions-0-position": 2,
            "questions-1-DELETE": "on",
            "questions-2-position": 1,
            "questions-3-text": "Vad vill du säga till politikerna?",
            "questions-3-position": 3,
        },
    )
    assert client.post(staff_url("edit", consultation), data).status_code == 302
    questions = list(consultation.questions.all())
    assert [(q.pk, q.position) for q in questions[:2]] == [(miss.pk, 0), (keep.pk, 1)]
    assert questions[1].text == "Vad är bra idag?"
    assert questions[2].kind == QuestionKind.CUSTOM
    assert questions[2].text == "Vad vill du säga till politikerna?"
    assert not Question.objects.filter(pk=leave.pk).exists()


def test_a_question_with_answers_cannot_be_removed(client, staff, consultation):
    submit(consultation, "Parkerna")
    client.force_login(staff)
    page = client.get(staff_url("edit", consultation)).content.decode()
    assert "This question has answers, so it cannot be removed." in page
    assert 'name="questions-0-DELETE"' not in page
    # A crafted post is refused too, and nothing else is saved with it.
    data = _form_data(consultation, title="Changed", **{"questions-0-DELETE": "on"})
    response = client.post(staff_url("edit", consultation), data)
    assert response.status_code == 200
    assert "cannot be removed" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.title != "Changed"
    assert consultation.questions.count() == 3


def test_two_editors_at_once_the_second_save_is_refused(client, staff, admin_user, consultation):
    stale = _form_data(consultation, title="Second editor's title")
    client.force_login(admin_user)
    first = _form_data(consultation, title="First editor's title")
    assert client.post(staff_url("edit", consultation), first).status_code == 302
    client.force_login(staff)
    response = client.post(staff_url("edit", consultation), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this while you were editing" in html
    assert "Second editor&#x27;s title" in html  # their changes are still in the form
    consultation.refresh_from_db()
    assert consultation.title == "First editor's title"


def test_a_stale_version_is_refused_by_the_service_even_for_question_edits(consultation):
    questions = list(consultation.questions.all())
    read = consultation.version
    # A colleague only rewords a question: that is a new version of the consultation too.
    services.consultation_configure(
        consultation=consultation,
        expected_version=read,
        settings={},
        questions=[
            services.QuestionEdit(question_id=q.pk, text=text, position=None)
            for q, text in zip(questions, ["Changed elsewhere", "b", "c"], strict=True)
        ],
    )
    consultation.refresh_from_db()
    assert consultation.version == read + 1
    with pytest.raises(StaleVersion):
        services.consultation_configure(
            consultation=consultation,
            expected_version=read,
            settings={"title": "x"},
            questions=[],
        )
    consultation.refresh_from_db()
    assert consultation.title != "x"
    assert consultation.questions.first().text == "Changed elsewhere"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"max_answer_length": 0}, "greater than or equal to 1"),
        ({"max_answer_length": 20001}, "less than or equal to 20000"),
        ({"areas": "x" * 121}, "Shorten each area to at most 120 characters."),
        ({"areas": "\n".join(f"Area {n}" for n in range(101))}, "List at most 100 areas."),
        ({"closes_at": "2015-01-01T00:00"}, "The consultation must close after it opens."),
        ({"opens_at": "not a date"}, "Enter a valid date/time."),
        (
            {f"questions-{n}-DELETE": "on" for n in range(3)},
            "Keep at least one question.",
        ),
        ({"questions-0-text": "   "}, "Question 1 is empty."),
        ({"questions-3-text": "x" * 1001}, "at most 1000 characters"),
        ({"version": ""}, "This field is required."),
    ],
)
def test_bad_settings_are_shown_again_and_nothing_is_saved(
    client, staff, consultation, changes, message
):
    client.force_login(staff)
    before = Consultation.objects.values().get(pk=consultation.pk)
    texts = list(consultation.questions.values_list("text", flat=True))
    response = client.post(staff_url("edit", consultation), _form_data(consultation, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert Consultation.objects.values().get(pk=consultation.pk) == before
    assert list(consultation.questions.values_list("text", flat=True)) == texts


def test_hostile_text_is_saved_as_text_and_shown_inert(client, staff, consultation):
    client.force_login(staff)
    data = _form_data(
        consultation, title=XSS[:200], intro=XSS, **{"questions-3-text": XSS}, areas=XSS[:120]
    )
    assert client.post(staff_url("edit", consultation), data).status_code == 302
    for url in (staff_url("edit", consultation), staff_url("responses", consultation)):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    assert consultation.questions.last().text == XSS


def test_the_resident_form_follows_the_new_settings(client, staff, consultation):
    client.force_login(staff)
    data = _form_data(
        consultation,
        ask_age_band=None,
        ask_target_groups=None,
        ask_preferred_language="on",
        areas="Eneby\nKrokek",
    )
    assert client.post(staff_url("edit", consultation), data).status_code == 302
    client.logout()
    args = [consultation.process.municipality.slug, consultation.process.slug, consultation.pk]
    html = client.get(reverse("consultations:form", args=args)).content.decode()
    assert 'name="age_band"' not in html
    assert 'name="target_groups"' not in html
    assert 'name="preferred_language"' in html
    area = re.search(r'<select name="area".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', area) == ["", "Eneby", "Krokek", "undisclosed"]


def test_new_dates_can_close_the_consultation(client, staff, consultation):
    client.force_login(staff)
    an_hour_ago = timezone.localtime() - datetime.timedelta(hours=1)
    data = _form_data(consultation, closes_at=an_hour_ago.strftime("%Y-%m-%dT%H:%M"))
    assert client.post(staff_url("edit", consultation), data).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status() == "closed"
