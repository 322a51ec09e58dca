"""Who may reach which budget or proposal: residents only those of published processes of
public municipalities; members only their municipality's (404 otherwise, so nothing leaks;
the role check is the view's `member_required`)."""

from django.shortcuts import get_object_or_404

from .models import BudgetProposal, CelebrationPhoto, ParticipatoryBudget, ProposalImage


def public_budget(*, municipality_slug: str, process_slug: str) -> ParticipatoryBudget:
    budgets = (
        ParticipatoryBudget.objects.filter(
            process__is_public=True, process__municipality__is_public=True
        )
        .select_related("process__municipality", "evaluation")
        .prefetch_related("process__phases", "districts")
    )
    return get_object_or_404(
        budgets, process__slug=process_slug, process__municipality__slug=municipality_slug
    )


def public_proposal(budget: ParticipatoryBudget, pk: int) -> BudgetProposal:
    return get_object_or_404(
        BudgetProposal.objects.visible().select_related(
            "district", "place", "assessment", "assessment__merged_into", "progress"
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


def public_image(budget: ParticipatoryBudget, pk: int, image_pk: int, digest: str) -> ProposalImage:
    """An image of a visible proposal of this (public) budget: a hidden proposal's images
    are gone with it. The digest names the exact file, so an old address cannot reach a
    replaced sketch."""
    return get_object_or_404(
        ProposalImage,
        pk=image_pk,
        digest=digest,
        proposal_id=pk,
        proposal__budget=budget,
        proposal__hidden_at__isnull=True,
    )


def image_for_member(budget: ParticipatoryBudget, proposal_pk: int, image_pk: int) -> ProposalImage:
    """Staff see the images of hidden proposals too, to moderate them."""
    return get_object_or_404(
        ProposalImage, pk=image_pk, proposal_id=proposal_pk, proposal__budget=budget
    )


def public_celebration_photo(
    budget: ParticipatoryBudget, photo_pk: int, digest: str
) -> CelebrationPhoto:
    """A photo of the budget's published celebration post (the view checks the phase)."""
    return get_object_or_404(
        CelebrationPhoto,
        pk=photo_pk,
        digest=digest,
        celebration__budget=budget,
        celebration__published=True,
    )


def celebration_photo_for_member(budget: ParticipatoryBudget, photo_pk: int) -> CelebrationPhoto:
    return get_object_or_404(CelebrationPhoto, pk=photo_pk, celebration__budget=budget)
