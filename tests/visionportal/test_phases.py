"""visionportal.phases: what a process's phases allow on a given day (the one predicate
every gate asks), and the reason given when they do not. Exact oracles on real phases."""

import datetime

import pytest
from django.utils import timezone

from visionportal.models import Phase, PhaseKind, VisionProcess
from visionportal.phases import PHASE_CAPABILITIES, Capability, process_allows, refusal_reason

d = datetime.date


@pytest.fixture
def bare(norrkoping):
    return VisionProcess.objects.create(municipality=norrkoping, title="Utan faser", slug="bare")


def _phase(process, kind, starts_on, ends_on, name=""):
    return Phase.objects.create(
        process=process, kind=kind, name=name or kind, starts_on=starts_on, ends_on=ends_on
    )


def test_a_process_without_phases_allows_everything(bare):
    assert all(process_allows(bare, capability) for capability in Capability)


def test_answering_only_while_an_answering_phase_runs_both_boundary_days_included(process):
    # The fixture's timeline: asking residents 1 April – 30 June 2015, sorting from August.
    allows = [
        process_allows(process, Capability.ANSWER, at=day)
        for day in (d(2015, 3, 31), d(2015, 4, 1), d(2015, 6, 30), d(2015, 7, 1))
    ]
    assert allows == [False, True, True, False]


def test_co_creating_ideas_takes_answers_too(bare):
    _phase(bare, PhaseKind.AWARENESS, d(2024, 3, 13), d(2027, 12, 31))
    _phase(bare, PhaseKind.CO_CREATION, d(2024, 5, 29), d(2030, 12, 31))
    assert not process_allows(bare, Capability.ANSWER, at=d(2024, 5, 1))
    assert process_allows(bare, Capability.ANSWER, at=d(2024, 6, 1))


def test_every_phase_that_takes_answers_lets_staff_curate_their_keywords(bare):
    # Ishøj: residents answer while ideas are co-created; their keywords need curating.
    _phase(bare, PhaseKind.CO_CREATION, d(2024, 5, 29), d(2030, 12, 31))
    assert not process_allows(bare, Capability.CURATE_KEYWORDS, at=d(2024, 5, 28))
    assert process_allows(bare, Capability.CURATE_KEYWORDS, at=d(2024, 6, 1))
    assert process_allows(bare, Capability.CURATE_KEYWORDS, at=d(2031, 1, 1))


def test_an_aware_datetime_is_taken_on_its_local_day(process):
    tz = timezone.get_current_timezone()
    last_evening = datetime.datetime(2015, 6, 30, 23, 30, tzinfo=tz)
    assert process_allows(process, Capability.ANSWER, at=last_evening)
    assert not process_allows(process, Capability.ANSWER, at=last_evening.replace(day=1, month=7))


def test_a_councillors_round_only_while_its_phase_runs(process):
    _phase(process, PhaseKind.COUNCILLOR_ROUND, d(2015, 7, 1), d(2015, 7, 31))
    allows = [
        process_allows(process, Capability.COUNCILLOR_ROUND, at=day)
        for day in (d(2015, 6, 30), d(2015, 7, 1), d(2015, 7, 31), d(2015, 8, 1))
    ]
    assert allows == [False, True, True, False]


def test_curation_from_the_start_of_its_phase_onwards(process):
    allows = [
        process_allows(process, Capability.CURATE_KEYWORDS, at=day)
        for day in (d(2015, 3, 31), d(2015, 4, 1), d(2015, 7, 15), d(2035, 1, 1))
    ]
    assert allows == [False, True, True, True]


def test_no_curation_in_a_process_without_a_phase_for_it(bare):
    _phase(bare, PhaseKind.AWARENESS, d(2024, 3, 13), d(2027, 12, 31))
    assert not process_allows(bare, Capability.CURATE_KEYWORDS, at=d(2025, 1, 1))


