"""The resident's draft and the live character counts in a real browser: autosave under the
app's real Content-Security-Policy, restore after a reload, deletion on submit, "Save draft"
without JavaScript, and axe on every state the draft UI adds, in every language."""

import re

import pytest
from playwright.sync_api import expect

from consultations.models import Consultation, Response, ResponseDraft
from visionportal.demo import load_demo

from .conftest import LANGUAGES, assert_no_axe_violations, axe_violations

ARABIC_ANSWER = "المكتبة المفتوحة مساءً والحدائق القريبة 🌳"
SAVED = "#draft-status [data-draft-state='saved']"


@pytest.fixture
def demo(transactional_db):
    load_demo()


@pytest.fixture
def consultation(demo):
    return Consultation.objects.get(process__municipality__slug="ishoj")


def _url(consultation, suffix=""):
    process = consultation.process
    return f"/m/{process.municipality.slug}/{process.slug}/consult/{consultation.pk}/{suffix}"


def _draft_cookies(context):
    return [c for c in context.cookies() if c["name"].startswith("vp_draft_")]


def test_a_draft_comes_back_after_a_reload_and_is_gone_after_sending(consultation, new_context):
    # The real CSP: autosave and counts must work without inline script or style.
    context = new_context(language="en", bypass_csp=False)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(_url(consultation))
    first = page.locator("textarea").first
    first.click()
    page.keyboard.type("Havnen og stranden")
    page.locator(SAVED).wait_for()
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    cookie = _draft_cookies(context)[0]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["path"] == _url(consultation)

    page.reload()
    expect(page.get_by_role("heading", name="We restored what you wrote earlier")).to_be_visible()
    assert page.locator("textarea").first.input_value() == "Havnen og stranden"
    page.locator("textarea").nth(1).fill("Trafikken")
    page.locator(SAVED).wait_for()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/thanks/")
    response = Response.objects.get(consultation=consultation)
    assert sorted(response.answers.values_list("text", flat=True)) == [
        "Havnen og stranden",
        "Trafikken",
    ]
    assert ResponseDraft.objects.count() == 0
    assert _draft_cookies(context) == []
    page.goto(_url(consultation))
    assert page.locator("textarea").first.input_value() == ""
    assert page.get_by_text("We restored").count() == 0
    assert errors == []


def test_autosave_is_announced_once_not_on_every_pause(consultation, new_context):
    page = new_context(language="en").new_page()
    page.goto(_url(consultation))
    live = page.locator("#draft-status-live")
    with page.expect_response(lambda r: r.url.endswith("/draft/")):
        page.locator("textarea").first.fill("Første")
    expect(live).to_contain_text("Draft saved")
    live.evaluate("el => { el.textContent = ''; }")
    with page.expect_response(lambda r: r.url.endswith("/draft/")):
        page.locator("textarea").first.fill("Første udkast")
    page.wait_for_timeout(200)  # let the swap run
    assert live.text_content() == ""  # saved again, but not spoken again within a minute
    page.get_by_role("button", name="Save draft").click()
    expect(live).to_contain_text("Draft saved")  # asked for: always spoken


def test_discarding_a_restored_draft_starts_again(consultation, new_context):
    page = new_context(language="en").new_page()
    page.goto(_url(consultation))
    page.locator("textarea").first.fill("Et udkast")
    page.locator(SAVED).wait_for()
    page.reload()
    page.get_by_role("button", name="Discard the draft and start again").click()
    expect(page.get_by_text("Your draft has been deleted.")).to_be_visible()
    assert page.locator("textarea").first.input_value() == ""
    assert ResponseDraft.objects.count() == 0


def test_live_counts_update_and_speak_only_near_the_limit(consultation, new_context):
    page = new_context(language="en", bypass_csp=False).new_page()
    page.goto(_url(consultation))
    field = page.locator("textarea").first
    field_id = field.get_attribute("id")
    count = page.locator(f"#{field_id}_count")
    expect(count).to_have_text("0 of 2,000 characters")
    assert f"{field_id}_count" in field.get_attribute("aria-describedby").split()
    field.click()
    page.keyboard.type("Hej 🌳")
    # Characters as the server counts them: the emoji is one.
    expect(count).to_have_text("5 of 2,000 characters")
    live = page.locator("#char-count-status")
    assert live.text_content() == ""
    field.fill("x" * 1990)
    expect(count).to_have_text("1,990 of 2,000 characters")
    expect(live).to_have_text("Characters left: 10")
    field.fill("x" * 2000)
    expect(live).to_have_text("Characters left: 0")
    assert "char-count--near" in count.get_attribute("class")


