"""Proposals, supports, moderation, assessment and results, through the residents' and
staff pages; the role × municipality matrix of the staff pages."""

import uuid

import pytest
from django.urls import reverse

from consultations.budget import services
from consultations.budget.models import BudgetProposal, BudgetResult, ProposalStatus, Support
from tests.conftest import running_phase
from visionportal.models import PhaseKind

from .factories import make_budget, on_ballot, propose

ROLES = [
    "anonymous",
    "outsider",
    "other_staff",
    "councillor",
    "moderator",
    "staff_without_mfa",
    "staff",
    "admin_user",
]
LOGIN, MFA = "login", "mfa"
EDITOR = {
    "anonymous": LOGIN,
    "outsider": 404,
    "other_staff": 404,
    "councillor": 403,
    "moderator": 403,
    "staff_without_mfa": MFA,
    "staff": 200,
    "admin_user": 200,
}
MODERATION = {**EDITOR, "moderator": 200}
MODERATION_POST = {**MODERATION, "moderator": 302, "staff": 302, "admin_user": 302}
EDITOR_POST = {**EDITOR, "staff": 302, "admin_user": 302}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # The proposal limit counts in the cache: each test starts with its own, empty one.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        }
    }


@pytest.fixture
def budget(process):
    running_phase(process, PhaseKind.BUDGET_PROPOSALS)
    return make_budget(process)


def _args(budget):
    return [budget.process.municipality.slug, budget.process.slug]


def _form(budget, **extra):
    district = budget.districts.first()
    return {
        "idempotency_key": str(uuid.uuid4()),
        "title": "Bænke i parken",
        "description": "Flere bænke.",
        "district": district.pk,
        "place": district.places.first().pk,
        "estimated_cost": "40000",
        **extra,
    }


