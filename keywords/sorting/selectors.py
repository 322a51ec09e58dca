"""Reading the sorting game for its pages: bounded, counted in SQL; and the results pages'
figures read from a stored result snapshot (`results_context`, `group_table`: no database
access), which the decision pack prints too."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from consultations import profile
from consultations.models import AgeBand, TargetGroup
from keywords.models import KeywordList, KeywordListItem

from . import ranking
from .models import DeviceClass, SortChannel, SortingRound, SortParticipant, SortVote
from .result_models import SortResultSnapshot
from .results import AGE_BAND, AREA, CHANNEL, DEVICE_CLASS, FORMAT, GROUP_DIMENSIONS, TARGET_GROUP
from .results_chart import DotRow, dot_plot

ROUNDS_SHOWN = 50


def players_by_token(
    tokens: Iterable, *, queryset=None, round=None, channel=None, device=None
) -> dict:
    """{token: player} for the tokens that name a player of `round`, `channel` and
    `device` (each when given), found by the unique token alone in `queryset` (all
    players by default; one with .only() must load those columns).

    Filtering by round or device in the same query lets the planner search the players'
    (round, channel, ...) or device index and compare tokens one by one: its statistics of
    a round or kiosk that has just started say it has no players, and stay so until the
    next ANALYZE, while its players grow to thousands."""
    queryset = SortParticipant.objects.all() if queryset is None else queryset
    return {
        player.token: player
        for player in queryset.filter(token__in=set(tokens))
        if (round is None or player.round_id == round.pk)
        and (channel is None or player.channel == channel)
        and (device is None or player.device_id == device.pk)
    }


def player_by_token(token, **belonging) -> SortParticipant | None:
    """The player of `token` if they belong where `belonging` says (see
    players_by_token), else None."""
    return players_by_token([token], **belonging).get(token)


def rounds_of(process) -> list[SortingRound]:
    return list(
        SortingRound.objects.filter(process=process)
        .select_related("keyword_list__consultation", "process")
        .prefetch_related("process__phases")
        .order_by("-created_at", "-pk")[:ROUNDS_SHOWN]
    )


def published_lists_of(process) -> list[KeywordList]:
    """The published list versions of the process's consultations, newest first."""
    return list(
        KeywordList.objects.filter(consultation__process=process)
        .select_related("consultation")
        .annotate(item_count=Count("items"))
        .order_by("consultation__title", "-version")[:ROUNDS_SHOWN]
    )


def open_rounds(process, *, at=None) -> list[SortingRound]:
    """The process's rounds residents can play online now (for the public links). Reads
    the process's phases (prefetch "phases" on `process` to make that free)."""
    at = at or timezone.now()
    rounds = SortingRound.objects.filter(
        process=process,
        opened_at__isnull=False,
        closed_at__isnull=True,
        opens_at__lte=at,
        closes_at__gt=at,
        online_open=True,
    ).order_by("closes_at", "pk")[:5]
    result = []
    for round in rounds:
        round.process = process  # status() reads the process's (prefetched) phases
        if round.is_open(at):
            result.append(round)
    return result


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    channel_label: str
    device_class: str
    device_label: str
    players: int
    finished: int


@dataclass(frozen=True)
class LiveCounts:
    rows: list[ChannelCount]
    players: int
    finished: int
    votes: int


def round_live_counts(round: SortingRound) -> LiveCounts:
    """Players (started, finished) per channel and device class, and all votes stored:
    two aggregates over indexes (sort_participant_counts, sort_vote_counting)."""
    grouped = (
        SortParticipant.objects.filter(round=round)
        .values("channel", "device_class")
        .annotate(players=Count("pk"), finished=Count("pk", filter=Q(finished_at__isnull=False)))
        .order_by("channel", "device_class")
    )
    channels, devices = dict(SortChannel.choices), dict(DeviceClass.choices)
    rows = [
        ChannelCount(
            channel=row["channel"],
            channel_label=str(channels.get(row["channel"], row["channel"])),
            device_class=row["device_class"],
            device_label=str(devices.get(row["device_class"], row["device_class"])),
            players=row["players"],
            finished=row["finished"],
        )
        for row in grouped
    ]
    votes = SortVote.objects.filter(round=round).count()
    return LiveCounts(
        rows=rows,
        players=sum(r.players for r in rows),
        finished=sum(r.finished for r in rows),
        votes=votes,
    )


