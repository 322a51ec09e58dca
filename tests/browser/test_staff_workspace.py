"""Staff set up a process in a real browser: without JavaScript (plain forms) and with it
(htmx), under the site's real Content-Security-Policy, and every staff page is accessible.

Workspace pages default to the municipality's language (Swedish here); the tests pick English
with the language cookie so they can find controls by their visible names."""

import re

import pytest

from visionportal.models import Phase, VisionProcess

from .conftest import assert_no_axe_violations, sign_in

END_BEFORE_START = "A phase cannot end before it starts."


def _create_process(page, title="Vision 2040"):
    """From the workspace home: municipality, new process form, submit. Returns the process."""
    page.get_by_role("link", name="Norrköping").click()
    page.get_by_role("link", name="New vision process").click()
    page.fill("input[name=title]", title)
    page.fill("input[name=target_year]", "2040")
    page.fill("textarea[name=summary]", "Hur vill vi leva i Norrköping år 2040?")
    page.get_by_role("button", name="Create process").click()
    process = VisionProcess.objects.get(title=title)
    assert re.search(rf"/workspace/norrkoping/processes/{process.pk}/$", page.url), page.url
    assert page.locator("h1").inner_text() == title
    assert "The process was created" in page.locator(".messages").inner_text()
    return process


def _fill_phase(page, *, name, starts_on, ends_on, kind="consultation"):
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=name]", name)
    page.fill("input[name=starts_on]", starts_on)
    page.fill("input[name=ends_on]", ends_on)


def _assert_phase_form_kept(page, *, name, starts_on, ends_on, kind="consultation"):
    assert page.input_value("select[name=kind]") == kind
    assert page.input_value("input[name=name]") == name
    assert page.input_value("input[name=starts_on]") == starts_on
    assert page.input_value("input[name=ends_on]") == ends_on


def _phase_row(page, name):
    return page.locator("#phase-list > li", has_text=name)


@pytest.fixture
def strict_page(new_context):
    """JavaScript on and the real CSP enforced; collects console errors and page errors
    (a CSP violation shows up as a console error)."""
    page = new_context(bypass_csp=False, language="en").new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def test_staff_without_javascript_signs_in_creates_a_process_and_adds_a_phase(staff, new_context):
    page = new_context(java_script_enabled=False, language="en").new_page()
    sign_in(page, staff.email)
    process = _create_process(page)

    page.get_by_role("link", name="Add a phase").click()
    assert page.url.endswith(f"/processes/{process.pk}/phase/new/")
    _fill_phase(page, name="Fråga invånarna", starts_on="2026-03-01", ends_on="2026-05-31")
    page.get_by_role("button", name="Save").click()

    assert page.url.endswith(f"/processes/{process.pk}/")
    assert "Added." in page.locator(".messages").inner_text()
    row = _phase_row(page, "Fråga invånarna")
    assert row.count() == 1
    # Shown in the page's short date format (English: day, month, year).
    assert "(1 Mar 2026 – 31 May 2026)" in row.inner_text()
    phase = Phase.objects.get(process=process)
    assert (phase.name, str(phase.starts_on), str(phase.ends_on)) == (
        "Fråga invånarna",
        "2026-03-01",
        "2026-05-31",
    )


def test_phase_ending_before_it_starts_shows_an_error_and_keeps_the_typed_values_without_js(
    staff, process, new_context
):
    page = new_context(java_script_enabled=False, language="en").new_page()
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/phase/new/")
    typed = {"name": "Baklänges", "starts_on": "2026-06-30", "ends_on": "2026-04-01"}
    _fill_phase(page, **typed)
    page.get_by_role("button", name="Save").click()

    assert page.url.endswith(f"/processes/{process.pk}/phase/new/")
    assert page.get_by_role("alert").first.is_visible()
    error = page.locator(".errorlist", has_text=END_BEFORE_START)
    assert error.is_visible()
    assert page.get_attribute("input[name=ends_on]", "aria-invalid") == "true"
    _assert_phase_form_kept(page, **typed)
    assert not Phase.objects.filter(name="Baklänges").exists()


