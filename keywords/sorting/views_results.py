"""The sorting round's results pages: staff (compute now, with a progress bar the page
polls) and public (only for public rounds), and their CSV and JSON exports. Every page
reads the latest stored snapshot (keywords.sorting.aggregation); none counts votes."""

import json

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from consultations.exports import ExportTable, csv_chunks
from visionportal.access import EDITOR_ROLES, member_required, process_for_member

from . import aggregation
from .models import SortingRound
from .result_models import SortResultSnapshot
from .results import GROUP_DIMENSIONS
from .selectors import order_model_context, results_context

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
