"""Who may reach which budget or proposal: residents only those of published processes of
public municipalities; members only their municipality's (404 otherwise, so nothing leaks;
the role check is the view's `member_required`)."""

from django.shortcuts import get_object_or_404

from .models import BudgetProposal, ParticipatoryBudget


def public_budget(*, municipality_slug: str, process_slug: str) -> ParticipatoryBudget:
    budgets = (
        ParticipatoryBudget.objects.filter(
            process__is_public=True, process__municipality__is_public=True
        )
        .select_related("process__municipality")
        .prefetch_related("process__phases", "districts")
    )
    return get_object_or_404(
        budgets, process__slug=process_slug, process__municipality__slug=municipality_slug
    )


def public_proposal(budget: ParticipatoryBudget, pk: int) -> BudgetProposal:
    return get_object_or_404(
        BudgetProposal.objects.visible().select_related(
            "district", "place", "assessment", "assessment__merged_into"
        ),
        budget=budget,
        pk=pk,
    )


def budget_for_member(request, pk: int) -> ParticipatoryBudget:
    return get_object_or_404(
        ParticipatoryBudget.objects.select_related("process__municipality").prefetch_related(
            "districts"
        ),
        pk=pk,
        process__municipality=request.municipality,
    )


def proposal_for_member(budget: ParticipatoryBudget, pk: int) -> BudgetProposal:
    return get_object_or_404(
        BudgetProposal.objects.select_related("district", "place", "assessment"),
        budget=budget,
        pk=pk,
    )