def test_live_counts_use_the_page_languages_numbers(consultation, new_context):
    page = new_context(language="da").new_page()
    page.goto(_url(consultation))
    field_id = page.locator("textarea").first.get_attribute("id")
    text = page.locator(f"#{field_id}_count").text_content()
    assert re.fullmatch(r"0 af 2\.000 tegn", text), text


def test_an_over_long_restored_draft_is_flagged_and_refused_on_send(consultation, new_context):
    page = new_context(language="en").new_page()
    page.goto(_url(consultation))
    second = page.locator("textarea").nth(1)
    second.evaluate("el => el.removeAttribute('maxlength')")
    second.fill("y" * 2005)
    page.locator(SAVED).wait_for()
    expect(page.locator("#draft-status")).to_contain_text("Answer 2 is too long")
    page.reload()
    field_id = page.locator("textarea").nth(1).get_attribute("id")
    expect(page.locator(f"#{field_id}_count")).to_have_text("2,005 of 2,000 characters")
    page.get_by_role("button", name="Send my answers").click()
    page.locator(".form-errors").wait_for()
    assert not Response.objects.filter(consultation=consultation).exists()
    assert ResponseDraft.objects.count() == 1


def test_a_lost_connection_is_reported_and_the_text_stays(consultation, new_context):
    context = new_context(language="en")
    page = context.new_page()
    page.goto(_url(consultation))
    context.set_offline(True)
    page.locator("textarea").first.fill("Skrevet uden net")
    expect(page.locator("#draft-status")).to_contain_text("Draft not saved", timeout=5000)
    context.set_offline(False)
    page.locator("textarea").first.press("End")
    page.keyboard.type(".")
    page.locator(SAVED).wait_for()
    assert ResponseDraft.objects.get().content["answers"]


def test_a_refused_security_token_says_to_copy_the_text(consultation, new_context):
    context = new_context(language="en")
    page = context.new_page()
    page.goto(_url(consultation))
    context.clear_cookies()  # as if the resident cleared cookies: the CSRF check now fails
    page.locator("textarea").first.fill("Ikke gemt")
    expect(page.locator("#draft-status")).to_contain_text("this page has expired")
    assert "<html" not in page.locator("#draft-status").inner_html()
    assert ResponseDraft.objects.count() == 0


def test_without_javascript_save_draft_by_keyboard_then_send(consultation, new_context):
    context = new_context(language="sv", java_script_enabled=False)
    page = context.new_page()
    page.goto(_url(consultation))
    page.locator("textarea").first.focus()
    page.keyboard.type("Biblioteket")
    # Tab on to "Save draft" (after "Send my answers") and press it.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('formaction')"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "?draft=saved" in page.url
    expect(page.locator("#draft-notice")).to_be_visible()
    assert page.locator("textarea").first.input_value() == "Biblioteket"
    assert ResponseDraft.objects.count() == 1
    page.locator("textarea").first.focus()
    page.keyboard.press("End")
    page.keyboard.type(" och parken")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.type === 'submit'"
            " && !document.activeElement.hasAttribute('formaction')"
        ):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks/")
    answer = Response.objects.get(consultation=consultation).answers.get()
    assert answer.text == "Biblioteket och parken"
    assert ResponseDraft.objects.count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_draft_states_have_no_axe_violations_in_each_language(consultation, new_context, language):
    page = new_context(language=language).new_page()
    problems = []
    page.goto(_url(consultation))
    page.locator("textarea").first.fill(ARABIC_ANSWER)
    page.locator(SAVED).wait_for()
    problems += axe_violations(page)  # the "saved" status
    page.reload()
    page.locator("#draft-notice").wait_for()
    problems += axe_violations(page)  # the restored-draft notice, Arabic answer filled in
    assert page.locator("textarea").first.evaluate("el => getComputedStyle(el).direction") == "rtl"
    page.locator("#draft-notice button").click()
    page.locator("#draft-notice[role=status]").wait_for()
    problems += axe_violations(page)  # the "draft deleted" message
    assert not problems, "\n".join(problems)


def test_saved_notice_without_javascript_has_no_axe_violations(consultation, new_context):
    page = new_context(language="nb", java_script_enabled=False).new_page()
    page.goto(_url(consultation))
    page.locator("textarea").first.fill(ARABIC_ANSWER)
    page.locator("button[formaction]").click()
    page.locator("#draft-notice").wait_for()
    # axe needs script: check this page with a scripted context on the same cookies.
    html = page.content()
    assert "?draft=saved" in page.url and ARABIC_ANSWER in html
    scripted = new_context(language="nb").new_page()
    scripted.context.add_cookies(page.context.cookies())
    scripted.goto(page.url)
    scripted.locator("#draft-notice").wait_for()
    assert_no_axe_violations(scripted)
