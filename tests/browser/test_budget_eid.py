"""Voting with e-ID in a real browser against the local stub provider: the voting page
with its e-ID choice has no axe violations in each UI language at 375 px (also with an
error), and a resident votes with e-ID keyboard only and without JavaScript, with the
page's real CSP (its form-action must let the form be redirected to the provider)."""

import pytest

from consultations.budget.models import Ballot, VoterRecord
from tests.consultations.budget.oidc_stub import StubIdentityProvider

from .conftest import LANGUAGES, axe_violations
from .test_budget import BASE, _tab_to
from .test_budget import budget as budget  # noqa: F401 (the fixture)


@pytest.fixture
def stub(settings):
    provider = StubIdentityProvider().start()
    app = provider.app_settings(provider_id="mitid", label="MitID")
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}
    yield provider
    provider.stop()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_voting_choice_page_has_no_axe_violations_and_fits_375px(
    budget,  # noqa: F811
    stub,
    new_context,
    language,
):
    page = new_context(language=language, viewport={"width": 375, "height": 667}).new_page()
    problems = []

    def check(label):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"{label} is {width}px wide at 375px")
        problems.extend(axe_violations(page))

    page.goto(BASE + "vote/")
    assert page.locator("button[name=eid-provider]").count() == 1
    check("voting page with e-ID")
    with page.expect_navigation():
        page.click("button[name=eid-provider]")  # no district chosen
    assert page.locator("[data-error-summary]").count() == 1
    check("e-ID form with an error")
    # An answer from the provider this browser did not ask for: the e-ID error page.
    page.goto("/budget/e-id/mitid/callback/?code=x&state=forged")
    assert page.locator("[role=alert]").count() == 1
    check("e-ID error page")
    assert not problems, "\n".join(problems)


def test_a_resident_votes_with_e_id_keyboard_only_without_javascript(
    budget,  # noqa: F811
    stub,
    new_context,
):
    page = new_context(language="en", java_script_enabled=False, bypass_csp=False).new_page()
    stub.subject = "person-browser"
    page.goto(BASE + "vote/")
    _tab_to(page, "input[name=eid-district]")
    # Radio buttons: arrows move through the districts; Skovlunde is the first.
    page.keyboard.press("Space")
    _tab_to(page, "button[name=eid-provider]")
    assert page.evaluate("document.activeElement.textContent") == "Vote with MitID"
    with page.expect_navigation(url="**/vote/ballot/"):
        page.keyboard.press("Enter")
    assert "Your ballot: Skovlunde" in page.inner_text("h1")
    _tab_to(page, "input[type=checkbox]")
    page.keyboard.press("Space")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation(url="**/vote/thanks/"):
        page.keyboard.press("Enter")
    assert Ballot.objects.count() == 1
    assert VoterRecord.objects.get().district.name == "Skovlunde"
    # The same person again: told at once, before any ballot.
    page.goto(BASE + "vote/")
    _tab_to(page, "input[name=eid-district]")
    page.keyboard.press("Space")
    _tab_to(page, "button[name=eid-provider]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You have already voted in this budget" in page.inner_text("main")
