"""The results' dot plot as inline SVG: per keyword its share of "should characterise"
with the 95 % interval as a whisker, unweighted and weighted side by side. Pure: rows in,
markup out, so what it draws and what it escapes is tested exactly. The table next to it
is the text alternative; every text is escaped."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

UNWEIGHTED_COLOUR = "#1d5fa8"
WEIGHTED_COLOUR = "#a64b00"
MAX_LABEL = 30


@dataclass(frozen=True)
class DotRow:
    label: str
    share: tuple[float, float, float]  # estimate, low, high (0..1)
    weighted: tuple[float, float, float] | None = None


def _x(value: float, left: int, width: int) -> float:
    return left + width * min(max(value, 0.0), 1.0)


def dot_plot(rows: list[DotRow], *, title: str, chart_id: str) -> str:
    label_width, plot_width, right, top = 210, 400, 24, 46
    with_weighted = any(r.weighted is not None for r in rows)
    row_height = 26 if with_weighted else 20
    height = top + row_height * len(rows) + 10
    description = (
        _(
            "For each keyword, the dot is its share of players who want it, and the line its "
            "95 % interval; the diamond below it is the share weighted to the population. "
            "The table gives the same figures."
        )
        if with_weighted
        else _(
            "For each keyword, the dot is its share of players who want it, and the line its "
            "95 % interval. The table gives the same figures."
        )
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dot-plot" role="img" '
        f'viewBox="0 0 {label_width + plot_width + right} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<circle cx="{label_width + 6}" cy="11" r="5" fill="{UNWEIGHTED_COLOUR}"/>'
        f'<text x="{label_width + 16}" y="15" font-size="12">{escape(_("Players"))}</text>',
    ]
    if with_weighted:
        x = label_width + 140
        parts.append(
            f'<path d="M{x} 5 L{x + 6} 11 L{x} 17 L{x - 6} 11 Z" fill="{WEIGHTED_COLOUR}"/>'
            f'<text x="{x + 12}" y="15" font-size="12">'
            f"{escape(_('Weighted to the population'))}</text>"
        )
    for tick in (0, 25, 50, 75, 100):
        x = _x(tick / 100, label_width, plot_width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 12}" x2="{x:.1f}" y2="{height - 6}" '
            f'stroke="{"#555" if tick == 50 else "#ccc"}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 16}" font-size="11" text-anchor="middle">{tick} %</text>'
        )
    for index, row in enumerate(rows):
        y = top + index * row_height + 8
        label = row.label if len(row.label) <= MAX_LABEL else row.label[: MAX_LABEL - 1] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 4}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        share, low, high = row.share
        parts.append(
            f'<line x1="{_x(low, label_width, plot_width):.1f}" y1="{y}" '
            f'x2="{_x(high, label_width, plot_width):.1f}" y2="{y}" '
            f'stroke="{UNWEIGHTED_COLOUR}" stroke-width="2"/>'
            f'<circle cx="{_x(share, label_width, plot_width):.1f}" cy="{y}" r="4" '
            f'fill="{UNWEIGHTED_COLOUR}"/>'
        )
        if row.weighted is not None:
            share, low, high = row.weighted
            wy, x = y + 9, _x(share, label_width, plot_width)
            parts.append(
                f'<line x1="{_x(low, label_width, plot_width):.1f}" y1="{wy}" '
                f'x2="{_x(high, label_width, plot_width):.1f}" y2="{wy}" '
                f'stroke="{WEIGHTED_COLOUR}" stroke-width="2"/>'
                f'<path d="M{x:.1f} {wy - 5} L{x + 5:.1f} {wy} L{x:.1f} {wy + 5} '
                f'L{x - 5:.1f} {wy} Z" fill="{WEIGHTED_COLOUR}"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
