"""The follow-up report and "what changed" pages, and the XLSX import's preview, in a real
browser on Norberg's demo tree: axe-clean, no sideways scroll at 375 px, the report
generated from the keyboard, and the import previewed and confirmed without JavaScript."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from indicators import services
from indicators.kolada import DataPoint
from indicators.models import FollowUpReport, Indicator, KoladaValue, OwnValue
from visionportal.demo import load_demo
from visionportal.models import PackStatus, VisionProcess

from .conftest import assert_no_axe_violations, sign_in


@pytest.fixture
def norberg(transactional_db):
    """Norberg's demo with two frozen follow-ups and a revised Kolada value between them."""
    from tests.conftest import _member
    from visionportal.models import Municipality, Role

    load_demo()
    # The stored municipalities and groups come from a data migration, and an earlier
    # browser test's flush (a transactional test) empties that table: load them here.
    services.places_store(services.places_rows_offline())
    municipality = Municipality.objects.get(slug="norberg")
    staff = _member(municipality, "staff@norberg.test", Role.STAFF)
    _member(municipality, "officer@norberg.test", Role.STAFF)
    process = VisionProcess.objects.get(slug="tillsammans-for-norberg-2030")
    services.follow_up_freeze(process=process, kind="annual", title="Årsredovisning 2023", by=staff)
    held = KoladaValue.objects.get(kpi_id="N15428", municipality="1962", period=2022)
    services.values_store(
        [DataPoint("N15428", "1962", 2022, Decimal("80.5"), held.women, held.men)]
    )
    period = services.follow_up_freeze(
        process=process, kind="half_year", title="Delårsrapport 2024", by=staff
    )
    return process, period


def _no_sideways_scroll(page):
    return not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


def test_what_changed_and_the_report_pages_are_accessible_and_keyboard_driven(norberg, new_context):
    process, period = norberg
    base = f"/workspace/norberg/processes/{process.pk}/follow-up"
    page = new_context(language="en", viewport={"width": 375, "height": 800}).new_page()
    sign_in(page, "staff@norberg.test")

    page.goto(f"{base}/periods/{period.pk}/", timeout=60_000)
    changed = page.locator("section[aria-labelledby=changed-heading]")
    assert "Compared with “Årsredovisning 2023”" in changed.inner_text()
    assert "2022: revised from 78.26 to 80.50." in changed.inner_text(), changed.inner_text()
    assert "no longer published" not in changed.inner_text()
    assert_no_axe_violations(page)
    assert _no_sideways_scroll(page), "the period page scrolls sideways at 375 px"

    # Generate the period's report from the keyboard (eager in tests: the whole PDF is
    # rendered in the request, seconds on a loaded machine).
    page.set_default_navigation_timeout(90_000)
    page.get_by_role("button", name="Generate the report of this follow-up").focus()
    with page.expect_navigation(timeout=90_000):
        page.keyboard.press("Enter")
    assert page.url.endswith(f"{base}/reports/1/")
    report = FollowUpReport.objects.get()
    assert report.status == PackStatus.DONE, report.error
    assert report.period == period
    assert page.get_by_role("link", name="Download the PDF, version 1").is_visible()
    assert_no_axe_violations(page)
    assert _no_sideways_scroll(page), "the report page scrolls sideways at 375 px"

    page.goto(f"{base}/reports/")
    assert page.get_by_role("cell", name="Delårsrapport 2024").is_visible()
    assert_no_axe_violations(page)
    assert _no_sideways_scroll(page), "the reports page scrolls sideways at 375 px"

    page.goto(f"{base}/")
    assert page.get_by_text("Nothing has changed since “Delårsrapport 2024”.").is_visible()
    assert_no_axe_violations(page)

    # The comparison picker: search the stored catalogue, add from the results.
    n15428 = Indicator.objects.get(goal__process=process, kpi_id="N15428")
    page.goto(f"{base}/indicators/{n15428.pk}/")
    page.get_by_label("Find a municipality or group").fill("Liknande Norberg")
    page.get_by_label("Find a municipality or group").press("Enter")
    page.wait_for_url("**place=Liknande*")
    assert_no_axe_violations(page)
    assert _no_sideways_scroll(page), "the picker scrolls sideways at 375 px"
    add = page.get_by_role("button", name="Add Liknande kommuner ekonomiskt bistånd, Norberg, 2022")
    add.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert n15428.comparisons.filter(kolada_id="G176057", kind="group").exists()


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_import_is_previewed_and_confirmed_without_javascript(norberg, new_context):
    process, _period = norberg
    own = Indicator.objects.filter(goal__process=process, kind="own").first()
    url = f"/workspace/norberg/processes/{process.pk}/follow-up/indicators/{own.pk}/"
    page = new_context(language="sv", java_script_enabled=False).new_page()
    sign_in(page, "officer@norberg.test")
    page.goto(url, timeout=60_000)
    upload = page.get_by_label("CSV- eller Excel-fil (XLSX)")
    upload.set_input_files(
        files=[
            {
                "name": "varden.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": _xlsx([["År", "Totalt"], [2022, 41], [2023, "42,5"]]),
            }
        ]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Importera värdena").click()
    assert page.get_by_role("heading", name="Kontrollera värdena innan du importerar").is_visible()
    assert not OwnValue.objects.filter(indicator=own).exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Importera värdena").click()
    assert page.get_by_text("2 värden importerades.").is_visible()
    assert dict(OwnValue.objects.filter(indicator=own).values_list("period", "total")) == {
        2022: Decimal(41),
        2023: Decimal("42.5"),
    }


def test_the_import_preview_has_no_axe_violations(norberg, new_context):
    process, _period = norberg
    own = Indicator.objects.filter(goal__process=process, kind="own").first()
    page = new_context(language="en", viewport={"width": 375, "height": 800}).new_page()
    sign_in(page, "staff@norberg.test")
    page.goto(f"/workspace/norberg/processes/{process.pk}/follow-up/indicators/{own.pk}/")
    page.get_by_label("CSV or Excel file (XLSX)").set_input_files(
        files=[
            {
                "name": "values.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": _xlsx([["year", "total", "women", "men"], [2022, 41, 20, 21]]),
            }
        ]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Import the values").click()
    assert page.get_by_role("heading", name="Check the values before importing").is_visible()
    assert_no_axe_violations(page)
    assert _no_sideways_scroll(page), "the preview scrolls sideways at 375 px"
