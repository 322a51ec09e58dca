"""Pages of the councillors' round and of the published keyword lists.

Staff (EDITOR_ROLES) open and close rounds, read the consolidated result and publish
versions. Councillors (Role.COUNCILLOR only: admins and staff run the round, they do not
take part in it) strike and add keywords. Through access.member_required: another
municipality's round is 404, a wrong role 403. Every change is a POST that redirects;
a councillor's strike, addition or withdrawal returns to the page, search and filters it
came from (the form's action carries them). Before opening, staff see how many keywords a
respondent threshold gives: a GET that works without JavaScript, its count refreshed by
htmx as they type (the ``choice`` partial of round_staff.html).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consultations.access import consultation_for_member
from keywords.access import keyword_of, own_proposal, round_for_member
from keywords.councillors import round_list, selectors, services
from keywords.councillors.forms import (
    AddForm,
    PublishForm,
    RoundChoiceForm,
    RoundListFilterForm,
    RoundOpenForm,
    StrikeForm,
)
from keywords.curation.forms import is_id
from visionportal.access import EDITOR_ROLES, member_required
from visionportal.models import Role

COUNCILLOR_ROLES = frozenset({Role.COUNCILLOR})


# --- staff ------------------------------------------------------------------------------


def _page_links(request, page, param: str) -> dict:
    """Previous/next links for a page whose number is in query parameter ``param``,
    keeping the other parameters (several paged lists share one page)."""

    def link(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


def _min_respondents(data, consultation) -> tuple[RoundChoiceForm, int]:
    """The threshold staff chose (GET preview, or the POST that opens), or else the
    suggested one; with the form to show it in."""
    form = RoundChoiceForm(data or None)
    if form.is_valid() and form.cleaned_data["min_respondents"] is not None:
        return form, form.cleaned_data["min_respondents"]
    suggested = round_list.suggested_min_respondents(consultation)
    if form.is_bound and form.errors:
        return form, suggested  # shows what was wrong with the input
    return RoundChoiceForm(initial={"min_respondents": suggested}), suggested


def _render_round_staff(request, consultation, *, data=None, open_form=None, status=200):
    context = {"consultation": consultation, "round_max": round_list.ROUND_KEYWORDS_MAX}
    fragment = request.htmx and request.GET.get("partial") == "choice"
    open_round = None if fragment else selectors.open_round(consultation)
    if open_round is None:  # the count before opening (with an open round, no form)
        choice_form, min_respondents = _min_respondents(
            request.GET if data is None else data, consultation
        )
        context |= {
            "choice_form": choice_form,
            "choice": round_list.round_choice(consultation, min_respondents=min_respondents),
        }
    if fragment:
        response = render(request, "keywords/round_staff.html#choice", context)
    else:
        context |= {
            "rounds": selectors.rounds_of(consultation),
            "open_round": open_round,
            "open_form": open_form or RoundOpenForm(),
            "versions": selectors.keyword_list_versions(consultation),
            "pending_round": services.pending_round(consultation),
        }
        response = render(request, "keywords/round_staff.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@member_required(EDITOR_ROLES)
def round_staff(request, pk):
    return _render_round_staff(request, consultation_for_member(request, pk))


@require_POST
@member_required(EDITOR_ROLES)
def round_open(request, pk):
    consultation = consultation_for_member(request, pk)
    form = RoundOpenForm(request.POST)
    choice_form = RoundChoiceForm(request.POST)
    if form.is_valid() and choice_form.is_valid():
        try:
            round = services.round_open(
                consultation=consultation,
                by=request.user,
                min_respondents=choice_form.cleaned_data["min_respondents"],
                **form.cleaned_data,
            )
        except services.RoundError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The councillors' round is open."))
            return redirect("keywords:round_result", request.municipality.slug, pk, round.pk)
    elif form.is_valid():
        form.add_error(
            None, _("The minimum number of respondents must be a whole number, 0 or more.")
        )
    return _render_round_staff(request, consultation, data=request.POST, open_form=form, status=400)


@require_GET
@member_required(EDITOR_ROLES)
def round_result(request, pk, round_pk):
    consultation = consultation_for_member(request, pk)
    round = round_for_member(request, round_pk, consultation)
    result = selectors.round_result(
        round,
        page=request.GET.get("page"),
        additions_page=request.GET.get("additions_page"),
        withdrawn_page=request.GET.get("withdrawn_page"),
    )
    return render(
        request,
        "keywords/round_result.html",
        {
            "consultation": consultation,
            "round": round,
            "result": result,
            "strike_pages": _page_links(request, result.strikes, "page"),
            "addition_pages": _page_links(request, result.additions, "additions_page"),
            "withdrawn_pages": _page_links(request, result.withdrawn, "withdrawn_page"),
            "published": round.published_lists.order_by("-version"),
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def round_close(request, pk, round_pk):
    consultation = consultation_for_member(request, pk)
    round = round_for_member(request, round_pk, consultation)
    services.round_close(round=round, by=request.user)
    messages.success(request, _("The round is closed. Councillors now see everyone's proposals."))
    return redirect("keywords:round_result", request.municipality.slug, pk, round.pk)


def _ids(values) -> list[int]:
    return [int(v) for v in values if is_id(v)]


def _publish_choice(request, data, consultation):
    """The round and the accepted proposals a review or a publish names. A round's page
    sends its ticked proposals (none ticked accepts none); the overview names neither, and
    the service then takes the pending round with every proposal accepted."""
    round_pk = data.get("round", "")
    round = round_for_member(request, int(round_pk), consultation) if is_id(round_pk) else None
    if round_pk and round is None:
        raise Http404
    accept = None
    if round is not None:
        accept = services.Acceptance.of(
            strikes=_ids(data.getlist("strike")), additions=data.getlist("add")
        )
    return round, accept


def _pinned(plan) -> list[tuple[str, object]]:
    """The review's plan as form fields, so the publish makes exactly the list reviewed
    even if another round closes in between (a new version in between is refused)."""
    if not plan.snapshot:
        return []
    fields: list[tuple[str, object]] = [("round", plan.round.pk)]
    for proposal in plan.accepted:
        if proposal.round_id != plan.round.pk:
            continue
        if proposal.kind == "strike":
            fields.append(("strike", proposal.keyword_id))
        else:
            fields.append(("add", proposal.label))
    return list(dict.fromkeys(fields))


@require_GET
@member_required(EDITOR_ROLES)
def list_publish_review(request, pk):
    """What publishing will make, shown before it is made; both "Publish" forms (the
    round's page and the rounds overview) lead here, and only here publishes."""
    consultation = consultation_for_member(request, pk)
    round, accept = _publish_choice(request, request.GET, consultation)
    context = {"consultation": consultation, "publish_form": PublishForm()}
    try:
        plan = services.keyword_list_plan(consultation=consultation, round=round, accept=accept)
    except services.RoundError as error:
        context["error"] = error.message
        return render(request, "keywords/publish_review.html", context, status=400)
    previous = list(plan.previous.items.order_by("position", "pk")) if plan.previous else []
    context |= {
        "plan": plan,
        "diff": selectors.items_diff(plan.items, previous),
        "pinned": _pinned(plan),
        "error": plan.error,
    }
    return render(request, "keywords/publish_review.html", context)


@require_POST
@member_required(EDITOR_ROLES)
def list_publish(request, pk):
    consultation = consultation_for_member(request, pk)
    round, accept = _publish_choice(request, request.POST, consultation)
    form = PublishForm(request.POST)
    review = reverse("keywords:list_publish_review", args=[request.municipality.slug, pk])
    query = urlencode(
        [(key, value) for key in ("round", "strike", "add") for value in request.POST.getlist(key)]
    )
    back = redirect(f"{review}?{query}" if query else review)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return back
    expected = request.POST.get("expected_version", "")
    try:
        keyword_list = services.keyword_list_publish(
            consultation=consultation,
            round=round,
            accept=accept,
            by=request.user,
            note=form.cleaned_data["note"],
            expected_version=int(expected) if is_id(expected) else None,
        )
    except services.RoundError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        _("Version %(version)d of the keyword list is published.")
        % {"version": keyword_list.version},
    )
    return redirect("keywords:list_version", request.municipality.slug, pk, keyword_list.version)


