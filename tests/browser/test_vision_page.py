"""The public vision page (indicators) in a real browser: axe-clean in every UI language with
every chart and table open, readable on a phone, and the staff follow-up page axe-clean."""

import pytest

from indicators.models import Indicator
from visionportal.demo import load_demo

from .conftest import LANGUAGES, assert_no_axe_violations, axe_violations

NORBERG = "/m/norberg/tillsammans-for-norberg-2030/vision/"
ISHOJ = "/m/ishoj/vision-2035/vision/"


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _open_every_details(page):
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => (d.open = true))")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_vision_pages_have_no_axe_violations_in_each_language(demo, new_context, language):
    page = new_context(language=language).new_page()
    problems = []
    for path in (NORBERG, ISHOJ):
        # The first request of a run compiles templates and catalogs: allow for a slow,
        # shared machine; axe below is what this test is about.
        response = page.goto(path, timeout=60_000)
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        _open_every_details(page)
        problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def test_the_vision_page_reads_on_a_phone_and_says_no_data_rather_than_inventing(demo, new_context):
    page = new_context(language="sv", viewport={"width": 360, "height": 740}).new_page()
    page.goto(NORBERG, timeout=60_000)
    _open_every_details(page)
    assert page.locator("h3").count() == 6  # the six strategic areas
    assert page.locator("h4").count() == 10  # the ten goals
    # Charts are hidden from screen readers; each has a table with the same numbers.
    assert page.locator("svg[aria-hidden=true]").count() == page.locator("figure table").count()
    assert page.get_by_text("Inga uppgifter ännu.").count() > 0
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the page scrolls sideways on a 360 px screen"
    n15428 = Indicator.objects.get(
        goal__process__slug="tillsammans-for-norberg-2030", kpi_id="N15428"
    )
    row = page.locator(f"#indicator-{n15428.pk} ~ figure tr", has_text="2022")
    assert "78,26" in row.inner_text()  # Norberg 2022 = 78.26 (KOLADA.md), Swedish decimals


def test_the_staff_follow_up_page_has_no_axe_violations(demo, new_context):
    from tests.conftest import _member
    from visionportal.models import Municipality, Role, VisionProcess

    from .conftest import sign_in

    _member(Municipality.objects.get(slug="norberg"), "staff@norberg.test", Role.STAFF)
    page = new_context().new_page()
    sign_in(page, "staff@norberg.test")
    process = VisionProcess.objects.get(slug="tillsammans-for-norberg-2030")
    base = f"/workspace/norberg/processes/{process.pk}"
    page.goto(f"{base}/", timeout=60_000)
    with page.expect_navigation():
        page.locator(f"a[href='{base}/follow-up/']").click()
    assert_no_axe_violations(page)
    n15428 = Indicator.objects.get(goal__process=process, kpi_id="N15428")
    with page.expect_navigation():
        page.locator(f"a[href='{base}/follow-up/indicators/{n15428.pk}/']").click()
    assert_no_axe_violations(page)
