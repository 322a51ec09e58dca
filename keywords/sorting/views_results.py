"""The sorting round's results pages: staff (compute now, with a progress bar the page
polls) and public (only for public rounds), and their CSV and JSON exports. Every page
reads the latest stored snapshot (keywords.sorting.aggregation); none counts votes."""

import json

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from consultations import profile
from consultations.exports import ExportTable, csv_chunks
from consultations.models import AgeBand, TargetGroup
from visionportal.access import EDITOR_ROLES, member_required, process_for_member

from . import aggregation, ranking
from .models import DeviceClass, SortChannel, SortingRound
from .result_models import SortResultSnapshot
from .results import AGE_BAND, AREA, CHANNEL, DEVICE_CLASS, FORMAT, GROUP_DIMENSIONS, TARGET_GROUP
from .results_chart import DotRow, dot_plot


def _dimension_labels():
    return {
        CHANNEL: _("Channel"),
        DEVICE_CLASS: _("Device"),
        AGE_BAND: _("Age band"),
        AREA: _("Area"),
        TARGET_GROUP: _("Target group"),
    }


def _group_label(dimension: str, code: str) -> str:
    choices = {
        CHANNEL: SortChannel,
        DEVICE_CLASS: DeviceClass,
        AGE_BAND: AgeBand,
        TARGET_GROUP: TargetGroup,
    }.get(dimension)
    if choices is not None:
        return str(choices(code).label) if code in choices.values else code
    return str(profile.area_label(code))


def _agreement_labels():
    return {
        ranking.CONSENSUS_WANT: _("Everyone wants it"),
        ranking.CONSENSUS_NOT_WANT: _("Nobody wants it"),
        ranking.DIVISIVE: _("Divisive"),
        ranking.MIXED: _("Mixed"),
    }


