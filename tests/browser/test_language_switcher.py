"""The language switcher is a plain form: it must work without JavaScript and stick."""

import pytest
from django.conf import settings


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_language_switcher_changes_the_page_language(
    transactional_db, process, new_context, javascript
):
    # The real CSP applies: the switcher must not depend on anything it blocks.
    context = new_context(java_script_enabled=javascript, bypass_csp=False)
    page = context.new_page()
    page.goto("/accessibility/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.select_option("#language-select", "da")
    with page.expect_navigation():
        page.locator(".language-switcher button[type=submit]").click()

    # Back on the same page (the form's `next`), now in Danish.
    assert page.url.endswith("/accessibility/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("#language-select").input_value() == "da"
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == "da"

    # The choice sticks on the next page, and beats the municipality's default (Swedish).
    page.goto("/m/norrkoping/vision-2035/")
    assert page.locator("html").get_attribute("lang") == "da"