@require_GET
@member_required(EDITOR_ROLES | COUNCILLOR_ROLES)
def list_version(request, pk, version):
    """A published version, frozen; councillors may read it too (what their round led to)."""
    consultation = consultation_for_member(request, pk)
    keyword_list = selectors.keyword_list_version(consultation, version)
    if keyword_list is None:
        raise Http404
    previous = selectors.previous_version(keyword_list)
    return render(
        request,
        "keywords/keyword_list_published.html",
        {
            "consultation": consultation,
            "keyword_list": keyword_list,
            "previous": previous,
            "diff": selectors.keyword_list_diff(keyword_list, previous),
            "latest": selectors.keyword_list_versions(consultation).first(),
            "is_editor": request.membership.role in EDITOR_ROLES,
        },
    )


# --- councillors --------------------------------------------------------------------------


@require_GET
@member_required(COUNCILLOR_ROLES)
def councillor_rounds(request):
    rounds = list(selectors.rounds_for_councillors(request.municipality))
    latest = selectors.latest_list_versions(request.municipality)
    for round in rounds:
        round.latest_list_version = latest.get(round.consultation_id)
    return render(request, "keywords/round_councillor_list.html", {"rounds": rounds})


# The councillor's page state a strike or an addition returns to.
LIST_PARAMS = ("q", "struck", "kind", "page", "mine_page", "others_page")


