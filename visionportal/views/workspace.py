"""The members' area: staff and admins set up processes, phases, tracks and milestones.

Every view runs through access.member_required, which resolves the membership, hides other
municipalities (404), refuses wrong roles (403) and sends staff without MFA to set it up.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.forms import ModelForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from .. import selectors, services
from ..access import (
    EDITOR_ROLES,
    member_required,
    needs_mfa,
    process_for_member,
    process_part_of,
)
from ..forms import MilestoneForm, PhaseForm, TrackForm, VisionProcessForm
from ..models import Milestone, Phase, Role, Track
from ..services import StaleVersion


@login_required
def home(request):
    return render(
        request,
        "visionportal/workspace/home.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "needs_mfa": needs_mfa(request.user),
        },
    )


@member_required()
def municipality(request):
    processes = selectors.member_processes(request.municipality)
    moderating = request.membership.role == Role.MODERATOR
    moderated = []
    if moderating:
        # Moderators reach the answers from here (editors do from each process page).
        processes = list(processes.prefetch_related("consultations"))
        moderated = [c for process in processes for c in process.consultations.all()]
    councillor_packs, shared_proposals = [], []
    if request.membership.role == Role.COUNCILLOR:
        councillor_packs = selectors.ready_decision_packs(request.municipality)
        shared_proposals = selectors.shared_proposals(request.municipality)
    return render(
        request,
        "visionportal/workspace/municipality.html",
        {
            "councillor_packs": councillor_packs,
            "shared_proposals": shared_proposals,
            "processes": processes,
            "can_edit": request.membership.role in EDITOR_ROLES,
            "moderating": moderating,
            "moderated_consultations": moderated,
        },
    )


@member_required(EDITOR_ROLES)
def process_create(request):
    form = VisionProcessForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        process = services.process_create(municipality=request.municipality, **form.model_fields())
        messages.success(request, _("The process was created. Now add its phases."))
        return redirect(_process_edit_url(request, process.pk))
    return render(request, "visionportal/workspace/process_form.html", {"form": form})


@member_required(EDITOR_ROLES)
def process_edit(request, pk):
    process = process_for_member(request, pk)
    form = VisionProcessForm(
        request.POST or None, instance=process, municipality=request.municipality
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.process_update(
                process=process,
                expected_version=form.cleaned_data["version"] or 0,
                **form.model_fields(),
            )
        except StaleVersion as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_process_edit_url(request, process.pk))
    overview = selectors.process_overview(process)
    sections = [
        {
            "kind": "phase",
            "heading": _("Phases"),
            "add_label": _("Add a phase"),
            "items": [item.phase for item in overview.phases],
        },
        {
            "kind": "track",
            "heading": _("Tracks"),
            "add_label": _("Add a track"),
            "items": overview.tracks,
        },
        {
            "kind": "milestone",
            "heading": _("Milestones"),
            "add_label": _("Add a milestone"),
            "items": [item.milestone for item in overview.milestones],
        },
    ]
    return render(
        request,
        "visionportal/workspace/process_edit.html",
        {"form": form, "process": process, "overview": overview, "sections": sections},
    )


@dataclass(frozen=True)
class ProcessPart:
    """How one kind of process part (phase, track, milestone) is edited."""

    model: type[models.Model]
    form: type[ModelForm]
    create: Any
    name: Any
    form_needs_process: bool = False

    def make_form(self, data, *, process, instance=None):
        kwargs = {"process": process} if self.form_needs_process else {}
        return self.form(data, instance=instance, **kwargs)


PARTS = {
    "phase": ProcessPart(Phase, PhaseForm, services.phase_create, gettext_lazy("phase")),
    "track": ProcessPart(Track, TrackForm, services.track_create, gettext_lazy("track")),
    "milestone": ProcessPart(
        Milestone,
        MilestoneForm,
        services.milestone_create,
        gettext_lazy("milestone"),
        form_needs_process=True,
    ),
}


def _process_edit_url(request, pk):
    return reverse("workspace:process_edit", args=[request.municipality.slug, pk])


def _render_part_form(request, *, form, process, kind, part=None):
    template = "visionportal/workspace/part_form.html"
    if request.htmx:
        template += "#part-form"
    context = {
        "form": form,
        "process": process,
        "kind": kind,
        "part": part,
        "part_name": PARTS[kind].name,
    }
    return render(request, template, context)


def _after_part_saved(request, process):
    url = _process_edit_url(request, process.pk)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@member_required(EDITOR_ROLES)
def part_create(request, pk, kind):
    process = process_for_member(request, pk)
    spec = PARTS[kind]
    form = spec.make_form(
        request.POST or None, process=process, instance=spec.model(process=process)
    )
    if request.method == "POST" and form.is_valid():
        spec.create(process=process, **form.model_fields())
        messages.success(request, _("Added."))
        return _after_part_saved(request, process)
    return _render_part_form(request, form=form, process=process, kind=kind)


@member_required(EDITOR_ROLES)
def part_edit(request, pk, kind, part_pk):
    process = process_for_member(request, pk)
    spec = PARTS[kind]
    part = process_part_of(process, spec.model, part_pk)
    form = spec.make_form(request.POST or None, process=process, instance=part)
    if request.method == "POST" and form.is_valid():
        try:
            services.process_part_update(
                part=part,
                expected_version=form.cleaned_data["version"] or 0,
                **form.model_fields(),
            )
        except StaleVersion as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes were saved."))
            return _after_part_saved(request, process)
    return _render_part_form(request, form=form, process=process, kind=kind, part=part)


@require_POST
@member_required(EDITOR_ROLES)
def part_delete(request, pk, kind, part_pk):
    process = process_for_member(request, pk)
    part = process_part_of(process, PARTS[kind].model, part_pk)
    services.process_part_delete(part=part)
    if request.htmx:
        # The refreshed list replaces the old one, so an emptied list says "None yet."
        items = PARTS[kind].model.objects.filter(process=process)
        return render(
            request,
            "visionportal/workspace/part_list.html#items",
            {"kind": kind, "items": items, "process": process},
        )
    messages.success(request, _("Deleted."))
    return redirect(_process_edit_url(request, process.pk))
