"""Writes of the vision proposal and the decision on it. Views, the demo and the admin
call these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    ADOPTING_OUTCOMES,
    Membership,
    Milestone,
    ProposalComment,
    ProposalVersion,
    VisionDecision,
    VisionProcess,
    VisionProposal,
)
from ..services import version_check, versioned_save
from ..text import clean_text, has_visible_text
from .sanitise import has_text, sanitise_vision_text

TITLE_MAX = 200
TEXT_MAX = 50000
COMMENT_MAX = 5000


class ProposalError(ValidationError):
    """Input the proposal's rules refuse; `messages` say why, translated."""


def _clean_title(title: str) -> str:
    title = clean_text(title)
    if not has_visible_text(title):
        raise ProposalError(_("Give the proposal a title."))
    if len(title) > TITLE_MAX:
        raise ProposalError(
            _("The title is too long: at most %(max)d characters.") % {"max": TITLE_MAX}
        )
    return title


def _clean_text(text: str) -> str:
    cleaned = sanitise_vision_text(text)
    if not has_text(cleaned):
        raise ProposalError(_("Write the vision text."))
    if len(cleaned) > TEXT_MAX:
        raise ProposalError(
            _("The vision text is too long: at most %(max)d characters.") % {"max": TEXT_MAX}
        )
    return cleaned


def proposal_save(
    *,
    process: VisionProcess,
    title: str,
    text: str,
    by,
    expected_version: int | None,
    note: str = "",
) -> ProposalVersion:
    """Save a new draft of the process's proposal (creating the proposal on its first save)
    and keep it as the next ProposalVersion.

    `expected_version` is the proposal version the editor started from (None when it
    showed no proposal yet); a save over a newer version raises StaleVersion. Saving the
    same title and text as the latest version changes nothing and returns that version, so
    a double submit keeps one version."""
    title, text = _clean_title(title), _clean_text(text)
    with transaction.atomic():
        proposal = VisionProposal.objects.select_for_update().filter(process=process).first()
        if proposal is None:
            # A second first save races on the one-to-one constraint: IntegrityError there.
            version_check(VisionProposal(version=0), expected_version)
            proposal = VisionProposal.objects.create(
                process=process, title=title, text=text, version=1
            )
        else:
            latest = proposal.versions.order_by("-number").first()
            if latest and latest.title == title and latest.text == text:
                return latest
            version_check(proposal, expected_version)
            proposal.title, proposal.text = title, text
            versioned_save(proposal, update_fields=["title", "text", "updated_at"])
        return ProposalVersion.objects.create(
            proposal=proposal,
            number=proposal.version,
            title=title,
            text=text,
            author=by,
            note=note[:300],
        )


def proposal_share(*, proposal: VisionProposal, shared: bool) -> VisionProposal:
    """Let the municipality's councillors read the drafts (or stop them)."""
    VisionProposal.objects.filter(pk=proposal.pk).update(shared_with_councillors=shared)
    proposal.shared_with_councillors = shared
    return proposal


def proposal_comment_add(*, version: ProposalVersion, by, body: str) -> ProposalComment:
    """A comment on one version, kept with the author's party at the time."""
    body = (body or "").replace("\x00", "").strip()
    if not has_visible_text(body):
        raise ProposalError(_("Write a comment."))
    if len(body) > COMMENT_MAX:
        raise ProposalError(
            _("The comment is too long: at most %(max)d characters.") % {"max": COMMENT_MAX}
        )
    municipality_id = version.proposal.process.municipality_id
    membership = Membership.objects.filter(user=by, municipality_id=municipality_id).first()
    with transaction.atomic():
        # The same comment by the same person on the same version is a double submit.
        recent = (
            ProposalComment.objects.select_for_update()
            .filter(version=version, author=by, body=body)
            .order_by("-created_at")
            .first()
        )
        if recent is not None:
            return recent
        return ProposalComment.objects.create(
            version=version,
            author=by,
            party=membership.party if membership else "",
            body=body,
        )


def decision_record(
    *,
    process: VisionProcess,
    body: str,
    meeting_date: datetime.date,
    outcome: str,
    by,
    case_number: str = "",
    paragraph: str = "",
    notes: str = "",
    adopted_title: str | None = None,
    adopted_text: str | None = None,
    milestone: Milestone | None = None,
) -> VisionDecision:
    """Record a political decision on the process's proposal.

    An adopting outcome (adopted, amended) freezes the adopted text as a new
    ProposalVersion (note: the decision's reference) and points the decision at it; the
    text is the proposal's current one unless the body amended it (`adopted_text`).
    `milestone`, a milestone of the process, is linked to the decision so the timeline
    shows what was decided there."""
    if milestone is not None and milestone.process_id != process.pk:
        raise ValueError("The milestone must belong to the decision's process")
    with transaction.atomic():
        decision = VisionDecision(
            process=process,
            body=body,
            meeting_date=meeting_date,
            outcome=outcome,
            case_number=clean_text(case_number),
            paragraph=clean_text(paragraph).removeprefix("§").strip(),
            notes=(notes or "").strip(),
            recorded_by=by,
        )
        if outcome in ADOPTING_OUTCOMES:
            proposal = VisionProposal.objects.select_for_update().filter(process=process).first()
            if proposal is None and adopted_text is None:
                raise ProposalError(_("There is no proposal to adopt yet."))
            title = adopted_title if adopted_title is not None else proposal.title
            text = adopted_text if adopted_text is not None else proposal.text
            decision.adopted_version = proposal_save(
                process=process,
                title=title,
                text=text,
                by=by,
                expected_version=None,
                note=_("Adopted: %(reference)s") % {"reference": decision.reference},
            )
        decision.full_clean()
        decision.save()
        if milestone is not None:
            Milestone.objects.filter(pk=milestone.pk).update(decision=decision)
    return decision
