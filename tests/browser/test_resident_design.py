"""Issue 14's resident design pass in a real browser (Chromium + axe, zero violations): the
one language rule along a click path, the form on a phone, no sideways scrolling at 375 px,
and "you said, we did" in every UI language."""

import pytest

from consultations.models import Consultation
from visionportal.demo import load_demo

from .conftest import LANGUAGES, axe_violations

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _consultation(slug):
    return Consultation.objects.select_related("process").get(process__municipality__slug=slug)


def _path(consultation, suffix=""):
    process = consultation.process
    return f"/m/{process.municipality.slug}/{process.slug}/consult/{consultation.pk}/{suffix}"


def _lang(page):
    return page.locator("html").get_attribute("lang")


def test_one_language_rule_along_a_click_path(demo, new_context):
    problems = []
    # A Danish browser, no choice made: Danish everywhere, also on Norrköping's (Swedish)
    # pages, where the municipality's language used to win one click in.
    page = new_context(locale="da-DK").new_page()
    page.goto("/")
    steps = [("home", None)]
    steps += [("municipality", "Norrköping"), ("process", "Vision 2035")]
    for name, link in steps:
        if link:
            with page.expect_navigation():
                page.get_by_role("link", name=link, exact=True).first.click()
        if _lang(page) != "da":
            problems.append(f"Danish browser, {name} ({page.url}): lang={_lang(page)}")
        problems += axe_violations(page)
    # A browser whose languages the UI lacks: the municipality's language on its pages.
    page = new_context(locale="fr-FR").new_page()
    page.goto("/m/ishoj/")
    if _lang(page) != "da":
        problems.append(f"French browser on Ishøj's page: lang={_lang(page)}")
    # An explicit choice beats both, on every page after it.
    page.select_option("#language-select", "nb")
    with page.expect_navigation():
        page.locator(".language-switcher button[type=submit]").click()
    for path in ["/m/ishoj/", "/m/ishoj/vision-2035/", "/m/norrkoping/vision-2035/", "/"]:
        page.goto(path)
        if _lang(page) != "nb":
            problems.append(f"after choosing nb, {path}: lang={_lang(page)}")
    # Questions are content: the Ishøj consultation's are Danish, with a Norwegian wording.
    page.goto(_path(_consultation("ishoj")))
    label = page.locator("label[for^=id_question_]").first
    if label.get_attribute("lang") != "nb":
        problems.append(f"question label lang={label.get_attribute('lang')}, want nb")
    problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def test_an_empty_submit_on_a_phone_focuses_the_error_summary(demo, new_context):
    page = new_context(language="en", viewport=PHONE).new_page()
    consultation = _consultation("ishoj")
    page.goto(_path(consultation))
    # The first question is on the first screen: the privacy text is behind a disclosure.
    first = page.locator("textarea").first.bounding_box()
    assert first["y"] < PHONE["height"], f"first answer box starts at {first['y']} px"
    # "Send" and the draft status stay in view while typing (the bar is sticky).
    page.locator("textarea").first.fill("Stranden")
    send = page.get_by_role("button", name="Send my answers").bounding_box()
    assert 0 <= send["y"] <= PHONE["height"] - send["height"]
    page.locator("textarea").first.fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    assert page.title().startswith("Error:")
    focused = page.evaluate(
        "document.activeElement.matches('[data-error-summary]')"
        " && document.activeElement.getBoundingClientRect().top < innerHeight"
    )
    assert focused, "the error summary does not have focus in view"
    problems = axe_violations(page)
    assert not problems, "\n".join(problems)


def test_no_public_page_scrolls_sideways_on_a_phone(demo, new_context):
    open_one, closed_one = _consultation("ishoj"), _consultation("norrkoping")
    paths = [
        "/",
        "/m/norrkoping/",
        "/m/ishoj/",
        "/m/norrkoping/vision-2035/",
        "/m/ishoj/vision-2035/",
        _path(open_one),
        _path(open_one, "?questions=en"),
        _path(open_one, "thanks/"),
        _path(closed_one),
        _path(closed_one, "results/"),
        "/accessibility/",
        "/accounts/login/",
    ]
    problems = []
    for language in ("sv", "en"):
        page = new_context(language=language, viewport=PHONE).new_page()
        for path in paths:
            response = page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if response.status != 200 or width > PHONE["width"]:
                problems.append(f"{language} {path}: status {response.status}, width {width}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_results_page_in_each_language(demo, new_context, language):
    consultation = _consultation("norrkoping")
    page = new_context(language=language).new_page()
    # The closed consultation leads there instead of a dead end.
    page.goto(_path(consultation))
    with page.expect_navigation():
        page.locator("a.button--start").click()
    assert page.url.endswith(_path(consultation, "results/"))
    assert _lang(page) == language
    assert (
        page.locator("h1").inner_text()
        == {
            "sv": "Ni sa, vi gjorde",
            "da": "I sagde, vi gjorde",
            "nb": "Dere sa, vi gjorde",
            "en": "You said, we did",
        }[language]
    )
    assert page.locator("#participation-heading").is_visible()
    problems = axe_violations(page)
    assert not problems, "\n".join(problems)


def test_receipt_and_results_notice_on_a_phone(demo, new_context):
    from consultations.models import ResultsSubscription

    page = new_context(language="en", viewport=PHONE).new_page()
    consultation = _consultation("ishoj")
    page.goto(_path(consultation))
    page.locator("textarea").first.fill("Stranden og havnen")
    # In tests, keyword extraction runs eagerly inside the submit's request: on a loaded
    # machine that takes longer than the default timeout.
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Send my answers").click(no_wait_after=True)
    problems = []
    assert page.locator(".confirmation__reference strong").inner_text()
    assert "Stranden og havnen" in page.locator(".receipt-answers").inner_text()
    problems += axe_violations(page)
    page.fill("input[name=email]", "resident@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="E-mail me once").click()
    assert "resident@example.com" in page.locator("main").inner_text()
    problems += axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my e-mail address").click()
    assert not ResultsSubscription.objects.exists()
    problems += axe_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert not problems, "\n".join(problems)
