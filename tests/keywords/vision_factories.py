"""A process with answers, keywords and quotes for the vision and decision pack tests."""

from consultations.models import Answer, QuestionKind
from keywords.models import Keyword, KeywordMention, KeywordStatus
from tests.consultations.factories import closed_consultation
from tests.keywords.factories import respond

# Hostile answers: each must appear in the PDF exactly as typed, never acted on.
PAYLOADS = [
    "<script>alert('pack')</script> hamnen",
    '<img src="https://evil.test/x.png"> hamnen',
    '=HYPERLINK("http://evil.test","klicka") hamnen',
    "مرحبا بكم في الحديقة hamnen",
]


def keyword_with_mentions(consultation, label, answers, **counts):
    keyword = Keyword.objects.create(
        consultation=consultation,
        label=label,
        base_form=label.casefold(),
        status=KeywordStatus.KEPT,
        **({"respondents": len(answers)} | counts),
    )
    KeywordMention.objects.bulk_create(
        KeywordMention(keyword=keyword, answer=answer, surface_form=label) for answer in answers
    )
    return keyword


def answered_consultation(process):
    """A closed consultation whose "keep" answers are the PAYLOADS and one with a phone
    number to mask, each quoted in the pack (at most two quotes a keyword: the keywords
    "hamnen", "kajen" and "telefon" share them out), and "miss" answers about a park."""
    consultation = closed_consultation(process)
    keep_answers = []
    for text in [*PAYLOADS, "hamnen, ring 070-123 45 67"]:
        response = respond(consultation, keep=text, miss="en park vid vattnet")
        keep_answers.append(response.answers.get(question__kind=QuestionKind.KEEP))
    miss_answers = list(
        Answer.objects.filter(
            response__consultation=consultation, question__kind=QuestionKind.MISS
        ).order_by("pk")
    )
    for label, answers in (
        ("hamnen", keep_answers[0:2]),
        ("kajen", keep_answers[2:4]),
        ("telefon", keep_answers[4:5]),
    ):
        keyword_with_mentions(consultation, label, answers, respondents_keep=len(answers))
    keyword_with_mentions(consultation, "park", miss_answers, respondents_miss=len(miss_answers))
    return consultation
