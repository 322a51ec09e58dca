"""A councillor strikes and adds keywords in a real browser: zero axe violations on the
round pages (in every language), and a strike made with the keyboard alone, without
JavaScript. Councillors need no MFA: email and password lead straight to the workspace."""

import pytest
from playwright.sync_api import expect

from keywords.councillors import services
from keywords.models import CouncillorProposal
from tests.conftest import PASSWORD, running_phase
from tests.consultations.factories import open_consultation
from tests.keywords.factories import accept_all, councillor_of, keyword
from visionportal.models import PhaseKind

from .conftest import LANGUAGES, assert_no_axe_violations, axe_violations, sign_in

XSS = "<script>alert(1)</script>"


@pytest.fixture
def round(process, staff, norrkoping):
    running_phase(process, PhaseKind.COUNCILLOR_ROUND)
    consultation = open_consultation(process)
    for label in ("Parker", "Kollektivtrafik", "Strömmen", "حدائق عامة", XSS):
        keyword(consultation, label)
    round = services.round_open(
        consultation=consultation,
        by=staff,
        title="Runda 1",
        instructions="Stryk det som inte hör hemma.\nMotivera kort.",
    )
    other = councillor_of(norrkoping, "annan@norrkoping.test", party="Partiet B")
    services.proposal_add(round=round, councillor=other, label="Hamnen 🚢", reason="Saknas")
    return round


def councillor_sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form input[name=password]").press("Enter")
    assert page.url.endswith("/workspace/"), page.url


def test_the_councillors_pages_have_no_axe_violations_in_any_language(
    new_context, councillor, round
):
    services.proposal_strike(
        round=round, councillor=councillor, keyword=round.consultation.keywords.first(), reason="x"
    )
    problems = []
    for language in LANGUAGES:
        page = new_context(language=language).new_page()
        councillor_sign_in(page, councillor.email)
        for path in (
            "/workspace/norrkoping/councillor-rounds/",
            f"/workspace/norrkoping/councillor-rounds/{round.pk}/",
        ):
            response = page.goto(path)
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def test_a_councillor_finds_the_round_and_strikes_with_the_keyboard_alone(
    new_context, councillor, round
):
    page = new_context(language="en", java_script_enabled=False).new_page()
    councillor_sign_in(page, councillor.email)
    page.get_by_role("link", name="Norrköping").click()
    page.get_by_role("link", name="Strike and add keywords (councillors' round)").click()
    page.get_by_role("link", name="Runda 1").click()
    assert "<script>" not in page.locator("main").inner_html().replace("&lt;script&gt;", "")

    # From the top of the page, Tab to the reason for striking "Kollektivtrafik".
    reason = page.get_by_label("Reason for striking “Kollektivtrafik”")
    target = reason.get_attribute("id")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == target:
            break
    else:
        pytest.fail("could not reach the reason field with Tab")
    page.keyboard.type("Ingår redan i Strömmen")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You proposed striking “Kollektivtrafik”." in page.locator(".messages").inner_text()
    proposal = CouncillorProposal.objects.get(councillor=councillor)
    assert (proposal.keyword.label, proposal.reason) == (
        "Kollektivtrafik",
        "Ingår redan i Strömmen",
    )
    # Another councillor's addition stays hidden while the round is open.
    assert "Hamnen" not in page.locator("main").inner_text()
    assert page.url.endswith(f"/councillor-rounds/{round.pk}/")


def test_an_empty_reason_is_announced_beside_the_keyword(new_context, councillor, round):
    page = new_context(language="en").new_page()
    councillor_sign_in(page, councillor.email)
    page.goto(f"/workspace/norrkoping/councillor-rounds/{round.pk}/")
    field = page.get_by_label("Reason for striking “Parker”")
    field.fill("   ")
    # The browser's own check would stop an empty field; spaces reach the server.
    with page.expect_navigation():
        field.press("Enter")
    error = page.locator(f"#{field.get_attribute('id')}-error")
    assert error.is_visible()
    assert field.get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)
    assert not CouncillorProposal.objects.filter(councillor=councillor).exists()


