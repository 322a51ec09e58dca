"""Reads for the participatory budget's pages and results: bounded, filtered and paged in
SQL."""

from django.core.paginator import Paginator
from django.db.models import F, Prefetch

from visionportal.models import ProposalSource, ProposedInitiative

from . import rules
from .models import (
    BallotChoice,
    BudgetProposal,
    BudgetResult,
    District,
    ImageKind,
    ProjectProgress,
    ProposalImage,
    ProposalStatus,
)

PROPOSALS_PER_PAGE = 20

# What residents may filter the list by: every status but the internal ones is public.
PUBLIC_STATUSES = [s for s in ProposalStatus]


def proposals_page(*, budget, district_id=None, status="", page=1):
    """One page of the visible proposals, newest first, with district, place and the
    assessment's public fields; the count is one indexed aggregate."""
    proposals = (
        BudgetProposal.objects.visible()
        .filter(budget=budget)
        .select_related("district", "place", "assessment", "assessment__merged_into")
        .prefetch_related(_photos())
        .order_by("-submitted_at", "-pk")
    )
    if district_id:
        proposals = proposals.filter(district_id=district_id)
    if status:
        proposals = proposals.filter(status=status)
    return Paginator(proposals, PROPOSALS_PER_PAGE).get_page(page)


def _photos():
    """The residents' photos of the proposals on one page, as `photos` (one query for the
    page; at most MAX_PROPOSAL_PHOTOS each)."""
    return Prefetch(
        "images", queryset=ProposalImage.objects.filter(kind=ImageKind.PHOTO), to_attr="photos"
    )


def proposal_images(proposal: BudgetProposal) -> tuple[list, ProposalImage | None]:
    """A proposal's photos and its sketch (None without one), in one query."""
    photos, sketch = [], None
    for image in proposal.images.all():
        if image.kind == ImageKind.SKETCH:
            sketch = image
        else:
            photos.append(image)
    return photos, sketch


def staff_proposals_page(*, budget, status="", page=1):
    """Staff see hidden proposals too, with who hid them."""
    proposals = (
        BudgetProposal.objects.filter(budget=budget)
        .select_related("district", "place", "assessment", "hidden_by")
        .prefetch_related(_photos())
        .order_by("-submitted_at", "-pk")
    )
    if status:
        proposals = proposals.filter(status=status)
    return Paginator(proposals, PROPOSALS_PER_PAGE).get_page(page)


def ballot_options(district: District) -> list[BudgetProposal]:
    """The district's proposals on the ballot, cheapest first, each with `cost` (the
    assessed estimate). A ballot is a few dozen projects at most (seed 004)."""
    return list(
        BudgetProposal.objects.on_ballot()
        .filter(district=district)
        .annotate(cost=F("assessment__cost_estimate"))
        .select_related("place")
        .order_by("cost", "pk")
    )


def district_projects(district: District) -> list[rules.Project]:
    return [
        rules.Project(pk, cost)
        for pk, cost in BudgetProposal.objects.on_ballot()
        .filter(district=district)
        .values_list("pk", "assessment__cost_estimate")
    ]


def district_ballots(district: District):
    """The district's ballots as counted sets of approved proposal ids. Streams the choices
    in ballot order with a server-side cursor, so 20,000 ballots never sit in memory as
    rows, only as a few thousand distinct sets."""
    counted = {}
    current, chosen = None, []
    choices = (
        BallotChoice.objects.filter(ballot__district=district)
        .order_by("ballot_id")
        .values_list("ballot_id", "proposal_id")
    )
    for ballot_id, proposal_id in choices.iterator(chunk_size=5000):
        if ballot_id != current:
            if chosen:
                key = frozenset(chosen)
                counted[key] = counted.get(key, 0) + 1
            current, chosen = ballot_id, []
        chosen.append(proposal_id)
    if chosen:
        key = frozenset(chosen)
        counted[key] = counted.get(key, 0) + 1
    return counted


CHART_BAR_HEIGHT = 28


