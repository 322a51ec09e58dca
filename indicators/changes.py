"""What changed between two follow-ups: the previous frozen period and this one (a later
frozen period, or the tree as it stands now). Pure: no ORM, plain inputs, exact outputs
(tests/indicators/test_changes.py holds the oracles).

Both sides are lists of `Item`s: an area, goal or indicator with its id, title, status and,
for indicators, its values [(year, total, women, men)] as shown then (strings or None, as
SnapshotEntry.values stores them). The rule:

1. Items are matched by (level, object id): a renamed goal is the same goal.
2. An item only in the current side is ADDED, only in the previous side REMOVED (in the
   previous side's order, after everything else). Neither has status or value changes.
3. A matched item whose status differs is a STATUS change (before -> after).
4. For a matched indicator, each year of the current values is compared with the same year
   before, total, women and men apart (as numbers: "12.50" equals "12.5"):
   - no value before (year missing, or None) and one now -> NEW_VALUE;
   - a value before and a different one now -> REVISED (Kolada revises published values);
   - a value before and None now -> VALUE_GONE.
   Years before the current series' first year are not compared: the shown window moved
   on, nothing changed.
5. Changes come in the current side's order, per item: status first, then its values by
   year and series (total, women, men).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

ADDED, REMOVED, STATUS = "added", "removed", "status"
NEW_VALUE, REVISED, VALUE_GONE = "new_value", "revised", "value_gone"
SERIES = ("total", "women", "men")


@dataclass(frozen=True)
class Item:
    level: str  # "area" | "goal" | "indicator"
    object_id: int
    title: str
    status: str
    values: tuple = ()  # ((year, total, women, men), ...)


@dataclass(frozen=True)
class Change:
    kind: str
    level: str
    object_id: int
    title: str
    before: str | None = None
    after: str | None = None
    year: int | None = None
    series: str | None = None  # "total" | "women" | "men" for value changes


def _number(text) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def _by_year(values) -> dict[int, tuple]:
    return {int(row[0]): tuple(row[1:4]) + (None,) * (4 - len(row)) for row in values}


def _value_changes(before: Item, after: Item) -> list[Change]:
    old, new = _by_year(before.values), _by_year(after.values)
    if not new:
        return []
    changes = []
    for year in sorted(new):
        for index, series in enumerate(SERIES):
            was_text = old.get(year, (None, None, None))[index]
            now_text = new[year][index]
            was, now = _number(was_text), _number(now_text)
            if was is None and now is None:
                continue
            if was is None:
                kind = NEW_VALUE
            elif now is None:
                kind = VALUE_GONE
            elif was != now:
                kind = REVISED
            else:
                continue
            changes.append(
                Change(
                    kind,
                    after.level,
                    after.object_id,
                    after.title,
                    before=None if was is None else str(was_text),
                    after=None if now is None else str(now_text),
                    year=year,
                    series=series,
                )
            )
    return changes


def changes_between(previous: list[Item], current: list[Item]) -> list[Change]:
    """Every change from `previous` to `current` (see the module's rule)."""
    earlier = {(item.level, item.object_id): item for item in previous}
    now_keys = {(item.level, item.object_id) for item in current}
    changes: list[Change] = []
    for item in current:
        before = earlier.get((item.level, item.object_id))
        if before is None:
            changes.append(Change(ADDED, item.level, item.object_id, item.title))
            continue
        if before.status != item.status:
            changes.append(
                Change(
                    STATUS,
                    item.level,
                    item.object_id,
                    item.title,
                    before=before.status,
                    after=item.status,
                )
            )
        if item.level == "indicator":
            changes.extend(_value_changes(before, item))
    for item in previous:
        if (item.level, item.object_id) not in now_keys:
            changes.append(Change(REMOVED, item.level, item.object_id, item.title))
    return changes


def by_object(changes: list[Change]) -> dict[tuple[str, int], list[Change]]:
    """The changes grouped per (level, object id), each group in the given order."""
    grouped: dict[tuple[str, int], list[Change]] = {}
    for change in changes:
        grouped.setdefault((change.level, change.object_id), []).append(change)
    return grouped
