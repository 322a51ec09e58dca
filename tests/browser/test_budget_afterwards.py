"""Proposal photos, a project's implementation status, the celebration post and the
evaluation survey's link in a real browser: axe in each UI language at 375 px, and the
photo upload keyboard only and without JavaScript."""

import pytest

from consultations.budget import services
from consultations.budget.models import Ballot, BallotChoice, BudgetProposal, ProposalImage
from consultations.models import Question, QuestionKind
from tests.conftest import running_phase
from tests.consultations.budget.factories import make_budget, on_ballot
from tests.consultations.factories import open_consultation
from tests.visionportal.test_logo import image_bytes, jpeg_with_gps
from visionportal.models import Municipality, PhaseKind, VisionProcess

from .conftest import LANGUAGES, assert_no_axe_violations, axe_violations, sign_in

BASE = "/m/ballerup/borgermillionen/budget/"


def _photo(alt, size=(900, 600)):
    return services.image_prepare(image_bytes("JPEG", size=size), alt, field="p", alt_field="a")


@pytest.fixture
def budget(transactional_db):
    ballerup = Municipality.objects.create(
        name="Ballerup", slug="ballerup", country="DK", default_language="da"
    )
    process = VisionProcess.objects.create(
        municipality=ballerup, title="Borgermillionen", slug="borgermillionen", is_public=True
    )
    # Overlapping phases, so every resident page is open at once.
    for kind in (
        PhaseKind.BUDGET_PROPOSALS,
        PhaseKind.BUDGET_BUILD,
        PhaseKind.BUDGET_CELEBRATE,
        PhaseKind.BUDGET_EVALUATE,
    ):
        running_phase(process, kind)
    budget = make_budget(process)
    skovlunde = budget.districts.get(name="Skovlunde")
    won = on_ballot(budget, skovlunde, "Legeplads", 200_000)
    for position, alt in enumerate(["Den tomme plæne ved skolen", "Gyngerne i dag"]):
        services._image_add(won, _photo(alt), kind="photo", position=position)
    services._image_add(won, _photo("Skitse af legepladsen"), kind="sketch", position=0)
    ballot = Ballot.objects.create(district=skovlunde)
    BallotChoice.objects.create(ballot=ballot, proposal=won)
    services.budget_results_compute(budget=budget)
    services.progress_set(
        proposal=won, by=None, version=0, status="built", note="Indviet", status_on="2027-05-01"
    )
    services.celebration_save(
        budget=budget,
        by=None,
        version=0,
        title="Legepladsen er åben",
        text="Tak til alle!",
        published=True,
        photos=[_photo("Børn på den nye gynge")],
    )
    survey = open_consultation(process, language="da")
    Question.objects.create(
        consultation=survey, kind=QuestionKind.CUSTOM, text="Hvor involveret følte du dig?"
    )
    services.evaluation_set(budget=budget, consultation=survey)
    budget.won = won
    return budget


@pytest.mark.parametrize("language", LANGUAGES)
def test_photo_status_celebration_and_evaluation_pages_pass_axe_at_375px(
    budget, new_context, language
):
    page = new_context(language=language, viewport={"width": 375, "height": 667}).new_page()
    problems = []

    def check(label):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"{label} is {width}px wide at 375px")
        problems.extend(f"{label}: {v}" for v in axe_violations(page))

    for path in ("", "proposals/", f"proposals/{budget.won.pk}/", "results/", "celebration/"):
        page.goto(BASE + path)
        check(path or "overview")
    page.goto(BASE + f"proposals/{budget.won.pk}/")
    # Every image is loaded through the view and carries its text alternative.
    images = page.locator("main img")
    assert images.count() == 3
    for index in range(3):
        assert images.nth(index).get_attribute("alt")
        assert images.nth(index).evaluate("img => img.naturalWidth") > 0
    page.goto(BASE + "proposals/new/")
    page.fill("input[name=alt_1]", "Plænen")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    check("proposal form with errors")
    page.goto(BASE)
    assert page.locator(f"a[href$='/consult/{budget.evaluation_id}/']").count() >= 1
    assert not problems, "\n".join(problems)


def _tab_to(page, selector, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} not reached by Tab")


def test_a_resident_attaches_a_photo_keyboard_only_without_javascript(
    budget, new_context, tmp_path
):
    page = new_context(language="en", java_script_enabled=False).new_page()
    gps = tmp_path / "plaene.jpg"
    gps.write_bytes(jpeg_with_gps())
    page.goto(BASE + "proposals/new/")
    _tab_to(page, "input[name=title]")
    page.keyboard.type("Bord og bænke")
    _tab_to(page, "textarea[name=description]")
    page.keyboard.type("Ved søen.")
    _tab_to(page, "select[name=district]")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "input[name=estimated_cost]")
    page.keyboard.type("30000")
    _tab_to(page, "input[name=photo_1]")
    # The file dialog is the browser's own; choosing in it is what set_input_files does.
    page.locator("input[name=photo_1]").set_input_files(str(gps))
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # No text alternative: refused, the summary has focus and links to the field.
    # (autofocus is applied once the page has rendered, so wait for it)
    page.wait_for_function("document.activeElement.matches('[data-error-summary]')")
    assert "Describe what the image shows" in page.inner_text("[data-error-summary]")
    assert not BudgetProposal.objects.filter(title="Bord og bænke").exists()
    assert "choose your photos again" in page.inner_text("main")
    _tab_to(page, "input[name=photo_1]")
    page.locator("input[name=photo_1]").set_input_files(str(gps))
    _tab_to(page, "input[name=alt_1]")
    page.keyboard.type("Plænen ved søen, hvor bordet skal stå")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    proposal = BudgetProposal.objects.get(title="Bord og bænke")
    image = ProposalImage.objects.get(proposal=proposal)
    assert page.locator(f"main img[alt='{image.alt}']").count() == 1


def test_staff_afterwards_pages_have_no_axe_violations(budget, staff, new_context):
    from visionportal.models import Membership

    Membership.objects.filter(user=staff).update(municipality=budget.process.municipality)
    page = new_context(language="en").new_page()
    sign_in(page, staff.email)
    base = f"/workspace/ballerup/budgets/{budget.pk}/"
    for path in ("after/", "celebration/", f"proposals/{budget.won.pk}/assess/"):
        page.goto(base + path)
        assert_no_axe_violations(page)
    page.goto(base + "after/")
    page.fill(f"input[name=p{budget.won.pk}-note]", "x" * 600)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the status").click()
    assert_no_axe_violations(page)
