"""Merge suggestions in a real browser: no axe violations on the suggestions and dismissed
pages in every language, and a merge then a dismiss made with the keyboard alone without
JavaScript."""

import pytest

from keywords.curation import suggestions
from keywords.models import Keyword, KeywordStatus, MergeSuggestionDismissal
from tests.consultations.factories import open_consultation
from tests.keywords.factories import keyword

from .conftest import LANGUAGES, axe_violations, set_language_cookie, sign_in

XSS = '<script>alert("x")</script>'


@pytest.fixture
def consultation(process, staff):
    consultation = open_consultation(process)
    for base_form, respondents, label in (
        ("cykelväg", 40, "cykelväg"),
        ("cykelvägar", 5, "cykelvägar"),
        ("idrottshall", 12, "idrottshall"),
        ("idrotshall", 1, f"idrotshall {XSS}"),
        ("الحدائق", 3, "الحدائق"),
    ):
        keyword(consultation, label, base_form=base_form, respondents=respondents)
    suggestions.merge_suggestions_recompute(consultation_id=consultation.pk)
    suggestions.merge_suggestion_dismiss(
        consultation=consultation,
        keywords=tuple(Keyword.objects.filter(base_form__in=["cykelväg", "idrottshall"])),
        by=staff,
    )
    return consultation


def base(consultation):
    return f"/workspace/norrkoping/consultations/{consultation.pk}/keywords/suggestions/"


def test_suggestion_pages_have_no_axe_violations_in_any_language(
    new_context, live_server, staff, consultation
):
    context = new_context(language="en")
    page = context.new_page()
    sign_in(page, staff.email)
    problems = []
    for language in LANGUAGES:
        set_language_cookie(context, live_server.url, language)
        for path in ("", "dismissed/"):
            response = page.goto(base(consultation) + path)
            assert response.status == 200, path
            assert "<script>alert" not in page.content()
            problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def test_keyboard_only_without_javascript_merge_then_dismiss(new_context, staff, consultation):
    page = new_context(language="en", java_script_enabled=False).new_page()
    sign_in(page, staff.email)
    page.goto(base(consultation))

    def tab_to(predicate, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        pytest.fail(f"could not reach {predicate} with Tab")

    tab_to("document.activeElement.innerText.startsWith('Merge “cykelvägar” into')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Merged into “cykelväg”." in page.locator(".messages").inner_text()
    assert Keyword.objects.get(base_form="cykelvägar").status == KeywordStatus.MERGED
    assert "Merge “cykelvägar”" not in page.content()

    # The pair left is "idrotshall" and "idrottshall".
    tab_to("document.activeElement.innerText.startsWith('Not the same')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "will not be suggested again" in page.locator(".messages").inner_text()
    assert MergeSuggestionDismissal.objects.filter(keyword_b__base_form="idrotshall").exists()
    assert "No suggestions" in page.content()
