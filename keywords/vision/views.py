"""The proposal editor (with the keywords and quotes to draw on), "what sets us apart", and
the decision packs: generate (staff), follow the progress, download (staff and councillors
of the municipality, nobody else)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from visionportal.access import (
    EDITOR_ROLES,
    decision_pack_of,
    member_required,
    process_for_member,
)
from visionportal.files import protected_download
from visionportal.models import DecisionPack, PackStatus, Role, VisionProposal
from visionportal.proposals.forms import PackForm, ProposalForm
from visionportal.proposals.services import ProposalError, proposal_save
from visionportal.selectors import adopted_vision
from visionportal.services import StaleVersion

from . import packs as pack_services
from . import ranking, sources

PACK_READER_ROLES = EDITOR_ROLES | {Role.COUNCILLOR}
PACKS_SHOWN = 50
SOURCE_KEYWORDS = 8


@member_required(EDITOR_ROLES)
def proposal_edit(request, pk):
    process = process_for_member(request, pk)
    proposal = VisionProposal.objects.filter(process=process).first()
    initial = {"version": proposal.version if proposal else 0}
    if proposal:
        initial |= {"title": proposal.title, "text": proposal.text}
    form = ProposalForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = proposal_save(
                    process=process,
                    title=data["title"],
                    text=data["text"],
                    by=request.user,
                    expected_version=data["version"],
                )
            except StaleVersion as error:
                form.add_error(None, error.message)
            except ProposalError as error:
                form.add_error(None, error.messages[0])
            else:
                messages.success(
                    request, _("Saved as version %(number)s.") % {"number": version.number}
                )
                return redirect("vision:proposal", request.municipality.slug, pk)
        status = 400
    consultations = sources.process_consultations(process)
    return render(
        request,
        "keywords/vision/proposal_edit.html",
        {
            "process": process,
            "proposal": proposal,
            "form": form,
            "recent_versions": proposal.versions.select_related("author")[:5] if proposal else [],
            "sources": [
                (c, sources.top_keywords_per_question(c, limit=SOURCE_KEYWORDS))
                for c in consultations
            ],
            "adopted": adopted_vision(process),
            "ranking": ranking.ranking_summary(
                ranking.ranking_snapshot(process),
                top=ranking.EDITOR_TOP,
                chart_id="editor-ranking-chart",
            ),
        },
        status=status,
    )


@require_GET
@member_required(EDITOR_ROLES)
def what_sets_us_apart(request, pk):
    process = process_for_member(request, pk)
    return render(
        request,
        "keywords/vision/apart.html",
        {"process": process, "apart": sources.what_sets_us_apart(process)},
    )


def _packs_of(process):
    return DecisionPack.objects.filter(process=process).select_related("requested_by")[:PACKS_SHOWN]


@member_required(PACK_READER_ROLES)
def packs(request, pk):
    """The process's packs; staff also get the form to generate one."""
    process = process_for_member(request, pk)
    can_generate = request.membership.role in EDITOR_ROLES
    return render(
        request,
        "keywords/vision/packs.html",
        {
            "process": process,
            "packs": _packs_of(process),
            "can_generate": can_generate,
            "form": PackForm(initial={"language": process.municipality.default_language})
            if can_generate
            else None,
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def pack_generate(request, pk):
    process = process_for_member(request, pk)
    form = PackForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "keywords/vision/packs.html",
            {"process": process, "packs": _packs_of(process), "can_generate": True, "form": form},
            status=400,
        )
    pack = pack_services.pack_request(
        process=process,
        by=request.user,
        language=form.cleaned_data["language"],
        gaps_note=form.cleaned_data["gaps_note"],
        notify_url=request.build_absolute_uri(
            reverse("vision:packs", args=[request.municipality.slug, pk])
        ),
    )
    return redirect("vision:pack", request.municipality.slug, pk, pack.number)


@require_GET
@vary_on_headers("HX-Request")
@member_required(PACK_READER_ROLES)
def pack_progress(request, pk, number):
    process = process_for_member(request, pk)
    pack = decision_pack_of(process, number)
    template = "keywords/vision/pack.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"process": process, "pack": pack})


@require_GET
@member_required(PACK_READER_ROLES)
def pack_download(request, pk, number):
    """The PDF, for staff and councillors of the municipality only (member_required gives
    404 to everyone else, 403 to moderators)."""
    process = process_for_member(request, pk)
    pack = decision_pack_of(process, number)
    if pack.status != PackStatus.DONE:
        raise Http404
    return protected_download(
        name=pack.file_name,
        filename=f"{process.slug}-decision-pack-{pack.number}.pdf",
        content_type="application/pdf",
    )
