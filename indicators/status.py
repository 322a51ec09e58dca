"""How an indicator's status is computed, and how goals and areas summarise it. Pure: no
ORM, plain inputs, exact outputs (tests/indicators/test_status.py holds the oracles).

The rule for one indicator, from its series of (year, value) and its desired direction:

1. Values that are None are left out. With no value at all the status is NO_DATA.
2. Three signals, each +1 (good), -1 (bad) or 0 (cannot say / no change):
   - trend: the change from the first to the last of the last TREND_WINDOW (3) values
     (at least two values needed). INCREASE: up is good; DECREASE: down is good; KEEP:
     a change within KEEP_TOLERANCE (2 %) of the first value is good, more is bad. A change
     of exactly 0 for INCREASE/DECREASE is 0.
   - target (only with a target value): the latest value reaches it (>= for INCREASE,
     <= for DECREASE, within 2 % for KEEP) -> +1, else -1.
   - comparison (only with a comparison value of the same year as the latest value): the
     latest value is better than it in the desired direction -> +1, worse -> -1, equal
     -> 0. KEEP has no comparison signal: a level kept is neither better nor worse than
     the country's.
3. No signal other than 0 -> NO_DATA ("not enough data to judge"). Every non-zero signal
   +1 and none 0 -> ON_TRACK; every one -1 and none 0 -> OFF_TRACK; anything else MIXED.
   A reached target decides alone: ON_TRACK whatever the trend (the goal is met).
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

ON_TRACK, MIXED, OFF_TRACK, NO_DATA = "on_track", "mixed", "off_track", "no_data"
INCREASE, DECREASE, KEEP = "increase", "decrease", "keep"
TREND_WINDOW = 3
KEEP_TOLERANCE = Decimal("0.02")


@dataclass(frozen=True)
class Assessment:
    status: str
    trend: int | None  # None: fewer than two values
    target: int | None  # None: no target
    comparison: int | None  # None: no comparison value for the latest year
    latest_year: int | None
    latest_value: Decimal | None


def _within_keep(value: Decimal, reference: Decimal) -> bool:
    return abs(value - reference) <= abs(reference) * KEEP_TOLERANCE


def _better(direction: str, value: Decimal, other: Decimal) -> int:
    if direction == KEEP or value == other:
        return 0
    up = value > other
    return 1 if up == (direction == INCREASE) else -1


def assess(
    *,
    direction: str,
    series: list[tuple[int, Decimal | None]],
    target: Decimal | None = None,
    comparison: dict[int, Decimal | None] | None = None,
) -> Assessment:
    known = sorted((year, value) for year, value in series if value is not None)
    if not known:
        return Assessment(NO_DATA, None, None, None, None, None)
    latest_year, latest = known[-1]

    trend = None
    window = known[-TREND_WINDOW:]
    if len(window) >= 2:
        first = window[0][1]
        if direction == KEEP:
            trend = 1 if _within_keep(latest, first) else -1
        else:
            trend = _better(direction, latest, first)

    target_signal = None
    if target is not None:
        if direction == KEEP:
            reached = _within_keep(latest, target)
        elif direction == INCREASE:
            reached = latest >= target
        else:
            reached = latest <= target
        target_signal = 1 if reached else -1

    comparison_signal = None
    other = (comparison or {}).get(latest_year)
    if other is not None and direction != KEEP:
        comparison_signal = _better(direction, latest, other)

    signals = [s for s in (trend, target_signal, comparison_signal) if s is not None]
    if target_signal == 1:
        status = ON_TRACK
    elif not any(signals):
        status = NO_DATA
    elif all(s == 1 for s in signals):
        status = ON_TRACK
    elif all(s == -1 for s in signals):
        status = OFF_TRACK
    else:
        status = MIXED
    return Assessment(status, trend, target_signal, comparison_signal, latest_year, latest)


def summarise(statuses: list[str]) -> str:
    """A goal from its indicators' statuses, an area from its goals'.

    NO_DATA ones are left out; none left -> NO_DATA. Score = (on + mixed/2) / judged:
    >= 2/3 -> ON_TRACK, <= 1/3 -> OFF_TRACK, else MIXED."""
    judged = [s for s in statuses if s != NO_DATA]
    if not judged:
        return NO_DATA
    score = Fraction(2 * judged.count(ON_TRACK) + judged.count(MIXED), 2 * len(judged))
    if score >= Fraction(2, 3):
        return ON_TRACK
    if score <= Fraction(1, 3):
        return OFF_TRACK
    return MIXED
