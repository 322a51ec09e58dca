"""The vision part of the demo: Norrköping's proposal in two drafts, shared with the
councillors, and the council's decision of 14 December 2015 (seed 000's timeline) adopting
it, linked from the timeline's milestone. Re-running rewrites it, never duplicates."""

import datetime

from visionportal.models import (
    DecisionBody,
    DecisionOutcome,
    Milestone,
    User,
    VisionDecision,
    VisionProcess,
    VisionProposal,
)
from visionportal.proposals.services import decision_record, proposal_save, proposal_share

# The demo's own wording, written for the demo from the keywords of seed 000's questions.
FIRST_DRAFT = (
    "Norrköping 2035 är en stad där vattnet, industriarvet och kunskapen bär framtiden.\n\n"
    "- Strömmen och parkerna är allas vardagsrum\n"
    "- Campus och näringsliv växer tillsammans"
)
SECOND_DRAFT = (
    "<p>Norrköping 2035 är en <strong>växande och modig</strong> stad där vattnet, "
    "industriarvet och kunskapen bär framtiden.</p>"
    "<ul><li>Strömmen och parkerna är allas vardagsrum.</li>"
    "<li>Campus och näringsliv växer tillsammans, och jobben finns här.</li>"
    "<li>Landsbygd och stad hänger ihop, med snabba resor åt alla håll.</li></ul>"
    "<p>Vi lämnar <em>segregationen</em> bakom oss.</p>"
)


def extend_demo(municipalities):
    process = VisionProcess.objects.filter(
        municipality=municipalities["norrkoping"], slug="vision-2035"
    ).first()
    if process is None:
        return
    staff = User.objects.get(email="staff@norrkoping.demo")
    # Decisions first: they protect the versions they adopted.
    VisionDecision.objects.filter(process=process).delete()
    VisionProposal.objects.filter(process=process).delete()
    proposal_save(
        process=process,
        title="Norrköping 2035",
        text=FIRST_DRAFT,
        by=staff,
        expected_version=0,
    )
    second = proposal_save(
        process=process,
        title="Norrköping 2035: växande och modig",
        text=SECOND_DRAFT,
        by=staff,
        expected_version=1,
    )
    proposal_share(proposal=second.proposal, shared=True)
    decision_record(
        process=process,
        body=DecisionBody.BOARD,
        meeting_date=datetime.date(2015, 12, 1),
        outcome=DecisionOutcome.ADOPTED,
        case_number="KS 2015/0363",
        notes="Kommunstyrelsen föreslår kommunfullmäktige att anta visionen.",
        milestone=Milestone.objects.filter(process=process, date=datetime.date(2015, 12, 1))
        .order_by("pk")
        .first(),
        by=staff,
    )
    decision_record(
        process=process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.ADOPTED,
        case_number="KS 2015/0363",
        milestone=Milestone.objects.filter(process=process, date=datetime.date(2015, 12, 14))
        .order_by("pk")
        .first(),
        by=staff,
    )
