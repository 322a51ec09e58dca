"""The vision proposal's versions, optimistic locking, the decision record and the
permission-checked file download helper."""

import datetime

import pytest
from django.http import Http404

from visionportal.files import protected_download, store_file
from visionportal.models import (
    DecisionBody,
    DecisionOutcome,
    Milestone,
    ProposalVersion,
    VisionProposal,
    decision_body_name,
)
from visionportal.proposals.services import (
    ProposalError,
    decision_record,
    proposal_comment_add,
    proposal_save,
)
from visionportal.selectors import adopted_vision
from visionportal.services import StaleVersion

pytestmark = pytest.mark.django_db


def test_each_save_keeps_a_numbered_version_with_its_author(process, staff):
    first = proposal_save(
        process=process, title="Norrköping 2035", text="Första.", by=staff, expected_version=0
    )
    second = proposal_save(
        process=process, title="Norrköping 2035", text="Andra.", by=staff, expected_version=1
    )
    assert (first.number, second.number) == (1, 2)
    assert second.author == staff
    proposal = VisionProposal.objects.get(process=process)
    assert proposal.version == 2
    assert proposal.text == "<p>Andra.</p>"
    assert list(proposal.versions.values_list("number", flat=True)) == [2, 1]


def test_a_save_from_an_older_version_is_refused_and_changes_nothing(process, staff):
    proposal_save(process=process, title="T", text="Ett.", by=staff, expected_version=0)
    proposal_save(process=process, title="T", text="Två.", by=staff, expected_version=1)
    with pytest.raises(StaleVersion):
        proposal_save(process=process, title="T", text="Tre.", by=staff, expected_version=1)
    assert ProposalVersion.objects.count() == 2


def test_a_first_save_when_a_colleague_already_created_the_proposal_is_refused(process, staff):
    proposal_save(process=process, title="T", text="Ett.", by=staff, expected_version=0)
    with pytest.raises(StaleVersion):
        proposal_save(process=process, title="T", text="Annan.", by=staff, expected_version=0)


def test_a_double_submit_keeps_one_version(process, staff):
    one = proposal_save(process=process, title="T", text="Ett.", by=staff, expected_version=0)
    again = proposal_save(process=process, title="T", text="Ett.", by=staff, expected_version=0)
    assert one.pk == again.pk
    assert ProposalVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        ("", "Text", "Give the proposal a title."),
        ("\u200b ", "Text", "Give the proposal a title."),
        ("T", "<p> </p>", "Write the vision text."),
        ("T", "<p><script>alert(1)</script></p>", "Write the vision text."),
        ("x" * 201, "Text", "The title is too long"),
    ],
)
def test_empty_or_oversized_input_is_refused_with_a_reason(process, staff, title, text, message):
    with pytest.raises(ProposalError) as refused:
        proposal_save(process=process, title=title, text=text, by=staff, expected_version=0)
    assert message in refused.value.messages[0]
    assert not VisionProposal.objects.exists()


def test_markup_is_sanitised_on_save(process, staff):
    version = proposal_save(
        process=process,
        title="<b>T</b>",
        text='<p onclick="x()">Vi <em>växer</em><img src="https://evil.test/x.png"></p>'
        "<script>alert(1)</script>",
        by=staff,
        expected_version=0,
    )
    assert version.text == "<p>Vi <em>växer</em></p>"
    assert version.title == "<b>T</b>"  # titles are plain text, escaped where shown


def test_an_adopting_decision_freezes_the_text_and_becomes_the_adopted_vision(process, staff):
    proposal_save(process=process, title="T", text="Antagen text.", by=staff, expected_version=0)
    milestone = Milestone.objects.get(process=process, title="Beslut i kommunfullmäktige")
    assert adopted_vision(process) is None
    board = decision_record(
        process=process,
        body=DecisionBody.BOARD,
        meeting_date=datetime.date(2015, 12, 1),
        outcome=DecisionOutcome.ADOPTED,
        by=staff,
    )
    assert adopted_vision(process) is None  # the board prepares; the council adopts
    council = decision_record(
        process=process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.ADOPTED,
        case_number="KS 2015/0363",
        paragraph="§ 215",
        by=staff,
        milestone=milestone,
    )
    assert adopted_vision(process) == council
    assert council.adopted_version.text == "<p>Antagen text.</p>"
    assert council.adopted_version.pk == board.adopted_version.pk  # same text, one version
    assert council.paragraph == "215"
    assert council.reference == "Kommunfullmäktige 2015-12-14, § 215, KS 2015/0363"
    milestone.refresh_from_db()
    assert milestone.decision == council
    # Later drafts do not change what was adopted.
    proposal_save(process=process, title="T", text="Ny text.", by=staff, expected_version=1)
    assert adopted_vision(process).adopted_version.text == "<p>Antagen text.</p>"


def test_an_amended_adoption_freezes_the_amended_text(process, staff):
    proposal_save(process=process, title="T", text="Förslag.", by=staff, expected_version=0)
    decision = decision_record(
        process=process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.AMENDED,
        adopted_text="Ändrad.",
        by=staff,
    )
    assert decision.adopted_version.number == 2
    assert decision.adopted_version.text == "<p>Ändrad.</p>"
    assert decision.adopted_version.note.startswith("Adopted: Kommunfullmäktige 2015-12-14")


def test_a_returned_proposal_is_no_adopted_vision(process, staff):
    proposal_save(process=process, title="T", text="Förslag.", by=staff, expected_version=0)
    decision = decision_record(
        process=process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.RETURNED,
        by=staff,
    )
    assert decision.adopted_version is None
    assert adopted_vision(process) is None


def test_adopting_without_any_proposal_is_refused(process, staff):
    with pytest.raises(ProposalError):
        decision_record(
            process=process,
            body=DecisionBody.COUNCIL,
            meeting_date=datetime.date(2015, 12, 14),
            outcome=DecisionOutcome.ADOPTED,
            by=staff,
        )


@pytest.mark.parametrize(
    ("country", "board", "council"),
    [
        ("SE", "Kommunstyrelsen", "Kommunfullmäktige"),
        ("DK", "Økonomiudvalget", "Byrådet"),
        ("NO", "Formannskapet", "Kommunestyret"),
    ],
)
def test_decision_bodies_carry_their_countrys_names(country, board, council):
    assert decision_body_name(DecisionBody.BOARD, country) == board
    assert decision_body_name(DecisionBody.COUNCIL, country) == council


def test_comments_keep_the_councillors_party_and_a_double_submit_keeps_one(
    process, staff, councillor
):
    councillor.memberships.update(party="Miljöpartiet")
    version = proposal_save(process=process, title="T", text="Ett.", by=staff, expected_version=0)
    one = proposal_comment_add(version=version, by=councillor, body="Skarpare, tack.")
    two = proposal_comment_add(version=version, by=councillor, body="Skarpare, tack.")
    assert one.pk == two.pk
    assert one.party == "Miljöpartiet"
    with pytest.raises(ProposalError):
        proposal_comment_add(version=version, by=councillor, body=" \u200b")


def test_stored_files_are_downloaded_privately_and_missing_ones_are_404(settings):
    name = store_file(name="packs/1/pack-1.pdf", content=b"%PDF-1.7 test")
    assert (settings.MEDIA_ROOT / name).exists()
    response = protected_download(name=name, filename="beslutsunderlag-1.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    with pytest.raises(Http404):
        protected_download(name="packs/1/missing.pdf", filename="x.pdf")
