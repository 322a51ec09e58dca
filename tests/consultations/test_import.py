"""Bulk import from CSV and XLSX: preview with per-row errors, all or nothing, no duplicates."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from consultations import importing, services
from consultations.models import Response

from .factories import NORRKOPING_AREAS, closed_consultation, open_consultation
from .staff_helpers import XSS, staff_url

GOOD_CSV = (
    "channel,keep,leave,miss,age_band,area,group_label,participants\n"
    "interview,Parkerna,Bilköerna,,25-44,Hageby,,\n"
    "focus_group,Skolorna,,Ett badhus,,,Ungdomsrådet,12\n"
).encode()


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process, areas=NORRKOPING_AREAS)


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _parse(consultation, data, filename="answers.csv"):
    return importing.parse(
        data,
        questions=list(consultation.questions.all()),
        max_answer_length=consultation.max_answer_length,
        filename=filename,
        consultation=consultation,
    )


def test_parse_reads_columns_by_kind(consultation):
    keep, leave, miss = consultation.questions.all()
    parsed = _parse(consultation, GOOD_CSV)
    assert parsed.errors == []
    assert parsed.rows == [
        {
            "row_number": 2,
            "channel": "interview",
            "answers": {keep.pk: "Parkerna", leave.pk: "Bilköerna"},
            "age_band": "25-44",
            "area": "Hageby",
            "target_groups": [],
            "preferred_language": "",
            "group_label": "",
            "participants": None,
        },
        {
            "row_number": 3,
            "channel": "focus_group",
            "answers": {keep.pk: "Skolorna", miss.pk: "Ett badhus"},
            "age_band": "",
            "area": "",
            "target_groups": [],
            "preferred_language": "",
            "group_label": "Ungdomsrådet",
            "participants": 12,
        },
    ]


def test_parse_reads_columns_by_position_semicolons_and_a_bom(consultation):
    keep, leave, miss = consultation.questions.all()
    data = "\ufeffChannel;Q1;Q3\nworkshop;Torget;Mer kultur\n\n".encode()
    parsed = _parse(consultation, data)
    assert parsed.errors == []
    assert [r["answers"] for r in parsed.rows] == [{keep.pk: "Torget", miss.pk: "Mer kultur"}]


def test_parse_reads_xlsx(consultation):
    keep = consultation.questions.first()
    data = _xlsx([["channel", "keep", "participants"], ["exhibition", "Hamnen", 40]])
    parsed = _parse(consultation, data, "answers.xlsx")
    assert parsed.errors == []
    assert parsed.rows[0]["answers"] == {keep.pk: "Hamnen"}
    assert parsed.rows[0]["participants"] == 40


def test_parse_reports_every_bad_row_with_its_number(consultation):
    data = (
        "channel,keep,age_band,participants\n"
        "interview,ok,,\n"
        "telepathy,x,,\n"
        "interview,,,\n"
        "interview,x,42,\n"
        "interview,x,,-3\n"
        f"interview,{'y' * 2001},,\n"
    ).encode()
    errors = _parse(consultation, data).errors
    assert [number for number, _ in errors] == [3, 4, 5, 6, 7]
    assert "Unknown channel “telepathy”" in errors[0][1]
    assert errors[1][1] == "The row has no answers."
    assert "Unknown age band “42”" in errors[2][1]
    assert errors[3][1] == "Participants must be from 1 to 10000."
    assert "at most 2000 characters (it has 2001)" in errors[4][1]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.csv", "The file is empty."),
        (b"\x00\x01\x02binary", "a.csv", "not a CSV or XLSX file"),
        ("channel,keep\n".encode("utf-16"), "a.csv", "not a CSV or XLSX file"),
        ("channel,keep\nintervju,Åäö\n".encode("latin-1"), "a.csv", "not UTF-8"),
        (b"PK\x03\x04garbage", "a.xlsx", "could not be read as XLSX"),
        (b"plain text", "a.xlsx", "could not be read as XLSX"),
        (b"channel,keep,colour\ninterview,x,red\n", "a.csv", "Unknown columns: colour"),
        (b"keep\nx\n", "a.csv", "needs a “channel” column"),
        (b"channel,age_band\ninterview,\n", "a.csv", "at least one question column"),
        (b"channel,keep,keep\ninterview,x,y\n", "a.csv", "appears twice"),
        (b"channel,keep\n", "a.csv", "no answers"),
        (b"\n\n", "a.csv", "no header row"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(consultation, data, filename, message):
    with pytest.raises(importing.ImportFileError, match=message):
        _parse(consultation, data, filename)


def test_too_big_and_too_long_files_are_refused(consultation):
    with pytest.raises(importing.ImportFileError, match="too big"):
        _parse(consultation, b"channel,keep\n" + b"x" * importing.MAX_FILE_BYTES)
    rows = "".join("interview,x\n" for _ in range(importing.MAX_ROWS + 1))
    with pytest.raises(importing.ImportFileError, match="too many rows"):
        _parse(consultation, ("channel,keep\n" + rows).encode())


def test_import_is_all_or_nothing(consultation):
    rows = _parse(consultation, GOOD_CSV).rows
    rows[1]["age_band"] = "bogus"  # the service refuses what a tampered session carries
    with pytest.raises(ValidationError, match="Row 3"):
        services.responses_import(consultation=consultation, rows=rows, file_sha256="a" * 64)
    assert not Response.objects.exists()


def test_reimporting_the_same_file_adds_nothing(consultation):
    parsed = _parse(consultation, GOOD_CSV)
    assert (
        services.responses_import(
            consultation=consultation, rows=parsed.rows, file_sha256=parsed.sha256
        )
        == 2
    )
    assert (
        services.responses_import(
            consultation=consultation, rows=parsed.rows, file_sha256=parsed.sha256
        )
        == 0
    )
    assert Response.objects.count() == 2


def test_import_into_a_closed_consultation_is_allowed(process):
    consultation = closed_consultation(process)
    consultation.areas = "Hageby"
    consultation.save()
    parsed = _parse(consultation, GOOD_CSV)
    services.responses_import(
        consultation=consultation, rows=parsed.rows, file_sha256=parsed.sha256
    )
    assert Response.objects.count() == 2


def _upload(client, consultation, data, name="answers.csv"):
    return client.post(staff_url("import", consultation), {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_confirm_and_reimport(client, staff, consultation):
    client.force_login(staff)
    preview = _upload(client, consultation, GOOD_CSV)
    assert preview.status_code == 200
    assert "2 rows can be imported" in preview.text
    assert "Ungdomsrådet" in preview.text
    # Labels staff know, not the file's codes (issue 14).
    assert "<td>Interview</td>" in preview.text and "<td>Focus group</td>" in preview.text
    assert "25–44" in preview.text and "25-44" not in preview.text
    assert not Response.objects.exists()
    sha = importing.file_sha256(GOOD_CSV)
    done = client.post(staff_url("import_confirm", consultation), {"sha256": sha})
    assert done.status_code == 302
    assert done["Location"] == staff_url("responses", consultation)
    stored = Response.objects.order_by("pk")
    assert [(r.channel, r.group_label, r.participants) for r in stored] == [
        ("interview", "", None),
        ("focus_group", "Ungdomsrådet", 12),
    ]
    # The pending import is gone: a second confirm does nothing.
    again = client.post(staff_url("import_confirm", consultation), {"sha256": sha})
    assert again["Location"] == staff_url("import", consultation)
    # The same file uploaded and confirmed again adds nothing.
    _upload(client, consultation, GOOD_CSV)
    client.post(staff_url("import_confirm", consultation), {"sha256": sha})
    assert Response.objects.count() == 2


def test_preview_with_errors_offers_no_confirm_and_stores_nothing(client, staff, consultation):
    client.force_login(staff)
    page = _upload(client, consultation, b"channel,keep\ninterview,ok\nnope,x\n")
    assert page.status_code == 200
    assert "Nothing was imported" in page.text
    assert "Unknown channel" in page.text
    assert staff_url("import_confirm", consultation) not in page.text
    sha = importing.file_sha256(b"channel,keep\ninterview,ok\nnope,x\n")
    client.post(staff_url("import_confirm", consultation), {"sha256": sha})
    assert not Response.objects.exists()


def test_a_confirm_for_another_file_imports_nothing(client, staff, consultation):
    client.force_login(staff)
    _upload(client, consultation, GOOD_CSV)
    client.post(staff_url("import_confirm", consultation), {"sha256": "b" * 64})
    client.post(staff_url("import_confirm", consultation), {"sha256": "not-a-hash"})
    assert not Response.objects.exists()


def test_bad_files_are_explained_on_the_upload_page(client, staff, consultation):
    client.force_login(staff)
    page = _upload(client, consultation, b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png")
    assert page.status_code == 200
    assert "not a CSV or XLSX file" in page.text
    page = client.post(staff_url("import", consultation), {})
    assert page.status_code == 200 and "This field is required" in page.text


def test_imported_markup_is_rendered_inert(client, staff, consultation):
    client.force_login(staff)
    data = f'channel,keep,group_label\ninterview,"{XSS.replace(chr(34), chr(39))}",<b>g</b>\n'
    page = _upload(client, consultation, data.encode())
    assert "<script>" not in page.text and "<b>g</b>" not in page.text
    assert "&lt;script&gt;" in page.text
    page = _upload(client, consultation, f"channel,keep\n{XSS.replace(chr(34), '')},x\n".encode())
    assert "<script>" not in page.text


# --- Hostile files (issue 8) --------------------------------------------------------------


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `sheet_xml`."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["channel", "keep"], ["interview", "x"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(part, data)
    return buffer.getvalue()


SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(cell: bytes, doctype: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + b"<worksheet " + SHEET_NS + b">"
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>channel</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>keep</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>interview</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>' + cell + b"</t></is></c></row>"
        b"</sheetData></worksheet>"
    )


LAUGHS = b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10 if i else b"lol") for i in range(10)
)


@pytest.mark.parametrize(
    "sheet_xml",
    [
        pytest.param(_sheet(b"&greeting;", b'<!DOCTYPE w [<!ENTITY greeting "hi">]>'), id="entity"),
        pytest.param(_sheet(b"&lol9;", b"<!DOCTYPE w [" + LAUGHS + b"]>"), id="billion-laughs"),
        pytest.param(
            _sheet(b"&secret;", b'<!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'),
            id="external-entity",
        ),
        pytest.param(_sheet(b"a&#0;b"), id="nul-reference"),
        pytest.param(b"<worksheet><sheetData><row>", id="truncated"),
    ],
)
def test_xlsx_with_malformed_or_hostile_sheet_xml_is_refused_as_unreadable(
    client, staff, consultation, sheet_xml
):
    data = _xlsx_with_sheet(sheet_xml)
    with pytest.raises(importing.ImportFileError, match="could not be read as XLSX"):
        _parse(consultation, data, "answers.xlsx")
    client.force_login(staff)
    page = _upload(client, consultation, data, "answers.xlsx")
    assert page.status_code == 200
    assert "could not be read as XLSX" in page.text
    assert "root:" not in page.text


def test_the_sheet_rewriting_helper_keeps_a_well_formed_sheet_readable(consultation):
    # Guards the test above: the rewritten workbook is otherwise a valid one.
    parsed = _parse(consultation, _xlsx_with_sheet(_sheet(b"Parkerna")), "answers.xlsx")
    assert parsed.errors == []
    assert parsed.rows[0]["answers"] == {consultation.questions.first().pk: "Parkerna"}


def test_csv_with_a_nul_byte_after_the_first_4_kb_is_refused_at_the_preview(
    client, staff, consultation
):
    rows = "".join(f"interview,answer {n}\n" for n in range(300))
    data = f"channel,keep\n{rows}interview,a\x00b\n".encode()
    assert data.index(b"\x00") > 4096
    with pytest.raises(importing.ImportFileError, match="not a CSV or XLSX file"):
        _parse(consultation, data)
    client.force_login(staff)
    page = _upload(client, consultation, data)
    assert "not a CSV or XLSX file" in page.text
    assert "can be imported" not in page.text
    client.post(staff_url("import_confirm", consultation), {"sha256": importing.file_sha256(data)})
    assert not Response.objects.exists()


def test_import_refuses_the_online_channel(consultation):
    # Online answers are the residents' own; an imported row must not pass for one.
    parsed = _parse(consultation, b"channel,keep\ninterview,ok\nonline,Parkerna\n")
    assert [number for number, _message in parsed.errors] == [3]
    assert "online" in parsed.errors[0][1]
    assert "Use one of" in parsed.errors[0][1]
    allowed = parsed.errors[0][1].split("Use one of:")[1]
    assert "online" not in allowed and "interview" in allowed


def test_import_service_refuses_an_online_row_from_a_tampered_preview(consultation):
    rows = _parse(consultation, GOOD_CSV).rows
    rows[0]["channel"] = "online"
    with pytest.raises(ValidationError, match="Row 2"):
        services.responses_import(consultation=consultation, rows=rows, file_sha256="c" * 64)
    assert not Response.objects.exists()


def test_an_imported_cell_of_only_invisible_characters_is_not_an_answer(consultation):
    parsed = _parse(consultation, "channel,keep,leave\ninterview,\u200b\u00a0,Parkerna\n".encode())
    assert parsed.errors == []
    assert parsed.rows[0]["answers"] == {list(consultation.questions.all())[1].pk: "Parkerna"}
    parsed = _parse(consultation, "channel,keep\ninterview,\u200b\n".encode())
    assert parsed.errors == [(2, "The row has no answers.")]
