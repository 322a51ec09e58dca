"""The vision's records in the admin: superusers look at them (lists, detail pages with
versions and comments), nobody adds or edits them there (writes go through the services
that sanitise, version and lock), a comment may be removed, a failed pack too but never a
finished one, and an is_staff account that is not a superuser sees none of it."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import make_user
from visionportal.models import (
    DecisionBody,
    DecisionOutcome,
    DecisionPack,
    PackStatus,
    ProposalComment,
    ProposalSource,
    VisionProposal,
)
from visionportal.proposals.services import (
    decision_record,
    proposal_comment_add,
    proposal_save,
    proposal_share,
)
from visionportal.services import initiative_propose

pytestmark = pytest.mark.django_db

MODELS = [
    "visionproposal",
    "proposalversion",
    "proposalcomment",
    "visiondecision",
    "decisionpack",
    "proposedinitiative",
]


@pytest.fixture
def records(process, staff, councillor):
    version = proposal_save(
        process=process,
        title="Norrköping 2035",
        text="<p>Staden.</p>",
        by=staff,
        expected_version=0,
    )
    proposal = version.proposal
    proposal_share(proposal=proposal, shared=True)
    comment = proposal_comment_add(version=version, by=councillor, body="Bra början.")
    decision = decision_record(
        process=process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.ADOPTED,
        case_number="KS 2015/0363",
        paragraph="215",
        by=staff,
    )
    done = DecisionPack.objects.create(
        process=process, number=1, language="sv", status=PackStatus.DONE, pages=40
    )
    failed = DecisionPack.objects.create(
        process=process, number=2, language="sv", status=PackStatus.FAILED
    )
    proposed, _created = initiative_propose(
        process=process,
        title="Fler bänkar i Folkparken",
        source_kind=ProposalSource.BUDGET_PROJECT,
        source_label="Medborgarbudget: Bänkar i parken",
        source_ref="proposal:1",
        by=staff,
    )
    return {
        "proposedinitiative": proposed,
        "visionproposal": proposal,
        "proposalversion": version,
        "proposalcomment": comment,
        "visiondecision": decision,
        "decisionpack": done,
        "failed": failed,
    }


@pytest.fixture
def root(client):
    user = make_user("root@example.test", mfa=True, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_superusers_see_the_lists_and_records_but_cannot_add_or_edit(root, records, model):
    obj = records[model]
    listing = root.get(reverse(f"admin:visionportal_{model}_changelist"))
    assert listing.status_code == 200
    assert str(obj) in listing.content.decode()
    detail = root.get(reverse(f"admin:visionportal_{model}_change", args=[obj.pk]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # view only
    assert root.get(reverse(f"admin:visionportal_{model}_add")).status_code == 403
    # Posting the change form changes nothing.
    root.post(reverse(f"admin:visionportal_{model}_change", args=[obj.pk]), {"title": "Hacked"})
    obj.refresh_from_db()
    assert getattr(obj, "title", "") != "Hacked"


def test_the_proposal_page_lists_its_versions_and_the_version_its_comments(root, records):
    proposal = root.get(
        reverse("admin:visionportal_visionproposal_change", args=[records["visionproposal"].pk])
    ).content.decode()
    assert "Norrköping 2035" in proposal and "staff@norrkoping.test" in proposal
    version = root.get(
        reverse("admin:visionportal_proposalversion_change", args=[records["proposalversion"].pk])
    ).content.decode()
    assert "Bra början." in version


def test_a_comment_can_be_removed(root, records):
    comment = records["proposalcomment"]
    url = reverse("admin:visionportal_proposalcomment_delete", args=[comment.pk])
    assert root.post(url, {"post": "yes"}).status_code == 302
    assert not ProposalComment.objects.filter(pk=comment.pk).exists()


def test_a_failed_pack_can_be_removed_but_not_a_finished_one(root, records):
    done, failed = records["decisionpack"], records["failed"]
    done_url = reverse("admin:visionportal_decisionpack_delete", args=[done.pk])
    assert root.post(done_url, {"post": "yes"}).status_code == 403
    # Nor through the list's bulk action.
    root.post(
        reverse("admin:visionportal_decisionpack_changelist"),
        {"action": "delete_selected", "_selected_action": [done.pk], "post": "yes"},
    )
    assert DecisionPack.objects.filter(pk=done.pk).exists()
    failed_url = reverse("admin:visionportal_decisionpack_delete", args=[failed.pk])
    assert root.post(failed_url, {"post": "yes"}).status_code == 302
    assert not DecisionPack.objects.filter(pk=failed.pk).exists()
    assert VisionProposal.objects.exists()


@pytest.mark.parametrize("model", MODELS)
def test_staff_accounts_that_are_not_superusers_see_nothing(client, records, model):
    user = make_user("helpdesk@example.test", mfa=True, is_staff=True)
    client.force_login(user)
    url = reverse(f"admin:visionportal_{model}_changelist")
    assert client.get(url).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert f"/admin/visionportal/{model}/" not in index
