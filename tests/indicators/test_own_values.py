"""Own measures' values from a CSV file: exact parses, every problem reported, all or none."""

import datetime
import io
import re
import zipfile
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from indicators.models import OwnValue
from indicators.own_values import ParseError, parse


def test_swedish_semicolons_and_decimal_commas():
    data = "År;Totalt;Kvinnor;Män\n2022;12,5;6;6,5\n2023;14;;\n\n".encode()
    assert parse(data) == {2022: (D("12.5"), D(6), D("6.5")), 2023: (D(14), None, None)}


def test_english_commas_with_a_bom():
    assert parse("\ufeffyear,total\n2021,3\n".encode()) == {2021: (D(3), None, None)}


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        (b"", [0]),
        (b"foo,bar\n1,2\n", [1]),
        (b"year,total\n1800,1\nx,2\n2020,abc\n2021,\n2022,1\n2022,2\n", [2, 3, 4, 5, 7]),
        (b"year,total\n2020,NaN\n2021,1e20\n", [2, 3]),
        (b"\xff\xfe", [0]),
    ],
)
def test_every_problem_is_reported_with_its_line(data, problems):
    with pytest.raises(ParseError) as error:
        parse(data)
    assert [line for line, _ in error.value.problems] == problems


def _confirm(client, response):
    """Post the preview's own confirmation form, as the browser would."""
    body = response.content.decode()
    action = re.search(r'<form method="post" action="([^"]+/values/confirm/)"', body).group(1)
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    return client.post(action, {"token": token}, follow=True)


def test_an_upload_is_previewed_then_stored_all_or_nothing(client, tree, staff, settings):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    p, own = tree["process"], tree["own"]
    url = reverse("indicators:own_values_upload", args=["norrkoping", p.pk, own.pk])
    bad = SimpleUploadedFile("v.csv", b"year,total\n2020,1\n2021,<script>\n")
    response = client.post(url, {"file": bad}, follow=True)
    assert "Line 3" in response.content.decode() and "<script>" not in response.content.decode()
    assert not OwnValue.objects.filter(period=2020).exists()
    good = SimpleUploadedFile("v.csv", b"year,total\n2020,1\n2021,2\n2023,13\n")
    preview = client.post(url, {"file": good})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Check the values before importing" in text
    assert "1 year already has a value; it will be replaced." in text
    assert set(OwnValue.objects.filter(indicator=own).values_list("period", flat=True)) == {2023}
    done = _confirm(client, preview)
    assert "3 values were imported." in done.content.decode()
    assert set(OwnValue.objects.filter(indicator=own).values_list("period", "source")) == {
        (2020, "import"),
        (2021, "import"),
        (2023, "import"),
    }


def test_a_tampered_or_foreign_confirmation_stores_nothing(client, tree, staff, settings):
    from indicators.views.staff import _import_token

    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    p, own, other = tree["process"], tree["own"], tree["indicator"]
    url = reverse("indicators:own_values_confirm", args=["norrkoping", p.pk, own.pk])
    token = _import_token(own, {2019: (D(7), None, None)})
    for forged in (token[:-2] + "xx", _import_token(other, {2019: (D(7), None, None)}), ""):
        response = client.post(url, {"token": forged}, follow=True)
        assert "The preview has expired or was changed." in response.content.decode()
    assert not OwnValue.objects.filter(period=2019).exists()


# --- XLSX -------------------------------------------------------------------------------
def xlsx(rows, *, sheet_xml=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if sheet_xml is None:
        return data
    # Replace the first sheet's XML with hostile markup, keeping the rest of the archive.
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml
            out.writestr(item, content)
    return target.getvalue()


def test_an_xlsx_with_number_and_text_cells():
    data = xlsx(
        [
            ["År", "Totalt", "Kvinnor", "Män"],
            [2021, 12.5, 6, "6,5"],
            [2022.0, "14", None, None],
            [None, None, None, None],
            ["2023", 1000000, 499999.5, 500000.5],
        ]
    )
    assert parse(data) == {
        2021: (D("12.5"), D(6), D("6.5")),
        2022: (D(14), None, None),
        2023: (D(1000000), D("499999.5"), D("500000.5")),
    }


def test_a_bad_xlsx_reports_every_row():
    data = xlsx(
        [
            ["year", "total"],
            [2020, 1],
            [2020, 2],  # duplicate year
            [2021, "many"],  # not a number
            [2022, True],  # a boolean is not a number
            [2023.5, 1],  # not a year
            [datetime.date(2024, 1, 1), 1],  # a date is not a year
            [2025, datetime.date(2024, 1, 1)],  # nor a value
            [2026, None],  # no value
        ]
    )
    with pytest.raises(ParseError) as error:
        parse(data)
    assert [line for line, _ in error.value.problems] == [3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize(
    "data",
    [
        xlsx([["Kommun", "Antal"], [2020, 1]]),  # wrong columns
        xlsx([]),  # empty
        xlsx([["year", "total"]] + [[2000 + n % 100, n] for n in range(300)]),  # too long
    ],
)
def test_an_xlsx_without_the_columns_or_too_long_is_refused(data):
    with pytest.raises(ParseError) as error:
        parse(data)
    assert len(error.value.problems) == 1


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        xlsx([["year", "total"]], sheet_xml=BOMB),
        xlsx([["year", "total"]], sheet_xml=EXTERNAL),
        xlsx([["year", "total"]], sheet_xml=b"<worksheet><sheetData><row>"),
    ],
    ids=["broken zip", "entity expansion", "external entity", "broken xml"],
)
def test_a_hostile_or_broken_xlsx_is_refused_with_one_clear_problem(data):
    with pytest.raises(ParseError) as error:
        parse(data)
    assert error.value.problems == [
        (0, "The file is not an Excel workbook (XLSX) that can be read.")
    ]


def test_an_xlsx_upload_shows_translated_problems_and_stores_nothing(client, tree, staff, settings):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    p, own = tree["process"], tree["own"]
    url = reverse("indicators:own_values_upload", args=["norrkoping", p.pk, own.pk])
    data = xlsx([["År", "Totalt"], [2020, "<b>x</b>"], [2021, 3], [2021, 4]])
    response = client.post(url, {"file": SimpleUploadedFile("v.xlsx", data)}, follow=True)
    body = response.content.decode()
    assert "Rad 2: Ett värde är inte ett tal." in body
    assert "Rad 4: 2021 förekommer två gånger." in body
    assert "<b>x</b>" not in body
    assert not OwnValue.objects.filter(period=2020).exists()
    good = xlsx([["År", "Totalt"], [2020, 3]])
    preview = client.post(url, {"file": SimpleUploadedFile("v.xlsx", good)})
    _confirm(client, preview)
    assert OwnValue.objects.get(indicator=own, period=2020).total == 3
