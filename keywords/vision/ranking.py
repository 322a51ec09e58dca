"""The sorting game's ranking as the decision pack and the proposal editor show it: which
result snapshot a process's vision draws on, and the figures read from that snapshot's
stored data (pages never count votes; keywords.sorting.results computed them)."""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from keywords.sorting.models import SortingRound
from keywords.sorting.result_models import SnapshotStatus, SortResultSnapshot
from keywords.sorting.results import AGE_BAND, AREA, CHANNEL, FORMAT
from keywords.sorting.results_chart import DotRow, dot_plot
from keywords.sorting.selectors import group_table, results_context
from visionportal.models import VisionProcess

PACK_TOP = 15
EDITOR_TOP = 10
# The groups the pack compares, as the results pages offer them (device class and target
# group stay on those pages: councillors weigh residents' age, area and how they took part).
PACK_GROUP_DIMENSIONS = (AGE_BAND, AREA, CHANNEL)


def ranking_snapshot(process: VisionProcess, *, at=None) -> SortResultSnapshot | None:
    """The latest done snapshot of the process's latest closed round that has one (closed
    by staff or by its dates), else of the latest open round that has one; None when no
    round has results."""
    at = at or timezone.now()
    rounds = SortingRound.objects.filter(process=process, opened_at__isnull=False).filter(
        Exists(SortResultSnapshot.objects.filter(round=OuterRef("pk"), status=SnapshotStatus.DONE))
    )
    closed = Q(closed_at__isnull=False) | Q(closes_at__lte=at)
    latest_closed = (
        rounds.filter(closed)
        .annotate(ended=Coalesce("closed_at", "closes_at"))
        .order_by("-ended", "-pk")
        .first()
    )
    round = latest_closed or rounds.exclude(closed).order_by("-opens_at", "-pk").first()
    return SortResultSnapshot.objects.latest_done(round) if round is not None else None


def usable(snapshot: SortResultSnapshot | None) -> bool:
    return (
        snapshot is not None
        and snapshot.status == SnapshotStatus.DONE
        and snapshot.data.get("format") == FORMAT
    )


def ranking_summary(snapshot: SortResultSnapshot | None, *, top: int, chart_id: str) -> dict | None:
    """The round, its totals, the `top` keywords by rank (the lower bound of the Wilson
    interval) with unweighted and, where the round was weighted, weighted shares, the
    consensus and divisive keywords, and a dot plot of the top keywords. None without a
    usable snapshot."""
    if not usable(snapshot):
        return None
    context = results_context(snapshot, by="", chart_id=chart_id)
    top_items = context["items"][:top]
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
            for item in top_items
        ],
        title=_("The %(count)s highest-ranked keywords: share who want each, with 95 %% intervals")
        % {"count": len(top_items)},
        chart_id=chart_id,
    )
    round = snapshot.round
    return {
        "snapshot": snapshot,
        "round": round,
        "ends": round.closed_at or round.closes_at,
        # Judged at the snapshot's time, so a pack made again says the same.
        "open_when_computed": snapshot.finished_at < (round.closed_at or round.closes_at),
        "totals": snapshot.data["totals"],
        "channel_votes": context["channel_votes"],
        "items": top_items,
        "keyword_count": len(context["items"]),
        "chart": chart,
        "weighted": context["weighted"],
        "weighting_dimensions": context["weighting_dimensions"],
        "agreement_dimension": context["agreement_dimension"],
        "consensus_want": context["consensus_want"],
        "consensus_not_want": context["consensus_not_want"],
        "divisive": context["divisive"],
        "order_effect": snapshot.data["order_effect"]["significant"],
    }


def ranking_by_group(
    snapshot: SortResultSnapshot | None, *, dimensions=PACK_GROUP_DIMENSIONS
) -> dict | None:
    """Every keyword's share per group for each of `dimensions`, in rank order, read from the
    snapshot as the results pages read it (small groups are not in it: suppressed when it
    was computed). None without a usable snapshot."""
    if not usable(snapshot):
        return None
    data = snapshot.data
    return {
        "min_group_size": data["parameters"]["min_group_size"],
        "tables": [group_table(data, by) for by in dimensions],
    }
