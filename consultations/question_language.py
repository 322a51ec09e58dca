"""Which wording of a question a resident reads (pure; no ORM).

Questions are content: a consultation asks them in its own language and may carry them in
others (consultations.models.QuestionTranslation). A resident reads them in the language
they asked for, else in the UI's language, else in the original, and is told when the
original stands in for their language (GOV.UK and Designsystemet both say: say which
language content is in when it is not the page's).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    text: str
    language: str
    # True when the resident's language was wanted but the original is shown instead.
    is_fallback: bool


def question_wording(
    *, original: str, original_language: str, translations: dict[str, str], wanted: str
) -> Wording:
    if wanted == original_language:
        return Wording(original, original_language, False)
    if translations.get(wanted):
        return Wording(translations[wanted], wanted, False)
    return Wording(original, original_language, True)


def split_common_lead(texts: list[str], heading: str) -> tuple[str, list[str]]:
    """A lead every question repeats, said once: ("lead", [questions without it]).

    Seed 000's questions read "Tänk dig Norrköping om 20 år: Vad ska vi ta med oss ...?",
    three times, under the heading "Tänk dig Norrköping om 20 år": on a phone the repeated
    lead pushes the first answer box off the first screen. A lead is dropped only when it
    ends in a colon and is the same in every question (two or more), or is the page's
    heading; a question is never cut anywhere else, and none is left empty. The page shows
    a dropped lead once, unless it is the heading.
    """
    heads, rests = [], []
    for text in texts:
        head, colon, rest = text.partition(":")
        if not colon or not rest.strip() or not head.strip():
            return "", list(texts)
        heads.append(head.strip())
        rests.append(rest.strip())
    if not heads or len(set(heads)) != 1:
        return "", list(texts)
    lead = heads[0]
    if len(texts) < 2 and lead != heading.strip():
        return "", list(texts)
    return lead, rests
