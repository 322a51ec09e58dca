"""The answers search and the background export in a real browser: the search is a plain
GET form that works without JavaScript and keeps the channel filter; the export pages
(offer, progress, download link) are accessible."""

import pytest

from consultations import export_jobs
from consultations.models import ExportJob
from tests.consultations.factories import open_consultation
from tests.consultations.staff_helpers import submit

from .conftest import assert_no_axe_violations, sign_in


@pytest.fixture
def consultation(process):
    consultation = open_consultation(process)
    submit(consultation, "Grönområdena vid Strömmen", channel="interview")
    submit(consultation, "Mer GRÖNSKA i stan", channel="online")
    submit(consultation, "Biblioteket", channel="online")
    return consultation


def test_search_without_javascript_keeps_the_channel_filter(staff, consultation, new_context):
    signed_in = new_context(language="en")
    page = signed_in.new_page()
    sign_in(page, staff.email)
    # The same session in a context without JavaScript (one sign-in: TOTP codes are single-use).
    page = new_context(
        language="en", java_script_enabled=False, storage_state=signed_in.storage_state()
    ).new_page()
    page.goto(f"/workspace/norrkoping/consultations/{consultation.pk}/responses/")
    page.select_option("select[name=channel]", "online")
    page.get_by_label("Search the answers").fill("grön")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "q=gr%C3%B6n" in page.url and "channel=online" in page.url
    text = page.locator("main").inner_text()
    assert "GRÖNSKA" in text and "Grönområdena" not in text and "Biblioteket" not in text
    assert page.get_by_label("Search the answers").input_value() == "grön"
    # axe needs JavaScript: the same result page, checked in the signed-in context.
    url = page.url
    page = signed_in.new_page()
    page.goto(url)
    assert_no_axe_violations(page)


def test_background_export_pages_have_no_axe_violations(
    staff, consultation, new_context, monkeypatch
):
    monkeypatch.setattr(export_jobs, "EXPORT_IN_REQUEST_MAX_RESPONSES", 2)
    page = new_context(language="en").new_page()
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/consultations/{consultation.pk}/export.csv")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Prepare the CSV file").click()
    job = ExportJob.objects.get()
    assert page.url.endswith(f"/exports/{job.pk}/")
    page.reload()
    page.get_by_role("link", name="Download the CSV file").wait_for()
    assert_no_axe_violations(page)
