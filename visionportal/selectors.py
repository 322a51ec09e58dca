"""Reads of the municipality and process core, shaped for the pages that show them."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import (
    ADOPTING_OUTCOMES,
    DecisionBody,
    DecisionPack,
    Membership,
    Milestone,
    Municipality,
    PackStatus,
    Phase,
    PopulationDimension,
    PopulationMargin,
    Track,
    VisionDecision,
    VisionProcess,
    VisionProposal,
)


def public_municipalities():
    return Municipality.objects.filter(is_public=True).annotate(
        public_process_count=Count("processes", filter=Q(processes__is_public=True), distinct=True)
    )


def public_municipality(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug, is_public=True).first()


def public_processes(municipality: Municipality):
    return VisionProcess.objects.public().filter(municipality=municipality)


def member_processes(municipality: Municipality):
    return VisionProcess.objects.filter(municipality=municipality).annotate(
        phase_count=Count("phases", distinct=True),
        milestone_count=Count("milestones", distinct=True),
    )


def memberships_of(user):
    return (
        Membership.objects.filter(user=user)
        .select_related("municipality")
        .order_by("municipality__name")
    )


@dataclass(frozen=True)
class PhaseStatus:
    phase: Phase
    status: str  # "past", "current" or "upcoming"


@dataclass(frozen=True)
class MilestoneStatus:
    milestone: Milestone
    status: str  # "past", "next" or "upcoming"


@dataclass(frozen=True)
class ProcessOverview:
    process: VisionProcess
    today: datetime.date
    phases: list[PhaseStatus]
    tracks: list[Track]
    milestones: list[MilestoneStatus]

    @property
    def current_phases(self) -> list[Phase]:
        return [p.phase for p in self.phases if p.status == "current"]

    @property
    def here(self) -> Phase | None:
        """The one phase "we are here" points at, even when phases overlap (seed 001's three
        run side by side): the running phase that began last, where the process's newest
        work is. The others still running are shown as such, not as a second "here"
        (a stepper with three current steps tells a resident nothing)."""
        running = self.current_phases
        if not running:
            return None
        return max(running, key=lambda phase: (phase.starts_on, -phase.ends_on.toordinal()))

    @property
    def also_running(self) -> list[Phase]:
        here = self.here
        return [phase for phase in self.current_phases if phase is not here]

    @property
    def is_finished(self) -> bool:
        return bool(self.phases) and all(p.status == "past" for p in self.phases)

    @property
    def has_not_started(self) -> bool:
        return bool(self.phases) and all(p.status == "upcoming" for p in self.phases)


def process_overview(process: VisionProcess, today: datetime.date | None = None):
    """Phases with "we are here", tracks, and the milestone timeline with the next one marked."""
    today = today or timezone.localdate()
    process = (
        VisionProcess.objects.filter(pk=process.pk)
        .select_related("municipality")
        .prefetch_related(
            "phases",
            "tracks",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related(
                    "track", "decision__process__municipality"
                ),
            ),
        )
        .get()
    )
    phases = [PhaseStatus(phase, phase.status_on(today)) for phase in process.phases.all()]

    milestones, next_marked = [], False
    for milestone in process.milestones.all():
        if milestone.date < today:
            status = "past"
        elif not next_marked:
            status, next_marked = "next", True
        else:
            status = "upcoming"
        milestones.append(MilestoneStatus(milestone, status))

    return ProcessOverview(
        process=process,
        today=today,
        phases=phases,
        tracks=list(process.tracks.all()),
        milestones=milestones,
    )


def population_figures(municipality: Municipality) -> list[dict]:
    """The municipality's population figures per dimension, with each dimension's total."""
    margins = list(PopulationMargin.objects.filter(municipality=municipality))
    dimensions = []
    for value, label in PopulationDimension.choices:
        rows = [m for m in margins if m.dimension == value]
        total = sum(m.population for m in rows)
        dimensions.append({"value": value, "label": label, "rows": rows, "total": total})
    return dimensions


def adopted_vision(process: VisionProcess) -> VisionDecision | None:
    """The council decision that adopted the process's vision (the latest, if the council
    adopted a revised text later), with its adopted text loaded; None while no council has
    adopted one. A board decision prepares, the council adopts (seed 000: KS, then KF)."""
    return (
        VisionDecision.objects.filter(
            process=process, body=DecisionBody.COUNCIL, outcome__in=ADOPTING_OUTCOMES
        )
        .select_related("adopted_version", "process__municipality")
        .order_by("-meeting_date", "-pk")
        .first()
    )


def ready_decision_packs(municipality: Municipality, *, limit: int = 20):
    """The municipality's finished decision packs, newest first (the councillors' list)."""
    return (
        DecisionPack.objects.filter(process__municipality=municipality, status=PackStatus.DONE)
        .select_related("process")
        .order_by("-finished_at", "-pk")[:limit]
    )


def shared_proposals(municipality: Municipality, *, limit: int = 20):
    return (
        VisionProposal.objects.filter(
            process__municipality=municipality, shared_with_councillors=True
        )
        .select_related("process")
        .order_by("-updated_at")[:limit]
    )
