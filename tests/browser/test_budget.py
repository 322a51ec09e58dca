"""A resident proposes, browses and votes in a participatory budget in a real browser:
axe on every resident page in each UI language at 375 px, keyboard only and without
JavaScript for the forms, and the ballot's live total with JavaScript."""

import pytest

from consultations.budget import services
from consultations.budget.models import Ballot, BudgetProposal
from tests.conftest import running_phase
from tests.consultations.budget.factories import make_budget, on_ballot
from visionportal.models import Municipality, PhaseKind, VisionProcess

from .conftest import LANGUAGES, axe_violations

BASE = "/m/ballerup/borgermillionen/budget/"


@pytest.fixture
def budget(transactional_db):
    ballerup = Municipality.objects.create(
        name="Ballerup", slug="ballerup", country="DK", default_language="da"
    )
    process = VisionProcess.objects.create(
        municipality=ballerup, title="Borgermillionen", slug="borgermillionen", is_public=True
    )
    # Overlapping phases, so every resident page is open at once.
    for kind in (PhaseKind.BUDGET_PROPOSALS, PhaseKind.BUDGET_VOTE, PhaseKind.BUDGET_BUILD):
        running_phase(process, kind)
    budget = make_budget(process)
    skovlunde = budget.districts.get(name="Skovlunde")
    on_ballot(budget, skovlunde, "Legeplads", 200_000)
    on_ballot(budget, skovlunde, "Bænke", 60_000)
    on_ballot(budget, skovlunde, "Lys på torvet", 40_000)
    services.budget_results_compute(budget=budget)
    return budget


def _code(budget):
    district = budget.districts.get(name="Skovlunde")
    return services.voting_codes_generate(district=district, count=1, by=None)[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_budget_pages_have_no_axe_violations_and_fit_375px(budget, new_context, language):
    page = new_context(language=language, viewport={"width": 375, "height": 667}).new_page()
    proposal = BudgetProposal.objects.first()
    problems = []

    def check(label):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"{label} is {width}px wide at 375px")
        if page.locator("html").get_attribute("lang") != language:
            problems.append(f"{label}: not in {language}")
        problems.extend(axe_violations(page))

    for path in (
        "",
        "proposals/",
        f"proposals/{proposal.pk}/",
        "proposals/new/",
        "vote/",
        "results/",
    ):
        page.goto(BASE + path)
        check(path or "overview")
    # The proposal form with errors, the ballot (over the budget) and the receipt.
    page.goto(BASE + "proposals/new/")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    check("proposal form with errors")
    page.goto(BASE + "vote/")
    page.fill("input[name=code]", _code(budget))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    check("ballot")
    page.check("text=Legeplads")
    page.check("text=Bænke")
    check("ballot over the budget")
    page.uncheck("text=Bænke")
    page.click("button[data-ballot-submit]")
    page.wait_for_url("**/vote/thanks/")
    check("voted")
    assert not problems, "\n".join(problems)


def _tab_to(page, selector, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} not reached by Tab")


def test_a_resident_proposes_keyboard_only_without_javascript(budget, new_context):
    page = new_context(language="da", java_script_enabled=False).new_page()
    page.goto(BASE + "proposals/new/")
    _tab_to(page, "input[name=title]")
    page.keyboard.type("Fodboldmål <b>nu</b>")
    _tab_to(page, "textarea[name=description]")
    page.keyboard.type("To mål på plænen.")
    _tab_to(page, "select[name=district]")
    page.keyboard.press("ArrowDown")  # Skovlunde
    _tab_to(page, "input[name=estimated_cost]")
    page.keyboard.type("300000")  # more than the district's share
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "250.000" in page.locator(".errorlist").first.inner_text()  # Danish grouping
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    _tab_to(page, "input[name=estimated_cost]")
    page.keyboard.press("Control+a")
    page.keyboard.type("30000")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    proposal = BudgetProposal.objects.get(title="Fodboldmål <b>nu</b>")
    assert proposal.estimated_cost == 30_000
    assert "Fodboldmål <b>nu</b>" in page.locator("h1").inner_text()


