"""Import of the profile columns (target groups, preferred language, areas checked against
the consultation), the size and zip-bomb guards, and the round trip through the export."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from consultations import importing, services
from consultations.models import Response, ResponseTargetGroup

from .factories import NORRKOPING_AREAS, open_consultation
from .staff_helpers import staff_url, submit


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process, areas=NORRKOPING_AREAS, ask_preferred_language=True)


def _parse(consultation, data, filename="answers.csv"):
    return importing.parse(
        data,
        questions=list(consultation.questions.all()),
        max_answer_length=consultation.max_answer_length,
        filename=filename,
        consultation=consultation,
    )


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PROFILE_CSV = (
    b"channel;keep;area;target_groups;preferred_language\n"
    b'interview;Parkerna;hageby;"student; Business owner ";so\n'
    b"interview;Torget;Prefer not to say;;Soomaali\n"
    b"focus_group;Badhuset;;older;other\n"
)


def test_profile_columns_are_read_as_codes(consultation):
    parsed = _parse(consultation, PROFILE_CSV)
    assert parsed.errors == []
    assert [
        (row["area"], row["target_groups"], row["preferred_language"]) for row in parsed.rows
    ] == [
        ("Hageby", ["student", "business_owner"], "so"),
        ("undisclosed", [], "so"),
        ("", ["older"], "other"),
    ]


def test_target_groups_are_separated_by_semicolons_in_a_comma_file(consultation):
    data = 'channel,keep,target_groups\ninterview,Parkerna,"student; Working ;student"\n'
    parsed = _parse(consultation, data.encode())
    assert parsed.errors == []
    assert parsed.rows[0]["target_groups"] == ["student", "working"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("target_groups", "student;pirate", "Unknown target group “pirate”."),
        ("preferred_language", "klingon", "Unknown preferred language “klingon”."),
        ("area", "Atlantis", "Unknown area “Atlantis”. Use one of: Innerstaden, Hageby"),
        ("area", "مدينة 🏙️", "Unknown area “مدينة 🏙️”."),
    ],
)
def test_unknown_profile_values_are_row_errors(consultation, column, value, message):
    parsed = _parse(consultation, f"channel,keep,{column}\ninterview,x,{value}\n".encode())
    assert parsed.rows == []
    ((row_number, text),) = parsed.errors
    assert row_number == 2
    assert message in text


def test_columns_for_questions_the_consultation_does_not_ask_are_ignored(process):
    consultation = open_consultation(
        process, ask_age_band=False, ask_area=False, ask_target_groups=False
    )
    parsed = _parse(
        consultation,
        b"channel,keep,age_band,area,target_groups,preferred_language\n"
        b"interview,x,25-44,Atlantis,student,sv\n",
    )
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row["age_band"], row["area"], row["target_groups"]) == ("", "", [])
    assert row["preferred_language"] == ""  # not asked by default either


def test_import_stores_target_groups_and_language(consultation):
    parsed = _parse(consultation, PROFILE_CSV)
    created = services.responses_import(
        consultation=consultation, rows=parsed.rows, file_sha256=parsed.sha256
    )
    assert created == 3
    assert sorted(ResponseTargetGroup.objects.values_list("group", flat=True)) == [
        "business_owner",
        "older",
        "student",
    ]
    assert sorted(Response.objects.values_list("preferred_language", flat=True)) == [
        "other",
        "so",
        "so",
    ]


def test_export_then_import_round_trips_the_profile(client, staff, consultation, process):
    submit(
        consultation,
        "Parkerna",
        channel="interview",
        age_band="65-79",
        area="Krokek",
        target_groups=["older", "disability"],
        preferred_language="fi",
    )
    client.force_login(staff)
    exported = client.get(staff_url("export", consultation, "xlsx")).getvalue()
    target = open_consultation(process, areas=NORRKOPING_AREAS, ask_preferred_language=True)
    parsed = _parse(target, exported, "answers.xlsx")
    assert parsed.errors == []
    services.responses_import(consultation=target, rows=parsed.rows, file_sha256=parsed.sha256)
    copy = Response.objects.get(consultation=target)
    assert (copy.age_band, copy.area, copy.preferred_language) == ("65-79", "Krokek", "fi")
    assert sorted(copy.target_groups.values_list("group", flat=True)) == ["disability", "older"]


def test_upload_preview_shows_the_profile(client, staff, consultation):
    client.force_login(staff)
    page = client.post(
        staff_url("import", consultation), {"file": SimpleUploadedFile("a.csv", PROFILE_CSV)}
    )
    assert page.status_code == 200
    assert "3 rows can be imported" in page.text
    # The target group as staff read it ("Student"), not the file's code (issue 14).
    assert "· Student" in page.text and "Hageby" in page.text
    upload = client.get(staff_url("import", consultation))
    assert "<code>target_groups</code>" in upload.text  # the column help names the new ones
    assert "<code>preferred_language</code>" in upload.text


# --- size and zip-bomb guards ------------------------------------------------------------


def _zip_bomb(unpacked_bytes: int) -> bytes:
    """A valid-looking XLSX whose sheet unpacks to `unpacked_bytes` of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"0" * (1024 * 1024)
            for _ in range(unpacked_bytes // len(chunk)):
                sheet.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(consultation):
    bomb = _zip_bomb(importing.MAX_XLSX_UNCOMPRESSED_BYTES + 1024 * 1024)
    assert len(bomb) < importing.MAX_FILE_BYTES  # small on disk
    with pytest.raises(importing.ImportFileError, match="unpacks to more than 50 MB"):
        _parse(consultation, bomb, "answers.xlsx")


def test_a_zip_bomb_upload_shows_an_error_and_stores_nothing(client, staff, consultation):
    client.force_login(staff)
    bomb = _zip_bomb(importing.MAX_XLSX_UNCOMPRESSED_BYTES + 1024 * 1024)
    page = client.post(
        staff_url("import", consultation), {"file": SimpleUploadedFile("a.xlsx", bomb)}
    )
    assert page.status_code == 200
    assert "unpacks to more than 50 MB" in page.text
    assert not Response.objects.exists()
    assert not any(key.startswith("consultation_import") for key in client.session.keys())


def test_an_archive_of_very_many_parts_is_refused(consultation):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(importing.MAX_XLSX_PARTS + 1):
            archive.writestr(f"xl/part{n}.xml", "")
    with pytest.raises(importing.ImportFileError, match="unpacks to more than"):
        _parse(consultation, buffer.getvalue(), "answers.xlsx")


def test_a_sheet_claiming_absurdly_many_rows_is_refused(consultation):
    data = _xlsx([["channel", "keep"], ["interview", "x"]])
    # Rewrite the sheet's dimension to claim a million rows.
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'ref="A1:B2"', b'ref="A1:B1000000"')
                assert b"A1:B1000000" in content
            target.writestr(item, content)
    with pytest.raises(importing.ImportFileError, match="too many rows"):
        _parse(consultation, buffer.getvalue(), "answers.xlsx")


