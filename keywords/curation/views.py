"""Staff pages of keywords: the curation workbench (the keyword table with inline actions,
the answers behind a keyword, the history with undo, merge suggestions).

Every view runs through access.member_required(EDITOR_ROLES): other municipalities' data
is 404, wrong roles are 403, staff without MFA are sent to set it up. Every change is a
POST of a plain form (POST/redirect/GET with a message); htmx only enhances the row
actions by swapping the row in place.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from consultations.access import consultation_for_member
from keywords.access import action_of, keyword_of
from keywords.curation import selectors, suggestions, undo
from keywords.curation import services as curation
from keywords.curation.forms import (
    AddForm,
    KeywordFilterForm,
    MergeForm,
    RenameForm,
    UndoForm,
    VersionForm,
    is_id,
)
from keywords.models import KeywordStatus
from visionportal.access import EDITOR_ROLES, member_required

TABLE = "keywords/keyword_list.html"


def _workbench_path(request, consultation) -> str:
    return reverse("keywords:list", args=[request.municipality.slug, consultation.pk])


def _safe_next(request, consultation) -> str | None:
    """The posted `next` when it is this consultation's workbench on this site (any query
    string, no fragment), else None: a form can only send staff back to where they were,
    never to another host or page (no open redirect)."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path != _workbench_path(request, consultation):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _params(request, consultation) -> QueryDict:
    """The table's query (filters, search, order, page, ticked keywords) the staff member
    was on: the page's own on GET, the form's validated `next` on POST (or, for older
    forms, the action URL's query string)."""
    if request.method == "GET":
        return request.GET
    target = _safe_next(request, consultation)
    if target is not None:
        return QueryDict(urlsplit(target).query)
    return request.GET


def _list_url(request, consultation, keyword=None, *, drop=()) -> str:
    """The table as the staff member left it (filters, search, page), at the edited row."""
    params = _params(request, consultation).copy()
    for name in drop:
        params.pop(name, None)
    query = params.urlencode()
    return (
        _workbench_path(request, consultation)
        + (f"?{query}" if query else "")
        + (f"#keyword-{keyword.pk}" if keyword else "")
    )


def _ticked(values) -> dict[int, str]:
    """Posted or carried "pk:version" ticks by keyword, the malformed ones dropped."""
    ticked = {}
    for value in values:
        pk, _sep, version = value.partition(":")
        if is_id(pk) and is_id(version) and len(ticked) < selectors.MERGE_SELECTION_MAX:
            ticked[int(pk)] = value
    return ticked