def test_a_resident_proposes_without_an_account_and_a_double_submit_stores_one(client, budget):
    url = reverse("consultations:budget:proposal_submit", args=_args(budget))
    data = _form(budget)
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert BudgetProposal.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"title": "   "}, "Give your proposal a title."),
        ({"description": "x" * 3001}, "at most 3,000 characters"),
        ({"estimated_cost": "0"}, "above zero"),
        ({"estimated_cost": "12.000,50"}, "whole number"),
        ({"estimated_cost": "300000"}, "cannot cost more"),
        ({"district": "999999"}, "budget’s districts"),
        ({"description": "før\x00efter"}, "Null characters are not allowed"),
    ],
)
def test_bad_proposals_get_a_clear_error(client, budget, extra, message):
    client.cookies["django_language"] = "en"
    url = reverse("consultations:budget:proposal_submit", args=_args(budget))
    response = client.post(url, _form(budget, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BudgetProposal.objects.exists()


def test_a_place_of_another_district_is_refused(client, budget):
    other = budget.districts.last().places.first()
    client.cookies["django_language"] = "en"
    url = reverse("consultations:budget:proposal_submit", args=_args(budget))
    response = client.post(url, _form(budget, place=other.pk))
    assert "Choose a place in the district you chose." in response.content.decode()


def test_hostile_text_is_shown_as_text(client, budget):
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> مرحبا 🎉"
    url = reverse("consultations:budget:proposal_submit", args=_args(budget))
    response = client.post(
        url, _form(budget, title=hostile[:120], description=hostile), follow=True
    )
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "مرحبا 🎉" in body
    listing = client.get(reverse("consultations:budget:proposals", args=_args(budget)))
    assert "<img src=x" not in listing.content.decode()


def test_proposing_is_refused_outside_its_phase(client, process):
    running_phase(process, PhaseKind.BUDGET_VOTE)
    budget = make_budget(process)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultations:budget:proposal_new", args=_args(budget)))
    assert "Budget: residents propose projects" in page.content.decode()
    response = client.post(
        reverse("consultations:budget:proposal_submit", args=_args(budget)), _form(budget)
    )
    assert response.status_code == 200
    assert not BudgetProposal.objects.exists()


def test_proposals_are_limited_per_connection(client, budget):
    url = reverse("consultations:budget:proposal_submit", args=_args(budget))
    for _i in range(10):
        assert client.post(url, _form(budget)).status_code == 302
    refused = client.post(url, _form(budget))
    assert refused.status_code == 429
    assert BudgetProposal.objects.count() == 10


def test_the_list_filters_by_district_and_status_and_pages_in_sql(
    client, budget, django_assert_max_num_queries
):
    skovlunde, maalov = budget.districts.all()[:2]
    for i in range(25):
        propose(budget, skovlunde, f"Skovlunde {i}", 1000)
    propose(budget, maalov, "Måløv sø", 1000)
    on_ballot(budget, maalov, "Måløv bænke", 1000)
    url = reverse("consultations:budget:proposals", args=_args(budget))
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(8):
        page = client.get(url, {"district": skovlunde.pk})
    body = page.content.decode()
    assert "25 proposals" in body and "Måløv" not in body.split("<h1>")[1].split("</form>")[1]
    second = client.get(url, {"district": skovlunde.pk, "page": 2}).content.decode()
    assert "Skovlunde 0" in second
    feasible = client.get(url, {"status": ProposalStatus.FEASIBLE}).content.decode()
    assert "Måløv bænke" in feasible and "Måløv sø" not in feasible


def test_support_counts_once_per_device(client, budget):
    proposal = propose(budget, budget.districts.first())
    url = reverse("consultations:budget:support", args=[*_args(budget), proposal.pk])
    client.post(url)
    client.post(url)
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert Support.objects.count() == 1
    client.cookies.clear()
    client.post(url)
    proposal.refresh_from_db()
    assert proposal.support_count == 2


def test_hidden_proposals_disappear_for_residents(client, budget, staff):
    proposal = propose(budget, budget.districts.first(), "Reklame")
    services.proposal_hide(proposal=proposal, by=staff, reason="Reklame for en butik")
    url = reverse("consultations:budget:proposal", args=[*_args(budget), proposal.pk])
    assert client.get(url).status_code == 404


def test_a_rejection_or_merge_needs_a_public_reason(budget, staff):
    from django.core.exceptions import ValidationError

    district = budget.districts.first()
    proposal = propose(budget, district)
    target = propose(budget, district, "Større park")
    common = {
        "proposal": proposal,
        "by": staff,
        "version": proposal.version,
        "legally_feasible": False,
        "economically_feasible": True,
        "cost_estimate": 10_000,
    }
    with pytest.raises(ValidationError):
        services.proposal_assess(**common, decision="rejected", public_reason=" ")
    with pytest.raises(ValidationError):
        services.proposal_assess(**common, decision="feasible")
    with pytest.raises(ValidationError):
        services.proposal_assess(**common, decision="merged", public_reason="Samme sted")
    services.proposal_assess(
        **common, decision="merged", public_reason="Samme sted", merged_into=target
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.MERGED
    # A second assessment from the version read before the first is refused.
    with pytest.raises(ValidationError, match="colleague"):
        services.proposal_assess(**common, decision="rejected", public_reason="Nej")


def test_district_shares_must_sum_to_the_amount(budget):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="add up to"):
        services.budget_districts_set(budget=budget, districts=[("A", 500_000), ("B", 400_000)])
    assert budget.districts.count() == 4


def test_results_are_computed_and_shown_side_by_side(client, process):
    running_phase(process, PhaseKind.BUDGET_BUILD)
    budget = make_budget(process)
    district = budget.districts.first()
    a = on_ballot(budget, district, "Legeplads", 150_000)
    b = on_ballot(budget, district, "Bænke", 100_000)
    c = on_ballot(budget, district, "Skaterbane", 100_000)
    from consultations.budget.models import Ballot, BallotChoice

    for chosen, times in (([a, b], 6), ([c], 4)):
        for _i in range(times):
            ballot = Ballot.objects.create(district=district)
            BallotChoice.objects.bulk_create(
                [BallotChoice(ballot=ballot, proposal=p) for p in chosen]
            )
    services.budget_results_compute(budget=budget)
    greedy = BudgetResult.objects.get(district=district, rule="greedy")
    mes = BudgetResult.objects.get(district=district, rule="mes")
    assert greedy.winners == [b.pk, a.pk]
    assert mes.winners == [b.pk, c.pk]
    assert greedy.ballots == 10
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultations:budget:results", args=_args(budget)))
    body = page.content.decode()
    assert "<svg" in body and "Skaterbane" in body and "10 ballots" in body


def _client_for(client, request, role):
    client.cookies["django_language"] = "en"
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _check(response, expected, label):
    if expected == LOGIN:
        ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif expected == MFA:
        ok = response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    else:
        ok = response.status_code == expected
    assert ok, f"{label}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_staff_budget_pages_enforce_role_and_municipality(client, request, budget, role):
    client = _client_for(client, request, role)
    proposal = propose(budget, budget.districts.first())
    slug = budget.process.municipality.slug
    base = [slug, budget.pk]
    gets = [
        (reverse("consultations_staff:budget:budget", args=base), MODERATION),
        (reverse("consultations_staff:budget:assess", args=[*base, proposal.pk]), EDITOR),
    ]
    for url, expected in gets:
        _check(client.get(url), expected[role], f"{role} GET {url}")
    hide = reverse("consultations_staff:budget:hide", args=[*base, proposal.pk])
    _check(client.post(hide, {"reason": "Spam"}), MODERATION_POST[role], f"{role} hide")
    proposal.refresh_from_db()
    assert (proposal.hidden_at is not None) is (MODERATION_POST[role] == 302)
    unhide = reverse("consultations_staff:budget:unhide", args=[*base, proposal.pk])
    _check(client.post(unhide), MODERATION_POST[role], f"{role} unhide")
    codes = reverse("consultations_staff:budget:codes", args=base)
    response = client.post(codes, {"district": budget.districts.first().pk, "count": 3})
    _check(response, {**EDITOR}[role], f"{role} codes")
    from consultations.budget.models import VotingCode

    assert VotingCode.objects.exists() is (EDITOR[role] == 200)
    compute = reverse("consultations_staff:budget:results_compute", args=base)
    _check(client.post(compute), EDITOR_POST[role], f"{role} compute")


@pytest.mark.parametrize("role", ROLES)
def test_setting_up_a_budget_is_for_editors_of_that_municipality(client, request, process, role):
    client = _client_for(client, request, role)
    url = reverse("consultations_staff:budget:create", args=["norrkoping", process.pk])
    _check(client.get(url), EDITOR[role], f"{role} GET setup")
    data = {
        "title": "Borgermillionen",
        "amount": "1000000",
        "currency": "DKK",
        "districts": (
            "Skovlunde: 250000\nMåløv: 250.000\nBallerup Nord: 250000\nBallerup Syd: 250000"
        ),
        "places": "Måløv: Måløv Sø",
    }
    _check(client.post(url, data), EDITOR_POST[role], f"{role} POST setup")
    from consultations.budget.models import ParticipatoryBudget, Place

    created = ParticipatoryBudget.objects.filter(process=process).first()
    assert (created is not None) is (EDITOR_POST[role] == 302)
    if created:
        assert created.districts.count() == 4
        assert Place.objects.get().district.name == "Måløv"


def test_a_setup_whose_shares_do_not_add_up_is_refused_with_the_reason(client, staff, process):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    url = reverse("consultations_staff:budget:create", args=["norrkoping", process.pk])
    response = client.post(
        url,
        {
            "title": "PB",
            "amount": "1000000",
            "currency": "DKK",
            "districts": "A: 600000\nB: 300000",
        },
    )
    assert response.status_code == 200
    assert "add up to 900,000, but the budget is 1,000,000" in response.content.decode()
    bad = client.post(
        url, {"title": "PB", "amount": "100", "currency": "DKK", "districts": "A 100"}
    )
    assert "Line 1: write a name, a colon and a value." in bad.content.decode()


def test_staff_of_another_municipality_cannot_reach_a_budget_by_its_id(client, other_staff, budget):
    client.force_login(other_staff)
    url = reverse("consultations_staff:budget:budget", args=["ishoj", budget.pk])
    assert client.get(url).status_code == 404


def test_the_process_page_leads_staff_to_the_budget(client, staff, process):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    url = reverse("workspace:process_edit", args=["norrkoping", process.pk])
    create = reverse("consultations_staff:budget:create", args=["norrkoping", process.pk])
    assert create in client.get(url).content.decode()
    budget = make_budget(process)
    page = client.get(url).content.decode()
    assert reverse("consultations_staff:budget:budget", args=["norrkoping", budget.pk]) in page
