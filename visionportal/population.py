"""Population margins and how far respondents are from them. Pure: no database, no requests.

Two CSV formats are read (UTF-8, an optional BOM, comma or semicolon separated):

* SCB-style age margins, as in ``population-norrkoping-2022-age.csv``::

      group,band,population
      age,0-17,31068
      age,75+,14195

* a simple format for any dimension::

      dimension,group,population
      age_band,25-44,38947
      area,Inre staden,30000

Age bands in a file are re-binned into the consultation's bands (0-15, 16-24, 25-44, 45-64,
65-79, 80+). Bands may be single years ("17"), ranges ("25-34") or open ("75+").

The rule when a file's band crosses one of our boundaries: its people are split in
proportion to the years on each side (people are assumed evenly spread over the years of
the band). An open band that starts before 80 is taken to span ``OPEN_BAND_WIDTH`` years
(75+ counts as 75-84, so half of it is 75-79 and half 80+: in Sweden's 2022 population the
75-79 and 80+ groups are about equally large). Fractions are rounded with the
largest-remainder method (ties go to the younger band), so the total is kept exactly.
Example: 0-17 with 31,068 people gives 16/18 (27,616) to 0-15 and 2/18 (3,452) to 16-24.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

AGE_BAND = "age_band"
AREA = "area"
DIMENSIONS = (AGE_BAND, AREA)
# Our bands as (first age, last age or None for open), in order; keys match Response.age_band.
TARGET_BANDS = {
    "0-15": (0, 15),
    "16-24": (16, 24),
    "25-44": (25, 44),
    "45-64": (45, 64),
    "65-79": (65, 79),
    "80+": (80, None),
}
OPEN_BAND_WIDTH = 10
MAX_AGE = 120
MAX_ROWS = 2000
MAX_BYTES = 1_000_000
MAX_GROUP_LENGTH = 120  # Response.area's max_length
MAX_POPULATION = 100_000_000
DEFAULT_MIN_GROUP_SIZE = 5

# Names of the dimension in files: "age" (SCB-style) is our age_band.
_DIMENSION_ALIASES = {"age": AGE_BAND, "age_band": AGE_BAND, "area": AREA}
_BAND = re.compile(r"^(\d{1,3})\s*(?:[-–]\s*(\d{1,3})|(\+))?$")


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file, the header being row 1; 0 for the file as a whole
    message: str


class MarginsError(ValueError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(f"row {e.row}: {e.message}" for e in errors))


def parse_margins(data: bytes | str) -> dict[str, dict[str, int]]:
    """Margins by dimension and group from a CSV file; raises MarginsError listing every
    bad row. Age bands come back re-binned into TARGET_BANDS."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise MarginsError([RowError(0, _("The file is larger than 1 MB."))])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MarginsError([RowError(0, _("Save the file as UTF-8 text (CSV)."))]) from None
    else:
        text = data.removeprefix("\ufeff")
    if len(text) > MAX_BYTES:
        raise MarginsError([RowError(0, _("The file is larger than 1 MB."))])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise MarginsError([RowError(0, _("The file is empty."))])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [cell.strip().lower() for cell in rows[0]]
    if header == ["group", "band", "population"]:
        pass  # SCB-style: the dimension is in the "group" column
    elif header != ["dimension", "group", "population"]:
        raise MarginsError(
            [
                RowError(
                    1,
                    _(
                        'The first row must be "dimension,group,population" '
                        'or "group,band,population".'
                    ),
                )
            ]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise MarginsError([RowError(0, _("The file has more than %d rows.") % MAX_ROWS)])

    errors: list[RowError] = []
    raw: dict[str, list[tuple[int, str, int]]] = {AGE_BAND: [], AREA: []}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != 3:
            errors.append(RowError(number, _("Expected 3 columns, found %d.") % len(cells)))
            continue
        dimension_name, group, population_text = (cell.strip() for cell in cells)
        dimension = _DIMENSION_ALIASES.get(dimension_name.lower())
        if dimension is None:
            errors.append(
                RowError(number, _('Unknown dimension; use "age_band" (or "age") or "area".'))
            )
            continue
        if not group:
            errors.append(RowError(number, _("The group is empty.")))
            continue
        if len(group) > MAX_GROUP_LENGTH:
            errors.append(
                RowError(number, _("The group is longer than %d characters.") % MAX_GROUP_LENGTH)
            )
            continue
        population = _population(population_text.replace(" ", "").replace("\u00a0", ""))
        if population is None:
            errors.append(RowError(number, _("The population must be a whole number, 0 or more.")))
            continue
        raw[dimension].append((number, group, population))

    margins: dict[str, dict[str, int]] = {}
    if raw[AREA]:
        margins[AREA] = _areas(raw[AREA], errors)
    if raw[AGE_BAND]:
        margins[AGE_BAND] = _age_bands(raw[AGE_BAND], errors)
    if errors:
        raise MarginsError(sorted(errors, key=lambda error: error.row))
    if not margins:
        raise MarginsError([RowError(0, _("The file has no rows of data."))])
    return margins


def _population(text: str) -> int | None:
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if value <= MAX_POPULATION else None


def _areas(rows, errors) -> dict[str, int]:
    areas: dict[str, int] = {}
    seen: dict[str, int] = {}
    for number, group, population in rows:
        key = group.casefold()
        if key in seen:
            errors.append(
                RowError(number, _("The area is listed twice (also on row %d).") % seen[key])
            )
            continue
        seen[key] = number
        areas[group] = population
    return areas


def parse_band(text: str) -> tuple[int, int | None] | None:
    """(first age, last age or None if open) for "17", "25-34", "25–34" or "75+"."""
    match = _BAND.match(text.strip())
    if not match:
        return None
    first = int(match.group(1))
    if match.group(3):
        last = None
    elif match.group(2):
        last = int(match.group(2))
    else:
        last = first
    if first > MAX_AGE or (last is not None and (last < first or last > MAX_AGE)):
        return None
    return first, last


def _age_bands(rows, errors) -> dict[str, int]:
    bands = []
    for number, group, population in rows:
        band = parse_band(group)
        if band is None:
            errors.append(RowError(number, _('Write the age band as "25-34", "17" or "75+".')))
            continue
        bands.append((number, band, population))
    # Overlaps would count people twice.
    ordered = sorted(bands, key=lambda item: item[1][0])
    for (number_a, (_first_a, last_a), _pop_a), (number_b, (first_b, _last_b), _pop_b) in zip(
        ordered, ordered[1:], strict=False
    ):
        if last_a is None or first_b <= last_a:
            errors.append(
                RowError(
                    number_b,
                    _("The age band overlaps the band on row %d.") % number_a,
                )
            )
    if errors:
        return {}
    return rebin_ages([(band, population) for _number, band, population in bands])


def rebin_ages(bands: list[tuple[tuple[int, int | None], int]]) -> dict[str, int]:
    """Spread each source band's people over TARGET_BANDS (see the module docstring)."""
    shares = {target: Fraction(0) for target in TARGET_BANDS}
    for (first, last), population in bands:
        if last is None:
            if first >= TARGET_BANDS["80+"][0]:
                shares["80+"] += population
                continue
            last = first + OPEN_BAND_WIDTH - 1
        width = last - first + 1
        for target, (t_first, t_last) in TARGET_BANDS.items():
            overlap = min(last, MAX_AGE if t_last is None else t_last) - max(first, t_first) + 1
            if overlap > 0:
                shares[target] += Fraction(population * overlap, width)
    return _largest_remainder(shares)


def _largest_remainder(shares: dict[str, Fraction]) -> dict[str, int]:
    floors = {key: int(value) for key, value in shares.items()}
    left = round(sum(shares.values())) - sum(floors.values())
    order = list(shares)
    by_remainder = sorted(order, key=lambda key: (-(shares[key] - floors[key]), order.index(key)))
    for key in by_remainder[:left]:
        floors[key] += 1
    return floors


def suppressed_groups(counts: dict[str, int], min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> set:
    """The groups of one table whose counts must not be shown: primary and secondary
    suppression.

    Primary: a group with 1 to min_group_size - 1 respondents. A group with none is shown
    (0 singles nobody out).

    Secondary: the groups of a table add up to its total, and the total can be worked out
    from any shown count and its share. If exactly one group were hidden, the total minus
    the shown groups would give it; if the hidden groups together had fewer than
    min_group_size respondents, their sum would be a small group of its own. So while
    exactly one group is hidden, or the hidden ones sum to fewer than min_group_size, the
    shown group with the fewest respondents (above zero; the first listed on a tie; zeros
    only when nothing else is left) is hidden too. Primary and secondary suppression look
    the same on the page, so nobody can tell which group was the small one.

    Exact examples with min_group_size 5, groups in this order:
        {a: 3, b: 10, c: 20}       -> {a, b}     (one hidden: hide the next smallest)
        {a: 1, b: 2, c: 30}        -> {a, b, c}  (1 + 2 < 5: add c)
        {a: 2, b: 4, c: 30}        -> {a, b}     (two hidden, 6 >= 5)
        {a: 3, b: 0, c: 0}         -> {a, b, c}  (nothing can hide a: hide the table)
        {a: 0, b: 7, c: 9}         -> {}         (nothing small)
    """
    hidden = {group for group, count in counts.items() if 0 < count < min_group_size}
    order = list(counts)
    while hidden and (len(hidden) == 1 or sum(counts[g] for g in hidden) < min_group_size):
        shown = [g for g in order if g not in hidden]
        if not shown:
            break
        # Groups with respondents first (they protect), then zeros; fewest first.
        hidden.add(min(shown, key=lambda g: (counts[g] == 0, counts[g], order.index(g))))
    return hidden


ALL_CHANNELS = ""


def suppressed_cells(
    views: dict[str, dict[str, int]],
    *,
    partition: bool = True,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> dict[str, set[str]]:
    """The hidden groups of each view of one table: all channels (key ALL_CHANNELS) and
    each channel. Every view has the same groups, and a group's count over all channels
    is the sum of its channels' counts (a response has one channel).

    Hiding a group in each view on its own (suppressed_groups) is not enough: a group
    hidden in one channel's view would be its count over all channels minus the other
    channels' counts. So the rule of suppressed_groups holds for every sum in the table:
    each view's groups (when `partition`: they add up to the view's total), and each
    group's channels (they add up to its count over all channels). No sum may have exactly
    one hidden term, nor hidden terms that add up to fewer than min_group_size (unless its
    total is hidden too); while one does, its smallest shown term is hidden (counts above
    zero first), or, for a group's channels, its count over all channels when none is left.
    Then the sums are solved together, as an onlooker could (_revealed_small_cells): while
    that pins down a small count, or a small sum of hidden counts, a shown count in the
    same view or group is hidden too. Hiding only grows, so this ends.

    Exact example with min_group_size 5: all {a: 9, b: 20}, online {a: 6, b: 12},
    interview {a: 3, b: 8} -> interview hides a (3), then its other group b (one hidden in
    the view); online hides a and b (each is the only other term of its group's sum);
    all channels shows both: {"": set(), "online": {a, b}, "interview": {a, b}}.
    """
    channels = [view for view in views if view != ALL_CHANNELS]
    groups = list(views[ALL_CHANNELS])
    hidden = {
        view: {g for g, n in counts.items() if 0 < n < min_group_size}
        for view, counts in views.items()
    }

    def hide_smallest(candidates) -> bool:
        """Hide the candidate (view, group) with the fewest respondents above zero."""
        shown = [(v, g) for v, g in candidates if g not in hidden[v]]
        if not shown:
            return False
        view, group = min(shown, key=lambda c: (views[c[0]][c[1]] == 0, views[c[0]][c[1]]))
        hidden[view].add(group)
        return True

    def unsafe(terms, *, total_hidden=False) -> bool:
        hidden_terms = [(v, g) for v, g in terms if g in hidden[v]]
        if not hidden_terms:
            return total_hidden  # a hidden total with every term shown is their sum
        if len(hidden_terms) == 1 and not total_hidden:
            return True
        return not total_hidden and sum(views[v][g] for v, g in hidden_terms) < min_group_size

    while True:
        changed = True
        while changed:
            changed = False
            if partition:
                for view, counts in views.items():
                    terms = [(view, g) for g in counts]
                    if unsafe(terms) and hide_smallest(terms):
                        changed = True
            for group in groups:
                terms = [(channel, group) for channel in channels]
                total_hidden = group in hidden[ALL_CHANNELS]
                if not unsafe(terms, total_hidden=total_hidden):
                    continue
                if hide_smallest(terms):
                    changed = True
                elif not total_hidden:
                    hidden[ALL_CHANNELS].add(group)
                    changed = True
        # Each sum on its own is safe now; sums combined may still pin a hidden count down
        # (one view's total minus another's, ...). Solve them exactly, as an onlooker could.
        leak = _revealed_small_cells(views, hidden, partition, min_group_size)
        if not leak:
            return hidden
        neighbours = [
            (view, group)
            for view, counts in views.items()
            for group in counts
            if any(view == v or group == g for v, g in leak)
        ]
        if not hide_smallest(neighbours):
            return hidden  # everything near is hidden: nothing more can be done


def _revealed_small_cells(
    views: dict[str, dict[str, int]], hidden: dict[str, set[str]], partition: bool, min_size: int
) -> list[tuple[str, str]]:
    """Hidden cells an onlooker can solve for from the shown counts and the table's sums,
    when what they learn is small: a single count, or a sum of counts, from 1 to
    min_size - 1. Empty when nothing small can be worked out.

    The sums: each group's count over all channels is its channels' counts added up; and,
    for a partition, each view's groups add up to the view's total, which the shares give
    away. Exact: Gauss-Jordan elimination over fractions on the hidden cells.
    """
    unknowns = [(v, g) for v, counts in views.items() for g in counts if g in hidden[v]]
    if not unknowns:
        return []
    column = {cell: i for i, cell in enumerate(unknowns)}
    rows: list[list[Fraction]] = []  # coefficients of the unknowns, then the known value

    def add_sum(terms: list[tuple[int, tuple[str, str]]], total: int = 0) -> None:
        row = [Fraction(0)] * (len(unknowns) + 1)
        row[-1] = Fraction(total)
        for sign, cell in terms:
            if cell in column:
                row[column[cell]] += sign
            else:
                row[-1] -= sign * views[cell[0]][cell[1]]
        if any(row[:-1]):
            rows.append(row)

    channels = [v for v in views if v != ALL_CHANNELS]
    for group in views[ALL_CHANNELS]:
        add_sum([(1, (ALL_CHANNELS, group)), *[(-1, (c, group)) for c in channels]])
    if partition:
        for view, counts in views.items():
            add_sum([(1, (view, g)) for g in counts], total=sum(counts.values()))

    # Reduced row echelon form.
    pivot_row = 0
    for col in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col]), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        pivot = rows[pivot_row][col]
        rows[pivot_row] = [x / pivot for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col]:
                factor = rows[r][col]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    # A row whose unknowns all have the same coefficient tells their sum (one unknown: its
    # count).
    for row in rows[:pivot_row]:
        terms = [i for i, x in enumerate(row[:-1]) if x]
        if len({row[i] for i in terms}) != 1:
            continue
        value = row[-1] / row[terms[0]]
        if 0 < value < min_size:
            return [unknowns[i] for i in terms]
    return []


@dataclass(frozen=True)
class GroupCount:
    """A group of respondents where no population figure exists (a target group, or an
    area or age band before figures are uploaded): its count and share only."""

    group: str
    suppressed: bool
    respondents: int | None  # None when suppressed
    share: Decimal | None  # percent of the table's respondents, one decimal


def respondent_shares(
    respondents: dict[str, int],
    *,
    total: int | None = None,
    partition: bool = True,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    hidden: set[str] | None = None,
) -> list[GroupCount]:
    """Counts and shares of respondents per group, hidden groups first, then the fewest
    respondents first (where voices are missing).

    `partition`: each respondent is in at most one group (age band, area), so the groups
    add up and secondary suppression applies (see suppressed_groups); shares are of the
    groups' sum. Otherwise (target groups: any number each) a group's count says nothing
    about another's, only primary suppression applies, and shares are of `total`, all
    respondents.

    `hidden`: the groups to hide when the table is one view of several (suppressed_cells
    decided); otherwise this table's own suppression decides.
    """
    if partition:
        denominator = sum(respondents.values())
        if hidden is None:
            hidden = suppressed_groups(respondents, min_group_size)
    else:
        denominator = total if total is not None else sum(respondents.values())
        if hidden is None:
            hidden = {g for g, n in respondents.items() if 0 < n < min_group_size}
    order = list(respondents)
    rows = [
        GroupCount(
            group=group,
            suppressed=group in hidden,
            respondents=None if group in hidden else count,
            share=(
                None
                if group in hidden
                else _percent(Fraction(count, denominator) if denominator else Fraction(0))
            ),
        )
        for group, count in respondents.items()
    ]
    rows.sort(
        key=lambda row: (
            (0, 0, order.index(row.group))
            if row.suppressed
            else (1, row.respondents, order.index(row.group))
        )
    )
    return rows


@dataclass(frozen=True)
class GroupGap:
    group: str
    population: int
    population_share: Decimal  # percent, one decimal
    suppressed: bool  # too few respondents, or hidden so that such a group cannot be derived
    respondents: int | None  # None when suppressed
    respondent_share: Decimal | None  # percent, one decimal; None when suppressed
    gap: Decimal | None  # respondent share minus population share, in percentage points


def _percent(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator * 100) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def representation_gaps(
    respondents: dict[str, int],
    population: dict[str, int],
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    hidden: set[str] | None = None,
) -> list[GroupGap]:
    """Per population group: respondents against the population, the biggest
    under-representation first.

    Only groups in `population` count (respondents who gave no group, or one without a
    margin, are left out of the shares). Groups are suppressed as suppressed_groups says
    (fewer than min_group_size respondents, and the secondary rule): their count, share
    and gap are not given, so nobody can be singled out or worked out from the rest.
    Suppressed groups come first (few voices there), by population size; then the rest by
    gap, most under-represented first. Groups with no respondents at all are shown as 0.
    `hidden`, when given, is used instead (one view of several, see suppressed_cells).
    """
    total_population = sum(population.values())
    total_respondents = sum(respondents.get(group, 0) for group in population)
    order = list(population)
    if hidden is None:
        hidden = suppressed_groups(
            {group: respondents.get(group, 0) for group in order}, min_group_size
        )
    rows = []
    for group in order:
        count = respondents.get(group, 0)
        population_share = (
            Fraction(population[group], total_population) if total_population else Fraction(0)
        )
        suppressed = group in hidden
        respondent_share = Fraction(count, total_respondents) if total_respondents else Fraction(0)
        gap = respondent_share - population_share
        sort_key = (
            (0, -population_share, order.index(group))
            if suppressed
            else (
                1,
                gap,
                order.index(group),
            )
        )
        rows.append(
            (
                sort_key,
                GroupGap(
                    group=group,
                    population=population[group],
                    population_share=_percent(population_share),
                    suppressed=suppressed,
                    respondents=None if suppressed else count,
                    respondent_share=None if suppressed else _percent(respondent_share),
                    gap=None if suppressed else _percent(gap),
                ),
            )
        )
    rows.sort(key=lambda item: item[0])
    return [row for _key, row in rows]
