"""The workspace's follow-up pages: the tree, indicators, Kolada imports, frozen periods,
initiatives and council cases. Every view runs through access.member_required (404 for
other municipalities, 403 for wrong roles); reading is for every member, changing for
editors (staff, admins)."""

from decimal import Decimal

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from visionportal.access import EDITOR_ROLES, member_required, process_for_member
from visionportal.files import protected_download
from visionportal.models import PackStatus, ProposalState, ProposedInitiative
from visionportal.selectors import adopted_vision
from visionportal.services import ProposalError, StaleVersion, initiative_proposal_decline

from .. import reports as report_services
from .. import selectors, services
from ..forms import (
    AreaForm,
    CaseForm,
    ComparisonForm,
    DeclineProposalForm,
    FreezeForm,
    GoalForm,
    IndicatorForm,
    InitiativeForm,
    OverrideForm,
    OwnValueForm,
    OwnValuesUploadForm,
    ReportForm,
)
from ..models import (
    FollowUpPeriod,
    FollowUpReport,
    Goal,
    ImportRun,
    Indicator,
    IndicatorKind,
    Initiative,
    KoladaKpi,
    StrategicArea,
)
from ..own_values import ParseError as OwnValuesParseError
from ..own_values import parse as parse_own_values


def _tree_url(request, process):
    return reverse("indicators:tree", args=[request.municipality.slug, process.pk])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@member_required()
def tree(request, pk):
    process = process_for_member(request, pk)
    follow_up = selectors.follow_up_tree(process, charts=False)
    selectors.attach_links(follow_up, process)
    can_edit = request.membership.role in EDITOR_ROLES
    initiatives = selectors.initiatives_of(process)
    if can_edit:
        # Staff see where an accepted proposal came from (one query for the page).
        sources = selectors.proposal_sources_of(initiatives)
        for initiative in initiatives:
            initiative.proposal_source = sources.get(initiative.pk)
    return render(
        request,
        "indicators/tree.html",
        {
            "process": process,
            "decision": adopted_vision(process),
            "tree": follow_up,
            "can_edit": can_edit,
            "what_changed": selectors.what_changed(
                selectors.entries_of(follow_up), selectors.previous_period(process)
            ),
            "reports": selectors.reports_of(process)[:REPORTS_ON_TREE],
            "report_form": _report_form(request) if can_edit else None,
            "retired": selectors.retired_followed_kpis(process),
            "runs": process.kolada_imports.all()[:3],
            "periods": selectors.periods_of(process),
            "initiatives": initiatives,
            "open_proposals": selectors.proposed_initiatives_of(process).count(),
            "cases": selectors.council_cases_of(process),
            "freeze_form": FreezeForm(),
        },
    )


def _form_page(request, *, process, form, heading, back=None):
    return render(
        request,
        "indicators/form.html",
        {
            "process": process,
            "form": form,
            "heading": heading,
            "back": back or _tree_url(request, process),
        },
    )


@member_required(EDITOR_ROLES)
def area_create(request, pk):
    process = process_for_member(request, pk)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_create(process=process, **form.model_fields())
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Added."))
            return redirect(_tree_url(request, process))
    return _form_page(request, process=process, form=form, heading=_("Add a strategic area"))


@member_required(EDITOR_ROLES)
def area_edit(request, pk, area_pk):
    process = process_for_member(request, pk)
    area = get_object_or_404(StrategicArea, pk=area_pk, process=process)
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_update(
                area=area, expected_version=form.cleaned_data["version"] or 0, **form.model_fields()
            )
        except (StaleVersion, ValidationError) as error:
            form.add_error(
                None, str(error) if isinstance(error, StaleVersion) else _error_text(error)
            )
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_tree_url(request, process))
    return _form_page(request, process=process, form=form, heading=_("Edit the strategic area"))


