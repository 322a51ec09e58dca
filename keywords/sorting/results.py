"""The sorting round's results from its counts: pure, no ORM, no request. The database
counts (keywords.sorting.aggregation); this module turns the counts into what the
snapshot stores and the pages show, with keywords.sorting.ranking's statistics
(STATISTICS.md): per keyword want / not / skip, the share with its Wilson interval, the
Beta(5,5) posterior and P(top 10), the rank by the lower bound, the skip flag, the
order-effect test (and, when it is significant, the logistic order model's rank by α),
the share weighted to the population with Kish's effective n, the shares per group
(small groups suppressed) and consensus / divisive keywords.

Decisions:
- **Workplace meetings count as votes** (each raised hand an answer) in the overall and
  per-channel figures and in the order-effect test. They carry no profile, so they are in
  no age, area or target group and not in the weighted share.
- **Weighting** uses the players who gave the profile answers the municipality has figures
  for: raking to both margins when there are age and area figures (person weights from
  the players' age × area table, once for the round, so every keyword is weighted alike),
  post-stratification when only one dimension has figures. Players without those answers
  are left out of the weighted share (its n says how many answers it rests on).
- **Suppression** is the representativeness dashboard's (visionportal.population): a
  group of fewer than `min_group_size` players is not shown, nor the group that would
  reveal it; a suppressed group's counts are not even stored in the snapshot.
- **Agreement** is judged across age bands (the groups that can be weighted), or across
  channels when fewer than two age bands can be shown.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from visionportal.population import DEFAULT_MIN_GROUP_SIZE, suppressed_groups

from . import ranking

WANT, NOT_WANT, SKIP = 1, -1, 0
WORKPLACE_MEETING = "workplace_meeting"
AGE_BAND, AREA, TARGET_GROUP, CHANNEL, DEVICE_CLASS = (
    "age_band",
    "area",
    "target_group",
    "channel",
    "device_class",
)
GROUP_DIMENSIONS = (CHANNEL, DEVICE_CLASS, AGE_BAND, AREA, TARGET_GROUP)
UNKNOWN = ("", "undisclosed", "unknown")
DRAWS = 1000
SEED = 2035
TOP = 10
DIGITS = 5
FORMAT = 1  # the snapshot's data layout; pages check it


@dataclass
class RoundCounts:
    """A round's votes counted by the database. Keys are tuples; values are counts."""

    items: list[tuple[int, str]]  # (list item id, label) in the list's order
    # (item, choice, channel, device class) over players' included votes
    by_channel_device: dict = field(default_factory=dict)
    # (item, choice, age band, area) over players' included votes
    by_age_area: dict = field(default_factory=dict)
    # (item, choice, position) over players' included votes
    by_position: dict = field(default_factory=dict)
    # (item, choice, target group)
    by_target_group: dict = field(default_factory=dict)
    # (channel, device class, age band, area) -> players with at least one included vote
    players: dict = field(default_factory=dict)
    players_by_target_group: dict = field(default_factory=dict)
    # Workplace meetings that are not excluded: (item, choice) and (item, choice, position)
    meetings: dict = field(default_factory=dict)
    meetings_by_position: dict = field(default_factory=dict)
    meeting_sessions: int = 0
    meeting_participants: int = 0


def _r(value: float) -> float:
    return round(value, DIGITS)


def _triple(counts: dict, item: int) -> list[int]:
    return [
        counts.get((item, WANT), 0),
        counts.get((item, NOT_WANT), 0),
        counts.get((item, SKIP), 0),
    ]


def _interval(wants: float, n: float) -> list[float]:
    share = ranking.wilson(wants, n)
    return [_r(share.estimate), _r(share.low), _r(share.high)]


# --- weighting ------------------------------------------------------------------------------


