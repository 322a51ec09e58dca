"""The proposal editor, versions, comments, diff, decisions, "what sets us apart" and the
packs' pages: role × municipality, and what each page does."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from tests.keywords.vision_factories import answered_consultation, keyword_with_mentions
from tests.visionportal.test_access_matrix import ROLES, _assert_outcome, _client_for
from visionportal.models import (
    DecisionBody,
    DecisionOutcome,
    Milestone,
    ProposalComment,
    ProposalVersion,
    VisionDecision,
    VisionProcess,
    VisionProposal,
)
from visionportal.proposals.services import decision_record, proposal_save, proposal_share
from visionportal.services import StaleVersion

pytestmark = pytest.mark.django_db


def sv(text: str) -> str:
    """`text` as the Swedish municipality's pages show it."""
    with override("sv"):
        return gettext(text)


LOGIN, MFA = "login", "mfa"
EDITOR = {
    "anonymous": LOGIN,
    "outsider": 404,
    "other_staff": 404,
    "councillor": 403,
    "moderator": 403,
    "staff_without_mfa": MFA,
    "staff": 200,
    "admin_user": 200,
}
READER = {**EDITOR, "councillor": 200}
EDITOR_POST = {**EDITOR, "staff": 302, "admin_user": 302}
READER_POST = {**READER, "councillor": 302, "staff": 302, "admin_user": 302}


@pytest.fixture
def drafted(process, staff):
    proposal_save(
        process=process, title="Norrköping 2035", text="Ett hav", by=staff, expected_version=0
    )
    version = proposal_save(
        process=process,
        title="Norrköping 2035",
        text="Ett hav av möjligheter",
        by=staff,
        expected_version=1,
    )
    proposal_share(proposal=version.proposal, shared=True)
    return version.proposal


