"""What each kind of phase enables, and the one question every gate asks.

Phases are data (dates in the database); PHASE_CAPABILITIES is the only code that knows
what a phase of each kind allows, and `process_allows(process, capability, at=None)` is
the only predicate the views and services ask. Its rules, as a municipality would expect
them:

- **A process with no phases at all is not run by phases**: nothing is gated. A
  municipality that only wants to ask its residents something does not have to plan a
  timeline first. Once a process has any phase, its phases decide.
- **Answering** (ANSWER) needs a running phase that enables it, on top of the
  consultation's own opening and closing dates (consultations.models.Consultation.status):
  a consultation open by its dates while no answering phase runs shows residents the same
  "not open" page as a closed one. Staff entering answers gathered elsewhere (interviews,
  imports) are not gated: the conversation happened when it happened.
- **The councillors' round** (COUNCILLOR_ROUND) can be opened only while a phase that
  enables it runs. A round already open stays open until staff close it or its last day
  passes (keywords.councillors.services): the phase decides when it may start, the round's
  own dates when councillors may propose.
- **Curation** (CURATE_KEYWORDS) is allowed from the first day of a phase that enables it
  and stays allowed after that phase ends: staff tidy keywords between phases, before the
  councillors' round, while it is open (councillors see the list as it is now, and a strike
  of a keyword that has since left the list changes nothing when publishing) and before
  they publish a new version. It is refused before any such phase has started (the
  keywords are not there to curate yet) and in a process without such a phase. Every
  phase that takes answers enables it, since answers bring the keywords to curate.
- **A participatory budget's results** (SEE_BUDGET_RESULTS) are public from the first day
  of the building phase onwards (lasting): residents vote first, and nobody sees a count
  that could sway the vote while it runs. Its celebration post (SEE_BUDGET_CELEBRATION)
  likewise from the first day of the celebration phase onwards.
- **A participatory budget's evaluation survey** (EVALUATE_BUDGET) is offered while the
  evaluation phase runs.
- **Sorting** (SORT_KEYWORDS), proposing, supporting and voting in a participatory budget,
  and the others: while a phase that enables them runs.

Both boundary days of a phase count as running (Phase.status_on); `at` is a date, or an
aware datetime taken in the local time zone; None is now.
"""

import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .models import PhaseKind


class Capability(StrEnum):
    ANSWER = "answer"
    CURATE_KEYWORDS = "curate_keywords"
    COUNCILLOR_ROUND = "councillor_round"
    SORT_KEYWORDS = "sort_keywords"
    DRAFT_VISION = "draft_vision"
    PROPOSE_INITIATIVES = "propose_initiatives"
    FOLLOW_UP = "follow_up"
    PROPOSE_BUDGET_PROJECTS = "propose_budget_projects"
    SUPPORT_BUDGET_PROJECTS = "support_budget_projects"
    VOTE_BUDGET = "vote_budget"
    SEE_BUDGET_RESULTS = "see_budget_results"
    SEE_BUDGET_CELEBRATION = "see_budget_celebration"
    EVALUATE_BUDGET = "evaluate_budget"


