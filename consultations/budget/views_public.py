"""Residents' pages of a participatory budget: the budget, its proposals, proposing,
supporting, voting and the results. All work without JavaScript and without an account."""

import secrets
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from visionportal import files, ratelimits
from visionportal.phases import Capability, process_allows, refusal_reason

from . import access, eid, selectors, services
from .forms import BallotForm, EidVoteForm, ProposalFilterForm, ProposalForm, VotingCodeForm
from .models import Celebration, District, ParticipatoryBudget

PROPOSALS_PER_HOUR_PER_CLIENT = 10
CODE_TRIES_PER_HOUR_PER_CLIENT = 20
EID_STARTS_PER_HOUR_PER_CLIENT = 30
SUPPORTER_COOKIE = "vp_budget_supporter"
VOTER_SESSION_KEY = "budget_voter"


def _context(budget, **extra):
    process = budget.process
    return {
        "budget": budget,
        "process": process,
        "municipality": process.municipality,
        "can_propose": process_allows(process, Capability.PROPOSE_BUDGET_PROJECTS),
        "can_support": process_allows(process, Capability.SUPPORT_BUDGET_PROJECTS),
        "can_vote": process_allows(process, Capability.VOTE_BUDGET),
        "can_see_results": process_allows(process, Capability.SEE_BUDGET_RESULTS),
        # One small indexed query, and only from the celebration phase on.
        "celebration_published": process_allows(process, Capability.SEE_BUDGET_CELEBRATION)
        and Celebration.objects.filter(budget=budget, published=True).exists(),
        "evaluation": budget.evaluation
        if budget.evaluation_id and process_allows(process, Capability.EVALUATE_BUDGET)
        else None,
        **extra,
    }


def _budget(municipality_slug, process_slug):
    return access.public_budget(municipality_slug=municipality_slug, process_slug=process_slug)


def _args(budget):
    return [budget.process.municipality.slug, budget.process.slug]


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused(request, budget, capability):
    return render(
        request,
        "consultations/budget/refused.html",
        _context(budget, reason=refusal_reason(budget.process, capability)),
    )


