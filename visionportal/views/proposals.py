"""The vision proposal's versions, the difference between two, comments, sharing with the
councillors, and the decision record. Staff and admins write; councillors of the
municipality read shared drafts and comment on them.

The editor itself (with the keywords to draw on) is keywords.vision.views.proposal_edit.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import (
    EDITOR_ROLES,
    member_required,
    process_for_member,
    proposal_of,
    proposal_version_of,
)
from ..models import Role, VisionDecision, VisionProposal
from ..proposals import services
from ..proposals.diff import version_diff
from ..proposals.forms import CommentForm, DecisionForm
from ..proposals.services import ProposalError

READER_ROLES = EDITOR_ROLES | {Role.COUNCILLOR}
VERSIONS_SHOWN = 200
DECISIONS_SHOWN = 100


def proposal_for_reader(request, pk) -> VisionProposal:
    """The process's proposal for staff, or for councillors once staff shared it; 404 when
    there is none (or the process is another municipality's), 403 for a councillor while
    it is not shared."""
    process = process_for_member(request, pk)
    proposal = VisionProposal.objects.filter(process=process).select_related("process").first()
    if proposal is None:
        raise Http404
    if request.membership.role not in EDITOR_ROLES and not proposal.shared_with_councillors:
        raise PermissionDenied
    return proposal


@require_GET
@member_required(READER_ROLES)
def proposal_versions(request, pk):
    proposal = proposal_for_reader(request, pk)
    versions = list(proposal.versions.select_related("author").order_by("-number")[:VERSIONS_SHOWN])
    return render(
        request,
        "visionportal/workspace/proposal_versions.html",
        {
            "process": proposal.process,
            "proposal": proposal,
            "versions": versions,
            "can_edit": request.membership.role in EDITOR_ROLES,
        },
    )


@member_required(READER_ROLES)
def proposal_version(request, pk, number):
    """One version, its comments and the comment form (POST adds a comment)."""
    proposal = proposal_for_reader(request, pk)
    version = proposal_version_of(proposal, number)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_comment_add(
                version=version, by=request.user, body=form.cleaned_data["body"]
            )
        except ProposalError as error:
            form.add_error("body", error.messages[0])
        else:
            messages.success(request, _("Your comment was added."))
            return redirect(
                "workspace:proposal_version", request.municipality.slug, pk, version.number
            )
    return render(
        request,
        "visionportal/workspace/proposal_version.html",
        {
            "process": proposal.process,
            "proposal": proposal,
            "version": version,
            "comments": version.comments.select_related("author")[:500],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _number(value) -> int | None:
    return int(value) if value and str(value).isascii() and str(value).isdigit() else None


@require_GET
@member_required(READER_ROLES)
def proposal_diff(request, pk):
    """The difference between versions `from` and `to` (GET), any two in either order."""
    proposal = proposal_for_reader(request, pk)
    numbers = list(proposal.versions.values_list("number", flat=True)[:VERSIONS_SHOWN])
    old_number = _number(request.GET.get("from"))
    new_number = _number(request.GET.get("to"))
    if old_number is None or new_number is None:
        new_number = numbers[0] if numbers else None
        old_number = numbers[1] if len(numbers) > 1 else new_number
    if new_number is None:
        raise Http404
    old, new = proposal_version_of(proposal, old_number), proposal_version_of(proposal, new_number)
    return render(
        request,
        "visionportal/workspace/proposal_diff.html",
        {
            "process": proposal.process,
            "proposal": proposal,
            "old": old,
            "new": new,
            "numbers": numbers,
            "title_changed": old.title != new.title,
            "blocks": version_diff(old.text, new.text),
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def proposal_share(request, pk):
    process = process_for_member(request, pk)
    proposal = proposal_of(process)
    shared = request.POST.get("shared") == "1"
    services.proposal_share(proposal=proposal, shared=shared)
    messages.success(
        request,
        _("The councillors can now read the drafts and comment on them.")
        if shared
        else _("The drafts are no longer shared with the councillors."),
    )
    return redirect("vision:proposal", request.municipality.slug, pk)


@member_required(EDITOR_ROLES)
def decisions(request, pk):
    """The process's decisions, and the form to record one (POST)."""
    process = process_for_member(request, pk)
    form = DecisionForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_record(
                process=process,
                body=data["body"],
                meeting_date=data["meeting_date"],
                outcome=data["outcome"],
                case_number=data["case_number"],
                paragraph=data["paragraph"],
                notes=data["notes"],
                adopted_text=data["amended_text"] or None,
                milestone=data["milestone"],
                by=request.user,
            )
        except ProposalError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request, _("The decision was recorded: %(ref)s") % {"ref": decision.reference}
            )
            return redirect("workspace:decisions", request.municipality.slug, pk)
    records = (
        VisionDecision.objects.filter(process=process)
        .select_related("adopted_version", "process__municipality")
        .prefetch_related("milestones")[:DECISIONS_SHOWN]
    )
    return render(
        request,
        "visionportal/workspace/decisions.html",
        {"process": process, "form": form, "decisions": records},
        status=400 if form.errors else 200,
    )
