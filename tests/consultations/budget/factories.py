"""A Ballerup-like budget on the test process: four districts, 1,000,000 DKK in all."""

import uuid

from consultations.budget import services
from consultations.budget.models import BudgetProposal, Decision, Place

DISTRICTS = [
    ("Skovlunde", 250_000),
    ("Måløv", 250_000),
    ("Ballerup Nord", 250_000),
    ("Ballerup Syd", 250_000),
]


def make_budget(process):
    budget = services.budget_create(
        process=process,
        title="Borgermillionen",
        amount=1_000_000,
        currency="DKK",
        criteria="Forskønnelse af kommunen.",
        districts=DISTRICTS,
    )
    for district in budget.districts.all():
        Place.objects.create(district=district, name=f"{district.name} bypark")
    return budget


def propose(budget, district, title="Bænke i parken", cost=50_000):
    """A proposal as if made during the proposals phase (whatever phase runs now)."""
    return BudgetProposal.objects.create(
        budget=budget,
        idempotency_key=uuid.uuid4(),
        district=district,
        title=title,
        description="Flere bænke langs stien.",
        estimated_cost=cost,
    )


def on_ballot(budget, district, title, cost, *, by=None):
    """A proposal assessed as feasible at `cost`."""
    proposal = propose(budget, district, title, cost)
    services.proposal_assess(
        proposal=proposal,
        by=by,
        version=proposal.version,
        legally_feasible=True,
        economically_feasible=True,
        cost_estimate=cost,
        decision=Decision.FEASIBLE,
    )
    proposal.refresh_from_db()
    return proposal
