"""Own measures' values from a CSV file: exact parses, every problem reported, all or none."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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


def test_an_upload_stores_all_or_nothing(client, tree, staff, settings):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    p, own = tree["process"], tree["own"]
    url = reverse("indicators:own_values_upload", args=["norrkoping", p.pk, own.pk])
    bad = SimpleUploadedFile("v.csv", b"year,total\n2020,1\n2021,<script>\n")
    response = client.post(url, {"file": bad}, follow=True)
    assert "Line 3" in response.content.decode() and "<script>" not in response.content.decode()
    assert not OwnValue.objects.filter(period=2020).exists()
    good = SimpleUploadedFile("v.csv", b"year,total\n2020,1\n2021,2\n")
    client.post(url, {"file": good})
    assert set(OwnValue.objects.filter(indicator=own).values_list("period", "source")) == {
        (2020, "import"),
        (2021, "import"),
        (2023, "staff"),
    }
