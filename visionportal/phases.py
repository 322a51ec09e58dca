"""What each kind of phase enables. Phases are data (dates in the database); this small
mapping is the only code that knows what a running phase allows."""

from enum import StrEnum

from .models import PhaseKind


class Capability(StrEnum):
    ANSWER = "answer"
    CURATE_KEYWORDS = "curate_keywords"
    COUNCILLOR_ROUND = "councillor_round"
    SORT_KEYWORDS = "sort_keywords"
    DRAFT_VISION = "draft_vision"
    PROPOSE_INITIATIVES = "propose_initiatives"
    FOLLOW_UP = "follow_up"


PHASE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    PhaseKind.PLANNING: frozenset(),
    PhaseKind.CONSULTATION: frozenset({Capability.ANSWER, Capability.CURATE_KEYWORDS}),
    PhaseKind.KEYWORD_CURATION: frozenset({Capability.CURATE_KEYWORDS}),
    PhaseKind.COUNCILLOR_ROUND: frozenset({Capability.COUNCILLOR_ROUND}),
    PhaseKind.SORTING: frozenset({Capability.SORT_KEYWORDS}),
    PhaseKind.DRAFTING: frozenset({Capability.DRAFT_VISION}),
    PhaseKind.DECISION: frozenset({Capability.DRAFT_VISION}),
    PhaseKind.AWARENESS: frozenset(),
    PhaseKind.CO_CREATION: frozenset({Capability.ANSWER, Capability.PROPOSE_INITIATIVES}),
    PhaseKind.REALISATION: frozenset({Capability.PROPOSE_INITIATIVES, Capability.FOLLOW_UP}),
    PhaseKind.FOLLOW_UP: frozenset({Capability.FOLLOW_UP}),
    PhaseKind.OTHER: frozenset(),
}


def capabilities_of(phases) -> frozenset[Capability]:
    """Everything the given (running) phases enable together."""
    enabled: set[Capability] = set()
    for phase in phases:
        enabled |= PHASE_CAPABILITIES.get(phase.kind, frozenset())
    return frozenset(enabled)