@member_required(EDITOR_ROLES)
def goal_create(request, pk):
    process = process_for_member(request, pk)
    form = GoalForm(
        request.POST or None, process=process, initial={"area": request.GET.get("area")}
    )
    form.fields["number"].required = False
    if request.method == "POST" and form.is_valid():
        fields = form.model_fields()
        try:
            services.goal_create(
                area=fields["area"],
                title=fields["title"],
                number=fields["number"],
                committee=fields["committee"],
                officer=fields["responsible_officer"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Added."))
            return redirect(_tree_url(request, process))
    return _form_page(request, process=process, form=form, heading=_("Add a goal"))


@member_required(EDITOR_ROLES)
def goal_edit(request, pk, goal_pk):
    process = process_for_member(request, pk)
    goal = get_object_or_404(Goal, pk=goal_pk, process=process)
    form = GoalForm(request.POST or None, instance=goal, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                goal=goal, expected_version=form.cleaned_data["version"] or 0, **form.model_fields()
            )
        except StaleVersion as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_tree_url(request, process))
    return _form_page(request, process=process, form=form, heading=_("Edit the goal"))


MOVABLE = {"area": StrategicArea, "goal": Goal, "indicator": Indicator}


@require_POST
@member_required(EDITOR_ROLES)
def move(request, pk, kind, item_pk):
    process = process_for_member(request, pk)
    model = MOVABLE[kind]
    scope = {"process": process} if kind != "indicator" else {"goal__process": process}
    item = get_object_or_404(model, pk=item_pk, **scope)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.tree_move(item=item, expected_version=version, up=request.POST.get("to") == "up")
    except StaleVersion as error:
        messages.error(request, str(error))
    return redirect(f"{_tree_url(request, process)}#{kind}-{item.pk}")


@member_required(EDITOR_ROLES)
def indicator_create(request, pk, goal_pk):
    process = process_for_member(request, pk)
    goal = get_object_or_404(Goal, pk=goal_pk, process=process)
    form = IndicatorForm(request.POST or None)
    query = request.GET.get("q", "")
    if request.method == "POST" and form.is_valid():
        kpi_id = form.cleaned_data["kpi_id"].strip().upper()
        kpi = KoladaKpi.objects.filter(id=kpi_id).first() if kpi_id else None
        if kpi_id and kpi is None:
            form.add_error("kpi_id", _("Kolada has no key figure %(id)s.") % {"id": kpi_id})
        else:
            fields = form.model_fields()
            comment = fields.pop("comment")
            try:
                indicator = services.indicator_create(goal=goal, kpi=kpi, **fields)
                if comment:
                    services.indicator_update(
                        indicator=indicator, expected_version=indicator.version, comment=comment
                    )
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Added."))
                return redirect(_tree_url(request, process))
    return render(
        request,
        "indicators/indicator_form.html",
        {
            "process": process,
            "goal": goal,
            "form": form,
            "query": query,
            "results": selectors.kpi_search(query),
        },
    )


def _indicator_of(process, indicator_pk):
    return get_object_or_404(
        Indicator.objects.select_related("goal", "kpi"), pk=indicator_pk, goal__process=process
    )


def _node_for(process, indicator):
    follow_up = selectors.follow_up_tree(process)
    for area in follow_up.areas:
        for goal in area.goals:
            for node in goal.indicators:
                if node.indicator.pk == indicator.pk:
                    return node
    raise AssertionError("an indicator of the process is in its tree")


@member_required()
def indicator_detail(request, pk, indicator_pk):
    process = process_for_member(request, pk)
    indicator = _indicator_of(process, indicator_pk)
    can_edit = request.membership.role in EDITOR_ROLES
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.indicator_update(
                    indicator=indicator,
                    expected_version=form.cleaned_data["version"] or 0,
                    **form.model_fields(),
                )
            except StaleVersion as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect(request.path)
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "process": process,
            "node": _node_for(process, indicator),
            "form": form,
            "can_edit": can_edit,
            "override_form": OverrideForm(),
            "comparison_form": ComparisonForm(),
            "place_query": request.GET.get("place", "")[:100],
            "places": selectors.place_search(
                request.GET.get("place", ""),
                exclude=indicator.comparisons.values_list("kolada_id", flat=True),
            )
            if can_edit and indicator.kind == IndicatorKind.KOLADA
            else [],
            "value_form": OwnValueForm() if indicator.kind == IndicatorKind.OWN else None,
            "upload_form": OwnValuesUploadForm() if indicator.kind == IndicatorKind.OWN else None,
            "overrides": indicator.overrides.select_related("by")[:20],
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def indicator_override(request, pk, indicator_pk):
    process = process_for_member(request, pk)
    indicator = _indicator_of(process, indicator_pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        services.status_override(
            indicator=indicator,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, _("The status was recorded with your reason."))
    else:
        messages.error(request, _("Write why you change the status."))
    return redirect("indicators:indicator", request.municipality.slug, process.pk, indicator.pk)


@require_POST
@member_required(EDITOR_ROLES)
def comparison_add(request, pk, indicator_pk):
    process = process_for_member(request, pk)
    indicator = _indicator_of(process, indicator_pk)
    form = ComparisonForm(request.POST)
    if form.is_valid():
        services.comparison_add(indicator=indicator, **form.cleaned_data)
        messages.success(request, _("Added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("indicators:indicator", request.municipality.slug, process.pk, indicator.pk)


@require_POST
@member_required(EDITOR_ROLES)
def own_value_set(request, pk, indicator_pk):
    process = process_for_member(request, pk)
    indicator = _indicator_of(process, indicator_pk)
    form = OwnValueForm(request.POST)
    if form.is_valid():
        try:
            services.own_value_set(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The value was saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("indicators:indicator", request.municipality.slug, process.pk, indicator.pk)


# The parsed values travel from the preview to the confirmation signed, inside the form:
# nothing is kept on the server between the two steps, and nothing can be changed on the way.
IMPORT_SALT = "indicators.own-values-import"
IMPORT_MAX_AGE = 60 * 60


def _import_token(indicator, values) -> str:
    plain = {
        str(year): [None if v is None else format(v, "f") for v in row]
        for year, row in values.items()
    }
    return signing.dumps({"indicator": indicator.pk, "values": plain}, salt=IMPORT_SALT)


def _values_of_token(token: str, indicator) -> dict | None:
    try:
        data = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:  # also an expired one
        return None
    if data.get("indicator") != indicator.pk:
        return None
    return {
        int(year): tuple(None if v is None else Decimal(v) for v in row)
        for year, row in data["values"].items()
    }


@require_POST
@member_required(EDITOR_ROLES)
def own_values_upload(request, pk, indicator_pk):
    """Read the file and show what would be stored; nothing is stored until confirmed."""
    process = process_for_member(request, pk)
    indicator = _indicator_of(process, indicator_pk)
    back = redirect("indicators:indicator", request.municipality.slug, process.pk, indicator.pk)
    if indicator.kind != IndicatorKind.OWN:
        messages.error(request, _("Values of a Kolada key figure come from Kolada."))
        return back
    form = OwnValuesUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    try:
        values = parse_own_values(form.cleaned_data["file"].read())
    except OwnValuesParseError as error:
        for line, problem in error.problems[:10]:
            if line:
                problem = _("Line %(line)s: %(problem)s") % {"line": line, "problem": problem}
            messages.error(request, problem)
        if len(error.problems) > 10:
            messages.error(
                request,
                _("… and %(count)s more problems.") % {"count": len(error.problems) - 10},
            )
        return back
    held = {v.period: v for v in indicator.own_values.filter(period__in=list(values))}
    rows = [(year, *values[year], held.get(year)) for year in sorted(values)]
    return render(
        request,
        "indicators/own_values_preview.html",
        {
            "process": process,
            "indicator": indicator,
            "rows": rows,
            "replaced": len(held),
            "token": _import_token(indicator, values),
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def own_values_confirm(request, pk, indicator_pk):
    process = process_for_member(request, pk)
    indicator = _indicator_of(process, indicator_pk)
    values = _values_of_token(request.POST.get("token", ""), indicator)
    if values is None:
        messages.error(request, _("The preview has expired or was changed. Upload the file again."))
    else:
        try:
            count = services.own_values_store(indicator=indicator, values=values, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(count)s values were imported.") % {"count": count})
    return redirect("indicators:indicator", request.municipality.slug, process.pk, indicator.pk)


@require_POST
@member_required(EDITOR_ROLES)
def import_start(request, pk):
    process = process_for_member(request, pk)
    if not request.municipality.kolada_id:
        messages.error(request, _("The municipality has no Kolada id; ask an administrator."))
        return redirect(_tree_url(request, process))
    run = services.import_run_start(process=process)
    return redirect("indicators:run", request.municipality.slug, process.pk, run.pk)


@member_required(EDITOR_ROLES)
def run_detail(request, pk, run_pk):
    process = process_for_member(request, pk)
    run = get_object_or_404(ImportRun, pk=run_pk, process=process)
    template = "indicators/run.html#progress" if request.htmx else "indicators/run.html"
    return render(request, template, {"process": process, "run": run})


@require_POST
@member_required(EDITOR_ROLES)
def kpi_successor(request, pk, kpi_id):
    process = process_for_member(request, pk)
    kpi = get_object_or_404(
        KoladaKpi, id=kpi_id, retired_at__isnull=False, indicators__goal__process=process
    )
    successor_id = request.POST.get("successor", "").strip().upper()
    successor = KoladaKpi.objects.filter(id=successor_id, retired_at__isnull=True).first()
    if successor is None:
        messages.error(
            request, _("Kolada has no current key figure %(id)s.") % {"id": successor_id[:12]}
        )
    else:
        try:
            moved = services.kpi_map_successor(kpi=kpi, successor=successor, move_indicators=True)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(old)s is now followed as %(new)s (%(count)s indicators).")
                % {"old": kpi.id, "new": successor.id, "count": moved},
            )
    return redirect(_tree_url(request, process))


@require_POST
@member_required(EDITOR_ROLES)
def freeze(request, pk):
    process = process_for_member(request, pk)
    form = FreezeForm(request.POST)
    if form.is_valid():
        try:
            period = services.follow_up_freeze(
                process=process, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The follow-up was frozen."))
            return redirect("indicators:period", request.municipality.slug, process.pk, period.pk)
    else:
        messages.error(request, _("Give the follow-up a title, for example “Annual report 2024”."))
    return redirect(_tree_url(request, process))


@member_required()
def period_detail(request, pk, period_pk):
    process = process_for_member(request, pk)
    period = get_object_or_404(FollowUpPeriod, pk=period_pk, process=process)
    entries = list(selectors.period_entries(period))
    return render(
        request,
        "indicators/period.html",
        {
            "process": process,
            "period": period,
            "entries": entries,
            "what_changed": selectors.what_changed(
                entries, selectors.previous_period(process, before=period)
            ),
            "reports": selectors.reports_of(process).filter(period=period)[:REPORTS_ON_TREE],
            "report_form": (
                _report_form(request, period=period)
                if request.membership.role in EDITOR_ROLES
                else None
            ),
        },
    )


# --- follow-up reports (PDF) -------------------------------------------------------------
REPORTS_ON_TREE = 5
REPORTS_SHOWN = 50


def _report_form(request, *, period=None, data=None):
    initial = {"language": request.municipality.default_language}
    if period is not None:
        initial["period"] = period.pk
    return ReportForm(data, initial=initial)


@member_required()
def reports(request, pk):
    """Every report of the process with who requested it when, and from what."""
    process = process_for_member(request, pk)
    can_edit = request.membership.role in EDITOR_ROLES
    return render(
        request,
        "indicators/reports.html",
        {
            "process": process,
            "reports": selectors.reports_of(process)[:REPORTS_SHOWN],
            "report_form": _report_form(request) if can_edit else None,
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def report_generate(request, pk):
    process = process_for_member(request, pk)
    form = _report_form(request, data=request.POST)
    if not form.is_valid():
        return render(
            request,
            "indicators/reports.html",
            {
                "process": process,
                "reports": selectors.reports_of(process)[:REPORTS_SHOWN],
                "report_form": form,
            },
            status=400,
        )
    period = None
    if form.cleaned_data["period"] is not None:
        period = get_object_or_404(FollowUpPeriod, pk=form.cleaned_data["period"], process=process)
    report = report_services.report_request(
        process=process, by=request.user, language=form.cleaned_data["language"], period=period
    )
    return redirect("indicators:report", request.municipality.slug, pk, report.number)


def _report_of(process, number) -> FollowUpReport:
    return get_object_or_404(
        FollowUpReport.objects.select_related("requested_by", "period"),
        process=process,
        number=number,
    )


@require_GET
@vary_on_headers("HX-Request")
@member_required()
def report_detail(request, pk, number):
    """The report's progress (polled by htmx), then its download link and inputs."""
    process = process_for_member(request, pk)
    report = _report_of(process, number)
    template = "indicators/report.html#progress" if request.htmx else "indicators/report.html"
    return render(request, template, {"process": process, "report": report})


@require_GET
@member_required()
def report_download(request, pk, number):
    """The PDF, for members of the municipality (member_required gives 404 to everyone
    else)."""
    process = process_for_member(request, pk)
    report = _report_of(process, number)
    if report.status != PackStatus.DONE:
        raise Http404
    return protected_download(
        name=report.file_name,
        filename=f"{process.slug}-follow-up-report-{report.number}.pdf",
        content_type="application/pdf",
    )


@member_required(EDITOR_ROLES)
def initiative_edit(request, pk, initiative_pk=None):
    process = process_for_member(request, pk)
    instance = (
        get_object_or_404(Initiative, pk=initiative_pk, process=process) if initiative_pk else None
    )
    form = InitiativeForm(request.POST or None, instance=instance, process=process)
    if request.method == "POST" and form.is_valid():
        fields = form.model_fields()
        goals = fields.pop("goals")
        try:
            services.initiative_save(
                process=process,
                goals=goals,
                instance=instance,
                expected_version=form.cleaned_data["version"] or 0,
                **fields,
            )
        except StaleVersion as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(f"{_tree_url(request, process)}#initiatives")
    heading = _("Edit the initiative") if instance else _("Add an initiative")
    return _form_page(request, process=process, form=form, heading=heading)


PROPOSALS_PER_PAGE = 20


def _proposals_page(request, process, *, decline_forms=None, status=200):
    shown = request.GET.get("state", ProposalState.OPEN)
    if shown not in ProposalState.values:
        shown = ProposalState.OPEN
    page = Paginator(
        selectors.proposed_initiatives_of(process, state=shown), PROPOSALS_PER_PAGE
    ).get_page(request.GET.get("page"))
    decline_forms = decline_forms or {}
    for proposal in page:  # Page keeps the list it builds here for the template
        form = decline_forms.get(proposal.pk)
        proposal.decline_errors = form.errors.get("reason", []) if form else []
        proposal.decline_text = form.data.get("reason", "") if form else ""
    return render(
        request,
        "indicators/proposals.html",
        {
            "process": process,
            "decision": adopted_vision(process),
            "page": page,
            "shown": shown,
            "states": ProposalState,
            "can_edit": request.membership.role in EDITOR_ROLES,
        },
        status=status,
    )


def _proposal_of(process, proposal_pk) -> ProposedInitiative:
    return get_object_or_404(ProposedInitiative, pk=proposal_pk, process=process)


@require_GET
@member_required()
def proposals(request, pk):
    """Initiatives proposed by workshops (and budgets) waiting for staff's decision."""
    return _proposals_page(request, process_for_member(request, pk))


def _proposals_url(request, process):
    return reverse("indicators:proposals", args=[request.municipality.slug, process.pk])


@require_POST
@member_required(EDITOR_ROLES)
def proposal_accept(request, pk, proposal_pk):
    process = process_for_member(request, pk)
    proposal = _proposal_of(process, proposal_pk)
    try:
        initiative = services.proposed_initiative_accept(proposal=proposal, by=request.user)
    except ProposalError as error:
        messages.error(request, error.message)
        return redirect(_proposals_url(request, process))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_proposals_url(request, process))
    messages.success(
        request,
        _(
            "The initiative is added and not shown publicly yet: complete its size, track "
            "and goals, then show it."
        ),
    )
    return redirect("indicators:initiative_edit", request.municipality.slug, pk, initiative.pk)


@require_POST
@member_required(EDITOR_ROLES)
def proposal_decline(request, pk, proposal_pk):
    process = process_for_member(request, pk)
    proposal = _proposal_of(process, proposal_pk)
    form = DeclineProposalForm(request.POST)
    if form.is_valid():
        try:
            initiative_proposal_decline(
                proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ProposalError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("The proposal is declined."))
            return redirect(_proposals_url(request, process))
    return _proposals_page(request, process, decline_forms={proposal.pk: form}, status=400)


@member_required(EDITOR_ROLES)
def case_create(request, pk):
    process = process_for_member(request, pk)
    form = CaseForm(request.POST or None, goals=process.goals.order_by("number")[:100])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.council_case_record(
                process=process,
                kind=data["kind"],
                title=data["title"],
                meeting_date=data["meeting_date"],
                reference=data["reference"],
                effects=form.effects(),
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Added."))
            return redirect(f"{_tree_url(request, process)}#cases")
    return _form_page(
        request, process=process, form=form, heading=_("Record an agenda item or budget decision")
    )
