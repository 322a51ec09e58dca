"""Proposing a workshop's solution as an initiative and deciding on it, in a real browser:
staff propose from the board (with and without JavaScript), decline one without a reason
and see the error, accept another, keyboard only; axe finds nothing on the proposals page
(also in its error state), the board with a proposed card and the board PDF's progress
page, and nothing scrolls sideways at 375 px."""

import uuid

import pytest

from consultations.workshops import services
from consultations.workshops.models import WorkshopStage
from indicators.models import Initiative
from tests.consultations.workshops.factories import make_series, make_workshop
from visionportal.models import ProposalState, ProposedInitiative

from .conftest import axe_violations, sign_in


@pytest.fixture
def board(transactional_db, process):
    workshop = make_workshop(
        make_series(process), stage=WorkshopStage.SOLUTIONS, title="Løsningskveld"
    )
    need = services.board_add(
        workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="Møteplasser"
    )
    measure = services.board_add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="measure",
        text="Bibliotek om kvelden",
        parent_pk=need.pk,
    )
    solutions = [
        services.board_add(
            workshop=workshop,
            idempotency_key=uuid.uuid4(),
            kind="solution",
            text=text,
            parent_pk=measure.pk,
        )
        for text in ("Åpent bibliotek hver torsdag", "مقهى للشباب في المكتبة")
    ]
    return workshop, solutions


def _fits(page, path):
    width = page.evaluate("document.documentElement.scrollWidth")
    return [f"{path} is {width}px wide at 375px"] if width > 375 else []


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_propose_a_solution_from_the_board(board, new_context, staff, javascript):
    workshop, solutions = board
    page = new_context(java_script_enabled=javascript).new_page()
    sign_in(page, "staff@norrkoping.test")
    page.goto(f"/workspace/norrkoping/workshops/{workshop.pk}/board/")
    card = page.locator(f"#card-{solutions[0].pk}")
    card.locator("summary").click()
    card.get_by_role("button", name="Propose as initiative").click()
    card.get_by_text("Proposed as an initiative").wait_for()
    assert ProposedInitiative.objects.get().title == "Åpent bibliotek hver torsdag"
    assert card.get_by_role("button", name="Propose as initiative").count() == 0
    if javascript:
        problems = axe_violations(page)
        assert not problems, "\n".join(problems)


def test_staff_decline_and_accept_proposals_keyboard_only(board, new_context, staff):
    workshop, solutions = board
    proposals = [
        services.solution_propose(workshop=workshop, item_pk=s.pk, by=staff)[0] for s in solutions
    ]
    page = new_context(viewport={"width": 375, "height": 667}).new_page()
    sign_in(page, "staff@norrkoping.test")
    process_pk = workshop.series.process.pk
    path = f"/workspace/norrkoping/processes/{process_pk}/follow-up/initiatives/proposed/"
    page.goto(path)
    problems = axe_violations(page) + _fits(page, path)

    # Decline the Arabic one without a reason: the error is beside it and nothing changes.
    arabic = proposals[1]
    button = page.locator(f"#proposal-{arabic.pk} button", has_text="Decline")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator(f"#decline-{arabic.pk}-error").wait_for()
    problems += axe_violations(page) + _fits(page, path)
    arabic.refresh_from_db()
    assert arabic.state == ProposalState.OPEN

    page.locator(f"#decline-{arabic.pk}").focus()
    page.keyboard.type("Finnes allerede i kulturplanen")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    arabic.refresh_from_db()
    assert arabic.state == ProposalState.DECLINED

    page.locator(f"#proposal-{proposals[0].pk} button", has_text="Accept").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    initiative = Initiative.objects.get()
    assert page.url.endswith(f"/initiatives/{initiative.pk}/")
    assert initiative.title == "Åpent bibliotek hver torsdag" and not initiative.is_public
    page.goto(path + "?state=declined")
    problems += axe_violations(page) + _fits(page, path + "?state=declined")
    assert not problems, "\n".join(problems)


def test_the_board_pdf_progress_page_has_no_axe_violations(board, new_context, staff):
    workshop, _solutions = board
    page = new_context(viewport={"width": 375, "height": 667}).new_page()
    sign_in(page, "staff@norrkoping.test")
    workshop_path = f"/workspace/norrkoping/workshops/{workshop.pk}/"
    page.goto(workshop_path)
    problems = axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Generate the board as PDF").click()
    assert "/board-pdf/1/" in page.url
    page.get_by_text("Download the PDF, version 1").wait_for()
    problems += axe_violations(page) + _fits(page, page.url)
    document = workshop.documents.get()
    # Generated by the task queued on commit (eager in the test settings).
    assert document.number == 1 and document.status == "done"
    assert not problems, "\n".join(problems)


def test_staff_propose_a_winning_budget_project_keyboard_only(
    transactional_db, process, new_context, staff
):
    from consultations.budget import services as budget_services
    from consultations.budget.models import Ballot, BallotChoice
    from tests.consultations.budget.factories import make_budget, on_ballot

    budget = make_budget(process)
    district = budget.districts.first()
    winner = on_ballot(budget, district, "Legeplads ved søen", 150_000)
    for _i in range(3):
        BallotChoice.objects.create(
            ballot=Ballot.objects.create(district=district), proposal=winner
        )
    budget_services.budget_results_compute(budget=budget)
    page = new_context(viewport={"width": 375, "height": 667}).new_page()
    sign_in(page, "staff@norrkoping.test")
    path = f"/workspace/norrkoping/budgets/{budget.pk}/"
    page.goto(path)
    problems = axe_violations(page) + _fits(page, path)
    page.locator("#winners ~ ul button", has_text="Legeplads ved søen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("#winners ~ ul").get_by_text("Proposed as an initiative").wait_for()
    assert ProposedInitiative.objects.get().title == "Legeplads ved søen"
    problems += axe_violations(page)
    assert not problems, "\n".join(problems)
