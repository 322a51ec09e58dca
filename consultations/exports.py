"""CSV, XLSX and JSON exports of a consultation's visible answers.

Exports carry the channel and profile fields, never idempotency keys or IP addresses (the
latter are not stored at all), and answer text masked for personal data. Spreadsheet cells
that a program would read as a formula are neutralised with a leading apostrophe.
"""

import csv
import io
import json
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

PROFILE_COLUMNS = ["response", "submitted_at", "channel", "group_label", "participants"]
TRAILING_COLUMNS = ["age_band", "area", "target_groups", "preferred_language"]
# target_groups: the codes, separated as the import reads them.
TARGET_GROUP_SEPARATOR = ";"

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A spreadsheet cell value that cannot run as a formula (OWASP "CSV injection")."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def question_headers(questions) -> list[str]:
    """Column names for the questions: the kind (keep, leave, miss) when it names one
    question, otherwise q1, q2, ... by position. The import reads the same names."""
    kinds = [q.kind for q in questions]
    headers = []
    for index, question in enumerate(questions, start=1):
        if question.kind != "custom" and kinds.count(question.kind) == 1:
            headers.append(question.kind)
        else:
            headers.append(f"q{index}")
    return headers


@dataclass(frozen=True)
class ExportTable:
    headers: list[str]
    rows: list[list]  # plain values: str, int or None


def to_csv(table: ExportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    # A byte-order mark so Excel opens UTF-8 (å, ä, ø) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: ExportTable, *, title: str = "Answers") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(table.headers)
    for row in table.rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
            cells.append(value)
        sheet.append(cells)
    # Keep any remaining string explicitly a string: openpyxl reads "=..." as a formula.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_json(table: ExportTable, *, question_texts: dict[str, str]) -> bytes:
    """One object per response; answers keyed by the same column names as CSV/XLSX."""
    answer_columns = [h for h in table.headers if h in question_texts]
    records = []
    for row in table.rows:
        values = dict(zip(table.headers, row, strict=True))
        record = {h: values[h] for h in table.headers if h not in question_texts}
        record["answers"] = {h: values[h] for h in answer_columns if values[h]}
        records.append(record)
    document = {"questions": question_texts, "responses": records}
    text = json.dumps(document, ensure_ascii=False, indent=1)
    # < > & only occur inside strings here; escaping them keeps a browser that is shown the
    # file as HTML from running anything in it.
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.encode("utf-8")