def results_tables(budget) -> list[dict]:
    """Per district, its stored results side by side: each project on its ballot with cost,
    approvals and whether each rule funds it (and in which order), plus the bar widths of
    the chart. Bounded by the ballot's size (a few dozen projects per district)."""
    stored = {}
    for result in BudgetResult.objects.filter(district__budget=budget):
        stored.setdefault(result.district_id, {})[result.rule] = result
    # What staff have said about building the winners: one query for the whole budget.
    progress = {p.proposal_id: p for p in ProjectProgress.objects.filter(proposal__budget=budget)}
    tables = []
    for district in budget.districts.all():
        by_rule = stored.get(district.pk, {})
        greedy = by_rule.get(BudgetResult.Rule.GREEDY)
        mes = by_rule.get(BudgetResult.Rule.MES)
        if greedy is None or mes is None:
            tables.append({"district": district, "computed": False})
            continue
        greedy_order = {pk: i + 1 for i, pk in enumerate(greedy.winners)}
        mes_order = {pk: i + 1 for i, pk in enumerate(mes.winners)}
        rows = []
        for proposal in ballot_options(district):
            rows.append(
                {
                    "proposal": proposal,
                    "cost": proposal.cost,
                    "approvals": greedy.approvals.get(str(proposal.pk), 0),
                    "greedy": greedy_order.get(proposal.pk),
                    "mes": mes_order.get(proposal.pk),
                    "progress": progress.get(proposal.pk),
                }
            )
        rows.sort(key=lambda r: (-r["approvals"], r["cost"], r["proposal"].pk))
        most = max((r["approvals"] for r in rows), default=0) or 1
        for position, row in enumerate(rows):
            row["bar"] = round(100 * row["approvals"] / most, 1)
            row["y"] = position * CHART_BAR_HEIGHT
        costs = {r["proposal"].pk: r["cost"] for r in rows}
        tables.append(
            {
                "district": district,
                "computed": True,
                "ballots": greedy.ballots,
                "rows": rows,
                "greedy_spent": sum(costs.get(pk, 0) for pk in greedy.winners),
                "mes_spent": sum(costs.get(pk, 0) for pk in mes.winners),
                "chart_height": len(rows) * CHART_BAR_HEIGHT,
                "computed_at": greedy.computed_at,
            }
        )
    return tables


WINNERS_SHOWN = 200


def project_ref(proposal_pk: int) -> str:
    """The key of a budget project's proposal as an initiative (ProposedInitiative)."""
    return f"budget-proposal:{proposal_pk}"


def winners_to_propose(budget) -> list[dict]:
    """The projects either rule funds, per district in the order of the results, each with
    the rules that fund it and whether it is proposed as an initiative (three queries,
    bounded by the districts' ballots)."""
    rules_of: dict[int, list[str]] = {}
    for result in BudgetResult.objects.filter(district__budget=budget).order_by("rule"):
        for pk in result.winners:
            rules_of.setdefault(pk, []).append(result.get_rule_display())
    if not rules_of:
        return []
    proposals = BudgetProposal.objects.filter(budget=budget, pk__in=list(rules_of)).select_related(
        "district"
    )[:WINNERS_SHOWN]
    refs = {project_ref(pk) for pk in rules_of}
    proposed = set(
        ProposedInitiative.objects.filter(
            process_id=budget.process_id,
            source_kind=ProposalSource.BUDGET_PROJECT,
            source_ref__in=refs,
        ).values_list("source_ref", flat=True)
    )
    rows = [
        {
            "proposal": proposal,
            "rules": rules_of[proposal.pk],
            "proposed": project_ref(proposal.pk) in proposed,
        }
        for proposal in proposals
    ]
    rows.sort(key=lambda row: (row["proposal"].district.name, row["proposal"].title))
    return rows


def winning_projects(budget) -> list[BudgetProposal]:
    """The proposals funded by either rule, with their progress, by district then title.
    Bounded: winners fit within the budget, a few dozen at most."""
    from .services import winner_ids

    return list(
        BudgetProposal.objects.filter(budget=budget, pk__in=winner_ids(budget))
        .select_related("district", "progress")
        .order_by("district__position", "district__pk", "title", "pk")
    )
