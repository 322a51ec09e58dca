"""Staff pages of a participatory budget: moderation, assessment, voting codes, paper
ballots, results."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visionportal import files
from visionportal.access import EDITOR_ROLES, member_required, process_for_member
from visionportal.models import Role

from . import access, selectors, services, tasks
from .forms import (
    AssessmentForm,
    BallotForm,
    BudgetSetupForm,
    CelebrationForm,
    EvaluationForm,
    HideForm,
    ProgressForm,
    VotingCodeForm,
    VotingCodesForm,
)
from .models import Celebration, ParticipatoryBudget, ProposalStatus

MODERATION_ROLES = EDITOR_ROLES | {Role.MODERATOR}


def _budget_url(budget):
    return redirect(
        "consultations_staff:budget:budget", budget.process.municipality.slug, budget.pk
    )


@require_http_methods(["GET", "POST"])
@member_required(EDITOR_ROLES)
def budget_create(request, process_pk):
    process = process_for_member(request, process_pk)
    existing = ParticipatoryBudget.objects.filter(process=process).first()
    if existing is not None:
        return _budget_url(existing)
    form = BudgetSetupForm(request.POST or None, initial={"currency": "DKK"})
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_create(process=process, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The participatory budget is set up."))
            return _budget_url(budget)
    return render(
        request,
        "consultations/budget/staff/create.html",
        {"process": process, "municipality": request.municipality, "form": form},
    )


@require_GET
@member_required(MODERATION_ROLES)
def budget_detail(request, pk):
    budget = access.budget_for_member(request, pk)
    status = request.GET.get("status", "")
    if status not in ProposalStatus.values:
        status = ""
    page = selectors.staff_proposals_page(
        budget=budget, status=status, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "consultations/budget/staff/budget.html",
        {
            "budget": budget,
            "process": budget.process,
            "municipality": request.municipality,
            "page": page,
            "status": status,
            "statuses": ProposalStatus.choices,
            "codes_form": VotingCodesForm(budget=budget),
            "can_edit": request.membership.role in EDITOR_ROLES,
            "winners": selectors.winners_to_propose(budget),
        },
    )


@require_POST
@member_required(MODERATION_ROLES)
def proposal_hide(request, pk, proposal_pk):
    budget = access.budget_for_member(request, pk)
    proposal = access.proposal_for_member(budget, proposal_pk)
    form = HideForm(request.POST)
    if form.is_valid():
        services.proposal_hide(
            proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The proposal is hidden from residents and the ballot."))
    else:
        messages.error(
            request, _("Give a reason (at most 500 characters) for hiding the proposal.")
        )
    return _budget_url(budget)


@require_POST
@member_required(MODERATION_ROLES)
def proposal_unhide(request, pk, proposal_pk):
    budget = access.budget_for_member(request, pk)
    proposal = access.proposal_for_member(budget, proposal_pk)
    services.proposal_unhide(proposal=proposal)
    messages.success(request, _("The proposal is shown again."))
    return _budget_url(budget)


@require_http_methods(["GET", "POST"])
@member_required(EDITOR_ROLES)
def proposal_assess(request, pk, proposal_pk):
    budget = access.budget_for_member(request, pk)
    proposal = access.proposal_for_member(budget, proposal_pk)
    assessment = getattr(proposal, "assessment", None)
    if request.method == "POST":
        form = AssessmentForm(request.POST, request.FILES, proposal=proposal)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.proposal_assess(proposal=proposal, by=request.user, **data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The assessment is saved."))
                return _budget_url(budget)
    else:
        initial = {"version": proposal.version, "cost_estimate": proposal.estimated_cost}
        if assessment is not None:
            initial.update(
                legally_feasible=assessment.legally_feasible,
                economically_feasible=assessment.economically_feasible,
                cost_estimate=assessment.cost_estimate,
                decision=assessment.decision,
                public_reason=assessment.public_reason,
                merged_into=assessment.merged_into_id,
                notes=assessment.notes,
            )
        form = AssessmentForm(initial=initial, proposal=proposal)
    photos, sketch = selectors.proposal_images(proposal)
    return render(
        request,
        "consultations/budget/staff/assess.html",
        {
            "budget": budget,
            "municipality": request.municipality,
            "proposal": proposal,
            "form": form,
            "photos": photos,
            "sketch": sketch,
        },
    )


@require_GET
@member_required(MODERATION_ROLES)
def proposal_image(request, pk, proposal_pk, image_pk):
    """An image for staff, also of a hidden proposal (moderators judge it)."""
    budget = access.budget_for_member(request, pk)
    image = access.image_for_member(budget, proposal_pk, image_pk)
    return files.protected_download(
        name=image.file,
        filename=f"proposal-{proposal_pk}-{image.pk}.jpg",
        content_type="image/jpeg",
        inline=True,
    )


@require_POST
@member_required(EDITOR_ROLES)
def voting_codes(request, pk):
    """Generate codes and show them once, to print: only their hashes are kept."""
    budget = access.budget_for_member(request, pk)
    form = VotingCodesForm(request.POST, budget=budget)
    if not form.is_valid():
        messages.error(request, _("Choose a district and a number of codes between 1 and 5000."))
        return _budget_url(budget)
    district = form.cleaned_data["district"]
    codes = services.voting_codes_generate(
        district=district, count=form.cleaned_data["count"], by=request.user
    )
    response = render(
        request,
        "consultations/budget/staff/codes.html",
        {
            "budget": budget,
            "municipality": request.municipality,
            "district": district,
            "codes": codes,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@member_required(EDITOR_ROLES)
def results_compute(request, pk):
    budget = access.budget_for_member(request, pk)
    for district in budget.districts.all():
        transaction.on_commit(lambda d=district.pk: tasks.compute_results.delay(d))
    messages.success(
        request, _("The results are being computed. They appear on the results page shortly.")
    )
    return _budget_url(budget)


@require_http_methods(["GET", "POST"])
@member_required(EDITOR_ROLES)
def paper_ballot(request, pk, district_pk):
    """A paper ballot (from a library or a letter) entered by staff: its voting code and
    the crosses, counted by the same rules as online, the code used up the same way."""
    budget = access.budget_for_member(request, pk)
    district = get_object_or_404(budget.districts, pk=district_pk)
    options = selectors.ballot_options(district)
    if request.method == "POST":
        code_form = VotingCodeForm(request.POST)
        form = BallotForm(request.POST, options=options)
        if code_form.is_valid() and form.is_valid():
            try:
                identity = services.voter_identify_by_code(
                    budget=budget, code=code_form.cleaned_data["code"]
                )
                if identity.district_id != district.pk:
                    raise ValidationError(_("That voting code belongs to another district."))
                services.ballot_cast(
                    budget=budget,
                    identity=identity,
                    form_key=form.cleaned_data["idempotency_key"],
                    proposal_ids=form.cleaned_data["proposals"],
                    district=district,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The paper ballot is counted. Enter the next one."))
                return redirect(
                    "consultations_staff:budget:paper_ballot",
                    request.municipality.slug,
                    budget.pk,
                    district.pk,
                )
    else:
        code_form = VotingCodeForm()
        form = BallotForm(initial={"idempotency_key": uuid.uuid4()}, options=options)
    return render(
        request,
        "consultations/budget/staff/paper_ballot.html",
        {
            "budget": budget,
            "municipality": request.municipality,
            "district": district,
            "code_form": code_form,
            "form": form,
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def project_propose(request, pk, proposal_pk):
    """Propose a winning project as an initiative for the follow-up (once per project)."""
    budget = access.budget_for_member(request, pk)
    try:
        services.project_propose(
            budget=budget,
            proposal_pk=proposal_pk,
            by=request.user,
            source_url=reverse(
                "consultations_staff:budget:budget", args=[request.municipality.slug, budget.pk]
            )
            + "#winners",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The project is proposed as an initiative for the follow-up."))
    return _budget_url(budget)


# Afterwards: building, celebrating, evaluating -------------------------------------------


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _after_url(budget):
    return redirect("consultations_staff:budget:after", budget.process.municipality.slug, budget.pk)


def _render_after(request, budget, *, bound=None, evaluation_form=None, status=200):
    """The winning projects, each with its status form (`bound` replaces one project's
    form after a refused save), and the evaluation survey's form."""
    projects = []
    for proposal in selectors.winning_projects(budget):
        form = None
        if bound is not None and bound[0] == proposal.pk:
            form = bound[1]
        if form is None:
            progress = getattr(proposal, "progress", None)
            initial = {"version": 0, "status_on": timezone.localdate()}
            if progress is not None:
                initial = {
                    "version": progress.version,
                    "status": progress.status,
                    "status_on": progress.status_on,
                    "note": progress.note,
                }
            form = ProgressForm(initial=initial, prefix=f"p{proposal.pk}")
        projects.append({"proposal": proposal, "form": form})
    # A refused save for a project not (or no longer) among the winners has no form here.
    shown = {item["proposal"].pk for item in projects}
    page_errors = bound[1].non_field_errors() if bound and bound[0] not in shown else []
    return render(
        request,
        "consultations/budget/staff/after.html",
        {
            "budget": budget,
            "municipality": request.municipality,
            "projects": projects,
            "page_errors": page_errors,
            "evaluation_form": evaluation_form
            or EvaluationForm(initial={"consultation": budget.evaluation_id}, budget=budget),
        },
        status=status,
    )