def test_a_resident_votes_keyboard_only_without_javascript(budget, new_context):
    page = new_context(language="en", java_script_enabled=False).new_page()
    page.goto(BASE + "vote/")
    _tab_to(page, "input[name=code]")
    page.keyboard.type(_code(budget).lower())
    page.keyboard.press("Enter")
    page.wait_for_url("**/vote/ballot/")
    assert "Money left: 250,000 DKK" in page.inner_text("[data-ballot-left]")
    _tab_to(page, "input[type=checkbox]")  # Lys på torvet, the cheapest first
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # Bænke
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # Legeplads
    page.keyboard.press("Space")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Over the budget by 50,000 DKK" in page.inner_text("[data-ballot-left]")
    assert not Ballot.objects.exists()
    page.uncheck("text=Bænke")
    page.uncheck("text=Lys på torvet")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/vote/thanks/")
    assert Ballot.objects.get().choices.count() == 1


def test_the_ballot_shows_the_money_left_as_you_choose_and_refuses_overspending(
    budget, new_context
):
    page = new_context(language="en", bypass_csp=False).new_page()
    page.goto(BASE + "vote/")
    page.fill("input[name=code]", _code(budget))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.check("text=Legeplads")
    assert page.inner_text("[data-ballot-left]") == "Money left: 50,000 DKK"
    page.check("text=Bænke")
    assert page.inner_text("[data-ballot-left]") == "Over the budget by 10,000 DKK"
    assert page.get_attribute("button[data-ballot-submit]", "aria-disabled") == "true"
    # Enter on the disabled button sends nothing and takes the voter to the total.
    page.focus("button[data-ballot-submit]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.matches('[data-ballot-left]')")
    assert "/vote/ballot/" in page.url
    assert not Ballot.objects.exists()
    page.uncheck("text=Bænke")
    page.click("button[data-ballot-submit]")
    page.wait_for_url("**/vote/thanks/")
    assert Ballot.objects.count() == 1


def test_staff_budget_pages_have_no_axe_violations(staff, process, new_context):
    from .conftest import assert_no_axe_violations, sign_in

    page = new_context(language="en").new_page()
    sign_in(page, staff.email)
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/")
    assert_no_axe_violations(page)  # the process page's budget section
    page.goto(f"/workspace/norrkoping/processes/{process.pk}/budget/new/")
    with page.expect_navigation():
        page.click("main button[type=submit]")  # empty: the form with its errors
    page.locator(".form-errors").wait_for()
    assert_no_axe_violations(page)
    page.fill("input[name=title]", "Borgermillionen")
    page.fill("input[name=amount]", "500000")
    page.fill("textarea[name=districts]", "Skovlunde: 250000\nMåløv: 250000")
    page.fill("textarea[name=places]", "Måløv: Måløv Sø")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert_no_axe_violations(page)  # the budget: proposals, moderation, codes, results
    budget = process.budget
    proposal = on_ballot(budget, budget.districts.first(), "Bænke", 10_000)
    page.goto(f"/workspace/norrkoping/budgets/{budget.pk}/proposals/{proposal.pk}/assess/")
    assert_no_axe_violations(page)
    district = budget.districts.first()
    page.goto(f"/workspace/norrkoping/budgets/{budget.pk}/districts/{district.pk}/paper-ballot/")
    assert_no_axe_violations(page)
    page.goto(f"/workspace/norrkoping/budgets/{budget.pk}/")
    page.select_option("select[name=district]", index=1)
    page.fill("input[name=count]", "5")
    with page.expect_navigation():
        page.get_by_role("button", name="Generate codes to print").click()
    assert page.locator(".voting-codes li").count() == 5
    assert_no_axe_violations(page)
