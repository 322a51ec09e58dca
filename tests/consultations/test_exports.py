"""CSV, XLSX and JSON exports: visible masked answers, profile fields, no tokens, no formulas."""

import csv
import io
import json
import uuid

import pytest
from openpyxl import load_workbook

from consultations import services
from consultations.exports import ExportTable, neutralise, to_csv, to_json, to_xlsx

from .factories import open_consultation
from .staff_helpers import XSS, staff_url, submit

HEADERS = [
    "response",
    "submitted_at",
    "channel",
    "group_label",
    "participants",
    "keep",
    "leave",
    "miss",
    "age_band",
    "area",
    "target_groups",
    "preferred_language",
]
FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+46", "'+46"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Parkerna = bra", "Parkerna = bra"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_pure_writers_round_trip_and_neutralise():
    table = ExportTable(headers=["a", "b"], rows=[["=1+1", 3], ["ok", None]])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows == [["a", "b"], ["'=1+1", "3"], ["ok", ""]]
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["a", "b"],
        ["'=1+1", 3],
        ["ok", None],
    ]
    assert sheet["A2"].data_type == "s"
    document = json.loads(to_json(table, question_texts={"a": "Question A"}))
    assert document == {
        "questions": {"a": "Question A"},
        "responses": [{"b": 3, "answers": {"a": "=1+1"}}, {"b": None, "answers": {"a": "ok"}}],
    }


@pytest.fixture
def consultation(process):
    consultation = open_consultation(process, areas="-Hageby\nHageby", ask_preferred_language=True)
    key = uuid.UUID("11111111-2222-3333-4444-555555555555")
    submit(
        consultation,
        "Parkerna, mejla anna@example.se",
        FORMULAS[0],
        XSS,
        key=key,
        channel="focus_group",
        group_label="Ungdomsrådet",
        participants=8,
        age_band="16-24",
        area="-Hageby",
        target_groups=["young", "student"],
        preferred_language="ar",
    )
    hidden = submit(consultation, "Dölj mig", "Synlig", channel="interview")
    services.answer_hide(answer=hidden.answers.get(text="Dölj mig"), by=None, reason="Name")
    only_hidden = submit(consultation, "Helt dold")
    services.answer_hide(answer=only_hidden.answers.get(), by=None, reason="Name")
    return consultation


def _download(client, staff, consultation, fmt):
    client.force_login(staff)
    response = client.get(staff_url("export", consultation, fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    # Streamed: the body can be read once.
    response.body = response.getvalue()
    return response


def _assert_no_secrets(text: str):
    for secret in (
        "11111111-2222-3333-4444-555555555555",
        "idempotency",
        "anna@example.se",
        "Dölj mig",
        "Helt dold",
        "127.0.0.1",
    ):
        assert secret not in text


def test_csv_export(client, staff, consultation):
    response = _download(client, staff, consultation, "csv")
    assert response["Content-Type"].startswith("text/csv")
    _assert_no_secrets(response.body.decode("utf-8-sig"))
    rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    first, second = rows
    assert (first["channel"], first["group_label"], first["participants"]) == (
        "focus_group",
        "Ungdomsrådet",
        "8",
    )
    assert first["keep"] == "Parkerna, mejla [email]"
    assert first["leave"] == "'" + FORMULAS[0]
    assert first["miss"] == XSS
    assert first["area"] == "'-Hageby"
    assert (first["target_groups"], first["preferred_language"]) == ("young;student", "ar")
    assert (second["target_groups"], second["preferred_language"]) == ("", "")
    assert (second["keep"], second["leave"], second["channel"]) == ("", "Synlig", "interview")


def test_xlsx_export(client, staff, consultation):
    response = _download(client, staff, consultation, "xlsx")
    sheet = load_workbook(io.BytesIO(response.body)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    _assert_no_secrets(repr(rows))
    assert rows[0] == HEADERS
    assert len(rows) == 3
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first["leave"] == "'" + FORMULAS[0]
    assert first["participants"] == 8
    assert first["keep"] == "Parkerna, mejla [email]"
    assert (first["target_groups"], first["preferred_language"]) == ("young;student", "ar")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"


def test_json_export(client, staff, consultation):
    response = _download(client, staff, consultation, "json")
    assert response["Content-Type"] == "application/json"
    _assert_no_secrets(json.dumps(json.loads(response.body), ensure_ascii=False))
    assert b"<script>" not in response.body
    document = json.loads(response.body)
    assert set(document["questions"]) == {"keep", "leave", "miss"}
    first, second = document["responses"]
    assert first["answers"] == {
        "keep": "Parkerna, mejla [email]",
        "leave": FORMULAS[0],
        "miss": XSS,
    }
    assert first["channel"] == "focus_group" and first["age_band"] == "16-24"
    assert (first["target_groups"], first["preferred_language"]) == ("young;student", "ar")
    assert second["answers"] == {"leave": "Synlig"}


@pytest.mark.parametrize("value", FORMULAS)
def test_every_formula_start_is_neutralised_in_csv_and_xlsx(client, staff, process, value):
    consultation = open_consultation(process)
    submit(consultation, value.strip() or value, channel="interview", group_label=value)
    client.force_login(staff)
    raw = client.get(staff_url("export", consultation, "csv")).getvalue().decode("utf-8-sig")
    row = list(csv.DictReader(io.StringIO(raw)))[0]
    assert row["group_label"].startswith("'") or not row["group_label"].startswith(
        ("=", "+", "-", "@", "\t", "\r")
    )
    assert not row["keep"].startswith(("=", "+", "-", "@"))
    sheet = load_workbook(
        io.BytesIO(client.get(staff_url("export", consultation, "xlsx")).getvalue())
    ).active
    for cell in sheet[2]:
        assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")))


def test_empty_consultation_exports_headers_only(client, staff, process):
    consultation = open_consultation(process)
    client.force_login(staff)
    raw = client.get(staff_url("export", consultation, "csv")).getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(raw))) == [HEADERS]
    document = json.loads(client.get(staff_url("export", consultation, "json")).getvalue())
    assert document["responses"] == []
