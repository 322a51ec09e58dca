"""CSV, XLSX and JSON exports of a consultation's visible answers, written as the rows come.

Exports carry the channel and profile fields, never idempotency keys or IP addresses (the
latter are not stored at all), and answer text masked for personal data. Spreadsheet cells
that a program would read as a formula are neutralised with a leading apostrophe.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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
    # Plain values (str, int or None), one list per row. Any iterable: the selector passes a
    # generator reading the database in batches, so no writer holds every row at once.
    rows: Iterable[list]


# A streamed chunk is sent once it holds about this many characters: large enough that the
# per-chunk overhead of the WSGI server is negligible, small enough to keep memory flat.
CHUNK_CHARS = 64 * 1024


def csv_chunks(table: ExportTable) -> Iterator[bytes]:
    """The CSV file in pieces: a byte-order mark so Excel opens UTF-8 (å, ä, ø) correctly,
    the header row, then the rows, every cell a formula would start neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def to_csv(table: ExportTable) -> bytes:
    return b"".join(csv_chunks(table))


def xlsx_write(table: ExportTable, file, *, title: str = "Answers") -> None:
    """Write the workbook to `file` (a path or a binary file) with openpyxl's write-only
    mode: rows go to disk as they come, so memory does not grow with the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(table.headers)
    for row in table.rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                # Explicitly a string: openpyxl reads "=..." as a formula, and removing an
                # illegal character can leave a value that starts with "=".
                value = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", neutralise(value)))
                value.data_type = "s"
            cells.append(value)
        sheet.append(cells)
    workbook.save(file)


def to_xlsx(table: ExportTable, *, title: str = "Answers") -> bytes:
    buffer = io.BytesIO()
    xlsx_write(table, buffer, title=title)
    return buffer.getvalue()


def _escape_html(text: str) -> str:
    # < > & only occur inside strings here; escaping them keeps a browser that is shown the
    # file as HTML from running anything in it.
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text


def json_chunks(table: ExportTable, *, question_texts: dict[str, str]) -> Iterator[bytes]:
    """One object per response; answers keyed by the same column names as CSV/XLSX.

    The text is what json.dumps(document, ensure_ascii=False, indent=1) gives for the whole
    document, written one response at a time."""
    answer_columns = [h for h in table.headers if h in question_texts]
    head = json.dumps({"questions": question_texts}, ensure_ascii=False, indent=1)
    # Without its closing "\n}", the head is open for the "responses" member.
    parts = [head[:-2], ',\n "responses": [']
    size = 0
    separator = "\n"
    for row in table.rows:
        values = dict(zip(table.headers, row, strict=True))
        record = {h: values[h] for h in table.headers if h not in question_texts}
        record["answers"] = {h: values[h] for h in answer_columns if values[h]}
        # A record sits two levels deep; json.dumps escapes newlines inside strings, so
        # indenting every line of its text is exact.
        text = json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n  ")
        parts.extend((separator, "  ", text))
        separator = ",\n"
        size += len(text)
        if size >= CHUNK_CHARS:
            yield _escape_html("".join(parts)).encode("utf-8")
            parts, size = [], 0
    parts.append("]\n}" if separator == "\n" else "\n ]\n}")
    yield _escape_html("".join(parts)).encode("utf-8")


def to_json(table: ExportTable, *, question_texts: dict[str, str]) -> bytes:
    return b"".join(json_chunks(table, question_texts=question_texts))
