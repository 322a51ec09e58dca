"""Parsing an own measure's values from a CSV file staff upload. Pure: no ORM (only
gettext for the translated problems).

Columns: year, total and optionally women, men (header names in English, Swedish, Danish
or Norwegian; `;` or `,` separated; decimal comma or point). Every problem is collected
with its line number, and nothing is stored unless the whole file is valid."""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

HEADERS = {
    "year": {"year", "år", "ar", "period"},
    "total": {"total", "totalt", "i alt", "value", "värde", "værdi", "verdi"},
    "women": {"women", "kvinnor", "kvinder", "kvinner", "k"},
    "men": {"men", "män", "mænd", "menn", "m"},
}
MAX_ROWS = 200


class ParseError(ValueError):
    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{line}: {text}" for line, text in problems))


def _number(text: str) -> Decimal | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    value = Decimal(text)
    if not value.is_finite() or abs(value) >= Decimal("1e13"):
        raise InvalidOperation
    return value


def parse(data: bytes) -> dict[int, tuple[Decimal | None, Decimal | None, Decimal | None]]:
    """{year: (total, women, men)}; raises ParseError with (line, problem) pairs."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError([(0, _("The file is not UTF-8 text."))]) from error
    # Spreadsheets with a decimal comma save CSV with semicolons.
    delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise ParseError([(0, _("The file is empty."))])
    header = [h.strip().lower() for h in rows[0]]
    columns = {}
    for name, names in HEADERS.items():
        for index, h in enumerate(header):
            if h in names:
                columns[name] = index
    if "year" not in columns or "total" not in columns:
        raise ParseError([(1, _("The first line must name a year column and a total column."))])
    if len(rows) - 1 > MAX_ROWS:
        raise ParseError([(0, _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})])
    values, problems = {}, []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            year = int(row[columns["year"]].strip())
            if not 1990 <= year <= 2100:
                raise ValueError
        except (ValueError, IndexError):
            problems.append((line, _("The year is not a year between 1990 and 2100.")))
            continue
        try:
            numbers = tuple(
                _number(row[columns[k]]) if k in columns and columns[k] < len(row) else None
                for k in ("total", "women", "men")
            )
        except (InvalidOperation, ValueError):
            problems.append((line, _("A value is not a number.")))
            continue
        if all(n is None for n in numbers):
            problems.append((line, _("The line has no value.")))
        elif year in values:
            problems.append((line, _("%(year)s appears twice.") % {"year": year}))
        else:
            values[year] = numbers
    if problems:
        raise ParseError(problems)
    return values
