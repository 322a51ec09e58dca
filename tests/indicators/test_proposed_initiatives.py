"""Proposed initiatives (issue 13): a workshop's prioritised solution is proposed once,
however often it is pressed; staff accept it as one initiative (also when two accept at
once, on PostgreSQL) or decline it with a reason; the pages obey the role × municipality
matrix."""

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from consultations.workshops import services as workshop_services
from consultations.workshops.models import WorkshopStage
from indicators import services as indicator_services
from indicators.models import Initiative, InitiativeNovelty
from tests.consultations.workshops.factories import make_series, make_workshop
from tests.consultations.workshops.test_concurrency import run_together
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    MEMBER_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)
from visionportal.models import ProposalSource, ProposalState, ProposedInitiative
from visionportal.services import (
    ProposalError,
    initiative_proposal_decline,
    initiative_propose,
)

WORKSHOPS = "consultations_staff:workshops:"


def _board(process):
    workshop = make_workshop(
        make_series(process), stage=WorkshopStage.SOLUTIONS, title="Løsningskveld"
    )
    add = workshop_services.board_add
    need = add(workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="Møteplass")
    measure = add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="measure",
        text="Bruke biblioteket om kvelden",
        parent_pk=need.pk,
    )
    solution = add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="solution",
        text="Åpent bibliotek <script>alert(1)</script> hver torsdag",
        parent_pk=measure.pk,
    )
    return workshop, need, solution


@pytest.fixture
def board(process):
    return _board(process)


@pytest.mark.django_db
def test_proposing_a_solution_twice_proposes_it_once(board, staff):
    workshop, _need, solution = board
    first, created = workshop_services.solution_propose(
        workshop=workshop, item_pk=solution.pk, by=staff
    )
    again, created_again = workshop_services.solution_propose(
        workshop=workshop, item_pk=solution.pk, by=staff
    )
    assert created and not created_again and first.pk == again.pk
    assert ProposedInitiative.objects.count() == 1
    assert first.source_kind == ProposalSource.WORKSHOP_SOLUTION
    assert first.source_label == "Future workshop: Løsningskveld"
    assert "Bruke biblioteket om kvelden" in first.description
    assert "Møteplass" in first.description
    assert first.state == ProposalState.OPEN


@pytest.mark.django_db
def test_only_live_solutions_can_be_proposed(board, staff):
    workshop, need, solution = board
    with pytest.raises(workshop_services.WorkshopError, match="Only solutions"):
        workshop_services.solution_propose(workshop=workshop, item_pk=need.pk, by=staff)
    with pytest.raises(workshop_services.WorkshopError, match="removed"):
        workshop_services.solution_propose(workshop=workshop, item_pk=10**9, by=staff)
    assert not ProposedInitiative.objects.exists()


@pytest.mark.django_db
def test_a_long_title_is_cut_at_a_word_and_an_invisible_one_refused(process, staff):
    proposal, _ = initiative_propose(
        process=process,
        title="ord " * 100,
        source_kind=ProposalSource.WORKSHOP_SOLUTION,
        source_label="Future workshop: X",
        source_ref="board-item:1",
        by=staff,
    )
    assert len(proposal.title) <= 200 and proposal.title.endswith("ord…")
    with pytest.raises(ProposalError):
        initiative_propose(
            process=process,
            title="\u200b \u00a0",
            source_kind=ProposalSource.WORKSHOP_SOLUTION,
            source_label="Future workshop: X",
            source_ref="board-item:2",
        )


@pytest.mark.django_db
def test_accepting_makes_one_prefilled_initiative_and_a_second_accept_is_refused(board, staff):
    workshop, _need, solution = board
    proposal, _ = workshop_services.solution_propose(
        workshop=workshop, item_pk=solution.pk, by=staff
    )
    initiative = indicator_services.proposed_initiative_accept(proposal=proposal, by=staff)
    assert initiative.title == solution.text
    assert initiative.novelty == InitiativeNovelty.NEW
    assert not initiative.is_public
    assert "Proposed from: Future workshop: Løsningskveld" in initiative.description
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    assert proposal.accepted_initiative_id == initiative.pk
    assert proposal.decided_by == staff
    with pytest.raises(ProposalError, match="already decided"):
        indicator_services.proposed_initiative_accept(proposal=proposal, by=staff)
    with pytest.raises(ProposalError, match="already decided"):
        initiative_proposal_decline(proposal=proposal, by=staff, reason="Nei")
    assert Initiative.objects.count() == 1