@require_GET
@member_required(EDITOR_ROLES)
def after(request, pk):
    """After the vote: implementation status per winning project, the evaluation survey
    and the way to the celebration post."""
    return _render_after(request, access.budget_for_member(request, pk))


@require_POST
@member_required(EDITOR_ROLES)
def progress_set(request, pk, proposal_pk):
    budget = access.budget_for_member(request, pk)
    proposal = access.proposal_for_member(budget, proposal_pk)
    form = ProgressForm(request.POST, prefix=f"p{proposal.pk}")
    if form.is_valid():
        try:
            services.progress_set(proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The project’s status is saved."))
            return _after_url(budget)
    return _render_after(request, budget, bound=(proposal.pk, form), status=400)


@require_POST
@member_required(EDITOR_ROLES)
def evaluation_set(request, pk):
    budget = access.budget_for_member(request, pk)
    form = EvaluationForm(request.POST, budget=budget)
    if form.is_valid():
        try:
            services.evaluation_set(budget=budget, consultation=form.cleaned_data["consultation"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The evaluation survey is saved."))
            return _after_url(budget)
    return _render_after(request, budget, evaluation_form=form, status=400)


@require_http_methods(["GET", "POST"])
@member_required(EDITOR_ROLES)
def celebration_edit(request, pk):
    budget = access.budget_for_member(request, pk)
    celebration = Celebration.objects.filter(budget=budget).first()
    photos = list(celebration.photos.all()) if celebration else []
    status = 200
    if request.method == "POST":
        form = CelebrationForm(request.POST, request.FILES, photos=photos)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.celebration_save(
                    budget=budget,
                    by=request.user,
                    version=data["version"],
                    title=data["title"],
                    text=data["text"],
                    published=data["published"],
                    photos=data["photos"],
                    remove_photo_ids=data.get("remove_photos") or [],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The celebration post is saved."))
                return redirect(
                    "consultations_staff:budget:celebration", request.municipality.slug, budget.pk
                )
        status = 400
    else:
        initial = {"version": 0}
        if celebration is not None:
            initial = {
                "version": celebration.version,
                "title": celebration.title,
                "text": celebration.text,
                "published": celebration.published,
            }
        form = CelebrationForm(initial=initial, photos=photos)
    return render(
        request,
        "consultations/budget/staff/celebration.html",
        {
            "budget": budget,
            "municipality": request.municipality,
            "celebration": celebration,
            "photos": photos,
            "form": form,
        },
        status=status,
    )


@require_GET
@member_required(EDITOR_ROLES)
def celebration_photo(request, pk, photo_pk):
    """A celebration photo for its editors, also before the post is published."""
    budget = access.budget_for_member(request, pk)
    photo = get_object_or_404(access.CelebrationPhoto, pk=photo_pk, celebration__budget=budget)
    return files.protected_download(
        name=photo.thumbnail,
        filename=f"celebration-{photo.pk}.jpg",
        content_type="image/jpeg",
        inline=True,
    )