@dataclass(frozen=True)
class GameState:
    """Where a player is: the card to show next (None at the end), its 1-based position,
    how many cards there are and how many are answered."""

    card: KeywordListItem | None
    position: int
    total: int
    answered: int

    @property
    def can_undo(self) -> bool:
        return self.answered > 0


def game_state(
    participant: SortParticipant,
    *,
    answered: Iterable[int] | None = None,
    labels: Mapping[int, str] | None = None,
) -> GameState:
    """Where `participant` is. `answered` (the item ids answered) and `labels` ({item id:
    label}) spare the queries when the caller has them (the vote just stored returned the
    first; keywords.sorting.play_cache keeps the second)."""
    deck = participant.deck
    if answered is None:
        answered = SortVote.objects.filter(participant=participant).values_list(
            "item_id", flat=True
        )
    answered = set(answered)
    for index, item_id in enumerate(deck):
        if item_id not in answered:
            if labels is not None and item_id in labels:
                card = KeywordListItem(pk=item_id, label=labels[item_id])
            else:
                card = KeywordListItem.objects.filter(pk=item_id).only("pk", "label").first()
            return GameState(card=card, position=index + 1, total=len(deck), answered=len(answered))
    return GameState(card=None, position=len(deck), total=len(deck), answered=len(answered))


def public_results_url(round: SortingRound) -> str:
    """The public results page of the round when one exists (keywords:sorting_results_public,
    built separately), else ""."""
    try:
        return reverse(
            "keywords:sorting_results_public",
            args=[round.process.municipality.slug, round.process.slug, round.pk],
        )
    except NoReverseMatch:
        return ""


# --- results from a snapshot -------------------------------------------------------------------


def dimension_labels() -> dict:
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


def group_table(data: dict, by: str) -> dict:
    """The shares per group of one dimension from a snapshot's data: the groups shown (the
    snapshot stores no counts of a suppressed group, keywords.sorting.results), how many are
    hidden, and a row per keyword in rank order with a cell per shown group (None where the
    group saw the keyword not at all)."""
    groups = data["groups"][by]
    shown = [g for g in groups if not g["suppressed"]]
    rows = [
        {
            "rank": item["rank"],
            "label": item["label"],
            "cells": [_group_cell(g["items"].get(str(item["id"]))) for g in shown],
        }
        for item in data["items"]
    ]
    return {
        "by": by,
        "dimension_label": dimension_labels()[by],
        "groups_shown": [{**g, "label": _group_label(by, g["code"])} for g in shown],
        "groups_hidden": len(groups) - len(shown),
        "group_rows": rows if shown else [],
    }


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


def results_context(snapshot: SortResultSnapshot | None, *, by: str, chart_id: str) -> dict:
    """What the results templates show, from a snapshot's data (no database access)."""
    if snapshot is None or snapshot.data.get("format") != FORMAT:
        return {"snapshot": None}
    data = snapshot.data
    agreement = _agreement_labels()
    labels = dimension_labels()
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
    weighted = data["weighting"]["method"] != ""
    table = group_table(data, by if by in GROUP_DIMENSIONS else CHANNEL)
    return {
        "snapshot": snapshot,
        "data": data,
        "items": items,
        "ranking_rows": _ranking_rows_html(items, weighted=weighted),
        "group_rows_html": _group_rows_html(table["group_rows"]),
        "chart": chart,
        **table,
        "dimensions": list(labels.items()),
        "agreement_dimension": labels[data["agreement_by"]],
        "consensus_want": [i for i in items if i["agreement"] == ranking.CONSENSUS_WANT],
        "consensus_not_want": [i for i in items if i["agreement"] == ranking.CONSENSUS_NOT_WANT],
        "divisive": [i for i in items if i["agreement"] == ranking.DIVISIVE],
        "weighted": weighted,
        "weighting_dimensions": ", ".join(
            str(labels[d]).lower() for d in data["weighting"]["dimensions"]
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
