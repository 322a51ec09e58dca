"""The representativeness dashboard's bar chart as inline SVG. Pure: rows in, markup out
(no database, no request), so what it draws and what it escapes is tested exactly."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

LABEL_LINE = 24  # characters on one line of a group's label (the label area is 190 units)


def label_lines(label: str, width: int = LABEL_LINE) -> list[str]:
    """A group's label broken at spaces into lines of at most `width` characters (a longer
    word keeps a line of its own): the whole label is drawn, never cut off."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def percent(value: Decimal) -> str:
    """A share as the table beside the chart shows it: the page's locale, one decimal."""
    return f"{number_format(value, decimal_pos=1, use_l10n=True)} %"


@dataclass(frozen=True)
class ChartRow:
    label: str
    population_share: Decimal | None  # None: no population figure for this table
    respondent_share: Decimal | None  # None when suppressed
    suppressed: bool


def gap_chart(rows: list[ChartRow], *, title: str, dimension: str, id_prefix: str = "") -> str:
    """Horizontal bars per group as inline SVG: the population share (when there are
    figures) above the respondent share. The table next to it is the text alternative;
    every text is escaped. `id_prefix` keeps the ids unique where one document holds
    several consultations' charts (the decision pack; a PDF/UA anchor may appear once)."""
    key = f"{id_prefix}{dimension}"
    with_population = any(r.population_share is not None for r in rows)
    label_width, bar_width, top = 190, 380, 34
    base_height = 40 if with_population else 24
    labels = [label_lines(r.label) for r in rows]
    heights = [max(base_height, 15 * len(lines) + 10) for lines in labels]
    height = top + sum(heights) + 8
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
        f'aria-labelledby="chart-{key}-title chart-{key}-desc">',
        f'<title id="chart-{key}-title">{escape(title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(description)}</desc>',
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
    y = top
    for row, lines, row_height in zip(rows, labels, heights, strict=True):
        respondent_y = y + 19 if with_population else y + 2
        first = y + (20 if with_population else 14) - 7 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{label_width - 8}" y="{max(first + 15 * n, y + 12)}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text font-size="13" text-anchor="end">{spans}</text>')
        if with_population:
            population_width = bar_width * float(row.population_share) / scale
            parts.append(
                f'<rect x="{label_width}" y="{y + 2}" width="{population_width:.1f}" height="14" '
                f'fill="#8a8f98"/><text x="{label_width + population_width + 4:.1f}" '
                f'y="{y + 14}" font-size="11">{percent(row.population_share)}</text>'
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
                f'font-size="11">{percent(row.respondent_share)}</text>'
            )
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
