"""Staff add the questions in other languages (issue 14): role × municipality, and what is
stored, including right-to-left text, removal and bad input."""

import pytest

from consultations import services
from consultations.models import QuestionTranslation

from .factories import open_consultation
from .staff_helpers import staff_url
from .test_staff_access import EDITOR, EDITOR_POST, ROLES, _assert_outcome, _client_for

ARABIC = ["ماذا نحتفظ به؟", "ماذا نترك وراءنا؟", "ما الذي ينقصك؟"]


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _post(consultation, language, texts):
    data = {"language": language}
    for question, text in zip(consultation.questions.all(), texts, strict=True):
        data[f"text_{question.pk}"] = text
    return data


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_of_the_municipality_translate_questions(client, request, consultation, role):
    client = _client_for(client, request, role)
    url = staff_url("translations", consultation)
    _assert_outcome(client.get(url + "?language=ar"), EDITOR[role], f"{role} GET")
    _assert_outcome(client.post(url, _post(consultation, "ar", ARABIC)), EDITOR_POST[role], role)
    stored = QuestionTranslation.objects.filter(language="ar").count()
    assert stored == (3 if EDITOR_POST[role] == 302 else 0)


def test_arabic_questions_are_stored_shown_and_removed(client, staff, consultation):
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    url = staff_url("translations", consultation)
    assert client.post(url, _post(consultation, "ar", ARABIC)).status_code == 302
    page = client.get(url + "?language=ar").text
    assert 'lang="ar" dir="auto">ماذا نحتفظ به؟</textarea>' in page
    # An empty box removes that one translation.
    client.post(url, _post(consultation, "ar", ["", ARABIC[1], ARABIC[2]]))
    assert QuestionTranslation.objects.filter(language="ar").count() == 2


@pytest.mark.parametrize(
    ("language", "texts", "message"),
    [
        ("xx", ARABIC, "Choose a language from the list."),
        ("sv", ARABIC, "written in this language already"),
        ("ar", ["x" * 1001, "", ""], "at most 1000 characters"),
    ],
)
def test_bad_input_is_refused_clearly_and_stores_nothing(
    client, staff, consultation, language, texts, message
):
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    response = client.post(
        staff_url("translations", consultation), _post(consultation, language, texts)
    )
    assert response.status_code == 400
    assert message in response.text
    assert "<title>Error:" in response.text
    assert (
        not QuestionTranslation.objects.filter(language=language)
        .exclude(language__in=["da", "nb", "en"])
        .exists()
    )


def test_markup_is_stored_as_text_and_cleaned(consultation):
    question = consultation.questions.first()
    services.question_translations_set(
        consultation=consultation,
        language="so",
        texts={question.pk: " <b>Maxaan\u200b haynaa?</b> "},
    )
    assert QuestionTranslation.objects.get(language="so").text == "<b>Maxaan haynaa?</b>"