def test_too_many_real_rows_are_refused(consultation):
    rows = [["channel", "keep"]] + [["interview", "x"]] * (importing.MAX_ROWS + 1)
    with pytest.raises(importing.ImportFileError, match="too many rows"):
        _parse(consultation, _xlsx(rows), "answers.xlsx")


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, staff, consultation):
    client.force_login(staff)
    big = b"channel,keep\n" + b"interview,x\n" * (importing.MAX_FILE_BYTES // 12 + 10_000)
    page = client.post(
        staff_url("import", consultation), {"file": SimpleUploadedFile("a.csv", big)}
    )
    assert page.status_code == 413
    assert "The file is too big: at most 5 MB." in page.text
    assert not Response.objects.exists()


def test_an_empty_upload_is_explained(client, staff, consultation):
    client.force_login(staff)
    page = client.post(
        staff_url("import", consultation), {"file": SimpleUploadedFile("a.csv", b"")}
    )
    assert page.status_code == 200
    assert "The submitted file is empty." in page.text or "The file is empty." in page.text


def test_the_upload_still_needs_its_csrf_token(staff, consultation):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    data = b"channel,keep\ninterview,x\n"
    page = client.post(
        staff_url("import", consultation), {"file": SimpleUploadedFile("a.csv", data)}
    )
    assert page.status_code == 403
    # Over the limit it is refused before the body (and its token) is read: nothing stored.
    big = b"channel,keep\n" + b"interview,x\n" * (importing.MAX_FILE_BYTES // 12 + 10_000)
    page = client.post(
        staff_url("import", consultation), {"file": SimpleUploadedFile("a.csv", big)}
    )
    assert page.status_code == 413
    assert not Response.objects.exists()