PHASE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    PhaseKind.PLANNING: frozenset(),
    PhaseKind.CONSULTATION: frozenset({Capability.ANSWER, Capability.CURATE_KEYWORDS}),
    PhaseKind.KEYWORD_CURATION: frozenset({Capability.CURATE_KEYWORDS}),
    PhaseKind.COUNCILLOR_ROUND: frozenset({Capability.COUNCILLOR_ROUND}),
    PhaseKind.SORTING: frozenset({Capability.SORT_KEYWORDS}),
    PhaseKind.DRAFTING: frozenset({Capability.DRAFT_VISION}),
    PhaseKind.DECISION: frozenset({Capability.DRAFT_VISION}),
    PhaseKind.AWARENESS: frozenset(),
    # Answers bring keywords: every phase that takes answers lets staff curate them.
    PhaseKind.CO_CREATION: frozenset(
        {Capability.ANSWER, Capability.CURATE_KEYWORDS, Capability.PROPOSE_INITIATIVES}
    ),
    PhaseKind.REALISATION: frozenset({Capability.PROPOSE_INITIATIVES, Capability.FOLLOW_UP}),
    PhaseKind.FOLLOW_UP: frozenset({Capability.FOLLOW_UP}),
    # Seed 004: clarification and investigation are the municipality's own work; residents
    # propose (and support each other's proposals) in one phase, vote in another; the
    # evaluation is a consultation with its own questions, so that phase takes answers.
    PhaseKind.BUDGET_CLARIFICATION: frozenset(),
    PhaseKind.BUDGET_INVESTIGATION: frozenset(),
    PhaseKind.BUDGET_PROPOSALS: frozenset(
        {Capability.PROPOSE_BUDGET_PROJECTS, Capability.SUPPORT_BUDGET_PROJECTS}
    ),
    PhaseKind.BUDGET_ASSESSMENT: frozenset(),
    PhaseKind.BUDGET_VOTE: frozenset({Capability.VOTE_BUDGET}),
    PhaseKind.BUDGET_BUILD: frozenset({Capability.SEE_BUDGET_RESULTS}),
    PhaseKind.BUDGET_CELEBRATE: frozenset(
        {Capability.SEE_BUDGET_RESULTS, Capability.SEE_BUDGET_CELEBRATION}
    ),
    PhaseKind.BUDGET_EVALUATE: frozenset(
        {
            Capability.SEE_BUDGET_RESULTS,
            Capability.SEE_BUDGET_CELEBRATION,
            Capability.EVALUATE_BUDGET,
            Capability.ANSWER,
            Capability.CURATE_KEYWORDS,
        }
    ),
    PhaseKind.OTHER: frozenset(),
}

# Allowed from the start of an enabling phase onwards, not only while it runs.
LASTING_CAPABILITIES = frozenset(
    {Capability.CURATE_KEYWORDS, Capability.SEE_BUDGET_RESULTS, Capability.SEE_BUDGET_CELEBRATION}
)


def _day(at) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def enabling_phases(process, capability: Capability, phases=None) -> list:
    """The process's phases (or the given ones) whose kind enables `capability`, in timeline
    order. Reads `process.phases.all()`, so a prefetch of "phases" makes this (and
    process_allows) free."""
    phases = process.phases.all() if phases is None else phases
    return [p for p in phases if capability in PHASE_CAPABILITIES.get(p.kind, ())]


def process_allows(process, capability: Capability, *, at=None) -> bool:
    """Whether the process's phases allow `capability` on the day of `at` (the rules are in
    this module's docstring)."""
    phases = list(process.phases.all())  # one query at most, none with a prefetch
    if not phases:
        return True
    day = _day(at)
    for phase in enabling_phases(process, capability, phases):
        if phase.starts_on <= day and (day <= phase.ends_on or capability in LASTING_CAPABILITIES):
            return True
    return False


def refusal_reason(process, capability: Capability, *, at=None) -> str:
    """Why process_allows said no, for the person who tried: which phase would allow it."""
    day = _day(at)
    phases = enabling_phases(process, capability)
    upcoming = [p for p in phases if p.starts_on > day]
    if upcoming:
        return _("That is possible during the phase “%(phase)s”, from %(date)s.") % {
            "phase": upcoming[0].name,
            "date": date_format(upcoming[0].starts_on),
        }
    if phases:
        return _("That was possible during the phase “%(phase)s”, which ended on %(date)s.") % {
            "phase": phases[-1].name,
            "date": date_format(phases[-1].ends_on),
        }
    kinds = [
        f"“{label}”"
        for value, label in PhaseKind.choices
        if capability in PHASE_CAPABILITIES[value]
    ]
    return _(
        "The process has no phase for that. Add a phase of the kind %(kinds)s to its timeline."
    ) % {"kinds": get_text_list(kinds)}
