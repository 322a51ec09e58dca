"""Reading answers from a CSV or XLSX file gathered in interviews, focus groups and so on.

Parsing only: bytes in, rows and per-row errors out. No ORM; consultations.services stores
the rows (all or nothing). Columns: channel, the questions (keep/leave/miss or q1, q2, ...
by position), age_band, area, target_groups (codes or labels separated by ";"),
preferred_language, group_label, participants — the same names the export uses.

A spreadsheet is a zip archive, and a small one can unpack to gigabytes: an XLSX whose
parts would unpack to more than MAX_XLSX_UNCOMPRESSED_BYTES, or that has more than
MAX_XLSX_PARTS parts, or whose sheet says it has far more rows than an import takes, is
refused before anything is parsed. (Python's zipfile never inflates a part beyond the size
its directory declares, so summing the declared sizes bounds the work.) The sheets' XML is
parsed by openpyxl through defusedxml (a dependency for that reason): an entity
declaration, an external entity or malformed XML makes the file unreadable, never expanded.
"""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from visionportal.text import has_visible_text

from . import profile
from .exports import question_headers
from .models import AgeBand, Channel, TargetGroup

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_CELL_CHARS = 20000
MAX_COLUMNS = 50
MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_XLSX_PARTS = 200
PROFILE_COLUMNS = (
    "channel",
    "age_band",
    "area",
    "target_groups",
    "preferred_language",
    "group_label",
    "participants",
)
TARGET_GROUP_SEPARATOR = ";"
# Columns the export writes that an import may carry back in and that are ignored.
IGNORED_COLUMNS = ("response", "submitted_at")


# What openpyxl raises on a damaged workbook. ParseError: malformed XML (also `&#0;`);
# defusedxml's refusals of entities are ValueErrors.
XLSX_READ_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, ParseError)
# Channels an import may carry: online answers are the residents' own, sent through the
# form, and an imported row must not pass for one (as the staff form refuses it).
IMPORT_CHANNELS = tuple(value for value in Channel.values if value != Channel.ONLINE)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, too big, wrong columns)."""


@dataclass
class ParsedImport:
    sha256: str
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(data: bytes, filename: str = "") -> list[list[str]]:
    """The file's rows as lists of strings, header first. Raises ImportFileError."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is too big: at most %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise ImportFileError(_("The file could not be read as XLSX. Save it as .xlsx or CSV."))
    return _read_csv(data)


