"""Dates in the page's language (issue 14): the formats each language uses, and no template
writing a date with a format of its own."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format

DAY = datetime.date(2026, 12, 3)
AT = datetime.datetime(2026, 12, 3, 20, 15, tzinfo=ZoneInfo("Europe/Stockholm"))

EXPECTED = {
    # language: (DATE_FORMAT, DATETIME_FORMAT, SHORT_DATE_FORMAT, TIME_FORMAT)
    "sv": ("3 december 2026", "3 december 2026 20:15", "2026-12-03", "20:15"),
    "da": ("3. december 2026", "3. december 2026 20:15", "03.12.2026", "20:15"),
    "nb": ("3. desember 2026", "3. desember 2026 20:15", "03.12.2026", "20:15"),
    "en": ("3 December 2026", "3 December 2026, 20:15", "3 Dec 2026", "20:15"),
}


@pytest.mark.parametrize("language", EXPECTED)
def test_each_language_writes_dates_its_own_way(language):
    date, date_time, short, time = EXPECTED[language]
    with translation.override(language), timezone.override("Europe/Stockholm"):
        assert date_format(DAY) == date
        assert date_format(AT, "DATETIME_FORMAT") == date_time
        assert date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert date_format(AT, "TIME_FORMAT") == time


def test_danish_and_norwegian_days_carry_the_ordinal_dot_in_templates():
    template = Template('{{ day|date:"DATE_FORMAT" }} · {{ at|date:"DATETIME_FORMAT" }}')
    with translation.override("da"), timezone.override("Europe/Stockholm"):
        assert template.render(Context({"day": DAY, "at": AT})) == (
            "3. december 2026 · 3. december 2026 20:15"
        )
    with translation.override("nb"):
        assert template.render(Context({"day": DAY, "at": AT})).startswith("3. desember 2026")


def test_english_reads_dates_day_first_and_never_month_first():
    with translation.override("en"):
        assert get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
        assert "%m/%d/%Y" not in get_format("DATE_INPUT_FORMATS")
        assert "%m/%d/%Y %H:%M" not in get_format("DATETIME_INPUT_FORMATS")


# A display format written into a template ("j F Y", "Y-m-d") ignores the page's language.
# Machine-readable values (the datetime attribute of <time>, ISO 8601) are allowed.
NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
}
FILTER = re.compile(r"""\|(date|time):(["'])(.*?)\2""")


def test_no_template_writes_a_date_in_a_format_of_its_own():
    wrong = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in FILTER.finditer(line):
                fmt = match.group(3)
                machine = fmt in {"c", "Y-m-d", "U"} and (
                    "datetime=" in line[max(0, match.start() - 60) : match.start()]
                    or fmt in {"c", "U"}
                )
                if fmt not in NAMED and not machine:
                    wrong.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {fmt}")
    assert not wrong, wrong