def _render_councillor_round(
    request, round, *, add_form=None, strike_errors=None, strike_values=None, status=200
):
    strike_errors, strike_values = strike_errors or {}, strike_values or {}
    accepts = services.accepts_proposals(round)
    filter_form = RoundListFilterForm(request.GET)
    keywords = selectors.round_keywords_page(
        round, request.user, page=request.GET.get("page"), **filter_form.filters()
    )
    mine = selectors.own_proposals_page(round, request.user, request.GET.get("mine_page"))
    others = selectors.others_proposals_page(round, request.user, request.GET.get("others_page"))
    placed = set()
    for item in keywords:  # a refused strike is shown beside its keyword, input kept
        item.error = strike_errors.get(item.keyword_id, "")
        item.reason_value = strike_values.get(item.keyword_id, "")
        if accepts and not item.my_strike:
            placed.add(item.keyword_id)
    # A refusal with no form to show it beside (the round closed, the keyword is not on
    # this page or not on the list) is said at the top of the page instead.
    for pk, error in strike_errors.items():
        if pk not in placed:
            messages.error(request, error)
    if add_form is not None and not accepts:
        for error in add_form.non_field_errors():
            messages.error(request, error)
    query = _list_query(request.GET)
    return render(
        request,
        "keywords/round_councillor.html",
        {
            "round": round,
            "consultation": round.consultation,
            "accepts_proposals": accepts,
            "filter_form": filter_form,
            "filtered": any(filter_form.filters().values()),
            "keywords": keywords,
            "keyword_pages": _page_links(request, keywords, "page"),
            "mine": mine,
            "mine_pages": _page_links(request, mine, "mine_page"),
            "others": others,
            "others_pages": _page_links(request, others, "others_page") if others else None,
            "others_visible": selectors.others_visible(round),
            "add_form": add_form or AddForm(),
            "reason_max": services.REASON_MAX,
            "return_query": f"?{query}" if query else "",
        },
        status=status,
    )


def _list_query(data) -> str:
    """The councillor's page state (search, filters, pages) as a query string."""
    return urlencode([(key, data[key]) for key in LIST_PARAMS if data.get(key)])


@require_GET
@member_required(COUNCILLOR_ROLES)
def councillor_round(request, round_pk):
    return _render_councillor_round(request, round_for_member(request, round_pk))


def _round_page(request, round):
    """Back to the councillor's page as they left it (search, filters, page): a form's
    action carries that state in its query string."""
    url = reverse("keywords:councillor_round", args=[request.municipality.slug, round.pk])
    query = _list_query(request.GET)
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@member_required(COUNCILLOR_ROLES)
def councillor_strike(request, round_pk, keyword_pk):
    round = round_for_member(request, round_pk)
    keyword = keyword_of(round.consultation, keyword_pk)
    form = StrikeForm(request.POST)
    error = None
    if form.is_valid():
        try:
            proposal, created = services.proposal_strike(
                round=round,
                councillor=request.user,
                keyword=keyword,
                reason=form.cleaned_data["reason"],
            )
        except services.RoundError as refused:
            error = refused.message
        else:
            if created:
                messages.success(
                    request, _("You proposed striking “%(label)s”.") % {"label": keyword.label}
                )
            else:
                messages.info(
                    request,
                    _("You have already proposed striking “%(label)s”.") % {"label": keyword.label},
                )
            return _round_page(request, round)
    else:
        error = form.errors["reason"][0]
    return _render_councillor_round(
        request,
        round,
        strike_errors={keyword.pk: error},
        strike_values={keyword.pk: request.POST.get("reason", "")},
        status=400,
    )


@require_POST
@member_required(COUNCILLOR_ROLES)
def councillor_add(request, round_pk):
    round = round_for_member(request, round_pk)
    form = AddForm(request.POST)
    if form.is_valid():
        try:
            proposal, created = services.proposal_add(
                round=round, councillor=request.user, **form.cleaned_data
            )
        except services.RoundError as refused:
            form.add_error(None, refused.message)
        else:
            if created:
                messages.success(
                    request, _("You proposed adding “%(label)s”.") % {"label": proposal.label}
                )
            else:
                messages.info(
                    request,
                    _("You have already proposed adding “%(label)s”.") % {"label": proposal.label},
                )
            return _round_page(request, round)
    return _render_councillor_round(request, round, add_form=form, status=400)


@require_POST
@member_required(COUNCILLOR_ROLES)
def councillor_withdraw(request, round_pk, proposal_pk):
    round = round_for_member(request, round_pk)
    proposal = own_proposal(request, round, proposal_pk)
    try:
        services.proposal_withdraw(proposal=proposal, by=request.user)
    except services.RoundError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your proposal is withdrawn."))
    return _round_page(request, round)
