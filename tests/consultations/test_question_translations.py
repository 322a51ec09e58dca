"""Questions are content: a resident reads them in their language when the consultation
has it, else in the original with a note; other languages (Arabic, right to left) on request."""

import pytest
from django.urls import reverse

from consultations.models import Question, QuestionKind, QuestionTranslation

from .factories import open_consultation


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _form_url(consultation):
    process = consultation.process
    return reverse(
        "consultations:form", args=[process.municipality.slug, process.slug, consultation.pk]
    )


def test_seed_questions_are_read_in_the_ui_language(client, consultation):
    client.cookies["django_language"] = "da"
    html = client.get(_form_url(consultation)).text
    assert (
        'lang="da" dir="auto">Hvad skal vi tage med os af det, der er godt i dag?</label>' in html
    )
    assert "ikke oversat" not in html


def test_an_untranslated_question_falls_back_to_the_original_with_a_note(client, consultation):
    Question.objects.create(
        consultation=consultation, kind=QuestionKind.CUSTOM, text="Vad gör dig stolt?", position=9
    )
    client.cookies["django_language"] = "en"
    html = client.get(_form_url(consultation)).text
    # Half a translation would mix languages in one form: the whole set falls back.
    assert 'lang="sv" dir="auto">Vad gör dig stolt?</label>' in html
    assert 'lang="sv" dir="auto">Tänk dig Norrköping om 9 år: Vad ska vi ta med oss' in html
    assert "shown in the original (svenska)" in html


def test_arabic_questions_are_offered_and_read_right_to_left(client, consultation):
    arabic = ["ما الذي نحتفظ به؟", "ما الذي نتركه؟", "ما الذي ينقصك؟"]
    for question, text in zip(consultation.questions.all(), arabic, strict=True):
        QuestionTranslation.objects.create(question=question, language="ar", text=text)
    client.cookies["django_language"] = "en"
    url = _form_url(consultation)
    html = client.get(url).text
    assert f'href="{url}?questions=ar" lang="ar" hreflang="ar">العربيّة</a>' in html
    html = client.get(url, {"questions": "ar"}).text
    assert 'lang="ar" dir="auto">ما الذي نحتفظ به؟</label>' in html
    # The form posts back with the same choice, so errors keep the Arabic wording.
    assert "/send/?questions=ar" in html
    # An unknown choice is ignored, not an error.
    assert client.get(url, {"questions": "xx"}).status_code == 200
