"""Exact oracles for the status rule (indicators/status.py)."""

from decimal import Decimal as D

import pytest

from indicators.chart import Line, svg
from indicators.status import (
    DECREASE,
    INCREASE,
    KEEP,
    MIXED,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    assess,
    summarise,
)


def series(*values, start=2018):
    return [(start + n, None if v is None else D(str(v))) for n, v in enumerate(values)]


@pytest.mark.parametrize(
    ("direction", "values", "target", "comparison", "expected", "signals"),
    [
        (INCREASE, [], None, None, NO_DATA, (None, None, None)),
        (INCREASE, [None, None], None, None, NO_DATA, (None, None, None)),
        (INCREASE, [5], None, None, NO_DATA, (None, None, None)),
        (INCREASE, [1, 2, 3], None, None, ON_TRACK, (1, None, None)),
        # Only the last three values count: the window is 3, 4, 5.
        (INCREASE, [9, 3, 4, 5], None, None, ON_TRACK, (1, None, None)),
        (INCREASE, [3, 2, 1], None, None, OFF_TRACK, (-1, None, None)),
        (DECREASE, [3, 2, 1], None, None, ON_TRACK, (1, None, None)),
        (INCREASE, [2, 3, 2], None, None, NO_DATA, (0, None, None)),
        (INCREASE, [1, None, 3], None, None, ON_TRACK, (1, None, None)),
        (INCREASE, [1, 2], D(5), None, MIXED, (1, -1, None)),
        (INCREASE, [3, 2], D(2), None, ON_TRACK, (-1, 1, None)),  # a reached target decides
        (DECREASE, [3, 4], D(4), None, ON_TRACK, (-1, 1, None)),
        (INCREASE, [1, 2], None, {2019: D(3)}, MIXED, (1, None, -1)),
        (INCREASE, [1, 2], None, {2019: D(1)}, ON_TRACK, (1, None, 1)),
        (INCREASE, [2, 1], None, {2019: D(3)}, OFF_TRACK, (-1, None, -1)),
        (INCREASE, [1, 2], None, {2018: D(3)}, ON_TRACK, (1, None, None)),  # other year
        (KEEP, [100, D("101.9")], None, None, ON_TRACK, (1, None, None)),
        (KEEP, [100, D("102.1")], None, None, OFF_TRACK, (-1, None, None)),
        (KEEP, [100, 100], D(100), {2019: D(50)}, ON_TRACK, (1, 1, None)),
        (KEEP, [100, 100], None, {2019: D(50)}, ON_TRACK, (1, None, None)),
        (INCREASE, [2, 2], None, {2019: D(2)}, NO_DATA, (0, None, 0)),
    ],
)
def test_assessment_oracles(direction, values, target, comparison, expected, signals):
    result = assess(
        direction=direction, series=series(*values), target=target, comparison=comparison
    )
    assert result.status == expected
    assert (result.trend, result.target, result.comparison) == signals


def test_latest_value_and_year_skip_nulls():
    result = assess(direction=INCREASE, series=series(1, 4, None))
    assert (result.latest_year, result.latest_value) == (2019, D(4))


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], NO_DATA),
        ([NO_DATA, NO_DATA], NO_DATA),
        ([ON_TRACK, NO_DATA], ON_TRACK),
        ([ON_TRACK, ON_TRACK, OFF_TRACK], ON_TRACK),  # 2/3
        ([ON_TRACK, OFF_TRACK], MIXED),  # 1/2
        ([ON_TRACK, OFF_TRACK, OFF_TRACK], OFF_TRACK),  # 1/3
        ([MIXED, MIXED], MIXED),  # 1/2
        ([ON_TRACK, MIXED], ON_TRACK),  # (2 + 1) / 4 = 3/4
        ([OFF_TRACK, MIXED], OFF_TRACK),  # 1/4
        ([MIXED], MIXED),
    ],
)
def test_summary_oracles(statuses, expected):
    assert summarise(statuses) == expected


def test_chart_is_empty_without_values_and_escapes_labels():
    assert svg([Line("Total", [(2020, None)])]) == ""
    markup = svg([Line("<script>x</script>", [(2020, D(1)), (2021, D(2))])], title="a&b")
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "a&amp;b" in markup
    assert markup.count("<polyline") == 1


def test_chart_breaks_the_line_at_a_missing_year():
    markup = svg([Line("T", [(2018, D(1)), (2019, D(2)), (2020, None), (2021, D(3))])])
    assert markup.count("<polyline") == 1 and markup.count("<circle") == 1