def _table_page(request, consultation, *, status=200, **extra):
    params = _params(request, consultation)
    form = KeywordFilterForm(params or None)
    filters = form.filters() if params else {"order": "respondents"}
    merge_form = extra.pop("merge_form", None) or MergeForm(consultation=consultation)
    ticks = _ticked(
        merge_form.data.getlist("keywords") if merge_form.is_bound else params.getlist("keywords")
    )
    page = selectors.keyword_table(consultation, **filters, page=params.get("page") or 1)
    edited = extra.pop("edited", None)
    on_page = set()
    for row in page.object_list:
        # The row being edited opens its actions and shows the refusal with what was typed.
        row.edit = edited if edited and row.keyword.pk == edited["pk"] else None
        on_page.add(row.keyword.pk)
    elsewhere = selectors.selected_keywords(consultation, set(ticks) - on_page)
    # Bounded choices to merge into: this page's rows and the ticked ones (the form
    # accepts any keyword still in play, so a stale page is checked when posted).
    merge_form.fields["into"].queryset = merge_form.fields["into"].queryset.filter(
        pk__in=on_page | {k.pk for k in elsewhere}
    )
    query = params.copy()
    query.pop("keywords", None)
    context = {
        # The count bars compare each count with the page's largest (no query: the rows
        # are in hand); a row re-rendered by htmx gets the scale back from the table.
        "bar_scale": bar_scale(page.object_list),
        "active_filters": sum(1 for name in FOLDED_FILTERS if filters.get(name))
        + (filters["order"] != "respondents"),
        "consultation": consultation,
        "form": form if params else KeywordFilterForm(),
        "page": page,
        "rows": page.object_list,
        "filters": filters,
        "params": params,
        "list_url": _workbench_path(request, consultation),
        # Where the forms come back to; without the ticks, which the checkboxes carry
        # (five forms a row repeating a hundred ticks would double the page).
        "here": _workbench_path(request, consultation) + (f"?{query.urlencode()}" if query else ""),
        "latest_run": selectors.latest_run(consultation),
        "merge_form": merge_form,
        "merge_selected": set(ticks),
        "ticks": list(ticks.values()),
        "selected_elsewhere": [(k, ticks[k.pk]) for k in elsewhere],
        "add_form": extra.pop("add_form", None) or AddForm(),
        **extra,
    }
    # htmx restoring a page from history (after back) wants the whole page, not the table.
    table_only = request.htmx.target == "keyword-table" and not request.htmx.history_restore_request
    if request.htmx and request.method == "GET" and table_only:
        # The filter bar's summary counts the filters in use: it follows out of band.
        html = render_to_string(f"{TABLE}#table", context, request)
        html += render_to_string(f"{TABLE}#filter_summary", {**context, "oob": True}, request)
        response = HttpResponse(html, status=status)
    else:
        response = render(request, TABLE, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_GET
@member_required(EDITOR_ROLES)
def keyword_list(request, pk):
    consultation = consultation_for_member(request, pk)
    return _table_page(request, consultation)


# The filters folded into the bar's disclosure (the search stays in view).
FOLDED_FILTERS = ("status", "question_kind", "channel", "age_band", "target_group")


def bar_scale(rows) -> int:
    """The largest count on a page of rows: the length of a full count bar."""
    return max((max(row.respondents, *row.by_kind.values(), 0) for row in rows), default=0)


def _posted_scale(request, row) -> int:
    """The page's bar scale, which htmx sends from the table (hx-vals); a missing or
    forged one falls back to the row's own largest count."""
    value = request.POST.get("bar_scale", "")
    own = bar_scale([row])
    return max(int(value), own) if is_id(value) else own


def _first_error(form) -> str:
    if "version" in form.errors:
        return _("The form is out of date. Reload the page and try again.")
    return next(iter(form.errors.values()))[0]


def _row_response(request, consultation, keyword, *, message="", edited=None):
    """The htmx answer to a row action: the row, and the message for the live region."""
    row = selectors.keyword_row(consultation, keyword)
    if row is None:  # merged away by someone else meanwhile: show the table as it is
        if edited:
            messages.error(request, edited["error"])
        return HttpResponseClientRedirect(_list_url(request, consultation))
    row.edit = edited or {"pk": keyword.pk}  # keep the actions open where focus was
    context = {
        "consultation": consultation,
        "row": row,
        "list_url": _workbench_path(request, consultation),
        "here": _list_url(request, consultation, drop=["keywords"]),
        "bar_scale": _posted_scale(request, row),
        "status_message": message,
        "oob": True,
    }
    html = render_to_string(f"{TABLE}#row", context, request)
    if message:
        # Wrapped in <template>: out-of-band content next to a <tr> must not be parsed
        # as part of the table.
        html += (
            "<template>"
            + render_to_string(f"{TABLE}#status", context, request).strip()
            + "</template>"
        )
    return HttpResponse(html)


def _row_action(request, pk, keyword_pk, *, name, form_class, run, done):
    """Parse, call the curation service, answer with the row (htmx) or the page.

    A refusal keeps what was typed and says why: in the row for htmx, on the whole page
    (400, or 409 for a stale version) without JavaScript.
    """
    consultation = consultation_for_member(request, pk)
    keyword = keyword_of(consultation, keyword_pk)
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            run(keyword, form.cleaned_data, request.user)
        except curation.CurationError as error:
            message = error.message
            if isinstance(error, curation.StaleVersion):
                status = 409
        else:
            message = done % {"keyword": curation.quoted(keyword.label)}
            if request.htmx:
                return _row_response(request, consultation, keyword, message=message)
            messages.success(request, message)
            return redirect(_list_url(request, consultation, keyword))
    else:
        message = _first_error(form)
    edited = {"pk": keyword.pk, "action": name, "error": message, "data": request.POST}
    if request.htmx:
        return _row_response(request, consultation, keyword, edited=edited)
    return _table_page(request, consultation, status=status, edited=edited)


@require_POST
@member_required(EDITOR_ROLES)
def keyword_rename(request, pk, keyword_pk):
    def run(keyword, data, by):
        curation.keyword_rename(
            keyword=keyword,
            label=data["label"],
            reason=data["reason"],
            version=data["version"],
            by=by,
        )

    return _row_action(
        request, pk, keyword_pk, name="rename", form_class=RenameForm, run=run,
        done=_("Renamed to %(keyword)s."),
    )  # fmt: skip


@require_POST
@member_required(EDITOR_ROLES)
def keyword_strike(request, pk, keyword_pk):
    def run(keyword, data, by):
        curation.keyword_strike(
            keyword=keyword, reason=data["reason"], version=data["version"], by=by
        )

    return _row_action(
        request, pk, keyword_pk, name="strike", form_class=VersionForm, run=run,
        done=_("Struck %(keyword)s."),
    )  # fmt: skip


def _simple(service, name, done):
    """A row action that takes only the version read and an optional reason."""

    @require_POST
    @member_required(EDITOR_ROLES)
    def view(request, pk, keyword_pk):
        def run(keyword, data, by):
            service(keyword=keyword, reason=data["reason"], version=data["version"], by=by)

        return _row_action(
            request, pk, keyword_pk, name=name, form_class=VersionForm, run=run, done=done
        )

    view.__name__ = view.__qualname__ = f"keyword_{name}"
    return view


keyword_restore = _simple(curation.keyword_restore, "restore", _("Restored %(keyword)s."))
keyword_keep = _simple(curation.keyword_keep, "keep", _("%(keyword)s is kept for sorting."))
keyword_unkeep = _simple(
    curation.keyword_unkeep, "unkeep", _("%(keyword)s is no longer kept for sorting.")
)


@require_POST
@member_required(EDITOR_ROLES)
def keyword_split(request, pk, keyword_pk):
    consultation = consultation_for_member(request, pk)
    keyword = keyword_of(consultation, keyword_pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        try:
            curation.keyword_split(
                keyword=keyword,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except curation.CurationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(keyword)s is a keyword of its own again.")
                % {"keyword": curation.quoted(keyword.label)},
            )
    return redirect(_list_url(request, consultation, keyword))


@require_POST
@member_required(EDITOR_ROLES)
def keyword_merge(request, pk):
    consultation = consultation_for_member(request, pk)
    form = MergeForm(request.POST, consultation=consultation)
    status = 400
    if form.is_valid():
        into = form.cleaned_data["into"]
        try:
            curation.keyword_merge(
                keywords=form.sources,
                into=into,
                reason=form.cleaned_data["reason"],
                versions=form.cleaned_data["keywords"],
                by=request.user,
            )
        except curation.CurationError as error:
            form.add_error(None, error.message)
            if isinstance(error, curation.StaleVersion):
                status = 409
        else:
            messages.success(
                request,
                _("Merged into %(keyword)s.") % {"keyword": curation.quoted(into.label)},
            )
            if form.cleaned_data["return_to"] == "suggestions":
                return redirect("keywords:suggestions", request.municipality.slug, consultation.pk)
            return redirect(_list_url(request, consultation, into, drop=["keywords"]))
    if request.POST.get("return_to") == "suggestions":
        for error in form.non_field_errors() or [_first_error(form)]:
            messages.error(request, error)
        return redirect("keywords:suggestions", request.municipality.slug, consultation.pk)
    return _table_page(request, consultation, status=status, merge_form=form)


@require_POST
@member_required(EDITOR_ROLES)
def keyword_select(request, pk):
    """Another page of the table with the ticked keywords kept: the pager's buttons post
    the merge form here, so ticks made on this page survive paging without JavaScript.
    Changes nothing; redirects to the workbench URL that carries the ticks."""
    consultation = consultation_for_member(request, pk)
    params = _params(request, consultation).copy()
    params.setlist("keywords", list(_ticked(request.POST.getlist("keywords")).values()))
    page = request.POST.get("page", "")
    if is_id(page):
        params["page"] = page
    if request.POST.get("review"):
        # "Merge the ticked keywords": on to the review, which names what merges into what.
        ticks = params.getlist("keywords")
        params.pop("keywords", None)
        back = _workbench_path(request, consultation) + (f"?{params.urlencode()}" if params else "")
        review = reverse("keywords:merge_review", args=[request.municipality.slug, pk])
        query = QueryDict(mutable=True)
        query.setlist("keywords", ticks)
        query["next"] = back
        return redirect(f"{review}?{query.urlencode()}")
    return redirect(_workbench_path(request, consultation) + f"?{params.urlencode()}")


@require_GET
@member_required(EDITOR_ROLES)
def keyword_merge_review(request, pk):
    """The merge before it happens: only the ticked keywords to choose from, each choice
    saying which keywords would merge into which. Changes nothing; its form posts to
    keyword_merge."""
    consultation = consultation_for_member(request, pk)
    ticks = _ticked(request.GET.getlist("keywords"))
    workbench = _workbench_path(request, consultation)
    back = request.GET.get("next", "")
    if not back.startswith(workbench + "?") or "#" in back:
        back = workbench  # only this consultation's workbench: no open redirect
    keywords = [
        k
        for k in selectors.selected_keywords(consultation, ticks)
        if k.merged_into_id is None and k.status != KeywordStatus.STRUCK
    ]
    if len(keywords) < 2:
        messages.error(request, _("Tick at least two keywords to merge."))
        return redirect(back)
    # The likeliest keyword to keep first, chosen: the one most residents used.
    keywords.sort(key=lambda k: (-k.respondents, k.label.casefold(), k.pk))
    options = [(k, [other for other in keywords if other.pk != k.pk]) for k in keywords]
    return render(
        request,
        "keywords/merge_review.html",
        {
            "consultation": consultation,
            "options": options,
            "ticks": [ticks[k.pk] for k in keywords],
            "back": back,
            "reason_max": MergeForm.base_fields["reason"].max_length,
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def keyword_add(request, pk):
    consultation = consultation_for_member(request, pk)
    form = AddForm(request.POST)
    if form.is_valid():
        try:
            action = curation.keyword_add(
                consultation=consultation,
                label=form.cleaned_data["label"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except curation.CurationError as error:
            form.add_error("label", error.message)
        else:
            keyword = action.keywords.get()
            messages.success(
                request, _("Added %(keyword)s.") % {"keyword": curation.quoted(keyword.label)}
            )
            return redirect(_list_url(request, consultation, keyword))
    return _table_page(request, consultation, status=400, add_form=form)


@require_GET
@member_required(EDITOR_ROLES)
def keyword_answers(request, pk, keyword_pk):
    consultation = consultation_for_member(request, pk)
    keyword = keyword_of(consultation, keyword_pk)
    return render(
        request,
        "keywords/keyword_answers.html",
        {
            "consultation": consultation,
            "keyword": keyword,
            "merged": keyword.merged_keywords.order_by("label"),
            "page": selectors.keyword_answers(consultation, keyword, request.GET.get("page", 1)),
        },
    )


@require_GET
@member_required(EDITOR_ROLES)
def keyword_history(request, pk):
    consultation = consultation_for_member(request, pk)
    return render(
        request,
        "keywords/history.html",
        {
            "consultation": consultation,
            "page": selectors.keyword_history(consultation, request.GET.get("page", 1)),
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def action_undo(request, pk, action_pk):
    consultation = consultation_for_member(request, pk)
    action = action_of(consultation, action_pk)
    form = UndoForm(request.POST)
    if form.is_valid():
        try:
            undo.action_undo(action=action, reason=form.cleaned_data["reason"], by=request.user)
        except curation.CurationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Undone: %(action)s.") % {"action": action.get_kind_display()}
            )
    else:
        messages.error(request, _first_error(form))
    return redirect("keywords:history", request.municipality.slug, consultation.pk)


def _suggestions_url(request, consultation, page=None) -> str:
    url = reverse("keywords:suggestions", args=[request.municipality.slug, consultation.pk])
    return url + (f"?page={page}" if page and page != "1" else "")


@require_GET
@member_required(EDITOR_ROLES)
def keyword_suggestions(request, pk):
    consultation = consultation_for_member(request, pk)
    return render(
        request,
        "keywords/curation_suggestions.html",
        {
            "consultation": consultation,
            "page": selectors.merge_suggestions(consultation, request.GET.get("page", 1)),
            "state": selectors.merge_suggestion_state(consultation),
        },
    )


@require_GET
@member_required(EDITOR_ROLES)
def suggestions_dismissed(request, pk):
    consultation = consultation_for_member(request, pk)
    return render(
        request,
        "keywords/curation_suggestions_dismissed.html",
        {
            "consultation": consultation,
            "page": selectors.dismissed_suggestions(consultation, request.GET.get("page", 1)),
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def suggestion_dismiss(request, pk):
    """Staff say a suggested pair is not the same keyword: it is not suggested again."""
    consultation = consultation_for_member(request, pk)
    ids = [request.POST.get(name, "") for name in ("keyword_a", "keyword_b")]
    page = request.POST.get("page", "")
    page = page if is_id(page) else None
    if not all(is_id(value) for value in ids) or ids[0] == ids[1]:
        messages.error(request, _("Choose the two keywords of a suggestion."))
        return redirect(_suggestions_url(request, consultation, page))
    first, second = (keyword_of(consultation, int(value)) for value in ids)
    suggestions.merge_suggestion_dismiss(
        consultation=consultation, keywords=(first, second), by=request.user
    )
    messages.success(
        request,
        _("%(first)s and %(second)s will not be suggested again.")
        % {"first": curation.quoted(first.label), "second": curation.quoted(second.label)},
    )
    return redirect(_suggestions_url(request, consultation, page))


@require_POST
@member_required(EDITOR_ROLES)
def suggestions_recompute(request, pk):
    consultation = consultation_for_member(request, pk)
    outcome = suggestions.merge_suggestions_request(consultation=consultation)
    if outcome == suggestions.NOT_SENT:
        messages.error(
            request,
            _("The recompute could not be started now. Try again in a minute."),
        )
    elif outcome == suggestions.ALREADY_QUEUED:
        messages.info(request, _("A recompute is already queued. Reload the page in a moment."))
    else:
        messages.success(
            request, _("Recomputing the suggestions. Reload the page in a moment to see them.")
        )
    return redirect(_suggestions_url(request, consultation))
