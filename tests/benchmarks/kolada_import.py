"""The Kolada import at seed 003's size: 70 key figures × 10 years × 3 municipalities
(Norberg 1962, Riket 0000 and the peer Norrköping 0581), from the local stub server.

Not a test: it prints numbers. It creates its own PostgreSQL database, builds an adopted
vision with 70 indicators on the first 70 current key figures of the recorded catalogue,
and times the import service (what the Celery task runs): the first import (inserts), and a
second one (every value updated in place, as the nightly refresh does). The stub serves the
recorded values where it has them and deterministic made-up ones for the rest (marked
`synthetic`: load only, never shown anywhere). The stub answers in-process, so the numbers
measure the client, batching and storing, not Kolada's own latency; the polite rate limit
is set to 0 here (production default 0.2 s between requests: add requests × 0.2 s).

    .venv/bin/python tests/benchmarks/kolada_import.py [--database NAME]
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="vp_bench_kolada_import")
    args = parser.parse_args()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    os.environ["DATABASE_URL"] = f"{PG}/{args.database}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}"')


def run(args):
    from django.conf import settings

    from indicators import services
    from indicators.kolada import KoladaClient
    from indicators.models import KoladaKpi, KoladaValue
    from tests.indicators.kolada_stub import CATALOGUE, KoladaStub
    from visionportal.models import Country, DecisionBody, DecisionOutcome, Municipality
    from visionportal.proposals.services import decision_record, proposal_save
    from visionportal.services import process_create

    settings.KOLADA_YEARS = 10
    norberg = Municipality.objects.create(
        name="Norberg",
        slug="norberg",
        country=Country.SWEDEN,
        default_language="sv",
        kolada_id="1962",
    )
    process = process_create(municipality=norberg, title="Tillsammans för Norberg 2030")
    proposal_save(process=process, title="T", text="<p>T</p>", by=None, expected_version=0)
    decision_record(
        process=process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2019, 12, 9),
        outcome=DecisionOutcome.ADOPTED,
        by=None,
    )
    services.catalogue_load_offline()
    area = services.area_create(process=process, title="Område")
    goal = services.goal_create(area=area, title="Mål")
    kpis = [k for k in CATALOGUE if k.startswith("N")][:70]
    for kpi in KoladaKpi.objects.filter(id__in=kpis):
        indicator = services.indicator_create(goal=goal, kpi=kpi, direction="increase")
        services.comparison_add(
            indicator=indicator, kind="peer", kolada_id="0581", title="Norrköping"
        )

    with KoladaStub(synthetic=True) as stub:

        def factory():
            return KoladaClient(base_url=stub.url, min_interval=0, backoff=0.1)

        for label in ("first import (inserts)", "second import (updates in place)"):
            run_row = process.kolada_imports.create()
            before = len(stub.requests)
            started = time.perf_counter()
            result = services.import_run_execute(run_row, client_factory=factory)
            elapsed = time.perf_counter() - started
            print(
                f"{label}: {elapsed:.2f} s, status {result.status}, "
                f"{result.processed}/{result.total} key figures, {result.values_stored} values, "
                f"{len(stub.requests) - before} requests"
            )
    print(f"values held: {KoladaValue.objects.count()} (70 × 10 years × 3 municipalities = 2100)")


if __name__ == "__main__":
    main()