def _urls(process):
    slug, pk = "norrkoping", process.pk
    return [
        (reverse("vision:proposal", args=[slug, pk]), EDITOR),
        (reverse("vision:apart", args=[slug, pk]), EDITOR),
        (reverse("workspace:decisions", args=[slug, pk]), EDITOR),
        (reverse("workspace:proposal_versions", args=[slug, pk]), READER),
        (reverse("workspace:proposal_version", args=[slug, pk, 1]), READER),
        (reverse("workspace:proposal_diff", args=[slug, pk]) + "?from=1&to=2", READER),
        (reverse("vision:packs", args=[slug, pk]), READER),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_vision_page_enforces_role_and_municipality(client, request, drafted, role):
    client = _client_for(client, request, role)
    for url, expected in _urls(drafted.process):
        response = client.get(url)
        try:
            _assert_outcome(response, expected[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {url}: {response.status_code}") from error


@pytest.mark.parametrize("role", ROLES)
def test_saving_the_proposal_is_for_editors_of_the_municipality(client, request, drafted, role):
    client = _client_for(client, request, role)
    url = reverse("vision:proposal", args=["norrkoping", drafted.process.pk])
    response = client.post(url, {"title": "Kapad", "text": "Ny text.", "version": 2})
    _assert_outcome(response, EDITOR_POST[role])
    assert ProposalVersion.objects.filter(title="Kapad").exists() is (EDITOR_POST[role] == 302)


@pytest.mark.parametrize("role", ROLES)
def test_commenting_is_for_staff_and_councillors_of_the_municipality(
    client, request, drafted, role
):
    client = _client_for(client, request, role)
    url = reverse("workspace:proposal_version", args=["norrkoping", drafted.process.pk, 2])
    response = client.post(url, {"body": f"Kommentar av {role}"})
    _assert_outcome(response, READER_POST[role])
    assert ProposalComment.objects.filter(body=f"Kommentar av {role}").exists() is (
        READER_POST[role] == 302
    )


def test_councillors_cannot_read_drafts_staff_have_not_shared(client, councillor, drafted):
    proposal_share(proposal=drafted, shared=False)
    client.force_login(councillor)
    url = reverse("workspace:proposal_versions", args=["norrkoping", drafted.process.pk])
    assert client.get(url).status_code == 403
    post = reverse("workspace:proposal_version", args=["norrkoping", drafted.process.pk, 1])
    assert client.post(post, {"body": "x"}).status_code == 403


def test_the_editor_saves_a_new_version_and_refuses_a_stale_one_keeping_the_text(
    client, staff, drafted
):
    client.force_login(staff)
    url = reverse("vision:proposal", args=["norrkoping", drafted.process.pk])
    response = client.post(url, {"title": "Norrköping 2035", "text": "Tre.", "version": 2})
    assert response.status_code == 302
    assert VisionProposal.objects.get().version == 3
    stale = client.post(url, {"title": "Norrköping 2035", "text": "Mitt utkast.", "version": 2})
    assert stale.status_code == 400
    body = stale.content.decode()
    with override("sv"):
        assert StaleVersion().message in body
    assert 'class="form-errors"' in body
    assert "Mitt utkast." in body  # nothing typed is lost
    assert VisionProposal.objects.get().version == 3


def test_the_editor_refuses_an_empty_text_with_a_reason(client, staff, process):
    client.force_login(staff)
    url = reverse("vision:proposal", args=["norrkoping", process.pk])
    response = client.post(url, {"title": "T", "text": "<p> </p>", "version": 0})
    assert response.status_code == 400
    assert sv("Write the vision text.") in response.content.decode()
    assert not VisionProposal.objects.exists()


def test_the_editor_shows_top_keywords_with_masked_quotes(client, staff, process):
    answered_consultation(process)
    client.force_login(staff)
    body = client.get(reverse("vision:proposal", args=["norrkoping", process.pk])).content.decode()
    assert "hamnen" in body
    assert "&lt;script&gt;alert(&#x27;pack&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert "070-123 45 67" not in body


def test_the_diff_page_marks_insertions(client, staff, drafted):
    client.force_login(staff)
    url = reverse("workspace:proposal_diff", args=["norrkoping", drafted.process.pk])
    body = client.get(url, {"from": 1, "to": 2}).content.decode()
    added = sv("added:")
    assert f'<ins><span class="visually-hidden">{added} </span> av möjligheter</ins>' in body
    assert client.get(url, {"from": 1, "to": 9}).status_code == 404


def test_recording_an_adoption_shows_it_on_the_public_page_and_timeline(client, staff, drafted):
    process = drafted.process
    milestone = Milestone.objects.get(process=process, title="Beslut i kommunfullmäktige")
    client.force_login(staff)
    url = reverse("workspace:decisions", args=["norrkoping", process.pk])
    response = client.post(
        url,
        {
            "body": DecisionBody.COUNCIL,
            "meeting_date": "2015-12-14",
            "case_number": "KS 2015/0363",
            "paragraph": "215",
            "outcome": DecisionOutcome.ADOPTED,
            "milestone": milestone.pk,
        },
    )
    assert response.status_code == 302
    decision = VisionDecision.objects.get()
    assert decision.adopted_version.number == 2
    public = client.get(reverse("public:process", args=["norrkoping", process.slug]))
    body = public.content.decode()
    assert sv("The adopted vision") in body
    assert "<p>Ett hav av möjligheter</p>" in body
    section = body[body.index('id="vision-heading"') :]
    assert "Kommunfullmäktige 2015-12-14, § 215, KS 2015/0363" in section[:2000]


def test_an_amended_adoption_needs_the_amended_text(client, staff, drafted):
    client.force_login(staff)
    url = reverse("workspace:decisions", args=["norrkoping", drafted.process.pk])
    data = {"body": DecisionBody.COUNCIL, "meeting_date": "2015-12-14", "outcome": "amended"}
    assert client.post(url, data).status_code == 400
    assert not VisionDecision.objects.exists()


def test_decision_bodies_are_named_for_the_municipalitys_country(client, other_staff, ishoj):
    process = VisionProcess.objects.create(municipality=ishoj, title="Vision", slug="vision")
    client.force_login(other_staff)
    body = client.get(reverse("workspace:decisions", args=["ishoj", process.pk])).content.decode()
    assert "Byrådet" in body and "Økonomiudvalget" in body


def test_what_sets_us_apart_says_so_when_there_is_nothing_to_compare(client, staff, process):
    answered_consultation(process)
    client.force_login(staff)
    body = client.get(reverse("vision:apart", args=["norrkoping", process.pk])).content.decode()
    assert (
        sv(
            "This is the only process with keywords on this installation, so there is nothing to "
            "compare it with yet. Once other processes have keywords, this page shows which of "
            "yours stand out."
        )
        in body
    )


def test_what_sets_us_apart_ranks_keywords_against_other_processes(client, staff, process, ishoj):
    from tests.consultations.factories import closed_consultation

    ours = closed_consultation(process)
    keyword_with_mentions(ours, "Industriarvet", [], respondents=40)
    keyword_with_mentions(ours, "Skola", [], respondents=20)
    other = VisionProcess.objects.create(municipality=ishoj, title="Vision", slug="v")
    theirs = closed_consultation(other, language="da")
    keyword_with_mentions(theirs, "Industriarvet", [], respondents=2)
    keyword_with_mentions(theirs, "Skola", [], respondents=80)
    client.force_login(staff)
    body = client.get(reverse("vision:apart", args=["norrkoping", process.pk])).content.decode()
    assert "1 annan process" in body
    assert "Industriarvet" in body
    assert "Skola</td>" not in body  # used less here than elsewhere: not distinctive


def test_a_councillor_sees_shared_drafts_on_the_workspace_page(client, councillor, drafted):
    client.force_login(councillor)
    body = client.get(reverse("workspace:municipality", args=["norrkoping"])).content.decode()
    assert sv("Vision drafts shared with you") in body
    assert sv("No decision pack yet.") in body


def test_the_adopted_text_is_kept_when_the_proposal_changes_later(staff, drafted):
    decision = decision_record(
        process=drafted.process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.ADOPTED,
        by=staff,
    )
    proposal_save(process=drafted.process, title="Ny", text="Ny.", by=staff, expected_version=2)
    decision.refresh_from_db()
    assert decision.adopted_version.text == "<p>Ett hav av möjligheter</p>"