def test_staff_with_htmx_adds_a_phase_gets_errors_in_place_and_deletes_a_row(staff, strict_page):
    page = strict_page
    sign_in(page, staff.email)
    process = _create_process(page, title="Vision 2045")
    page.get_by_role("link", name="Add a phase").click()
    page.wait_for_function("() => window.htmx !== undefined")

    # Invalid: htmx swaps the form with its errors in place; the page itself stays.
    page.evaluate("window.__samePage = true")
    typed = {"name": "Idéverkstad", "starts_on": "2026-09-30", "ends_on": "2026-09-01"}
    _fill_phase(page, kind="co_creation", **typed)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    assert posted.value.request.headers.get("hx-request") == "true"
    page.locator(".errorlist", has_text=END_BEFORE_START).wait_for()
    assert page.evaluate("window.__samePage") is True, "the error caused a full page load"
    _assert_phase_form_kept(page, kind="co_creation", **typed)
    assert not Phase.objects.exists()

    # Valid: saved, and htmx sends the browser to the process page (HX-Redirect).
    page.fill("input[name=ends_on]", "2026-11-30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/workspace/norrkoping/processes/{process.pk}/$"))
    row = _phase_row(page, "Idéverkstad")
    row.wait_for()
    assert "(30 Sep 2026 – 30 Nov 2026)" in row.inner_text()
    assert Phase.objects.filter(process=process, name="Idéverkstad").count() == 1

    # Delete through htmx: confirm the dialog, the row disappears without a page load.
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.evaluate("window.__samePage = true")
    row.get_by_role("button", name="Delete").click()
    row.wait_for(state="detached")
    assert dialogs == ["Delete this for good?"]
    assert page.evaluate("window.__samePage") is True, "deleting caused a full page load"
    assert not Phase.objects.filter(process=process).exists()

    assert page.errors == [], page.errors


def test_htmx_form_errors_take_keyboard_focus(staff, process, strict_page):
    page = strict_page
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/phase/new/")
    page.wait_for_function("() => window.htmx !== undefined")
    _fill_phase(page, name="Fel", starts_on="2026-06-30", ends_on="2026-04-01")
    page.get_by_role("button", name="Save").click()
    page.locator(".errorlist", has_text=END_BEFORE_START).wait_for()
    # visionportal.js moves focus to the first error for keyboard and screen-reader users.
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    assert page.evaluate(
        "document.activeElement.matches(\"[aria-invalid='true'], .form-errors\")"
    ), f"focus is on {focused}"


def test_staff_pages_have_no_axe_violations(staff, process, new_context):
    page = new_context(language="en").new_page()
    sign_in(page, staff.email, check=assert_no_axe_violations)
    assert_no_axe_violations(page)  # workspace home

    page.goto("/workspace/norrkoping/")
    assert_no_axe_violations(page)
    page.goto("/workspace/norrkoping/processes/new/")
    assert_no_axe_violations(page)

    page.goto(f"/workspace/norrkoping/processes/{process.pk}/")
    _phase_row(page, "Fråga kommuninvånarna").wait_for()
    assert_no_axe_violations(page)

    for kind in ("phase", "track", "milestone"):
        page.goto(f"/workspace/norrkoping/processes/{process.pk}/{kind}/new/")
        assert_no_axe_violations(page)

    # The phase form showing errors (swapped in by htmx).
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/phase/new/")
    _fill_phase(page, name="Fel", starts_on="2026-06-30", ends_on="2026-04-01")
    page.get_by_role("button", name="Save").click()
    page.locator(".errorlist", has_text=END_BEFORE_START).wait_for()
    assert_no_axe_violations(page)

    phase = process.phases.first()
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/phase/{phase.pk}/")
    assert page.input_value("input[name=name]") == phase.name
    assert_no_axe_violations(page)