def test_the_reason_names_the_phase_that_would_allow_it(process, bare):
    _phase(process, PhaseKind.COUNCILLOR_ROUND, d(2015, 7, 1), d(2015, 7, 31), "Politikerna")
    assert refusal_reason(process, Capability.COUNCILLOR_ROUND, at=d(2015, 5, 1)) == (
        "That is possible during the phase “Politikerna”, from 1 July 2015."
    )
    assert refusal_reason(process, Capability.COUNCILLOR_ROUND, at=d(2015, 9, 1)) == (
        "That was possible during the phase “Politikerna”, which ended on 31 July 2015."
    )
    _phase(bare, PhaseKind.PLANNING, d(2026, 1, 1), d(2026, 2, 1))
    assert refusal_reason(bare, Capability.CURATE_KEYWORDS) == (
        "The process has no phase for that. Add a phase of the kind “Asking residents”, "
        "“Keyword curation”, “Co-creating ideas” or “Budget: evaluation” to its timeline."
    )


def test_a_participatory_budgets_phases_gate_proposing_voting_and_results(norrkoping):
    """Seed 004: propose (and support) in one phase, vote in another, results public from
    the building phase on and for good."""
    budget = VisionProcess.objects.create(municipality=norrkoping, title="PB", slug="pb")
    _phase(budget, PhaseKind.BUDGET_PROPOSALS, d(2013, 5, 6), d(2013, 5, 26))
    _phase(budget, PhaseKind.BUDGET_VOTE, d(2013, 6, 10), d(2013, 6, 28))
    _phase(budget, PhaseKind.BUDGET_BUILD, d(2013, 8, 15), d(2013, 10, 31))
    assert process_allows(budget, Capability.PROPOSE_BUDGET_PROJECTS, at=d(2013, 5, 10))
    assert process_allows(budget, Capability.SUPPORT_BUDGET_PROJECTS, at=d(2013, 5, 10))
    assert not process_allows(budget, Capability.VOTE_BUDGET, at=d(2013, 5, 10))
    assert not process_allows(budget, Capability.PROPOSE_BUDGET_PROJECTS, at=d(2013, 6, 12))
    assert process_allows(budget, Capability.VOTE_BUDGET, at=d(2013, 6, 28))
    assert not process_allows(budget, Capability.SEE_BUDGET_RESULTS, at=d(2013, 6, 28))
    assert process_allows(budget, Capability.SEE_BUDGET_RESULTS, at=d(2013, 8, 15))
    assert process_allows(budget, Capability.SEE_BUDGET_RESULTS, at=d(2020, 1, 1))


def test_a_budgets_celebration_lasts_and_its_evaluation_runs_only_in_its_phase(norrkoping):
    """Seed 004: the celebration post is public from the celebration phase on, for good;
    the evaluation survey is offered while the evaluation phase runs."""
    budget = VisionProcess.objects.create(municipality=norrkoping, title="PB", slug="pb")
    _phase(budget, PhaseKind.BUDGET_BUILD, d(2013, 8, 15), d(2013, 10, 31))
    _phase(budget, PhaseKind.BUDGET_CELEBRATE, d(2013, 11, 1), d(2013, 11, 15))
    _phase(budget, PhaseKind.BUDGET_EVALUATE, d(2013, 11, 16), d(2013, 12, 20))
    assert not process_allows(budget, Capability.SEE_BUDGET_CELEBRATION, at=d(2013, 10, 31))
    assert process_allows(budget, Capability.SEE_BUDGET_CELEBRATION, at=d(2013, 11, 1))
    assert process_allows(budget, Capability.SEE_BUDGET_CELEBRATION, at=d(2020, 1, 1))
    assert not process_allows(budget, Capability.EVALUATE_BUDGET, at=d(2013, 11, 15))
    assert process_allows(budget, Capability.EVALUATE_BUDGET, at=d(2013, 12, 20))
    assert not process_allows(budget, Capability.EVALUATE_BUDGET, at=d(2013, 12, 21))


def test_every_phase_kind_has_its_capabilities():
    assert set(PHASE_CAPABILITIES) == set(PhaseKind.values)
