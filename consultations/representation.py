"""The representativeness dashboard: who has answered a consultation, per age band and area,
against the municipality's population figures (visionportal.PopulationMargin), biggest gaps
first, and per target group (counts and shares: there are no population figures for them),
so staff can send interviewers where voices are missing (seed 000).

It lives in consultations because it reads responses; visionportal only holds the figures
and the pure statistics (visionportal.population), so the dependency stays one way.
Groups with fewer than MIN_GROUP_SIZE respondents are never shown, nor any group from which
such a group could be worked out (secondary suppression, visionportal.population).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from visionportal.access import EDITOR_ROLES, member_required
from visionportal.models import PopulationDimension, PopulationMargin, Role
from visionportal.population import (
    ALL_CHANNELS,
    DEFAULT_MIN_GROUP_SIZE,
    representation_gaps,
    respondent_shares,
    suppressed_cells,
)

from . import profile
from .models import AgeBand, Channel, Consultation, Response, ResponseTargetGroup, TargetGroup

MIN_GROUP_SIZE = DEFAULT_MIN_GROUP_SIZE
VIEWER_ROLES = EDITOR_ROLES | {Role.MODERATOR}
TARGET_GROUPS = "target_groups"


def _responses(consultation, channel: str):
    responses = Response.objects.filter(consultation=consultation)
    return responses.filter(channel=channel) if channel else responses


def respondent_counts_by_channel(consultation, *, dimension: str) -> dict[str, dict[str, int]]:
    """Responses per group value (age band, or area as stored, stripped), for every channel
    (one query)."""
    by_channel: dict[str, dict[str, int]] = {channel: {} for channel in Channel.values}
    rows = (
        Response.objects.filter(consultation=consultation)
        .values_list("channel", dimension)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for channel, value, count in rows:
        key = (value or "").strip()
        if key and channel in by_channel:
            by_channel[channel][key] = by_channel[channel].get(key, 0) + count
    return by_channel


def target_group_counts_by_channel(consultation) -> dict[str, dict[str, int]]:
    """Respondents per target group, every group listed (0 when nobody said so), for every
    channel (one query)."""
    by_channel = {channel: dict.fromkeys(TargetGroup.values, 0) for channel in Channel.values}
    rows = (
        ResponseTargetGroup.objects.filter(response__consultation=consultation)
        .values_list("response__channel", "group")
        .annotate(n=Count("response", distinct=True))
        .order_by()
    )
    for channel, group, count in rows:
        if channel in by_channel and group in by_channel[channel]:
            by_channel[channel][group] = count
    return by_channel


def _views(by_channel: dict[str, dict[str, int]], groups) -> dict[str, dict[str, int]]:
    """Every channel's counts over the same groups, and their sum over all channels."""
    views = {
        channel: {g: counts.get(g, 0) for g in groups} for channel, counts in by_channel.items()
    }
    views[ALL_CHANNELS] = {g: sum(view[g] for view in views.values()) for g in groups}
    return views


def _match_areas(counts: dict[str, int], population: dict[str, int]) -> dict[str, int]:
    """Areas as stored matched to the figures' area names, ignoring case (a default area's
    code or its label both match)."""
    by_key = {group.casefold(): group for group in population}
    matched: dict[str, int] = {}
    for value, count in counts.items():
        for key in (value.casefold(), profile.area_label(value).casefold()):
            group = by_key.get(key)
            if group is not None:
                matched[group] = matched.get(group, 0) + count
                break
    return matched


@dataclass(frozen=True)
class ChartRow:
    label: str
    population_share: Decimal | None  # None: no population figure for this table
    respondent_share: Decimal | None  # None when suppressed
    suppressed: bool


@dataclass
class Section:
    dimension: str
    label: str
    rows: list  # (label to show, GroupGap or GroupCount)
    chart: str
    caption: str
    has_population: bool
    any_suppressed: bool
    shown_respondents: int
    partition: bool = True
    total: int | None = None  # all respondents, for a table that is not a partition


