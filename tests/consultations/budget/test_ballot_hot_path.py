"""The ballot submit is the budget's hot path: a bounded number of queries."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.budget import services
from consultations.budget.models import VotingCode
from tests.conftest import rows_read, running_phase
from visionportal.models import PhaseKind

from .factories import make_budget, on_ballot

MAX_QUERIES = 15


@pytest.fixture
def budget(process):
    running_phase(process, PhaseKind.BUDGET_VOTE)
    return make_budget(process)


def test_casting_a_ballot_takes_a_bounded_number_of_queries(client, budget):
    district = budget.districts.first()
    chosen = [on_ballot(budget, district, f"P{i}", 10_000).pk for i in range(3)]
    code = services.voting_codes_generate(district=district, count=1, by=None)[0]
    args = [budget.process.municipality.slug, budget.process.slug]
    client.post(reverse("consultations:budget:vote_identify", args=args), {"code": code})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("consultations:budget:ballot_cast", args=args),
            {"idempotency_key": str(uuid.uuid4()), "proposals": chosen},
        )
    assert response.status_code == 302
    assert len(queries) <= MAX_QUERIES, "\n".join(q["sql"][:150] for q in queries)


def test_a_ballot_reads_its_code_alone_though_the_statistics_predate_the_districts_codes(
    client, budget
):
    if connection.vendor != "postgresql":
        pytest.skip("per-transaction table statistics are PostgreSQL's")
    first, district = budget.districts.all()[:2]
    services.voting_codes_generate(district=first, count=3000, by=None)
    with connection.cursor() as cursor:
        # Statistics taken before this district's codes were printed.
        cursor.execute(f"ANALYZE {VotingCode._meta.db_table}")
    codes = services.voting_codes_generate(district=district, count=300, by=None)
    chosen = [on_ballot(budget, district, "P1", 10_000).pk]
    args = [budget.process.municipality.slug, budget.process.slug]
    client.post(reverse("consultations:budget:vote_identify", args=args), {"code": codes[150]})
    before = rows_read(VotingCode)
    response = client.post(
        reverse("consultations:budget:ballot_cast", args=args),
        {"idempotency_key": str(uuid.uuid4()), "proposals": chosen},
    )
    # With the district's index it compared all 300 of the district's codes.
    assert rows_read(VotingCode) - before <= 3
    assert response.status_code == 302
    assert VotingCode.objects.filter(district=district, used=True).count() == 1
