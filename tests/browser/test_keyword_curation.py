"""Staff curate keywords in a real browser: zero axe violations on every workbench page (in
every language), a strike and a merge made with the keyboard alone, merge, split and undo
without JavaScript, and htmx row edits under the real Content-Security-Policy that keep
focus where it was and announce the result."""

import re

import pytest

from keywords.curation import services as curation
from keywords.extraction import services
from keywords.models import Keyword, KeywordAction, KeywordStatus
from tests.consultations.factories import open_consultation
from tests.keywords.factories import answer_ids, respond

from .conftest import (
    LANGUAGES,
    assert_no_axe_violations,
    axe_violations,
    set_language_cookie,
    sign_in,
)

XSS = '<script>alert("x")</script>'


@pytest.fixture
def consultation(process, staff):
    consultation = open_consultation(process)
    respond(consultation, keep="Parkerna och grönområden", leave="Bilköerna", miss="Cykelvägar")
    respond(consultation, keep=f"Parken {XSS} ring 070-123 45 67", miss="Fler cykelvägar")
    respond(consultation, keep="Parker", miss="Cykelväg till jobbet 🚲")
    respond(consultation, keep="الحدائق العامة")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    curation.keyword_add(consultation=consultation, label=XSS, reason=XSS, by=staff)
    return consultation


def base(consultation):
    return f"/workspace/norrkoping/consultations/{consultation.pk}/keywords/"


def kw(consultation, base_form):
    return Keyword.objects.get(consultation=consultation, base_form=base_form)


@pytest.fixture
def strict_page(new_context):
    """JavaScript on, the real CSP enforced; console errors (CSP violations) collected."""
    page = new_context(bypass_csp=False, language="en").new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def test_the_workbench_pages_have_no_axe_violations_in_any_language(
    new_context, live_server, staff, consultation
):
    park, gron = kw(consultation, "park"), kw(consultation, "grönområde")
    curation.keyword_merge(keywords=[gron], into=park, reason="Samma", by=staff)
    curation.keyword_strike(keyword=kw(consultation, "bilkö"), reason="Inget mål", by=staff)
    curation.keyword_keep(keyword=kw(consultation, "cykelväg"), by=staff)
    context = new_context(language="en")
    page = context.new_page()
    sign_in(page, staff.email)
    problems = []
    for language in LANGUAGES:
        set_language_cookie(context, live_server.url, language)
        for path in ("", f"{park.pk}/answers/", "history/", "suggestions/"):
            response = page.goto(base(consultation) + path)
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            assert "<script>alert" not in page.content()
            problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def test_a_refused_edit_has_no_axe_violations(new_context, staff, admin_user, consultation):
    page = new_context(language="en").new_page()
    park = kw(consultation, "park")
    sign_in(page, staff.email)
    page.goto(base(consultation))
    curation.keyword_rename(keyword=park, label="Parker och natur", by=admin_user)
    row = page.locator(f"#keyword-{park.pk}")
    row.locator("summary").click()
    field = row.get_by_label("Label residents will see")
    field.fill("Mitt namn")
    field.press("Enter")
    row.locator(".form-errors").wait_for()
    assert "Someone else changed “Parker och natur”" in row.locator(".form-errors").inner_text()
    assert row.get_by_label("Label residents will see").input_value() == "Mitt namn"
    assert_no_axe_violations(page)