@require_GET
def budget_overview(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    return render(request, "consultations/budget/overview.html", _context(budget))


@require_GET
def proposal_list(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    filters = ProposalFilterForm(request.GET, budget=budget)
    district, status = None, ""
    if filters.is_valid():
        district = filters.cleaned_data["district"]
        status = filters.cleaned_data["status"]
    page = selectors.proposals_page(
        budget=budget,
        district_id=district.pk if district else None,
        status=status,
        page=request.GET.get("page", 1),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/budget/proposal_list.html",
        _context(budget, filters=filters, page=page, query=query.urlencode()),
    )


@require_GET
def proposal_detail(request, municipality_slug, process_slug, pk):
    budget = _budget(municipality_slug, process_slug)
    proposal = access.public_proposal(budget, pk)
    photos, sketch = selectors.proposal_images(proposal)
    progress = None
    if process_allows(budget.process, Capability.SEE_BUDGET_RESULTS):
        progress = getattr(proposal, "progress", None)
    return render(
        request,
        "consultations/budget/proposal_detail.html",
        _context(budget, proposal=proposal, photos=photos, sketch=sketch, progress=progress),
    )


# Images change only by a new upload (a new digest, so a new address); a moderator's
# hiding must take effect soon, so browsers keep them an hour and shared caches not at all.
IMAGE_CACHE_CONTROL = "private, max-age=3600"


@require_GET
def proposal_image(request, municipality_slug, process_slug, pk, image_pk, digest, thumbnail=False):
    """A photo or sketch of a visible proposal of a published budget, never a media URL."""
    budget = _budget(municipality_slug, process_slug)
    image = access.public_image(budget, pk, image_pk, digest)
    name = image.thumbnail if thumbnail else image.file
    response = files.protected_download(
        name=name, filename=f"proposal-{pk}-{image.pk}.jpg", content_type="image/jpeg", inline=True
    )
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    return response


def _render_proposal_form(request, budget, form, status=200):
    return render(
        request,
        "consultations/budget/proposal_form.html",
        _context(budget, form=form),
        status=status,
    )


@require_GET
def proposal_new(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    if not process_allows(budget.process, Capability.PROPOSE_BUDGET_PROJECTS):
        return _refused(request, budget, Capability.PROPOSE_BUDGET_PROJECTS)
    form = ProposalForm(initial={"idempotency_key": uuid.uuid4()}, budget=budget)
    return _render_proposal_form(request, budget, form)


@require_POST
def proposal_submit(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    form = ProposalForm(request.POST, request.FILES, budget=budget)
    client = ratelimits.client_key(request, purpose="consultations.budget.propose")
    if ratelimits.over_limit(
        "vp:budget-propose", client, limit=PROPOSALS_PER_HOUR_PER_CLIENT, window=3600
    ):
        form.is_valid()
        form.add_error(
            None,
            _("Too many proposals have been sent from this connection. Try again in an hour."),
        )
        return _render_proposal_form(request, budget, form, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposal, _created = services.proposal_submit(
                budget=budget,
                idempotency_key=data["idempotency_key"],
                district=data["district"],
                place=data["place"],
                title=data["title"],
                description=data["description"],
                estimated_cost=data["estimated_cost"],
                photos=data["photos"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Your proposal is published and the municipality will assess it."),
            )
            return redirect("consultations:budget:proposal", *_args(budget), proposal.pk)
    return _render_proposal_form(request, budget, form)


@require_POST
def proposal_support(request, municipality_slug, process_slug, pk):
    budget = _budget(municipality_slug, process_slug)
    proposal = access.public_proposal(budget, pk)
    token = request.COOKIES.get(SUPPORTER_COOKIE, "")
    if len(token) != 43:  # secrets.token_urlsafe(32)
        token = secrets.token_urlsafe(32)
    try:
        created = services.proposal_support(proposal=proposal, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(request, _("Thank you for your support."))
        else:
            messages.info(request, _("You already support this proposal."))
    response = redirect("consultations:budget:proposal", *_args(budget), proposal.pk)
    response.set_cookie(
        SUPPORTER_COOKIE,
        token,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


# Voting ---------------------------------------------------------------------------------


def _identity(request, budget):
    data = request.session.get(VOTER_SESSION_KEY)
    if not data or data.get("budget") != budget.pk:
        return None
    return services.VoterIdentity.from_session(data)


def _no_store(response):
    add_never_cache_headers(response)
    return response


def _render_vote_start(request, budget, *, form=None, eid_form=None, status=200):
    """The ways to vote: a voting code and, where brokers are configured for the
    municipality's country, e-ID. The e-ID form posts here and is redirected to the broker,
    so the page's CSP form-action allows the brokers' sign-in origins too (browsers apply it
    to the redirect after a form is sent)."""
    providers = eid.providers_for(budget.process.municipality.country)
    if eid_form is None and providers:
        eid_form = EidVoteForm(budget=budget, providers=providers)
    response = render(
        request,
        "consultations/budget/vote_start.html",
        _context(
            budget,
            form=form or VotingCodeForm(),
            eid_form=eid_form if providers else None,
            providers=providers,
        ),
        status=status,
    )
    origins = sorted({p.authorize_origin for p in providers if p.authorize_origin})
    if origins:
        response._csp_update = {"form-action": origins}
    return _no_store(response)


@require_GET
def vote_start(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    if not process_allows(budget.process, Capability.VOTE_BUDGET):
        return _refused(request, budget, Capability.VOTE_BUDGET)
    return _render_vote_start(request, budget)


@require_POST
def vote_identify(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    if not process_allows(budget.process, Capability.VOTE_BUDGET):
        return _refused(request, budget, Capability.VOTE_BUDGET)
    form = VotingCodeForm(request.POST)
    client = ratelimits.client_key(request, purpose="consultations.budget.code")
    # Codes are long enough that guessing is hopeless; the limit keeps scripts from trying.
    if ratelimits.over_limit(
        "vp:budget-code", client, limit=CODE_TRIES_PER_HOUR_PER_CLIENT, window=3600
    ):
        form.is_valid()
        form.add_error(
            None, _("Too many codes have been tried from this connection. Try again in an hour.")
        )
        status = 429
    else:
        status = 200
        if form.is_valid():
            try:
                identity = services.voter_identify_by_code(
                    budget=budget, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                return _start_ballot(request, budget, identity)
    return _render_vote_start(request, budget, form=form, status=status)


def _start_ballot(request, budget, identity):
    # A new session key once identified: a session id seen before cannot vote with it.
    request.session.cycle_key()
    request.session[VOTER_SESSION_KEY] = {"budget": budget.pk, **identity.as_session()}
    return redirect("consultations:budget:ballot", *_args(budget))


@require_POST
def vote_eid(request, municipality_slug, process_slug):
    """The resident chose a district and an e-ID broker: off to the broker's sign-in."""
    budget = _budget(municipality_slug, process_slug)
    if not process_allows(budget.process, Capability.VOTE_BUDGET):
        return _refused(request, budget, Capability.VOTE_BUDGET)
    providers = eid.providers_for(budget.process.municipality.country)
    if not providers:
        return redirect("consultations:budget:vote", *_args(budget))
    form = EidVoteForm(request.POST, budget=budget, providers=providers)
    client = ratelimits.client_key(request, purpose="consultations.budget.eid")
    # Each start asks the broker for its configuration and keeps a state in the session.
    if ratelimits.over_limit(
        "vp:budget-eid", client, limit=EID_STARTS_PER_HOUR_PER_CLIENT, window=3600
    ):
        form.is_valid()
        form.add_error(
            None, _("Too many e-ID sign-ins were started from this connection. Try again later.")
        )
        return _render_vote_start(request, budget, eid_form=form, status=429)
    if form.is_valid():
        try:
            url = eid.authorization_url(
                request,
                provider_id=form.cleaned_data["provider"],
                data={"budget": budget.pk, "district": form.cleaned_data["district"].pk},
            )
        except eid.EidError as error:
            form.add_error(None, error.message)
            return _render_vote_start(request, budget, eid_form=form, status=error.status)
        return redirect(url)
    return _render_vote_start(request, budget, eid_form=form)


@require_GET
def eid_callback(request, provider_id):
    """The broker sends the resident back here (one URL per broker, registered there).
    Only a keyed hash of the verified identity goes into the session; then the ballot."""
    budget = None
    try:
        verified = eid.verified_identity(request, provider_id=provider_id)
        budget = _eid_budget(verified.data)
        if budget is None:
            raise eid.EidError(_("This budget is not open for voting."))
        identity = services.voter_identify_by_eid(
            budget=budget,
            district_id=verified.data.get("district"),
            issuer=verified.issuer,
            subject=verified.subject,
        )
    except eid.EidError as error:
        budget = budget or _eid_budget(error.data)
        return _eid_error(request, budget, error.message, error.status)
    except ValidationError as error:
        return _eid_error(request, budget, " ".join(error.messages), 400)
    return _start_ballot(request, budget, identity)


def _eid_budget(data):
    budget_pk = data.get("budget")
    if not isinstance(budget_pk, int):
        return None
    return (
        ParticipatoryBudget.objects.filter(
            pk=budget_pk, process__is_public=True, process__municipality__is_public=True
        )
        .select_related("process__municipality")
        .prefetch_related("process__phases")
        .first()
    )


def _eid_error(request, budget, message, status):
    context = _context(budget, message=message) if budget else {"message": message}
    return _no_store(render(request, "consultations/budget/eid_error.html", context, status=status))


def _render_ballot(request, budget, district, options, form, status=200):
    chosen = set()
    if form.is_bound:
        for value in form.data.getlist("proposals"):
            if value.isdigit():
                chosen.add(int(value))
    spent = sum(p.cost for p in options if p.pk in chosen)
    return _no_store(
        render(
            request,
            "consultations/budget/ballot.html",
            _context(
                budget,
                district=district,
                options=options,
                form=form,
                chosen=chosen,
                spent=spent,
                left=district.share - spent,
                over=spent - district.share,
            ),
            status=status,
        )
    )


@require_GET
def ballot(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    if not process_allows(budget.process, Capability.VOTE_BUDGET):
        return _refused(request, budget, Capability.VOTE_BUDGET)
    identity = _identity(request, budget)
    if identity is None:
        return redirect("consultations:budget:vote", *_args(budget))
    district = District.objects.get(pk=identity.district_id, budget=budget)
    options = selectors.ballot_options(district)
    form = BallotForm(initial={"idempotency_key": uuid.uuid4()}, options=options)
    return _render_ballot(request, budget, district, options, form)


@require_POST
def ballot_cast(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    identity = _identity(request, budget)
    if identity is None:
        return redirect("consultations:budget:vote", *_args(budget))
    district = District.objects.get(pk=identity.district_id, budget=budget)
    options = selectors.ballot_options(district)
    form = BallotForm(request.POST, options=options)
    if form.is_valid():
        try:
            services.ballot_cast(
                budget=budget,
                identity=identity,
                form_key=form.cleaned_data["idempotency_key"],
                proposal_ids=form.cleaned_data["proposals"],
                district=district,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("consultations:budget:voted", *_args(budget))
    return _render_ballot(request, budget, district, options, form)


@require_GET
def voted(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    return _no_store(render(request, "consultations/budget/voted.html", _context(budget)))


@require_GET
def results(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    if not process_allows(budget.process, Capability.SEE_BUDGET_RESULTS):
        return _refused(request, budget, Capability.SEE_BUDGET_RESULTS)
    return render(
        request,
        "consultations/budget/results.html",
        _context(budget, districts=selectors.results_tables(budget)),
    )


def _published_celebration(budget):
    """The post residents may see: published, and the celebration phase has begun."""
    if not process_allows(budget.process, Capability.SEE_BUDGET_CELEBRATION):
        return None
    return Celebration.objects.filter(budget=budget, published=True).first()


@require_GET
def celebration(request, municipality_slug, process_slug):
    budget = _budget(municipality_slug, process_slug)
    if not process_allows(budget.process, Capability.SEE_BUDGET_CELEBRATION):
        return _refused(request, budget, Capability.SEE_BUDGET_CELEBRATION)
    post = _published_celebration(budget)
    if post is None:
        raise Http404
    return render(
        request,
        "consultations/budget/celebration.html",
        _context(budget, post=post, photos=list(post.photos.all())),
    )


@require_GET
def celebration_photo(request, municipality_slug, process_slug, photo_pk, digest, thumbnail=False):
    budget = _budget(municipality_slug, process_slug)
    if _published_celebration(budget) is None:
        raise Http404
    photo = access.public_celebration_photo(budget, photo_pk, digest)
    response = files.protected_download(
        name=photo.thumbnail if thumbnail else photo.file,
        filename=f"celebration-{photo.pk}.jpg",
        content_type="image/jpeg",
        inline=True,
    )
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    return response
