"""Ballot rules: overspending refused, districts separate, codes single use (also under
concurrent use), double submits idempotent, and no link between voter and ballot."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from consultations.budget import services
from consultations.budget.models import Ballot, BallotChoice, VoterRecord, VotingCode
from tests.conftest import running_phase
from visionportal.models import PhaseKind

from .factories import make_budget, on_ballot


@pytest.fixture
def budget(process):
    running_phase(process, PhaseKind.BUDGET_VOTE)
    return make_budget(process)


@pytest.fixture
def skovlunde(budget):
    return budget.districts.get(name="Skovlunde")


def _identity(budget, district, by=None):
    code = services.voting_codes_generate(district=district, count=1, by=by)[0]
    return code, services.voter_identify_by_code(budget=budget, code=code)


def test_overspending_is_refused_and_nothing_is_stored(budget, skovlunde):
    a = on_ballot(budget, skovlunde, "Legeplads", 200_000)
    b = on_ballot(budget, skovlunde, "Bænke", 60_000)
    _code, identity = _identity(budget, skovlunde)
    with pytest.raises(ValidationError, match="more than the district"):
        services.ballot_cast(
            budget=budget, identity=identity, form_key=uuid.uuid4(), proposal_ids=[a.pk, b.pk]
        )
    assert not Ballot.objects.exists()
    assert not VoterRecord.objects.exists()
    assert not VotingCode.objects.filter(used=True).exists()


def test_a_ballot_within_the_share_is_counted_once(budget, skovlunde):
    a = on_ballot(budget, skovlunde, "Legeplads", 200_000)
    b = on_ballot(budget, skovlunde, "Bænke", 50_000)
    _code, identity = _identity(budget, skovlunde)
    key = uuid.uuid4()
    outcome = services.ballot_cast(
        budget=budget, identity=identity, form_key=key, proposal_ids=[a.pk, b.pk]
    )
    assert outcome == services.BallotOutcome.CAST
    # The same form again (a double click, a retry): the receipt, not a second ballot.
    again = services.ballot_cast(
        budget=budget, identity=identity, form_key=key, proposal_ids=[a.pk, b.pk]
    )
    assert again == services.BallotOutcome.ALREADY_CAST
    assert Ballot.objects.count() == 1
    assert BallotChoice.objects.count() == 2
    # Another form with the same code: refused.
    with pytest.raises(ValidationError, match="already voted"):
        services.ballot_cast(
            budget=budget, identity=identity, form_key=uuid.uuid4(), proposal_ids=[a.pk]
        )
    with pytest.raises(ValidationError, match="already been used"):
        services.voter_identify_by_code(budget=budget, code=_code)


def test_districts_are_separate(budget, skovlunde):
    maalov = budget.districts.get(name="Måløv")
    theirs = on_ballot(budget, maalov, "Sø", 10_000)
    on_ballot(budget, skovlunde, "Bænke", 10_000)
    _code, identity = _identity(budget, skovlunde)
    with pytest.raises(ValidationError, match="your district"):
        services.ballot_cast(
            budget=budget, identity=identity, form_key=uuid.uuid4(), proposal_ids=[theirs.pk]
        )
    # Each district's share is its own: 250,000 in Skovlunde, whatever Måløv spends.
    big = on_ballot(budget, skovlunde, "Stort anlæg", 250_000)
    services.ballot_cast(
        budget=budget, identity=identity, form_key=uuid.uuid4(), proposal_ids=[big.pk]
    )
    assert Ballot.objects.get().district == skovlunde


def test_hidden_or_unassessed_proposals_are_not_on_the_ballot(budget, skovlunde, staff):
    from .factories import propose

    waiting = propose(budget, skovlunde, "Ikke vurderet", 1000)
    hidden = on_ballot(budget, skovlunde, "Skjult", 1000)
    services.proposal_hide(proposal=hidden, by=staff, reason="Spam")
    _code, identity = _identity(budget, skovlunde)
    for pk in (waiting.pk, hidden.pk):
        with pytest.raises(ValidationError):
            services.ballot_cast(
                budget=budget, identity=identity, form_key=uuid.uuid4(), proposal_ids=[pk]
            )


def test_codes_are_stored_only_as_keyed_hashes(budget, skovlunde):
    codes = services.voting_codes_generate(district=skovlunde, count=3, by=None)
    stored = set(VotingCode.objects.values_list("code_digest", flat=True))
    assert len(stored) == 3
    for code in codes:
        assert services.normalise_code(code) not in "".join(stored)
        assert services.code_digest(code.lower().replace("-", " ")) in stored


def test_ballots_carry_nothing_that_links_them_to_a_voter(budget, skovlunde):
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "district", "choices"}
    voter_fields = {f.name for f in VoterRecord._meta.get_fields()}
    assert voter_fields == {"id", "budget", "district", "voter_digest", "form_digest"}


def test_voting_outside_the_vote_phase_is_refused(process):
    running_phase(process, PhaseKind.BUDGET_PROPOSALS)
    budget = make_budget(process)
    district = budget.districts.first()
    p = on_ballot(budget, district, "Bænke", 1000)
    _code, identity = _identity(budget, district)
    with pytest.raises(ValidationError, match="phase"):
        services.ballot_cast(
            budget=budget, identity=identity, form_key=uuid.uuid4(), proposal_ids=[p.pk]
        )


@pytest.mark.django_db(transaction=True)
def test_one_code_used_at_once_from_two_devices_counts_once(process):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    running_phase(process, PhaseKind.BUDGET_VOTE)
    budget = make_budget(process)
    district = budget.districts.first()
    p = on_ballot(budget, district, "Bænke", 1000)
    code = services.voting_codes_generate(district=district, count=1, by=None)[0]
    identity = services.voter_identify_by_code(budget=budget, code=code)
    barrier = threading.Barrier(4)
    outcomes = []

    def vote():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes.append(
                services.ballot_cast(
                    budget=budget, identity=identity, form_key=uuid.uuid4(), proposal_ids=[p.pk]
                )
            )
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=vote) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["cast", "refused", "refused", "refused"]
    assert Ballot.objects.count() == 1
    assert VoterRecord.objects.count() == 1


def test_ballot_page_without_javascript_refuses_overspending_and_shows_money_left(
    client, budget, skovlunde
):
    a = on_ballot(budget, skovlunde, "Legeplads", 200_000)
    b = on_ballot(budget, skovlunde, "Bænke", 60_000)
    code = services.voting_codes_generate(district=skovlunde, count=1, by=None)[0]
    args = [budget.process.municipality.slug, budget.process.slug]
    client.cookies["django_language"] = "en"
    response = client.post(reverse("consultations:budget:vote_identify", args=args), {"code": code})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Money left: 250,000 DKK" in page.content.decode()
    form_key = str(uuid.uuid4())
    cast = reverse("consultations:budget:ballot_cast", args=args)
    refused = client.post(cast, {"idempotency_key": form_key, "proposals": [a.pk, b.pk]})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Over the budget by 10,000 DKK" in body
    assert "Remove a project" in body
    assert not Ballot.objects.exists()
    done = client.post(cast, {"idempotency_key": form_key, "proposals": [a.pk]})
    assert done.status_code == 302
    # The double submit of the same form lands on the same receipt.
    again = client.post(cast, {"idempotency_key": form_key, "proposals": [a.pk]})
    assert again.status_code == 302
    assert again["Location"] == done["Location"]
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_staff", 404),
        ("councillor", 403),
        ("moderator", 403),
        ("staff", 200),
        ("admin_user", 200),
    ],
)
def test_paper_ballots_are_entered_by_editors_of_that_municipality(
    client, request, budget, skovlunde, role, expected
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(
        "consultations_staff:budget:paper_ballot", args=["norrkoping", budget.pk, skovlunde.pk]
    )
    assert client.get(url).status_code == expected


def test_staff_enter_a_paper_ballot_with_its_code_once(client, staff, budget, skovlunde):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    a = on_ballot(budget, skovlunde, "Legeplads", 200_000)
    b = on_ballot(budget, skovlunde, "Bænke", 60_000)
    code = services.voting_codes_generate(district=skovlunde, count=1, by=None)[0]
    maalov = budget.districts.get(name="Måløv")
    other = services.voting_codes_generate(district=maalov, count=1, by=None)[0]
    url = reverse(
        "consultations_staff:budget:paper_ballot", args=["norrkoping", budget.pk, skovlunde.pk]
    )
    wrong = client.post(
        url, {"code": other, "idempotency_key": str(uuid.uuid4()), "proposals": [a.pk]}
    )
    assert "belongs to another district" in wrong.content.decode()
    over = client.post(
        url, {"code": code, "idempotency_key": str(uuid.uuid4()), "proposals": [a.pk, b.pk]}
    )
    assert "Remove a project" in over.content.decode()
    assert (
        client.post(
            url, {"code": code, "idempotency_key": str(uuid.uuid4()), "proposals": [a.pk]}
        ).status_code
        == 302
    )
    again = client.post(
        url, {"code": code, "idempotency_key": str(uuid.uuid4()), "proposals": [a.pk]}
    )
    assert "already been used" in again.content.decode()
    assert Ballot.objects.count() == 1
