"""A line chart of an indicator's series as SVG markup, built on the server. Pure: no ORM.

The chart is decorative for screen readers (aria-hidden): every page shows the same
numbers in a table beside it. Lines differ by dash pattern as well as colour, so they read
in greyscale and for colour-blind readers (WCAG 1.4.1). Labels are escaped here because
the markup is marked safe in templates.
"""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
# Colours with at least 3:1 contrast against white (WCAG 1.4.11), plus distinct dashes.
STYLES = [
    ("#1f4e9a", ""),
    ("#a3342c", "6 4"),
    ("#1d6b3a", "2 3"),
    ("#5b3f8c", "10 3 2 3"),
    ("#7a5200", "1 2"),
]


@dataclass(frozen=True)
class Line:
    label: str
    points: list[tuple[int, Decimal | None]]


def _fmt(value: Decimal) -> str:
    value = Decimal(value).quantize(Decimal("0.1"))
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def svg(lines: list[Line], *, title: str = "", small: bool = False) -> str:
    """The SVG, or "" when no line has a value (the page then says "no data")."""
    values = [v for line in lines for _, v in line.points if v is not None]
    years = sorted({y for line in lines for y, v in line.points if v is not None})
    if not values:
        return ""
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * Decimal("0.08")
    low, high = low - pad, high + pad
    first, last = years[0], years[-1]
    span = max(last - first, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year):
        return LEFT + (year - first) * plot_w / span if last != first else LEFT + plot_w / 2

    def y(value):
        return TOP + float((high - value) / (high - low)) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart{" chart-small" if small else ""}" aria-hidden="true" focusable="false" '
        f'font-family="VP Sans, DejaVu Sans, sans-serif" font-size="12">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    # Horizontal grid: 4 steps.
    for step in range(5):
        value = low + (high - low) * step / 4
        gy = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" '
            f'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" fill="#333">'
            f"{_fmt(value)}</text>"
        )
    label_every = max(1, len(years) // 8)
    for index, year in enumerate(years):
        if index % label_every == 0 or year == last:
            parts.append(
                f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'fill="#333">{year}</text>'
            )
    legend_x = LEFT
    for index, line in enumerate(lines):
        colour, dash = STYLES[index % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[str] = []
        segments = []
        for year, value in sorted(line.points):
            if value is None:  # a gap, not a line through a missing year
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(year):.1f},{y(value):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) == 1:
                cx, cy = seg[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
            else:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
        if any(v is not None for _, v in line.points):
            ly = HEIGHT - 14
            parts.append(
                f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{ly - 4}" y2="{ly - 4}" '
                f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
                f'<text x="{legend_x + 30}" y="{ly}" fill="#222">{escape(line.label[:28])}</text>'
            )
            legend_x += 40 + min(len(line.label), 28) * 7
    parts.append("</svg>")
    return "".join(parts)