def test_keyboard_only_without_javascript_strike_then_merge(new_context, staff, consultation):
    page = new_context(language="en", java_script_enabled=False).new_page()
    sign_in(page, staff.email)
    page.goto(base(consultation))
    bilko, park = kw(consultation, "bilkö"), kw(consultation, "park")

    def tab_to(predicate, limit=250):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        pytest.fail(f"could not reach {predicate} with Tab")

    # Strike "bilkö": Tab to its Edit summary, open it with Enter, type a reason, submit.
    tab_to(f"document.activeElement.matches('#keyword-{bilko.pk} summary')")
    page.keyboard.press("Enter")
    tab_to(f"document.activeElement.id === 'keyword-{bilko.pk}-reason'")
    page.keyboard.type("Handlar om trafik, inte om visionen")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"keyword-{bilko.pk}-strike"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Struck “bilkö”." in page.locator(".messages").inner_text()
    bilko.refresh_from_db()
    assert bilko.status == KeywordStatus.STRUCK
    assert KeywordAction.objects.get(kind="strike").reason == "Handlar om trafik, inte om visionen"

    # Merge "cykelväg" into "park" (odd, but easy to find): tick both with Space, go on to
    # the review, choose the keyword to keep with the arrow keys, submit with Enter.
    cykel = kw(consultation, "cykelväg")
    page.goto(base(consultation))
    tab_to(f"document.activeElement.id === 'merge-{cykel.pk}'")
    page.keyboard.press("Space")
    tab_to(f"document.activeElement.id === 'merge-{park.pk}'")
    page.keyboard.press("Space")
    tab_to("document.activeElement.matches('#merge-form button[name=review]')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/merge/review/" in page.url
    tab_to("document.activeElement.name === 'into'")
    for _ in range(3):
        if page.evaluate("document.activeElement.value") == str(park.pk):
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail("could not choose the keyword to keep with the arrow keys")
    tab_to("document.activeElement.matches('.merge-review button[type=submit]')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Merged into “park”." in page.locator(".messages").inner_text()
    assert kw(consultation, "cykelväg").merged_into_id == park.pk


def test_without_javascript_merge_split_and_undo(new_context, staff, consultation):
    page = new_context(language="en", java_script_enabled=False).new_page()
    sign_in(page, staff.email)
    park, gron = kw(consultation, "park"), kw(consultation, "grönområde")
    page.goto(base(consultation))
    page.get_by_label("Select “grönområde” for merging").check()
    page.get_by_label("Select “park” for merging").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge the ticked keywords").click()
    page.get_by_role("radio", name=re.compile("park")).check()
    page.get_by_label("Reason (optional)").fill("Samma sak")
    with page.expect_navigation():
        page.get_by_role("button", name="Merge", exact=True).click()
    assert "Merged into “park”." in page.locator(".messages").inner_text()
    row = page.locator(f"#keyword-{park.pk}")
    assert "grönområde" in row.inner_text()

    with page.expect_navigation():
        row.get_by_role("button", name=re.compile(r"^Split out\W+grönområde$")).click()
    assert "“grönområde” is a keyword of its own again." in page.locator(".messages").inner_text()
    assert kw(consultation, "grönområde").merged_into is None

    page.get_by_role("link", name="History and undo").click()
    history = page.locator("tbody tr")
    assert "Split" in history.first.inner_text()
    assert "staff@norrkoping.test" in history.nth(1).inner_text()
    assert "Samma sak" in history.nth(1).inner_text()
    with page.expect_navigation():
        history.first.get_by_role("button", name="Undo").click()
    assert "Undone: Split." in page.locator(".messages").inner_text()
    assert kw(consultation, "grönområde").merged_into_id == park.pk
    assert gron.pk in [k.pk for k in park.merged_keywords.all()]


def test_with_htmx_row_edits_swap_in_place_keep_focus_and_announce(
    strict_page, staff, admin_user, consultation
):
    page = strict_page
    sign_in(page, staff.email)
    park = kw(consultation, "park")
    page.goto(base(consultation))
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("window.__samePage = true")
    row = page.locator(f"#keyword-{park.pk}")

    row.locator("summary").click()
    row.get_by_label("Reason for striking").fill("Dubblett")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        row.get_by_role("button", name="Strike").click()
    assert posted.value.request.headers.get("hx-request") == "true"
    page.locator(f"#keyword-{park.pk}.keyword--struck").wait_for()
    assert page.evaluate("window.__samePage") is True, "striking caused a full page load"
    assert page.evaluate("document.activeElement.id") == f"keyword-{park.pk}-strike"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Restore"
    assert "Struck “park”." in page.locator("#curation-status").inner_text()
    assert kw(consultation, "park").status == KeywordStatus.STRUCK

    page.keyboard.press("Enter")  # Restore, from where focus stayed
    page.locator(f"#keyword-{park.pk}:not(.keyword--struck)").wait_for()
    page.get_by_text("Restored “park”.").wait_for()
    assert kw(consultation, "park").status == KeywordStatus.CANDIDATE

    # Someone else renames it meanwhile: the edit is refused in the row, the typed text is
    # kept, and focus moves to the explanation.
    curation.keyword_rename(keyword=park, label="Parker", by=admin_user)
    row = page.locator(f"#keyword-{park.pk}")
    field = row.get_by_label("Label residents will see")
    field.fill("Parker och grönska")
    field.press("Enter")
    row.locator(".form-errors").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('form-errors')")
    assert row.get_by_label("Label residents will see").input_value() == "Parker och grönska"
    assert kw(consultation, "park").label == "Parker"
    # Now it reads the current version: the second try goes through.
    row.get_by_label("Label residents will see").press("Enter")
    page.get_by_text("Renamed to “Parker och grönska”.").wait_for()
    assert kw(consultation, "park").label == "Parker och grönska"
    assert page.evaluate("window.__samePage") is True
    assert page.errors == [], page.errors


def test_search_as_you_type_swaps_the_table_and_keeps_the_ticked_keywords(
    strict_page, staff, consultation
):
    page = strict_page
    sign_in(page, staff.email)
    park, cykel = kw(consultation, "park"), kw(consultation, "cykelväg")
    page.goto(base(consultation))
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("window.__samePage = true")

    search = page.get_by_label("Search keywords")
    with page.expect_response(lambda r: "search=cykel" in r.url):
        search.press_sequentially("cykel")
    page.locator(f"#keyword-{park.pk}").wait_for(state="detached")
    assert page.locator(f"#keyword-{cykel.pk}").is_visible()
    assert "search=cykel" in page.url  # the address can be shared and reloaded
    assert page.evaluate("document.activeElement.id") == "id_search"  # typing goes on

    page.locator(f"#merge-{cykel.pk}").check()
    search.fill("")
    with page.expect_response(lambda r: "search=park" in r.url):
        search.press_sequentially("park")
    page.locator(f"#keyword-{cykel.pk}").wait_for(state="detached")
    # The keyword ticked under the earlier search is still ticked, shown with the merge form.
    ticked = page.locator(f"#merge-{cykel.pk}")
    assert ticked.is_checked()
    assert page.get_by_text("Ticked on other pages or filters").is_visible()
    assert page.evaluate("window.__samePage") is True, "searching caused a full page load"
    assert page.errors == [], page.errors


def test_the_merge_review_names_what_merges_into_what_at_375_px(new_context, staff, consultation):
    """Issue 14: the choice lists only the ticked keywords, and says the outcome."""
    page = new_context(language="en").new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, staff.email)
    from tests.keywords.factories import keyword

    bostad = keyword(consultation, "bostad", respondents=7)
    keyword(consultation, "fler bostad", respondents=3)
    page.goto(base(consultation))
    page.get_by_label("Select “fler bostad” for merging").check()
    page.get_by_label("Select “bostad” for merging").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge the ticked keywords").click()
    radios = page.get_by_role("radio")
    assert radios.count() == 2  # only the ticked ones, never "park"
    keep = page.get_by_role("radio", name=re.compile("“bostad”"))
    assert keep.is_checked()  # the one most residents used
    outcome = page.locator(f"#into-{bostad.pk}-outcome")
    assert outcome.inner_text() == "Merges into it: “fler bostad”"
    assert keep.get_attribute("aria-describedby") == f"into-{bostad.pk}-outcome"
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with page.expect_navigation():
        page.get_by_role("button", name="Merge", exact=True).click()
    assert "Merged into “bostad”." in page.locator(".messages").inner_text()
    assert kw(consultation, "fler bostad").merged_into_id == bostad.pk
    assert kw(consultation, "park").merged_into_id is None