def _read_csv(data: bytes) -> list[list[str]]:
    # The whole file: a NUL anywhere is binary (or UTF-16) data, and PostgreSQL text
    # cannot hold one, so a NUL found only at confirm would fail there.
    if b"\x00" in data:
        raise ImportFileError(_("The file is not a CSV or XLSX file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not UTF-8. Save it as “CSV UTF-8”.")) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in Nordic locales save CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([cell.strip() for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from None
    return rows


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse an archive that would unpack to far more than any real answers file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(
            _("The file could not be read as XLSX. Save it as .xlsx or CSV.")
        ) from None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _(
                "The spreadsheet unpacks to more than %(mb)d MB, far more than answers take. "
                "Remove other sheets, images and formatting, or save it as CSV."
            )
            % {"mb": MAX_XLSX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_READ_ERRORS:
        raise ImportFileError(
            _("The file could not be read as XLSX. Save it as .xlsx or CSV.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # The sheet's own dimension, when it states one; reading stops at the limit anyway.
        if (sheet.max_row or 0) > MAX_ROWS * 10:
            raise ImportFileError(
                _("The file has too many rows: at most %(max)d.") % {"max": MAX_ROWS}
            )
        rows = []
        for values in sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell_text(v) for v in values])
    except ImportFileError:
        raise
    except XLSX_READ_ERRORS:
        raise ImportFileError(
            _("The file could not be read as XLSX. Save it as .xlsx or CSV.")
        ) from None
    finally:
        workbook.close()
    return rows


def parse(
    data: bytes,
    *,
    questions,
    max_answer_length: int,
    filename: str = "",
    consultation=None,
) -> ParsedImport:
    """Rows ready for services.responses_import, and per-row errors (1-based, header = 1).

    With `consultation`, areas are checked against its list (and given as stored), and the
    profile columns it does not ask for are left out."""
    table = read_table(data, filename)
    # Trailing empty rows are common in spreadsheets.
    while table and not any(table[-1]):
        table.pop()
    if not table or not any(table[0]):
        raise ImportFileError(_("The file has no header row."))
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has too many rows: at most %(max)d.") % {"max": MAX_ROWS})
    if len(table) == 1:
        raise ImportFileError(_("The file has a header row but no answers."))

    columns = _columns(table[0], questions)
    result = ParsedImport(sha256=file_sha256(data))
    for row_number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        row, errors = _parse_row(cells, columns, max_answer_length, consultation)
        if errors:
            result.errors.extend((row_number, message) for message in errors)
        else:
            result.rows.append({"row_number": row_number, **row})
    return result


def _columns(header: list[str], questions) -> dict[int, tuple[str, object]]:
    """Column index -> ("question", question id) or ("profile", name)."""
    by_name = {}
    for index, (name, question) in enumerate(
        zip(question_headers(questions), questions, strict=True), start=1
    ):
        by_name[name] = ("question", question.pk)
        by_name[f"q{index}"] = ("question", question.pk)
    for name in PROFILE_COLUMNS:
        by_name[name] = ("profile", name)

    columns, unknown, seen = {}, [], set()
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        if not name or name in IGNORED_COLUMNS:
            continue
        if name not in by_name:
            unknown.append(raw)
            continue
        if name in seen:
            raise ImportFileError(_("The column “%(name)s” appears twice.") % {"name": raw})
        seen.add(name)
        columns[index] = by_name[name]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(names)s. Expected: %(expected)s.")
            % {"names": ", ".join(unknown[:10]), "expected": ", ".join(sorted(by_name))}
        )
    if "channel" not in seen:
        raise ImportFileError(_("The file needs a “channel” column."))
    if not any(kind == "question" for kind, _value in columns.values()):
        raise ImportFileError(_("The file needs at least one question column."))
    return columns


def _parse_row(cells, columns, max_answer_length, consultation=None) -> tuple[dict, list[str]]:
    row = {
        "answers": {},
        "age_band": "",
        "area": "",
        "target_groups": [],
        "preferred_language": "",
        "group_label": "",
        "participants": None,
    }
    errors = []
    for index, (kind, key) in columns.items():
        value = cells[index] if index < len(cells) else ""
        if len(value) > MAX_CELL_CHARS:
            value = value[:MAX_CELL_CHARS]
        if kind == "question":
            if len(value) > max_answer_length:
                errors.append(
                    _("An answer is too long: at most %(limit)d characters (it has %(count)d).")
                    % {"limit": max_answer_length, "count": len(value)}
                )
            elif has_visible_text(value):
                row["answers"][key] = value
        elif key == "participants":
            if value:
                try:
                    row["participants"] = int(value)
                except ValueError:
                    errors.append(_("Participants must be a whole number."))
                else:
                    if row["participants"] < 1 or row["participants"] > 10000:
                        errors.append(_("Participants must be from 1 to 10000."))
        elif key == "target_groups":
            row["target_groups"], error = _target_groups(value)
            if error:
                errors.append(error)
        elif key == "preferred_language":
            row["preferred_language"], error = _preferred_language(value)
            if error:
                errors.append(error)
        else:
            row[key] = value
    channel = row.get("channel", "")
    if channel == Channel.ONLINE:
        errors.append(
            _(
                "The channel “online” is for answers residents send themselves; imported "
                "answers cannot use it. Use one of: %(choices)s."
            )
            % {"choices": ", ".join(IMPORT_CHANNELS)}
        )
    elif channel not in Channel.values:
        errors.append(
            _("Unknown channel “%(value)s”. Use one of: %(choices)s.")
            % {"value": channel[:50], "choices": ", ".join(IMPORT_CHANNELS)}
        )
    if row["age_band"] and row["age_band"] not in AgeBand.values:
        errors.append(
            _("Unknown age band “%(value)s”. Use one of: %(choices)s.")
            % {"value": row["age_band"][:50], "choices": ", ".join(AgeBand.values)}
        )
    for name in ("area", "group_label"):
        if len(row[name]) > 120:
            errors.append(_("Shorten %(column)s to at most 120 characters.") % {"column": name})
    if consultation is not None:
        errors.extend(_apply_configuration(row, consultation))
    if not row["answers"] and not errors:
        errors.append(_("The row has no answers."))
    return row, errors


def _target_groups(value: str) -> tuple[list[str], str]:
    """Codes from "student; Företagare", and an error naming the first unknown group."""
    groups = []
    for part in value.split(TARGET_GROUP_SEPARATOR):
        if not part.strip():
            continue
        group = profile.target_group_value(part)
        if group is None:
            return [], _("Unknown target group “%(value)s”. Use one of: %(choices)s.") % {
                "value": part.strip()[:50],
                "choices": ", ".join(TargetGroup.values),
            }
        if group not in groups:
            groups.append(group)
    return groups, ""


def _preferred_language(value: str) -> tuple[str, str]:
    """A language code from a code ("so") or a name as the form shows it ("Soomaali")."""
    key = value.strip().casefold()
    if not key:
        return "", ""
    if key in profile.PREFERRED_LANGUAGE_CODES:
        return key, ""
    for code, name in profile.PREFERRED_LANGUAGES:
        if key == name.casefold():
            return code, ""
    return "", _(
        "Unknown preferred language “%(value)s”. Use a code such as sv, ar or so, or “other”."
    ) % {"value": value.strip()[:50]}


def _apply_configuration(row: dict, consultation) -> list[str]:
    """Leave out what the consultation does not ask; check the area against its list."""
    for name, setting in (
        ("age_band", "ask_age_band"),
        ("area", "ask_area"),
        ("preferred_language", "ask_preferred_language"),
    ):
        if not getattr(consultation, setting):
            row[name] = ""
    if not consultation.ask_target_groups:
        row["target_groups"] = []
    if not row["area"]:
        return []
    value = profile.area_value(consultation, row["area"])
    if value is None:
        return [
            _("Unknown area “%(value)s”. Use one of: %(choices)s.")
            % {
                "value": row["area"][:50],
                "choices": ", ".join(
                    str(label) for _v, label in profile.area_choices(consultation)
                ),
            }
        ]
    row["area"] = value
    return []