def test_staff_result_and_published_pages_have_no_axe_violations(page, staff, councillor, round):
    services.proposal_strike(
        round=round, councillor=councillor, keyword=round.consultation.keywords.first(), reason="x"
    )
    services.round_close(round=round, by=staff)
    services.keyword_list_publish(
        consultation=round.consultation, round=round, accept=accept_all(round), by=staff
    )
    sign_in(page, staff.email)
    base = f"/workspace/norrkoping/consultations/{round.consultation.pk}/keywords/"
    problems = []
    for path in (f"{base}rounds/", f"{base}rounds/{round.pk}/", f"{base}published/1/"):
        response = page.goto(path)
        assert response.status == 200, path
        problems += axe_violations(page)
    assert not problems, "\n".join(problems)


@pytest.fixture
def counted_keywords(process):
    from keywords.models import Keyword
    from tests.conftest import running_phase
    from visionportal.models import PhaseKind

    running_phase(process, PhaseKind.COUNCILLOR_ROUND)  # a round opens only in its phase
    consultation = open_consultation(process)
    for label, respondents in (("Parker", 30), ("Kollektivtrafik", 20), ("Strömmen", 5)):
        kw = keyword(consultation, label)
        Keyword.objects.filter(pk=kw.pk).update(respondents=respondents)
    return consultation


@pytest.mark.parametrize("java_script", [False, True], ids=["without-js", "with-htmx"])
def test_staff_see_how_many_keywords_a_threshold_gives_then_open_the_round(
    new_context, staff, counted_keywords, java_script
):
    from keywords.models import CouncillorRound

    consultation = counted_keywords
    page = new_context(language="en", java_script_enabled=java_script).new_page()
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/consultations/{consultation.pk}/keywords/rounds/")
    count = page.locator("#round-choice")
    expect(count).to_contain_text("With at least 0 respondents, 3 keywords go to the councillors.")
    page.get_by_label("Minimum number of respondents").fill("20")
    if java_script:  # htmx asks for the count as staff type, no reload
        expect(count).to_contain_text("With at least 20 respondents, 2 keywords")
        assert_no_axe_violations(page)
    else:
        with page.expect_navigation():
            page.get_by_role("button", name="Count the keywords").click()
        expect(count).to_contain_text("With at least 20 respondents, 2 keywords")
    page.get_by_label("Title").fill("Runda 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the round").click()
    round = CouncillorRound.objects.get()
    assert [k.label for k in round.keywords.order_by("position")] == ["Parker", "Kollektivtrafik"]


@pytest.mark.parametrize("entry", ["overview", "round page"])
def test_both_publish_buttons_lead_to_one_review_that_publishes_what_it_shows(
    new_context, staff, councillor, round, entry
):
    """Issue 14: the overview's button once published a different list from the round's."""
    page = new_context(language="en").new_page()
    park = round.consultation.keywords.get(label="Parker")
    services.proposal_strike(round=round, councillor=councillor, keyword=park, reason="x")
    services.round_close(round=round, by=staff)
    sign_in(page, staff.email)
    base = f"/workspace/norrkoping/consultations/{round.consultation.pk}/keywords/"
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}rounds/" if entry == "overview" else f"{base}rounds/{round.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Review the list before publishing").click()
    assert "/published/review/" in page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review version 1")
    expect(page.locator("del", has_text="Parker")).to_be_visible()
    expect(page.locator("ins", has_text="Hamnen 🚢")).to_be_visible()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Note (what changed and why)").fill("Efter KS")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish version 1").click()
    assert page.url.endswith(f"{base}published/1/")
    published = round.consultation.keyword_lists.get()
    labels = [item.label for item in published.items.all()]
    assert "Parker" not in labels and labels[-1] == "Hamnen 🚢"