def _weights(counts: RoundCounts, margins: dict, area_groups: dict) -> tuple[str, dict]:
    """The method ("rake", "post_stratify" or "") and, for raking, the weight per (age
    band, area group) cell; for post-stratification the dimension's population shares."""
    players = defaultdict(int)
    for (_channel, _device, age, area), n in counts.players.items():
        players[(age, area_groups.get(area, ""))] += n
    ages = [g for g, p in margins.get(AGE_BAND, {}).items() if p > 0]
    areas = [g for g, p in margins.get(AREA, {}).items() if p > 0]
    by_age = {a: sum(n for (age, _), n in players.items() if age == a) for a in ages}
    by_area = {r: sum(n for (_, area), n in players.items() if area == r) for r in areas}
    ages = [a for a in ages if by_age[a]]
    areas = [r for r in areas if by_area[r]]
    if len(ages) >= 2 and len(areas) >= 2:
        sample = [[players.get((a, r), 0) for r in areas] for a in ages]
        age_total = sum(margins[AGE_BAND][a] for a in ages)
        area_total = sum(margins[AREA][r] for r in areas)
        weights = ranking.rake(
            sample,
            [margins[AGE_BAND][a] / age_total for a in ages],
            [margins[AREA][r] / area_total for r in areas],
        )
        return "rake", {
            (a, r): weights[i][j] for i, a in enumerate(ages) for j, r in enumerate(areas)
        }
    for dimension, groups in ((AGE_BAND, ages), (AREA, areas)):
        if len(groups) >= 2:
            total = sum(margins[dimension][g] for g in groups)
            return "post_stratify", {
                "dimension": dimension,
                "shares": {g: margins[dimension][g] / total for g in groups},
            }
    return "", {}


def _weighted_item(item, counts, method, weights, area_groups) -> dict | None:
    if not method:
        return None
    cells: dict = defaultdict(lambda: [0, 0])  # (age, area group) -> [wants, wants + nots]
    for choice in (WANT, NOT_WANT):
        for (age, area), n in counts.get((item, choice), {}).items():
            cell = cells[(age, area_groups.get(area, ""))]
            cell[1] += n
            if choice == WANT:
                cell[0] += n
    if method == "rake":
        used = [(weights[c], y, n) for c, (y, n) in cells.items() if c in weights and n]
        total = sum(w * n for w, _, n in used)
        if not total:
            return None
        share = sum(w * y for w, y, _ in used) / total
        n_eff = ranking.kish_effective_n([w for w, _, _ in used], [n for _, _, n in used])
        interval = ranking.wilson(share * n_eff, n_eff)
        answers = sum(n for _, _, n in used)
    else:
        index = 0 if weights["dimension"] == AGE_BAND else 1
        grouped: dict = defaultdict(lambda: [0, 0])
        for key, (y, n) in cells.items():
            if key[index] in weights["shares"]:
                grouped[key[index]][0] += y
                grouped[key[index]][1] += n
        result = ranking.post_stratify(
            [
                ranking.Cell(share, grouped[g][1], grouped[g][0])
                for g, share in weights["shares"].items()
            ]
        )
        answers = sum(n for _, n in grouped.values())
        if not answers:
            return None
        interval, n_eff = result.share, result.effective_n
    return {
        "share": _r(interval.estimate),
        "low": _r(interval.low),
        "high": _r(interval.high),
        "n": answers,
        "n_eff": _r(n_eff),
    }


# --- groups ---------------------------------------------------------------------------------


def _group_tables(counts: RoundCounts, area_groups: dict) -> dict:
    """Per dimension: {group: {"players": n, "items": {item: [w, n, s]}}} before suppression."""
    tables = {
        d: defaultdict(lambda: {"players": 0, "items": defaultdict(lambda: [0, 0, 0])})
        for d in GROUP_DIMENSIONS
    }
    column = {WANT: 0, NOT_WANT: 1, SKIP: 2}
    for (item, choice, channel, device), n in counts.by_channel_device.items():
        tables[CHANNEL][channel]["items"][item][column[choice]] += n
        tables[DEVICE_CLASS][device]["items"][item][column[choice]] += n
    for (item, choice), n in counts.meetings.items():
        tables[CHANNEL][WORKPLACE_MEETING]["items"][item][column[choice]] += n
    for (item, choice, age, area), n in counts.by_age_area.items():
        tables[AGE_BAND][age]["items"][item][column[choice]] += n
        tables[AREA][area]["items"][item][column[choice]] += n
    for (item, choice, group), n in counts.by_target_group.items():
        tables[TARGET_GROUP][group]["items"][item][column[choice]] += n
    for (channel, device, age, area), n in counts.players.items():
        for dimension, group in (
            (CHANNEL, channel),
            (DEVICE_CLASS, device),
            (AGE_BAND, age),
            (AREA, area),
        ):
            tables[dimension][group]["players"] += n
    if counts.meeting_participants:
        tables[CHANNEL][WORKPLACE_MEETING]["players"] = counts.meeting_participants
    for group, n in counts.players_by_target_group.items():
        tables[TARGET_GROUP][group]["players"] += n
    return {d: {g: t for g, t in table.items() if g not in UNKNOWN} for d, table in tables.items()}


