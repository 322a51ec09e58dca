"""Who may reach which keyword, curation action, extraction run, councillors' round and
proposal: the one place that looks them up for a view.

The rules are visionportal.access's: an object of a municipality you are not a member of
does not exist for you (404, so nothing leaks); the role check (403) is the view's
`member_required(roles)`. The consultation itself comes from consultations.access. Each
helper here takes an object the member already reached (a consultation, a round), so a
keyword of another consultation is 404 too.
"""

from django.shortcuts import get_object_or_404

from consultations.models import Consultation

from .models import (
    CouncillorProposal,
    CouncillorRound,
    ExtractionRun,
    Keyword,
    KeywordAction,
    SortingRound,
)


def keyword_of(consultation: Consultation, keyword_pk: int) -> Keyword:
    return get_object_or_404(Keyword, pk=keyword_pk, consultation=consultation)


def action_of(consultation: Consultation, action_pk: int) -> KeywordAction:
    """A curation action (the history's undo) of the consultation, or 404."""
    return get_object_or_404(KeywordAction, pk=action_pk, consultation=consultation)


def run_of(consultation: Consultation, run_pk: int) -> ExtractionRun:
    return get_object_or_404(ExtractionRun, pk=run_pk, consultation=consultation)


def round_for_member(request, round_pk: int, consultation=None) -> CouncillorRound:
    """A round of the member's municipality (and of `consultation` when given), or 404."""
    rounds = CouncillorRound.objects.select_related("consultation__process")
    if consultation is not None:
        rounds = rounds.filter(consultation=consultation)
    return get_object_or_404(
        rounds, pk=round_pk, consultation__process__municipality=request.municipality
    )


def own_proposal(request, round: CouncillorRound, proposal_pk: int) -> CouncillorProposal:
    """The signed-in councillor's own proposal in the round; someone else's does not exist
    for them (404)."""
    return get_object_or_404(
        CouncillorProposal, pk=proposal_pk, round=round, councillor=request.user
    )


def sorting_round_for_member(request, round_pk: int, process) -> SortingRound:
    """A sorting round of the member's process, or 404 (also another municipality's)."""
    return get_object_or_404(
        SortingRound.objects.select_related("keyword_list__consultation", "process"),
        pk=round_pk,
        process=process,
        process__municipality=request.municipality,
    )


def public_sorting_round(*, municipality_slug: str, process_slug: str, pk: int) -> SortingRound:
    """An opened round of a published process of a public municipality, or 404; with the
    process's phases (its status depends on them) and the list's consultation (its areas)."""
    return get_object_or_404(
        SortingRound.objects.public()
        .select_related("process__municipality", "keyword_list__consultation")
        .prefetch_related("process__phases"),
        pk=pk,
        process__slug=process_slug,
        process__municipality__slug=municipality_slug,
    )
