"""Responses with answers to seed 000's three questions, for the keyword tests."""

import uuid

from consultations.models import Answer, Channel, Response


def respond(consultation, *, keep="", leave="", miss="", channel=Channel.ONLINE, age_band=""):
    """A response stored directly (no on-commit hook), with one answer per non-empty text."""
    response = Response.objects.create(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        channel=channel,
        age_band=age_band,
    )
    questions = {q.kind: q for q in consultation.questions.all()}
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[kind], text=text)
        for kind, text in (("keep", keep), ("leave", leave), ("miss", miss))
        if text
    )
    return response


def answer_ids(consultation):
    return list(
        Answer.objects.filter(response__consultation=consultation).values_list("pk", flat=True)
    )