def _suppress(table: dict, dimension: str, min_group_size: int) -> set:
    # In the groups' order by code, not the order the database returned their counts: on a
    # tie, secondary suppression hides the first listed, and the same votes must always
    # hide the same group.
    players = {group: table[group]["players"] for group in sorted(table, key=str)}
    if dimension == TARGET_GROUP:
        # Target groups overlap (a player names any number): no group is the rest of
        # the others, so only the small ones themselves are hidden.
        return {g for g, n in players.items() if 0 < n < min_group_size}
    return suppressed_groups(players, min_group_size)


# --- the whole round ------------------------------------------------------------------------


def compute_results(
    counts: RoundCounts,
    *,
    margins: dict | None = None,
    area_groups: dict | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    draws: int = DRAWS,
    seed: int = SEED,
    top: int = TOP,
    progress=None,
) -> dict:
    """The snapshot's data (JSON-ready). `margins`: population per group by dimension
    (age_band, area); `area_groups`: each stored area value's group in the area margins.
    `progress(step)` is called after each of the steps (counts, ranking, weighting,
    groups)."""
    margins = margins or {}
    area_groups = area_groups or {}
    progress = progress or (lambda step: None)

    overall: dict = defaultdict(int)
    for (item, choice, _channel, _device), n in counts.by_channel_device.items():
        overall[(item, choice)] += n
    for key, n in counts.meetings.items():
        overall[key] += n
    progress(1)

    item_counts = [ranking.ItemCounts(item, *_triple(overall, item)) for item, _ in counts.items]
    ranked = ranking.rank_items(item_counts, top=top, draws=draws, seed=seed)
    labels = dict(counts.items)
    by_position: dict = defaultdict(lambda: [0, 0])
    for source in (counts.by_position, counts.meetings_by_position):
        for (_item, choice, position), n in source.items():
            if choice == WANT:
                by_position[position][0] += n
            elif choice == NOT_WANT:
                by_position[position][1] += n
    trend = ranking.cochran_armitage({p: tuple(wn) for p, wn in by_position.items()})
    significant = trend.p_value < ranking.ALPHA
    model = _position_model(counts) if significant else None
    progress(2)

    method, weights = _weights(counts, margins, area_groups)
    cells: dict = defaultdict(dict)
    for (item, choice, age, area), n in counts.by_age_area.items():
        cells[(item, choice)][(age, area)] = n
    items = []
    for entry in ranked:
        wants, nots, skips = entry.counts.wants, entry.counts.not_wants, entry.counts.skips
        items.append(
            {
                "id": entry.item,
                "label": labels[entry.item],
                "rank": entry.rank,
                "wants": wants,
                "not_wants": nots,
                "skips": skips,
                "share": _r(entry.share.estimate),
                "low": _r(entry.share.low),
                "high": _r(entry.share.high),
                "posterior": [
                    _r(entry.posterior.estimate),
                    _r(entry.posterior.low),
                    _r(entry.posterior.high),
                ],
                "p_top": _r(entry.p_top),
                "skip_share": _r(entry.counts.skip_share),
                "often_skipped": entry.often_skipped,
                "weighted": _weighted_item(entry.item, cells, method, weights, area_groups),
            }
        )
    if model is not None:
        by_alpha = sorted(model.alphas, key=lambda item: (-model.alphas[item], item))
        alpha_rank = {item: rank for rank, item in enumerate(by_alpha, start=1)}
        for entry in items:
            fitted = entry["id"] in model.alphas
            entry["position_adjusted"] = {
                "alpha": _r(model.alphas[entry["id"]]) if fitted else None,
                "rank": alpha_rank.get(entry["id"]),
            }
    progress(3)

    groups = {}
    tables = _group_tables(counts, area_groups)
    for dimension in GROUP_DIMENSIONS:
        table = tables[dimension]
        hidden = _suppress(table, dimension, min_group_size)
        rows = []
        for group in sorted(table, key=str):
            entry = table[group]
            row = {"code": group, "players": entry["players"], "suppressed": group in hidden}
            if group in hidden:
                row["players"] = None
            else:
                row["items"] = {
                    str(item): [w, n, s, *_interval(w, w + n)]
                    for item, (w, n, s) in entry["items"].items()
                }
            rows.append(row)
        groups[dimension] = rows
    agreement_by = AGE_BAND
    shown = [g for g in groups[AGE_BAND] if not g["suppressed"]]
    if len(shown) < 2:
        agreement_by = CHANNEL
        shown = [g for g in groups[CHANNEL] if not g["suppressed"]]
    labels_by_item = ranking.classify_agreement(
        [[tuple(g["items"].get(str(entry["id"]), [0, 0])[:2]) for g in shown] for entry in items]
    )
    for entry, label in zip(items, labels_by_item, strict=True):
        entry["agreement"] = label if len(shown) >= 2 else ranking.MIXED
    progress(4)

    votes_by_channel = defaultdict(int)
    for (_item, _choice, channel, _device), n in counts.by_channel_device.items():
        votes_by_channel[channel] += n
    meeting_votes = sum(counts.meetings.values())
    if meeting_votes:
        votes_by_channel[WORKPLACE_MEETING] += meeting_votes
    return {
        "format": FORMAT,
        "items": items,
        "groups": groups,
        "agreement_by": agreement_by,
        "order_effect": {
            "z": _r(trend.z),
            "p": _r(trend.p_value),
            "significant": significant,
            "model": _model_summary(model),
        },
        "weighting": {"method": method, "dimensions": _weighting_dimensions(method, weights)},
        "totals": {
            "votes": sum(overall.values()),
            "players": sum(counts.players.values()),
            "meetings": counts.meeting_sessions,
            "meeting_participants": counts.meeting_participants,
            "votes_by_channel": dict(sorted(votes_by_channel.items())),
        },
        "parameters": {
            "draws": draws,
            "seed": seed,
            "top": top,
            "prior": ranking.BETA_PRIOR,
            "z": ranking.Z95,
            "min_group_size": min_group_size,
            "skip_flag": ranking.SKIP_FLAG_SHARE,
        },
    }


