"""A resident answers the three questions in a real browser: keyboard only, without
JavaScript, in every UI language, with right-to-left answers; axe on every page."""

import re
import time

import pytest
from playwright.sync_api import expect

from consultations.models import Consultation, Response
from visionportal.demo import load_demo

from .conftest import LANGUAGES, assert_no_axe_violations, axe_violations

ARABIC_ANSWER = "المكتبة المفتوحة مساءً والحدائق القريبة 🌳"


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _url(municipality, consultation, suffix=""):
    process = consultation.process
    return f"/m/{municipality}/{process.slug}/consult/{consultation.pk}/{suffix}"


def _ishoj_consultation():
    return Consultation.objects.get(process__municipality__slug="ishoj")


def _norrkoping_consultation():
    return Consultation.objects.get(process__municipality__slug="norrkoping")


@pytest.mark.parametrize("language", LANGUAGES)
def test_consultation_pages_have_no_axe_violations_in_each_language(demo, new_context, language):
    page = new_context(language=language).new_page()
    problems = []
    open_one, closed_one = _ishoj_consultation(), _norrkoping_consultation()
    pages = [
        _url("ishoj", open_one),
        _url("ishoj", open_one, "thanks/"),
        _url("norrkoping", closed_one),
    ]
    for path in pages:
        response = page.goto(path)
        if response.status != 200 or page.locator("html").get_attribute("lang") != language:
            problems.append(
                f"{path}: {response.status} {page.locator('html').get_attribute('lang')}"
            )
        problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def test_a_resident_answers_keyboard_only_without_javascript(demo, new_context):
    page = new_context(language="sv", java_script_enabled=False).new_page()
    consultation = _ishoj_consultation()
    page.goto(_url("ishoj", consultation))
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    # Tab to the first answer field and type, then move on by keyboard alone.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    page.keyboard.type("Biblioteket och stranden")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type("Trafiken i centrum")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks/")
    response = Response.objects.get(consultation=consultation)
    assert sorted(response.answers.values_list("text", flat=True)) == [
        "Biblioteket och stranden",
        "Trafiken i centrum",
    ]


def test_arabic_answers_keep_their_direction_and_the_error_page_is_accessible(demo, new_context):
    page = new_context(language="en").new_page()
    consultation = _ishoj_consultation()
    page.goto(_url("ishoj", consultation))
    first = page.locator("textarea").first
    first.fill(ARABIC_ANSWER)
    assert first.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # An over-long second answer (pasted where the browser does not enforce maxlength):
    # the server refuses it and the form comes back with the first answer kept.
    second = page.locator("textarea").nth(1)
    second.evaluate("el => el.removeAttribute('maxlength')")
    second.fill("x" * (consultation.max_answer_length + 1))
    page.get_by_role("button", name="Send my answers").click()
    page.locator(".form-errors").wait_for()
    assert page.locator("textarea").first.input_value() == ARABIC_ANSWER
    assert_no_axe_violations(page)
    assert not Response.objects.filter(consultation=consultation).exists()


def test_a_double_click_on_send_stores_one_response(demo, new_context):
    page = new_context(language="en").new_page()
    consultation = _ishoj_consultation()
    page.goto(_url("ishoj", consultation))
    page.locator("textarea").first.fill("Havnen")
    page.get_by_role("button", name="Send my answers").dblclick()
    # The second click aborts the first click's navigation, and waiting for "the"
    # navigation can catch that abort (net::ERR_ABORTED): wait for the address instead.
    expect(page).to_have_url(re.compile(r"/thanks/$"))
    page.wait_for_load_state("networkidle")
    assert Response.objects.filter(consultation=consultation).count() == 1
    # The server goes on after the page has moved: keyword extraction runs on commit (eager
    # here). Let it finish, or the database flush after the test races with its locks.
    for _ in range(100):
        if not Response.objects.filter(
            consultation=consultation, keywords_extracted_at__isnull=True
        ).exists():
            break
        time.sleep(0.1)
