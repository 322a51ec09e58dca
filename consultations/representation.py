"""The representativeness dashboard: who has answered a consultation, per age band and area,
against the municipality's population figures (visionportal.PopulationMargin), biggest gaps
first, so staff can send interviewers where voices are missing (seed 000).

It lives in consultations because it reads responses; visionportal only holds the figures
and the pure statistics (visionportal.population), so the dependency stays one way.
Groups with fewer than MIN_GROUP_SIZE respondents are never shown.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from visionportal.access import EDITOR_ROLES, member_required
from visionportal.models import PopulationDimension, PopulationMargin, Role
from visionportal.population import DEFAULT_MIN_GROUP_SIZE, GroupGap, representation_gaps

from .models import AgeBand, Channel, Consultation, Response

MIN_GROUP_SIZE = DEFAULT_MIN_GROUP_SIZE
VIEWER_ROLES = EDITOR_ROLES | {Role.MODERATOR}


def respondent_counts(consultation, *, dimension: str, channel: str = "") -> dict[str, int]:
    """Responses per group value (age band, or area as written, stripped)."""
    responses = Response.objects.filter(consultation=consultation)
    if channel:
        responses = responses.filter(channel=channel)
    counts: dict[str, int] = {}
    for value, count in responses.values_list(dimension).annotate(n=Count("pk")).order_by():
        key = (value or "").strip()
        if key:
            counts[key] = counts.get(key, 0) + count
    return counts


def _match_areas(counts: dict[str, int], population: dict[str, int]) -> dict[str, int]:
    """Areas typed by residents matched to the figures' area names, ignoring case."""
    by_key = {group.casefold(): group for group in population}
    matched: dict[str, int] = {}
    for value, count in counts.items():
        group = by_key.get(value.casefold())
        if group is not None:
            matched[group] = matched.get(group, 0) + count
    return matched


@dataclass
class Section:
    dimension: str
    label: str
    rows: list[tuple[str, GroupGap]]  # (label to show, figures)
    chart: str
    caption: str
    any_suppressed: bool
    shown_respondents: int


def _group_label(dimension, group):
    if dimension == PopulationDimension.AGE_BAND:
        return str(AgeBand(group).label) if group in AgeBand.values else group
    return group


def gap_chart(rows: list[GroupGap], *, title: str, dimension: str, min_group_size: int) -> str:
    """Horizontal bars, population share against respondent share per group, as inline SVG.
    The table next to it is the text alternative; every text is escaped."""
    label_width, bar_width, row_height, top = 170, 380, 40, 34
    height = top + row_height * len(rows) + 8
    scale = max(
        [float(r.population_share) for r in rows]
        + [float(r.respondent_share) for r in rows if r.respondent_share is not None]
        + [1.0]
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gap-chart" role="img" '
        f'viewBox="0 0 {label_width + bar_width + 70} {height}" '
        f'aria-labelledby="chart-{dimension}-title chart-{dimension}-desc">',
        f'<title id="chart-{dimension}-title">{escape(title)}</title>',
        f'<desc id="chart-{dimension}-desc">'
        + escape(
            _(
                "For each group, the upper bar is its share of the population and the lower bar "
                "its share of respondents. The table gives the same figures."
            )
        )
        + "</desc>",
        f'<rect x="{label_width}" y="6" width="14" height="10" fill="#8a8f98"/>'
        f'<text x="{label_width + 20}" y="15" font-size="12">{escape(_("Population"))}</text>',
        f'<rect x="{label_width + 150}" y="6" width="14" height="10" fill="#1d5fa8"/>'
        f'<text x="{label_width + 170}" y="15" font-size="12">{escape(_("Respondents"))}</text>',
    ]
    for index, row in enumerate(rows):
        y = top + index * row_height
        label = _group_label(dimension, row.group)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 20}" font-size="13" text-anchor="end">'
            f"{escape(label[:28])}</text>"
        )
        population_width = bar_width * float(row.population_share) / scale
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{population_width:.1f}" height="14" '
            f'fill="#8a8f98"/><text x="{label_width + population_width + 4:.1f}" y="{y + 14}" '
            f'font-size="11">{row.population_share} %</text>'
        )
        if row.suppressed:
            text = escape(_("fewer than %(n)d") % {"n": min_group_size})
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 31}" font-size="11" font-style="italic">'
                f"{text}</text>"
            )
        else:
            respondent_width = bar_width * float(row.respondent_share) / scale
            parts.append(
                f'<rect x="{label_width}" y="{y + 19}" width="{respondent_width:.1f}" '
                f'height="14" fill="#1d5fa8"/><text x="{label_width + respondent_width + 4:.1f}" '
                f'y="{y + 31}" font-size="11">{row.respondent_share} %</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


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
    sections = []
    for dimension, label in PopulationDimension.choices:
        population = PopulationMargin.objects.as_dict(
            municipality=request.municipality, dimension=dimension
        )
        if not population:
            continue
        counts = respondent_counts(consultation, dimension=dimension, channel=channel)
        if dimension == PopulationDimension.AREA:
            counts = _match_areas(counts, population)
        rows = representation_gaps(counts, population, MIN_GROUP_SIZE)
        caption = _("Respondents by %(dimension)s against the population, biggest gap first") % {
            "dimension": str(label).lower()
        }
        sections.append(
            Section(
                dimension=dimension,
                label=label,
                rows=[(_group_label(dimension, row.group), row) for row in rows],
                chart=gap_chart(
                    rows, title=caption, dimension=dimension, min_group_size=MIN_GROUP_SIZE
                ),
                caption=caption,
                any_suppressed=any(row.suppressed for row in rows),
                shown_respondents=sum(row.respondents or 0 for row in rows),
            )
        )
    return render(
        request,
        "consultations/representation.html",
        {
            "consultation": consultation,
            "sections": sections,
            "channels": Channel.choices,
            "channel": channel,
            "min_group_size": MIN_GROUP_SIZE,
            "can_upload": request.membership.role in EDITOR_ROLES,
        },
    )
