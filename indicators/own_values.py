"""Parsing an own measure's values from a CSV or XLSX file staff upload. Pure: no ORM
(only gettext for the translated problems).

Columns: year, total and optionally women, men (header names in English, Swedish, Danish
or Norwegian). CSV: `;` or `,` separated, decimal comma or point. XLSX: the first sheet,
read with openpyxl in read-only mode (its XML parsed through defusedxml, so no entity
expansion), numbers as the spreadsheet stores them, at most MAX_ROWS rows and MAX_COLUMNS
columns read whatever the file claims. Every problem is collected with its line (row)
number, and nothing is stored unless the whole file is valid."""

import csv
import datetime
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
MAX_COLUMNS = 20
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive


class ParseError(ValueError):
    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{line}: {text}" for line, text in problems))


def _number(cell) -> Decimal | None:
    """A cell's number: text with a decimal comma or point (CSV, text cells) or a number
    cell (XLSX). A boolean or a date is not a number."""
    if cell is None:
        return None
    if isinstance(cell, bool | datetime.date | datetime.time | datetime.timedelta):
        raise InvalidOperation
    if isinstance(cell, int | float | Decimal):
        value = Decimal(str(cell))
    else:
        text = str(cell).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            return None
        value = Decimal(text)
    if not value.is_finite() or abs(value) >= Decimal("1e13"):
        raise InvalidOperation
    return value


def _year(cell) -> int:
    if isinstance(cell, bool):
        raise ValueError
    if isinstance(cell, float):
        if not cell.is_integer():
            raise ValueError
        cell = int(cell)
    year = cell if isinstance(cell, int) else int(str(cell).strip())
    if not 1990 <= year <= 2100:
        raise ValueError
    return year


def _text(cell) -> str:
    return "" if cell is None else str(cell)


def parse(data: bytes) -> dict[int, tuple[Decimal | None, Decimal | None, Decimal | None]]:
    """{year: (total, women, men)} from a CSV or XLSX file (told apart by their first
    bytes, not by the name the browser sends); raises ParseError with (line, problem)
    pairs."""
    if data.startswith(XLSX_MAGIC):
        return _parse_rows(_xlsx_rows(data))
    return _parse_rows(_csv_rows(data))


def _csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(
            [(0, _("The file is neither UTF-8 text (CSV) nor an Excel workbook (XLSX)."))]
        ) from error
    # Spreadsheets with a decimal comma save CSV with semicolons.
    delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(data: bytes) -> list[list]:
    """The first sheet's first MAX_ROWS + 1 rows, MAX_COLUMNS cells each."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                rows.append(list(row))
                if len(rows) > MAX_ROWS + 1:
                    break
        finally:
            workbook.close()
    except Exception as error:
        # openpyxl raises whatever its zip and XML layers raise on a broken or hostile
        # file (BadZipFile, KeyError for a missing part, defusedxml's refusal of entities,
        # XML syntax errors, ...): to staff, all of them mean the same thing.
        raise ParseError(
            [(0, _("The file is not an Excel workbook (XLSX) that can be read."))]
        ) from error
    # Trailing empty rows (formatting) are not rows.
    while rows and all(cell is None or _text(cell).strip() == "" for cell in rows[-1]):
        rows.pop()
    return rows


def _parse_rows(rows: list[list]) -> dict:
    if not rows:
        raise ParseError([(0, _("The file is empty."))])
    header = [_text(h).strip().lower() for h in rows[0]]
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
        if not any(_text(cell).strip() for cell in row):
            continue
        try:
            year = _year(row[columns["year"]])
        except (ValueError, IndexError, TypeError):
            problems.append((line, _("The year is not a year between 1990 and 2100.")))
            continue
        try:
            numbers = tuple(
                _number(row[columns[k]]) if k in columns and columns[k] < len(row) else None
                for k in ("total", "women", "men")
            )
        except (InvalidOperation, ValueError, TypeError):
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
