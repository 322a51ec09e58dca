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


# --- the councillors' round (tests/keywords/test_councillor*.py) ---


def keyword(consultation, label, **fields):
    """A keyword as curation left it (base form = lowercased label unless given)."""
    from keywords.models import Keyword

    fields.setdefault("base_form", label.casefold())
    return Keyword.objects.create(consultation=consultation, label=label, **fields)


def councillor_of(municipality, email, *, party=""):
    """Another councillor (the `councillor` fixture has no party)."""
    from tests.conftest import make_user
    from visionportal.models import Membership, Role

    user = make_user(email)
    Membership.objects.create(
        user=user, municipality=municipality, role=Role.COUNCILLOR, party=party
    )
    return user


def accept_all(round):
    """Staff accept every active (not withdrawn) proposal of the round."""
    from keywords.councillors.services import Acceptance
    from keywords.models import CouncillorProposal, ProposalKind

    active = CouncillorProposal.objects.filter(round=round, withdrawn_at__isnull=True)
    return Acceptance.of(
        strikes=[p.keyword_id for p in active if p.kind == ProposalKind.STRIKE],
        additions=[p.label for p in active if p.kind == ProposalKind.ADD],
    )