def _percent(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def results_context(snapshot: SortResultSnapshot | None, *, by: str, chart_id: str) -> dict:
    """What the results templates show, from a snapshot's data (no database access)."""
    if snapshot is None or snapshot.data.get("format") != FORMAT:
        return {"snapshot": None}
    data = snapshot.data
    agreement = _agreement_labels()
    items = [
        {
            **item,
            "share_pct": _percent(item["share"]),
            "low_pct": _percent(item["low"]),
            "high_pct": _percent(item["high"]),
            "p_top_pct": _percent(item["p_top"]),
            "posterior_pct": _percent(item["posterior"][0]),
            "skip_pct": _percent(item["skip_share"]),
            "weighted_pct": (
                [_percent(item["weighted"][k]) for k in ("share", "low", "high")]
                if item["weighted"]
                else None
            ),
            "agreement_label": agreement[item["agreement"]],
        }
        for item in data["items"]
    ]
    chart = dot_plot(
        [
            DotRow(
                item["label"],
                (item["share"], item["low"], item["high"]),
                (
                    (item["weighted"]["share"], item["weighted"]["low"], item["weighted"]["high"])
                    if item["weighted"]
                    else None
                ),
            )
            for item in data["items"]
        ],
        title=_("Share who want each keyword, with 95 % intervals"),
        chart_id=chart_id,
    )
    by = by if by in GROUP_DIMENSIONS else CHANNEL
    groups = data["groups"][by]
    shown = [g for g in groups if not g["suppressed"]]
    group_rows = [
        {
            "label": item["label"],
            "cells": [_group_cell(g["items"].get(str(item["id"]))) for g in shown],
        }
        for item in data["items"]
    ]
    weighted = data["weighting"]["method"] != ""
    return {
        "snapshot": snapshot,
        "data": data,
        "items": items,
        "ranking_rows": _ranking_rows_html(items, weighted=weighted),
        "group_rows_html": _group_rows_html(group_rows) if shown else "",
        "chart": chart,
        "by": by,
        "dimensions": list(_dimension_labels().items()),
        "dimension_label": _dimension_labels()[by],
        "agreement_dimension": _dimension_labels()[data["agreement_by"]],
        "groups_shown": [{**g, "label": _group_label(by, g["code"])} for g in shown],
        "groups_hidden": len(groups) - len(shown),
        "group_rows": group_rows if shown else [],
        "consensus_want": [i for i in items if i["agreement"] == ranking.CONSENSUS_WANT],
        "consensus_not_want": [i for i in items if i["agreement"] == ranking.CONSENSUS_NOT_WANT],
        "divisive": [i for i in items if i["agreement"] == ranking.DIVISIVE],
        "weighted": weighted,
        "weighting_dimensions": ", ".join(
            str(_dimension_labels()[d]).lower() for d in data["weighting"]["dimensions"]
        ),
        "channel_votes": [
            (_group_label(CHANNEL, channel), votes)
            for channel, votes in data["totals"]["votes_by_channel"].items()
        ],
    }


ORDER_MODEL_SHOWN = 20


def order_model_context(data: dict) -> dict | None:
    """The staff page's view of the logistic order model (present only when the trend over
    deck positions was significant): β with its interval as odds per position, and the
    first keywords ranked by α beside their rank by the lower bound. Every keyword's α is
    in the JSON export."""
    model = (data.get("order_effect") or {}).get("model")
    if not model:
        return None
    adjusted = [
        item
        for item in data["items"]
        if item.get("position_adjusted") and item["position_adjusted"]["rank"] is not None
    ]
    adjusted.sort(key=lambda item: item["position_adjusted"]["rank"])
    return {
        **model,
        "odds_change_pct": f"{100 * (model['odds_ratio'] - 1):+.2f}",
        "odds_low_pct": f"{100 * (model['odds_ratio_low'] - 1):+.2f}",
        "odds_high_pct": f"{100 * (model['odds_ratio_high'] - 1):+.2f}",
        "rows": [
            {
                "rank": item["position_adjusted"]["rank"],
                "label": item["label"],
                "alpha": f"{item['position_adjusted']['alpha']:.3f}",
                "rank_by_share": item["rank"],
            }
            for item in adjusted[:ORDER_MODEL_SHOWN]
        ],
        "more": max(0, len(adjusted) - ORDER_MODEL_SHOWN),
    }


# The two big tables (a row per keyword, and a cell per keyword and group) are built here
# rather than by template loops: at 200 keywords the template engine spent most of the
# page's time on them. format_html escapes every value, as the template would.


def _ranking_rows_html(items: list[dict], *, weighted: bool):
    often = _("often skipped")
    rows = []
    for item in items:
        badge = (
            format_html(' <span class="badge">{}</span>', often) if item["often_skipped"] else ""
        )
        if not weighted:
            weighted_cells = ""
        elif item["weighted_pct"]:
            weighted_cells = format_html("<td>{} %</td><td>{}–{}</td>", *item["weighted_pct"])
        else:
            weighted_cells = mark_safe("<td>–</td><td>–</td>")  # noqa: S308 (constant)
        rows.append(
            format_html(
                '<tr><td>{}</td><th scope="row" dir="auto">{}{}</th><td>{}</td><td>{}</td>'
                "<td>{}</td><td>{} %</td><td>{}–{}</td>{}<td>{} %</td><td>{}</td></tr>\n",
                item["rank"],
                item["label"],
                badge,
                item["wants"],
                item["not_wants"],
                item["skips"],
                item["share_pct"],
                item["low_pct"],
                item["high_pct"],
                weighted_cells,
                item["p_top_pct"],
                item["agreement_label"],
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (each row built by format_html)


def _group_rows_html(group_rows: list[dict]):
    rows = []
    for row in group_rows:
        cells = [
            format_html(
                '<td>{} % <span class="muted">({}–{}; n={})</span></td>',
                cell["share"],
                cell["low"],
                cell["high"],
                cell["answers"],
            )
            if cell and cell["answers"]
            else "<td>–</td>"
            for cell in row["cells"]
        ]
        rows.append(
            format_html(
                '<tr><th scope="row" dir="auto">{}</th>{}</tr>\n',
                row["label"],
                mark_safe("".join(cells)),  # noqa: S308 (each cell built by format_html)
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (each row built by format_html)


def _group_cell(counts):
    if not counts:
        return None
    wants, nots, skips, share, low, high = counts
    return {
        "n": wants + nots + skips,
        "answers": wants + nots,
        "share": _percent(share),
        "low": _percent(low),
        "high": _percent(high),
    }


# --- exports ----------------------------------------------------------------------------------

CSV_HEADERS = [
    "dimension",
    "group",
    "rank",
    "keyword",
    "want",
    "not_want",
    "skip",
    "share",
    "low",
    "high",
    "weighted_share",
    "weighted_low",
    "weighted_high",
    "effective_n",
    "posterior_mean",
    "p_top10",
    "often_skipped",
    "agreement",
]


def _export_json(snapshot, data):
    body = {
        "round": snapshot.round.title,
        "snapshot": snapshot.pk,
        "computed_at": snapshot.finished_at.isoformat(),
        "inputs": snapshot.inputs,
        **data,
    }
    return json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(body)


def _export(snapshot, fmt: str, filename: str):
    if snapshot is None or fmt not in ("csv", "json"):
        raise Http404
    data = snapshot.data
    if fmt == "csv":
        table = ExportTable(CSV_HEADERS, _csv_full_rows(data))
        response = StreamingHttpResponse(csv_chunks(table), content_type="text/csv; charset=utf-8")
    else:
        chunks = (piece.encode("utf-8") for piece in _export_json(snapshot, data))
        response = StreamingHttpResponse(chunks, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _csv_full_rows(data):
    """The overall rows, then each shown group's counts and interval per keyword."""
    for item in data["items"]:
        weighted = item["weighted"] or {}
        yield [
            "all",
            "",
            item["rank"],
            item["label"],
            item["wants"],
            item["not_wants"],
            item["skips"],
            item["share"],
            item["low"],
            item["high"],
            weighted.get("share"),
            weighted.get("low"),
            weighted.get("high"),
            weighted.get("n_eff"),
            item["posterior"][0],
            item["p_top"],
            int(item["often_skipped"]),
            item["agreement"],
        ]
    blank = [None] * 7
    for dimension in GROUP_DIMENSIONS:
        for group in data["groups"][dimension]:
            if group["suppressed"]:
                continue
            for item in data["items"]:
                counts = group["items"].get(str(item["id"]))
                if counts:
                    yield [dimension, group["code"], item["rank"], item["label"], *counts, *blank]


# --- staff ------------------------------------------------------------------------------------


def _staff_round(request, pk, round_pk):
    process = process_for_member(request, pk)
    return process, get_object_or_404(
        SortingRound.objects.select_related("process__municipality", "keyword_list"),
        pk=round_pk,
        process=process,
    )


@require_GET
@member_required(EDITOR_ROLES)
def sorting_results(request, pk, round_pk):
    process, round = _staff_round(request, pk, round_pk)
    snapshot = aggregation.latest_snapshot(round)
    context = results_context(snapshot, by=request.GET.get("by", ""), chart_id="results-chart")
    context.update(
        process=process,
        round=round,
        order_model=order_model_context(snapshot.data) if context["snapshot"] else None,
        running=aggregation.snapshot_in_progress(round),
        public=SortingRound.objects.public().filter(pk=round.pk).exists(),
    )
    return render(request, "keywords/sorting/results_staff.html", context)


@require_POST
@member_required(EDITOR_ROLES)
def sorting_results_compute(request, pk, round_pk):
    _process, round = _staff_round(request, pk, round_pk)
    # A double submit joins the aggregation already queued instead of starting another.
    snapshot = aggregation.snapshot_in_progress(round) or aggregation.result_snapshot_request(
        round=round, by=request.user
    )
    return redirect(
        "keywords:sorting_results_run", request.municipality.slug, pk, round.pk, snapshot.pk
    )


@require_GET
@vary_on_headers("HX-Request")
@member_required(EDITOR_ROLES)
def sorting_results_run(request, pk, round_pk, snapshot_pk):
    process, round = _staff_round(request, pk, round_pk)
    snapshot = get_object_or_404(SortResultSnapshot, pk=snapshot_pk, round=round)
    template = "keywords/sorting/results_run.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"process": process, "round": round, "snapshot": snapshot})


@require_GET
@member_required(EDITOR_ROLES)
def sorting_results_export(request, pk, round_pk, fmt):
    _process, round = _staff_round(request, pk, round_pk)
    return _export(aggregation.latest_snapshot(round), fmt, f"sorting-results-{round.pk}")


# --- public -----------------------------------------------------------------------------------


def _public_round(municipality_slug, process_slug, round_pk):
    return get_object_or_404(
        SortingRound.objects.public().select_related("process__municipality"),
        pk=round_pk,
        process__slug=process_slug,
        process__municipality__slug=municipality_slug,
    )


@require_GET
def sorting_results_public(request, municipality_slug, process_slug, round_pk):
    round = _public_round(municipality_slug, process_slug, round_pk)
    snapshot = aggregation.latest_snapshot(round)
    context = results_context(snapshot, by=request.GET.get("by", ""), chart_id="results-chart")
    context.update(process=round.process, round=round, status=round.status())
    return render(request, "keywords/sorting/results_public.html", context)


@require_GET
def sorting_results_public_export(request, municipality_slug, process_slug, round_pk, fmt):
    round = _public_round(municipality_slug, process_slug, round_pk)
    return _export(aggregation.latest_snapshot(round), fmt, f"sorting-results-{round.pk}")