@pytest.mark.django_db
def test_declining_needs_a_visible_reason(board, staff):
    workshop, _need, solution = board
    proposal, _ = workshop_services.solution_propose(
        workshop=workshop, item_pk=solution.pk, by=staff
    )
    for reason in ("", "   ", "\u200b\u200e"):
        with pytest.raises(ProposalError, match="reason"):
            initiative_proposal_decline(proposal=proposal, by=staff, reason=reason)
    with pytest.raises(ProposalError, match="Shorten"):
        initiative_proposal_decline(proposal=proposal, by=staff, reason="x" * 2001)
    declined = initiative_proposal_decline(
        proposal=proposal, by=staff, reason="  Finnes allerede  i kulturplanen "
    )
    assert declined.state == ProposalState.DECLINED
    assert declined.decline_reason == "Finnes allerede i kulturplanen"
    assert not Initiative.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_staff_accepting_at_once_make_one_initiative(process, staff, admin_user):
    workshop, _need, solution = _board(process)
    proposal, _ = workshop_services.solution_propose(
        workshop=workshop, item_pk=solution.pk, by=staff
    )
    outcomes = run_together(
        [
            lambda user=user: indicator_services.proposed_initiative_accept(
                proposal=proposal, by=user
            )
            for user in (staff, admin_user, staff, admin_user)
        ]
    )
    assert sum(1 for kind, _ in outcomes if kind == "ok") == 1
    refused = [value for kind, value in outcomes if kind == "error"]
    assert len(refused) == 3 and all(isinstance(e, ProposalError) for e in refused)
    assert Initiative.objects.count() == 1
    proposal.refresh_from_db()
    assert proposal.accepted_initiative_id == Initiative.objects.get().pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_staff_proposing_at_once_propose_once(process, staff, admin_user):
    workshop, _need, solution = _board(process)
    outcomes = run_together(
        [
            lambda: workshop_services.solution_propose(
                workshop=workshop, item_pk=solution.pk, by=staff
            )
            for _ in range(4)
        ]
    )
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert len({value[0].pk for _, value in outcomes}) == 1
    assert ProposedInitiative.objects.count() == 1


# --- Pages ---------------------------------------------------------------------------------


def _proposal(board, staff):
    workshop, _need, solution = board
    return workshop_services.solution_propose(workshop=workshop, item_pk=solution.pk, by=staff)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_proposals_page_is_for_members_of_the_municipality(
    client, request, process, board, staff, role
):
    proposal = _proposal(board, staff)
    client = _client_for(client, request, role)
    for state in ("", "?state=accepted", "?state=declined", "?state=bogus&page=x"):
        response = client.get(
            reverse("indicators:proposals", args=["norrkoping", process.pk]) + state
        )
        _assert_outcome(response, MEMBER_VIEW[role])
    if MEMBER_VIEW[role] == 200:
        page = client.get(reverse("indicators:proposals", args=["norrkoping", process.pk]))
        content = page.content.decode()
        assert "&lt;script&gt;" in content and "<script>alert" not in content
        can_decide = role in ("staff", "admin_user")
        accept = reverse("indicators:proposal_accept", args=["norrkoping", process.pk, proposal.pk])
        assert (accept in content) is can_decide


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_accepting_and_declining_are_for_editors_of_the_municipality(
    client, request, process, board, staff, role
):
    workshop, _need, solution = board
    proposal = _proposal(board, staff)
    other = initiative_propose(
        process=process,
        title="Benker i parken",
        source_kind=ProposalSource.WORKSHOP_SOLUTION,
        source_label="Future workshop: Løsningskveld",
        source_ref="board-item:other",
    )[0]
    client = _client_for(client, request, role)
    accept = client.post(
        reverse("indicators:proposal_accept", args=["norrkoping", process.pk, proposal.pk])
    )
    decline = client.post(
        reverse("indicators:proposal_decline", args=["norrkoping", process.pk, other.pk]),
        {"reason": "Not now"},
    )
    _assert_outcome(accept, EDITOR_POST[role])
    _assert_outcome(decline, EDITOR_POST[role])
    allowed = EDITOR_POST[role] == 302
    assert Initiative.objects.exists() is allowed
    other.refresh_from_db()
    assert (other.state == ProposalState.DECLINED) is allowed
    if allowed:
        initiative = Initiative.objects.get()
        assert accept["Location"] == reverse(
            "indicators:initiative_edit", args=["norrkoping", process.pk, initiative.pk]
        )
        tree = client.get(reverse("indicators:tree", args=["norrkoping", process.pk]))
        assert "Future workshop: Løsningskveld" in tree.content.decode()


