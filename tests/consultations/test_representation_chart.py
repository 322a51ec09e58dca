"""The dashboard's chart (consultations.representation.chart): pure, exact oracles."""

import re
from decimal import Decimal

from consultations.representation.chart import ChartRow, gap_chart


def _bars(svg):
    """(width, fill) of every bar, in order (bars start after the 190-unit label area);
    the legend's swatches are 14 wide."""
    return [
        (float(w), fill)
        for w, fill in re.findall(
            r'<rect x="190" y="\d+" width="([\d.]+)" height="14" fill="(#\w+)"/>', svg
        )
    ]


def test_bars_are_scaled_to_the_largest_share_population_above_respondents():
    rows = [
        ChartRow("16–24", Decimal("10.0"), Decimal("40.0"), False),
        ChartRow("80+", Decimal("20.0"), Decimal("5.0"), False),
    ]
    svg = gap_chart(rows, title="Age", dimension="age_band")
    assert _bars(svg) == [
        (95.0, "#8a8f98"),
        (380.0, "#1d5fa8"),
        (190.0, "#8a8f98"),
        (47.5, "#1d5fa8"),
    ]
    assert 'aria-labelledby="chart-age_band-title chart-age_band-desc"' in svg
    assert "the upper bar is its share of the population" in svg


def test_a_suppressed_group_has_no_bar_and_says_not_shown():
    rows = [
        ChartRow("A", None, Decimal("100.0"), False),
        ChartRow("B", None, None, True),
    ]
    svg = gap_chart(rows, title="Areas", dimension="area")
    assert _bars(svg) == [(380.0, "#1d5fa8")]
    assert "not shown" in svg
    assert "share of population" not in svg.lower()


def test_every_text_is_escaped():
    hostile = '<script>alert("x")</script>'
    svg = gap_chart(
        [ChartRow(hostile, None, Decimal("1.0"), False)], title=hostile, dimension="area"
    )
    assert "<script>" not in svg
    assert svg.count("&lt;script&gt;") == 2  # the title and the label (cut to 28 characters)


def test_long_group_labels_are_drawn_whole_on_several_lines():
    """Issue 14: labels were cut at 28 characters."""
    from consultations.representation.chart import label_lines

    label = "Nyanlända och personer med annat modersmål"
    lines = label_lines(label)
    assert " ".join(lines) == label and all(len(line) <= 24 for line in lines)
    svg = gap_chart(
        [ChartRow(label, None, Decimal("12.5"), False)], title="t", dimension="target_groups"
    )
    for line in lines:
        assert f">{line}</tspan>" in svg


def test_shares_in_the_chart_use_the_pages_number_format():
    from django.utils import translation

    row = ChartRow("Centrum", Decimal("40.0"), Decimal("12.5"), False)
    with translation.override("sv"):
        svg = gap_chart([row], title="t", dimension="area")
    assert "12,5 %" in svg and "40,0 %" in svg
    with translation.override("en"):
        assert "12.5 %" in gap_chart([row], title="t", dimension="area")


def test_two_consultations_charts_in_one_document_have_distinct_ids():
    # The decision pack holds every consultation's charts in one PDF, where an id (a PDF/UA
    # anchor) may appear only once.
    rows = [ChartRow("16–24", Decimal("10.0"), Decimal("40.0"), False)]
    first = gap_chart(rows, title="Age", dimension="age_band", id_prefix="c1-")
    second = gap_chart(rows, title="Age", dimension="age_band", id_prefix="c2-")
    ids = re.findall(r'id="([^"]+)"', first + second)
    assert len(ids) == len(set(ids)) == 4
    assert 'aria-labelledby="chart-c2-age_band-title chart-c2-age_band-desc"' in second
