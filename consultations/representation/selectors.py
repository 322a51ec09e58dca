"""The reads of the representativeness dashboard: who has answered a consultation, per age
band and area, against the municipality's population figures (visionportal.PopulationMargin),
biggest gaps first, and per target group (counts and shares: there are no population figures
for them), so staff can send interviewers where voices are missing (seed 000).

It lives in consultations because it reads responses; visionportal only holds the figures
and the pure statistics (visionportal.population), so the dependency stays one way.
Groups with fewer than MIN_GROUP_SIZE respondents are never shown, nor any group from which
such a group could be worked out (secondary suppression, visionportal.population).
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from visionportal.models import PopulationDimension, PopulationMargin
from visionportal.population import (
    ALL_CHANNELS,
    DEFAULT_MIN_GROUP_SIZE,
    representation_gaps,
    respondent_shares,
    suppressed_cells,
)

from .. import profile
from ..models import AgeBand, Channel, Response, ResponseTargetGroup, TargetGroup
from .chart import ChartRow, gap_chart

MIN_GROUP_SIZE = DEFAULT_MIN_GROUP_SIZE
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
        # A response names a group at most once (response_target_group_once), so rows are
        # respondents: no DISTINCT, which cost 0.2 s of sorting at 100,000 responses.
        .annotate(n=Count("pk"))
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


def _gap_section(dimension, label, counts, population, hidden, *, chart_prefix="") -> Section:
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
        chart=gap_chart(chart_rows, title=caption, dimension=dimension, id_prefix=chart_prefix),
        caption=caption,
        has_population=True,
        any_suppressed=any(row.suppressed for row in rows),
        shown_respondents=sum(row.respondents or 0 for row in rows),
    )


def _count_section(
    dimension, label, counts, hidden, *, partition=True, total=None, chart_prefix=""
) -> Section:
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
        chart=gap_chart(chart_rows, title=caption, dimension=dimension, id_prefix=chart_prefix),
        caption=caption,
        has_population=False,
        any_suppressed=any(row.suppressed for row in rows),
        shown_respondents=sum(row.respondents or 0 for row in rows),
        partition=partition,
        total=total,
    )


def representation_sections(
    consultation, *, municipality, channel: str = "", chart_prefix: str = ""
) -> list[Section]:
    """Age band and area against the population where figures exist (counts and shares
    where not), and target groups (counts and shares: no population figures exist).

    What is hidden is decided over every channel's view at once (suppressed_cells), so a
    small group hidden in one channel's view cannot be worked out from the others.
    `chart_prefix` makes the charts' ids unique in a document with several consultations."""
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
            sections.append(
                _gap_section(
                    dimension, label, views[view], population, hidden, chart_prefix=chart_prefix
                )
            )
            continue
        asked, groups = groups_without_figures[dimension]
        if asked or any(by_channel[channel] if channel else by_channel.values()):
            views = _views(by_channel, groups)
            hidden = suppressed_cells(views, min_group_size=MIN_GROUP_SIZE)[view]
            sections.append(
                _count_section(dimension, label, views[view], hidden, chart_prefix=chart_prefix)
            )
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
                chart_prefix=chart_prefix,
            )
        )
    return sections