@pytest.mark.django_db
def test_declining_without_a_reason_shows_the_error_beside_the_proposal(
    client, staff, process, board
):
    proposal = _proposal(board, staff)
    client.force_login(staff)
    url = reverse("indicators:proposal_decline", args=["norrkoping", process.pk, proposal.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert f'aria-describedby="decline-{proposal.pk}-error"' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN


@pytest.mark.django_db
def test_another_municipalitys_staff_cannot_decide_on_a_proposal(
    client, other_staff, process, board, staff
):
    proposal = _proposal(board, staff)
    client.force_login(other_staff)
    url = reverse("indicators:proposal_accept", args=["ishoj", process.pk, proposal.pk])
    assert client.post(url).status_code == 404
    assert not Initiative.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_proposing_from_the_board_is_for_editors_of_the_municipality(client, request, board, role):
    workshop, _need, solution = board
    client = _client_for(client, request, role)
    client.cookies["django_language"] = "en"
    url = reverse(WORKSHOPS + "board_propose", args=["norrkoping", workshop.pk, solution.pk])
    response = client.post(url)
    _assert_outcome(response, EDITOR_POST[role])
    allowed = EDITOR_POST[role] == 302
    assert ProposedInitiative.objects.exists() is allowed
    if allowed:
        assert client.post(url).status_code == 302  # pressed again: still one proposal
        assert ProposedInitiative.objects.count() == 1
        page = client.get(reverse(WORKSHOPS + "board", args=["norrkoping", workshop.pk]))
        content = page.content.decode()
        assert "Proposed as an initiative" in content and url not in content
        htmx = client.post(url, HTTP_HX_REQUEST="true")
        assert htmx.status_code == 200 and b'id="board"' in htmx.content


# --- The participatory budget's winning projects ---------------------------------------------


@pytest.fixture
def funded(process):
    from consultations.budget import services as budget_services
    from consultations.budget.models import Ballot, BallotChoice
    from tests.consultations.budget.factories import make_budget, on_ballot

    budget = make_budget(process)
    district = budget.districts.first()
    winner = on_ballot(budget, district, "Legeplads <b>ved søen</b>", 150_000)
    loser = on_ballot(budget, district, "Skaterbane", 200_000)
    for chosen, times in (([winner], 5), ([loser], 2)):
        for _i in range(times):
            ballot = Ballot.objects.create(district=district)
            BallotChoice.objects.bulk_create(
                [BallotChoice(ballot=ballot, proposal=p) for p in chosen]
            )
    budget_services.budget_results_compute(budget=budget)
    return budget, winner, loser


@pytest.mark.django_db
def test_a_funded_project_is_proposed_once_and_an_unfunded_one_not_at_all(funded, staff):
    from django.core.exceptions import ValidationError

    from consultations.budget import services as budget_services

    budget, winner, loser = funded
    first, created = budget_services.project_propose(budget=budget, proposal_pk=winner.pk, by=staff)
    again, created_again = budget_services.project_propose(
        budget=budget, proposal_pk=winner.pk, by=staff
    )
    assert created and not created_again and first.pk == again.pk
    assert first.source_kind == ProposalSource.BUDGET_PROJECT
    assert first.source_label == "Participatory budget: Borgermillionen"
    assert "Skovlunde" in first.description
    with pytest.raises(ValidationError, match="funded"):
        budget_services.project_propose(budget=budget, proposal_pk=loser.pk, by=staff)
    assert ProposedInitiative.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_proposing_a_project_is_for_editors_of_the_municipality(client, request, funded, role):
    budget, winner, _loser = funded
    client = _client_for(client, request, role)
    client.cookies["django_language"] = "en"
    url = reverse(
        "consultations_staff:budget:project_propose", args=["norrkoping", budget.pk, winner.pk]
    )
    response = client.post(url)
    _assert_outcome(response, EDITOR_POST[role])
    allowed = EDITOR_POST[role] == 302
    assert ProposedInitiative.objects.exists() is allowed
    if allowed:
        page = client.get(
            reverse("consultations_staff:budget:budget", args=["norrkoping", budget.pk])
        )
        content = page.content.decode()
        assert "Proposed as an initiative" in content and url not in content
        assert "Legeplads &lt;b&gt;ved søen&lt;/b&gt;" in content
