"""The questions as a resident reads them: which language, which wording, the shared lead
said once (consultations.question_language has the pure rules). Used by the answers form
and the results page. Reads each question's prefetched `translations`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language_info

from .question_language import question_wording, split_common_lead


def language_name(code: str) -> str:
    from .services import EXTRA_QUESTION_LANGUAGES

    if code in EXTRA_QUESTION_LANGUAGES:
        return EXTRA_QUESTION_LANGUAGES[code]
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def question_languages(consultation, questions) -> list[str]:
    """The languages every question can be read in: the original and the complete
    translations (a half-translated set would mix languages within one form)."""
    languages = {consultation.language}
    complete = None
    for question in questions:
        have = {t.language for t in question.translations.all()}
        complete = have if complete is None else complete & have
    languages |= complete or set()
    return sorted(languages)


@dataclass(frozen=True)
class QuestionsAsRead:
    questions: list  # (question, label) pairs, in order
    language: str
    # True when the UI language was wanted but the questions are shown in the original.
    fallback: bool
    # A lead every question shared, to say once above them ("" when none, or the heading).
    lead: str
    asked: str  # the ?questions= choice honoured, or ""
    available: list[str]

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def others(self) -> list[dict]:
        return [
            {"code": code, "name": language_name(code)}
            for code in self.available
            if code != self.language
        ]


def questions_as_read(consultation, questions, *, ui_language: str, asked: str = ""):
    available = question_languages(consultation, questions)
    if asked in available:
        wanted, fallback = asked, False
    elif ui_language in available:
        wanted, fallback, asked = ui_language, False, ""
    else:
        # Half a translation would mix languages within one form: the original, whole.
        wanted, fallback, asked = consultation.language, True, ""
    wordings = [
        question_wording(
            original=question.text,
            original_language=consultation.language,
            translations={t.language: t.text for t in question.translations.all()},
            wanted=wanted,
        )
        for question in questions
    ]
    lead, labels = split_common_lead([w.text for w in wordings], consultation.title)
    return QuestionsAsRead(
        questions=list(zip(questions, labels, strict=True)),
        language=wanted,
        fallback=fallback,
        lead="" if lead == consultation.title.strip() else lead,
        asked=asked,
        available=available,
    )