def _group_label(dimension, group):
    if dimension == PopulationDimension.AGE_BAND:
        return str(AgeBand(group).label) if group in AgeBand.values else group
    if dimension == TARGET_GROUPS:
        return str(TargetGroup(group).label) if group in TargetGroup.values else group
    return profile.area_label(group)


def gap_chart(rows: list[ChartRow], *, title: str, dimension: str) -> str:
    """Horizontal bars per group as inline SVG: the population share (when there are
    figures) above the respondent share. The table next to it is the text alternative;
    every text is escaped."""
    with_population = any(r.population_share is not None for r in rows)
    label_width, bar_width, top = 170, 380, 34
    row_height = 40 if with_population else 24
    height = top + row_height * len(rows) + 8
    scale = max(
        [float(r.population_share) for r in rows if r.population_share is not None]
        + [float(r.respondent_share) for r in rows if r.respondent_share is not None]
        + [1.0]
    )
    description = (
        _(
            "For each group, the upper bar is its share of the population and the lower bar "
            "its share of respondents. The table gives the same figures."
        )
        if with_population
        else _(
            "For each group, the bar is its share of respondents. The table gives the same figures."
        )
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gap-chart" role="img" '
        f'viewBox="0 0 {label_width + bar_width + 70} {height}" '
        f'aria-labelledby="chart-{dimension}-title chart-{dimension}-desc">',
        f'<title id="chart-{dimension}-title">{escape(title)}</title>',
        f'<desc id="chart-{dimension}-desc">{escape(description)}</desc>',
    ]
    if with_population:
        parts.append(
            f'<rect x="{label_width}" y="6" width="14" height="10" fill="#8a8f98"/>'
            f'<text x="{label_width + 20}" y="15" font-size="12">{escape(_("Population"))}</text>'
        )
    legend_x = label_width + (150 if with_population else 0)
    parts.append(
        f'<rect x="{legend_x}" y="6" width="14" height="10" fill="#1d5fa8"/>'
        f'<text x="{legend_x + 20}" y="15" font-size="12">{escape(_("Respondents"))}</text>'
    )
    for index, row in enumerate(rows):
        y = top + index * row_height
        respondent_y = y + 19 if with_population else y + 2
        parts.append(
            f'<text x="{label_width - 8}" y="{y + (20 if with_population else 14)}" '
            f'font-size="13" text-anchor="end">{escape(row.label[:28])}</text>'
        )
        if with_population:
            population_width = bar_width * float(row.population_share) / scale
            parts.append(
                f'<rect x="{label_width}" y="{y + 2}" width="{population_width:.1f}" height="14" '
                f'fill="#8a8f98"/><text x="{label_width + population_width + 4:.1f}" '
                f'y="{y + 14}" font-size="11">{row.population_share} %</text>'
            )
        if row.suppressed:
            parts.append(
                f'<text x="{label_width + 4}" y="{respondent_y + 12}" font-size="11" '
                f'font-style="italic">{escape(_("not shown"))}</text>'
            )
        else:
            respondent_width = bar_width * float(row.respondent_share) / scale
            parts.append(
                f'<rect x="{label_width}" y="{respondent_y}" width="{respondent_width:.1f}" '
                f'height="14" fill="#1d5fa8"/><text '
                f'x="{label_width + respondent_width + 4:.1f}" y="{respondent_y + 12}" '
                f'font-size="11">{row.respondent_share} %</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _gap_section(dimension, label, counts, population, hidden) -> Section:
    rows = representation_gaps(counts, population, MIN_GROUP_SIZE, hidden=hidden)
    caption = _("Respondents by %(dimension)s against the population, biggest gap first") % {
        "dimension": str(label).lower()
    }
    labelled = [(_group_label(dimension, row.group), row) for row in rows]
    chart_rows = [
        ChartRow(text, row.population_share, row.respondent_share, row.suppressed)
        for text, row in labelled
    ]
    return Section(
        dimension=dimension,
        label=label,
        rows=labelled,
        chart=gap_chart(chart_rows, title=caption, dimension=dimension),
        caption=caption,
        has_population=True,
        any_suppressed=any(row.suppressed for row in rows),
        shown_respondents=sum(row.respondents or 0 for row in rows),
    )


def _count_section(dimension, label, counts, hidden, *, partition=True, total=None) -> Section:
    rows = respondent_shares(
        counts, total=total, partition=partition, min_group_size=MIN_GROUP_SIZE, hidden=hidden
    )
    caption = _("Respondents by %(dimension)s, fewest first") % {"dimension": str(label).lower()}
    labelled = [(_group_label(dimension, row.group), row) for row in rows]
    chart_rows = [ChartRow(text, None, row.share, row.suppressed) for text, row in labelled]
    return Section(
        dimension=dimension,
        label=label,
        rows=labelled,
        chart=gap_chart(chart_rows, title=caption, dimension=dimension),
        caption=caption,
        has_population=False,
        any_suppressed=any(row.suppressed for row in rows),
        shown_respondents=sum(row.respondents or 0 for row in rows),
        partition=partition,
        total=total,
    )


def representation_sections(consultation, *, municipality, channel: str = "") -> list[Section]:
    """Age band and area against the population where figures exist (counts and shares
    where not), and target groups (counts and shares: no population figures exist).

    What is hidden is decided over every channel's view at once (suppressed_cells), so a
    small group hidden in one channel's view cannot be worked out from the others."""
    sections = []
    view = channel or ALL_CHANNELS
    groups_without_figures = {
        PopulationDimension.AGE_BAND: (
            consultation.ask_age_band,
            [v for v in AgeBand.values if v != AgeBand.UNDISCLOSED],
        ),
        PopulationDimension.AREA: (
            consultation.ask_area,
            [value for value, _label in profile.area_choices(consultation)],
        ),
    }
    for dimension, label in PopulationDimension.choices:
        population = PopulationMargin.objects.as_dict(
            municipality=municipality, dimension=dimension
        )
        by_channel = respondent_counts_by_channel(consultation, dimension=dimension)
        if population:
            if dimension == PopulationDimension.AREA:
                by_channel = {c: _match_areas(n, population) for c, n in by_channel.items()}
            views = _views(by_channel, list(population))
            hidden = suppressed_cells(views, min_group_size=MIN_GROUP_SIZE)[view]
            sections.append(_gap_section(dimension, label, views[view], population, hidden))
            continue
        asked, groups = groups_without_figures[dimension]
        if asked or any(by_channel[channel] if channel else by_channel.values()):
            views = _views(by_channel, groups)
            hidden = suppressed_cells(views, min_group_size=MIN_GROUP_SIZE)[view]
            sections.append(_count_section(dimension, label, views[view], hidden))
    if (
        consultation.ask_target_groups
        or ResponseTargetGroup.objects.filter(response__consultation=consultation).exists()
    ):
        views = _views(target_group_counts_by_channel(consultation), TargetGroup.values)
        hidden = suppressed_cells(views, partition=False, min_group_size=MIN_GROUP_SIZE)[view]
        sections.append(
            _count_section(
                TARGET_GROUPS,
                _("Target group"),
                views[view],
                hidden,
                partition=False,
                total=_responses(consultation, channel).count(),
            )
        )
    return sections


@require_GET
@member_required(VIEWER_ROLES)
def representation(request, pk):
    consultation = get_object_or_404(
        Consultation.objects.select_related("process"),
        pk=pk,
        process__municipality=request.municipality,
    )
    channel = request.GET.get("channel", "")
    if channel not in Channel.values:
        channel = ""
    sections = representation_sections(
        consultation, municipality=request.municipality, channel=channel
    )
    return render(
        request,
        "consultations/representation.html",
        {
            "consultation": consultation,
            "sections": sections,
            "has_population": any(section.has_population for section in sections),
            "channels": Channel.choices,
            "channel": channel,
            "min_group_size": MIN_GROUP_SIZE,
            "can_upload": request.membership.role in EDITOR_ROLES,
        },
    )