def _position_model(counts: RoundCounts) -> ranking.PositionModel | None:
    """The order model over the same answers as the trend test (players' and workplace
    meetings'): wants and not-wants per keyword and deck position."""
    cells: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for source in (counts.by_position, counts.meetings_by_position):
        for (item, choice, position), n in source.items():
            if choice == WANT:
                cells[item][position][0] += n
            elif choice == NOT_WANT:
                cells[item][position][1] += n
    return ranking.fit_position_logit(
        {
            item: {t: tuple(wn) for t, wn in by_position.items()}
            for item, by_position in cells.items()
        }
    )


def _model_summary(model: ranking.PositionModel | None) -> dict | None:
    if model is None:
        return None
    low, high = model.beta_interval()
    return {
        "beta": _r(model.beta),
        "se": _r(model.standard_error),
        "low": _r(low),
        "high": _r(high),
        "odds_ratio": _r(model.odds_ratio),
        "odds_ratio_low": _r(math.exp(low)),
        "odds_ratio_high": _r(math.exp(high)),
        "fitted": len(model.alphas),
        "unfitted": len(model.unfitted),
        "iterations": model.iterations,
    }


def _weighting_dimensions(method: str, weights: dict) -> list[str]:
    if method == "rake":
        return [AGE_BAND, AREA]
    if method == "post_stratify":
        return [weights["dimension"]]
    return []
