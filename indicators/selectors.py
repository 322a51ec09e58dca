"""Reads of the indicators app: the follow-up tree with values, statuses and charts."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from visionportal.models import ProposalState, ProposedInitiative, VisionProcess

from . import changes, chart, status
from .models import (
    Comparison,
    ComparisonKind,
    CouncilCase,
    FollowUpPeriod,
    FollowUpReport,
    GoalEffect,
    Indicator,
    IndicatorKind,
    Initiative,
    KoladaKpi,
    KoladaPlace,
    KoladaValue,
    OwnValue,
    SnapshotEntry,
    StatusOverride,
    StrategicArea,
)
from .services import COUNTRY

SHOWN_YEARS = 12  # the charts and tables show at most this many latest years


@dataclass(frozen=True)
class Row:
    year: int
    total: Decimal | None
    women: Decimal | None
    men: Decimal | None
    comparisons: tuple[Decimal | None, ...] = ()


@dataclass
class IndicatorNode:
    indicator: Indicator
    rows: list[Row]
    comparison_labels: list[str]
    assessment: status.Assessment
    override: StatusOverride | None
    svg: str

    @property
    def status(self) -> str:
        if self.override is not None and self.override.status:
            return self.override.status
        return self.assessment.status

    @property
    def has_data(self) -> bool:
        return any(r.total is not None or r.women is not None for r in self.rows)


@dataclass
class GoalNode:
    goal: object
    indicators: list[IndicatorNode]
    status: str
    initiatives: list = field(default_factory=list)
    effects: list = field(default_factory=list)


@dataclass
class AreaNode:
    area: StrategicArea
    goals: list[GoalNode]
    status: str


@dataclass
class Tree:
    areas: list[AreaNode]


def _own_municipality(process) -> str:
    return process.municipality.kolada_id


def follow_up_tree(process: VisionProcess, *, charts: bool = True) -> Tree:
    """The whole tree in a fixed number of queries (areas, goals, indicators with their
    comparisons and latest override, Kolada values, own values)."""
    latest_override = StatusOverride.objects.filter(indicator=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    indicators = (
        Indicator.objects.select_related("kpi", "kpi__successor")
        .annotate(latest_override_id=Subquery(latest_override.values("pk")[:1]))
        .prefetch_related(Prefetch("comparisons", queryset=Comparison.objects.all()))
    )
    areas = list(
        StrategicArea.objects.filter(process=process)
        .order_by("position", "pk")
        .prefetch_related("goals", Prefetch("goals__indicators", queryset=indicators))
    )
    all_indicators = [i for a in areas for g in a.goals.all() for i in g.indicators.all()]
    overrides = StatusOverride.objects.in_bulk(
        [i.latest_override_id for i in all_indicators if i.latest_override_id]
    )
    own = _own_municipality(process)
    kpis = {i.kpi_id for i in all_indicators if i.kpi_id}
    places = {own, COUNTRY} | {c.kolada_id for i in all_indicators for c in i.comparisons.all()}
    kolada_values: dict[tuple[str, str], dict[int, KoladaValue]] = {}
    for value in KoladaValue.objects.filter(kpi_id__in=kpis, municipality__in=places):
        kolada_values.setdefault((value.kpi_id, value.municipality), {})[value.period] = value
    own_values: dict[int, dict[int, OwnValue]] = {}
    for value in OwnValue.objects.filter(indicator__in=all_indicators):
        own_values.setdefault(value.indicator_id, {})[value.period] = value

    area_nodes = []
    for area in areas:
        goal_nodes = []
        for goal in area.goals.all():
            nodes = [
                _indicator_node(
                    i, overrides.get(i.latest_override_id), own, kolada_values, own_values, charts
                )
                for i in goal.indicators.all()
            ]
            goal_nodes.append(GoalNode(goal, nodes, status.summarise([n.status for n in nodes])))
        area_nodes.append(
            AreaNode(area, goal_nodes, status.summarise([g.status for g in goal_nodes]))
        )
    return Tree(area_nodes)


def _indicator_node(indicator, override, own, kolada_values, own_values, charts):
    comparisons = []  # (label, {year: value})
    if indicator.kind == IndicatorKind.KOLADA:
        series = kolada_values.get((indicator.kpi_id, own), {})
        if indicator.compare_country:
            comparisons.append((_("Sweden"), kolada_values.get((indicator.kpi_id, COUNTRY), {})))
        for comparison in indicator.comparisons.all():
            label = comparison.title
            if comparison.kind == ComparisonKind.GROUP:
                label = _("%(group)s (group)") % {"group": comparison.title}
            comparisons.append(
                (label, kolada_values.get((indicator.kpi_id, comparison.kolada_id), {}))
            )
    else:
        series = own_values.get(indicator.pk, {})
    years = sorted(set(series) | {y for _, values in comparisons for y in values})[-SHOWN_YEARS:]

    def total(values, year):
        value = values.get(year)
        return None if value is None else value.total

    rows = [
        Row(
            year,
            total(series, year),
            getattr(series.get(year), "women", None),
            getattr(series.get(year), "men", None),
            tuple(total(values, year) for _, values in comparisons),
        )
        for year in years
    ]
    country = (
        comparisons[0][1]
        if (indicator.kind == IndicatorKind.KOLADA and indicator.compare_country)
        else {}
    )
    assessment = status.assess(
        direction=indicator.direction,
        series=[(r.year, r.total) for r in rows],
        target=indicator.target_value,
        comparison={year: value.total for year, value in country.items()},
    )
    svg = ""
    if charts:
        lines = [chart.Line(_("Total"), [(r.year, r.total) for r in rows])]
        if indicator.is_divided_by_gender:
            lines += [
                chart.Line(_("Women"), [(r.year, r.women) for r in rows]),
                chart.Line(_("Men"), [(r.year, r.men) for r in rows]),
            ]
        lines += [
            chart.Line(label, [(r.year, r.comparisons[n]) for r in rows])
            for n, (label, _values) in enumerate(comparisons)
        ]
        svg = chart.svg(lines, title=indicator.title)
    return IndicatorNode(
        indicator, rows, [label for label, _ in comparisons], assessment, override, svg
    )


def initiatives_of(process: VisionProcess, *, public: bool = False):
    qs = (
        Initiative.objects.filter(process=process).select_related("track").prefetch_related("goals")
    )
    if public:
        qs = qs.filter(is_public=True)
    return qs[:200]


def proposed_initiatives_of(process: VisionProcess, *, state: str = ProposalState.OPEN):
    """The process's proposed initiatives in `state`, newest first (indexed: process,
    state, proposed_at); paged by the view."""
    return ProposedInitiative.objects.filter(process=process, state=state).select_related(
        "proposed_by", "decided_by"
    )


def proposal_sources_of(initiatives) -> dict[int, ProposedInitiative]:
    """The accepted proposal each of `initiatives` came from, by initiative id (one
    query)."""
    ids = [initiative.pk for initiative in initiatives]
    if not ids:
        return {}
    return {
        proposal.accepted_initiative_id: proposal
        for proposal in ProposedInitiative.objects.filter(
            state=ProposalState.ACCEPTED, accepted_initiative_id__in=ids
        )
    }


def council_cases_of(process: VisionProcess):
    return CouncilCase.objects.filter(process=process).prefetch_related(
        Prefetch("effects", queryset=GoalEffect.objects.select_related("goal"))
    )[:100]


def attach_links(tree: Tree, process: VisionProcess, *, public: bool = False) -> None:
    """Each goal node gets the initiatives and council cases that touch it."""
    by_goal = {g.goal.pk: g for a in tree.areas for g in a.goals}
    for initiative in initiatives_of(process, public=public):
        for goal in initiative.goals.all():
            if goal.pk in by_goal:
                by_goal[goal.pk].initiatives.append(initiative)
    effects = GoalEffect.objects.filter(goal__process=process).select_related("case")[:500]
    for effect in effects:
        if effect.goal_id in by_goal:
            by_goal[effect.goal_id].effects.append(effect)


def kpi_search(query: str, *, limit: int = 25):
    """The offline catalogue by id or words of the title (every word must match)."""
    query = query.strip()[:100]
    if not query:
        return KoladaKpi.objects.none()
    qs = KoladaKpi.objects.all()
    if query.upper().startswith(("N", "U")) and query[1:].isdigit():
        return qs.filter(id__iexact=query)[:limit]
    for word in query.split()[:6]:
        qs = qs.filter(title__icontains=word)
    return qs.order_by("retired_at", "title")[:limit]


def retired_followed_kpis(process: VisionProcess):
    """Retired key figures this process still follows: staff are told, and map them."""
    return (
        KoladaKpi.objects.filter(retired_at__isnull=False, indicators__goal__process=process)
        .select_related("successor")
        .distinct()
        .order_by("id")[:100]
    )


def periods_of(process: VisionProcess):
    return FollowUpPeriod.objects.filter(process=process)[:50]


def period_entries(period: FollowUpPeriod):
    return period.entries.all()[:2000]


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def current_entries(process: VisionProcess) -> list[SnapshotEntry]:
    """The tree as it stands now, as unsaved snapshot entries (no period yet): what a
    freeze stores, and what a report of the current state and "what changed" read."""
    return entries_of(follow_up_tree(process, charts=False))


def entries_of(tree: Tree) -> list[SnapshotEntry]:
    entries, position = [], 0
    for area in tree.areas:
        position += 1
        entries.append(
            SnapshotEntry(
                level="area",
                object_id=area.area.pk,
                position=position,
                title=area.area.title,
                status=area.status,
                computed_status=area.status,
            )
        )
        for goal in area.goals:
            position += 1
            entries.append(
                SnapshotEntry(
                    level="goal",
                    object_id=goal.goal.pk,
                    parent_id=area.area.pk,
                    position=position,
                    title=str(goal.goal),
                    status=goal.status,
                    computed_status=goal.status,
                )
            )
            for item in goal.indicators:
                position += 1
                entries.append(
                    SnapshotEntry(
                        level="indicator",
                        object_id=item.indicator.pk,
                        parent_id=goal.goal.pk,
                        position=position,
                        title=item.indicator.title,
                        status=item.status,
                        computed_status=item.assessment.status,
                        override_reason=(
                            item.override.reason if item.override and item.override.status else ""
                        ),
                        comment=item.indicator.comment,
                        values=[
                            [row.year, *(_plain(v) for v in (row.total, row.women, row.men))]
                            for row in item.rows
                        ],
                    )
                )
    return entries


def previous_period(process: VisionProcess, before: FollowUpPeriod | None = None):
    """The period frozen last before `before` (None: the latest of all), or None."""
    periods = FollowUpPeriod.objects.filter(process=process)
    if before is not None:
        periods = periods.filter(
            Q(frozen_at__lt=before.frozen_at) | Q(frozen_at=before.frozen_at, pk__lt=before.pk)
        )
    return periods.order_by("-frozen_at", "-pk").first()


def _items(entries) -> list[changes.Item]:
    return [
        changes.Item(
            e.level,
            e.object_id,
            e.title,
            e.status,
            tuple(tuple(row) for row in e.values),
        )
        for e in entries
    ]


@dataclass
class WhatChanged:
    """The changes from `previous` (a frozen period, or None when there is none) to a
    period or the current state, grouped per object for the page and the report."""

    previous: FollowUpPeriod | None
    changes: list[changes.Change]

    @property
    def grouped(self) -> dict[tuple[str, int], list[changes.Change]]:
        return changes.by_object(self.changes)

    @property
    def status_changes(self) -> list[changes.Change]:
        return [c for c in self.changes if c.kind == changes.STATUS]

    @property
    def counts(self) -> dict[str, int]:
        counted = dict.fromkeys(
            (
                changes.STATUS,
                changes.NEW_VALUE,
                changes.REVISED,
                changes.VALUE_GONE,
                changes.ADDED,
                changes.REMOVED,
            ),
            0,
        )
        for change in self.changes:
            counted[change.kind] += 1
        return counted


def what_changed(entries, previous: FollowUpPeriod | None) -> WhatChanged:
    """From `previous`'s frozen entries to `entries` (a later period's, or current_entries)."""
    if previous is None:
        return WhatChanged(None, [])
    return WhatChanged(
        previous, changes.changes_between(_items(period_entries(previous)), _items(entries))
    )


def reports_of(process: VisionProcess):
    return FollowUpReport.objects.filter(process=process).select_related("requested_by", "period")


PLACE_RESULTS = 15


def place_search(query: str, *, exclude=()):
    """Municipalities, regions and groups of the stored catalogue by id or words of the
    name (every word must match), groups first; not the country (compared by its own
    switch) nor the ids in `exclude` (already compared)."""
    query = query.strip()[:100]
    if not query:
        return KoladaPlace.objects.none()
    qs = KoladaPlace.objects.exclude(id=COUNTRY).exclude(id__in=list(exclude))
    if query.isdigit() or (query[:1] in "Gg" and query[1:].isdigit()):
        return qs.filter(id__iexact=query)[:PLACE_RESULTS]
    for word in query.split()[:6]:
        qs = qs.filter(title__icontains=word)
    return qs.order_by("kind", "title")[:PLACE_RESULTS]
