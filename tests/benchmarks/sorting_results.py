"""Benchmark: sorting results at a million votes (not part of the test suite).

    createdb -h 127.0.0.1 -U postgres vp_sortresults_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vp_sortresults_bench SECRET_KEY=bench \\
        ALLOWED_HOSTS=testserver .venv/bin/python tests/benchmarks/sorting_results.py [VOTES]
    dropdb -h 127.0.0.1 -U postgres vp_sortresults_bench

Builds a round on a 200-keyword list with VOTES (default 1,000,000) votes from VOTES / 20
players (20 cards each; online, three kiosks; age band, area and, for one in five, target
groups; each keyword with its own appeal; one in ten never finished, so their votes carry
their device class only) and two workplace meetings, all with generate_series in the database.
``--reuse`` measures again on the round an earlier run left in the database. Then, in
the same run and on the same warm table:

- the plain ``SELECT item, choice, count(*) ... GROUP BY item, choice`` over the round's
  included votes (the baseline), median of 7;
- the fold of the votes' pending changes into the vote cells (the build's million at once;
  the beat folds each minute's), then the counting from the cells (as the task counts),
  and by scanning the votes instead (as on other databases), for comparison;
- the whole aggregation (every count, groups, weighting to age and area margins by raking,
  Wilson and Beta intervals, P(top 10) by 1,000 seeded draws, order-effect test and
  model, consensus / divisive with Benjamini–Hochberg) as the Celery task runs it, median
  of 7, with its database and Python parts, and the ratio to the baseline (target ≤ 1.5 ×),
  measured interleaved with the baseline, with the load average;
- the staff and public results pages with the Django test client: median of 5 warm
  requests (target < 300 ms).

``uptime`` is printed before and after: the machine is shared, so the load says how much
of the wall time was waiting for a core.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each step runs this many times, interleaved; medians (the machine may be shared).
ROUNDS = 7
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

import datetime  # noqa: E402

from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from consultations.services import consultation_create_default  # noqa: E402
from keywords.models import ItemOrigin, KeywordList, KeywordListItem  # noqa: E402
from keywords.sorting import aggregation  # noqa: E402
from keywords.sorting.models import (  # noqa: E402
    DevicePlaceKind,
    SortGroupCount,
    SortGroupSession,
    SortingDevice,
    SortingRound,
    SortingRoundItem,
    SortParticipant,
    SortVote,
)
from keywords.sorting.result_models import (  # noqa: E402
    SortResultSnapshot,
    SortVoteCell,
    SortVoteDelta,
)
from keywords.sorting.results import compute_results  # noqa: E402
from keywords.sorting.vote_cells import vote_cells_fold  # noqa: E402
from tests.benchmarks.sorting_data import AGES, AREAS, CARDS, insert_players_and_votes  # noqa: E402
from visionportal.models import (  # noqa: E402
    Country,
    Membership,
    Municipality,
    PopulationMargin,
    Role,
    User,
    VisionProcess,
)

ITEMS = 200


def uptime(label):
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607
    print(f"uptime {label}: {load}")


def build(votes: int):
    municipality = Municipality.objects.create(
        name="Norrköping", slug="norrkoping", country=Country.SWEDEN, default_language="sv"
    )
    process = VisionProcess.objects.create(
        municipality=municipality,
        title="Vision 2035",
        slug="vision-2035",
        target_year=2035,
        is_public=True,
    )
    now = timezone.now()
    consultation = consultation_create_default(
        process=process,
        opens_at=now - datetime.timedelta(days=90),
        closes_at=now - datetime.timedelta(days=60),
        language="sv",
    )
    keyword_list = KeywordList.objects.create(consultation=consultation, version=1)
    KeywordListItem.objects.bulk_create(
        KeywordListItem(
            keyword_list=keyword_list,
            label=f"nyckelord {i:03d}",
            origin=ItemOrigin.CURATED,
            position=i,
        )
        for i in range(1, ITEMS + 1)
    )
    round = SortingRound.objects.create(
        process=process,
        keyword_list=keyword_list,
        title="Sortera nyckelorden",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        opened_at=now - datetime.timedelta(days=30),
        closed_at=now - datetime.timedelta(days=1),
        kiosk_open=True,
        workplace_open=True,
    )
    SortingRoundItem.objects.bulk_create(
        SortingRoundItem(round=round, item=item) for item in keyword_list.items.all()
    )
    for group, population in zip(AGES, [14000, 38000, 36000, 22000, 8000], strict=True):
        PopulationMargin.objects.create(
            municipality=municipality, dimension="age_band", group=group, population=population
        )
    for group, population in zip(AREAS, [30000, 25000, 20000, 15000, 28000], strict=True):
        PopulationMargin.objects.create(
            municipality=municipality, dimension="area", group=group, population=population
        )
    devices = [
        SortingDevice.objects.create(round=round, name=name, place_kind=kind, token=f"bench-{i}").pk
        for i, (name, kind) in enumerate(
            [
                ("Stadsbiblioteket", DevicePlaceKind.LIBRARY),
                ("Hageby bibliotek", DevicePlaceKind.LIBRARY),
                ("Mirum Galleria", DevicePlaceKind.SHOPPING_CENTRE),
            ]
        )
    ]
    started = time.perf_counter()
    players = insert_players_and_votes(round, votes=votes, devices=devices, cards=CARDS)
    for name, people in (("Stadsbyggnadskontoret", 24), ("Räddningstjänsten", 15)):
        session = SortGroupSession.objects.create(round=round, name=name, participants=people)
        SortGroupCount.objects.bulk_create(
            SortGroupCount(
                session=session,
                item=item,
                want=people // 2,
                not_want=people // 3,
                skip=people - people // 2 - people // 3,
                position=position,
            )
            for position, item in enumerate(keyword_list.items.all()[:CARDS], start=1)
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"{SortVote.objects.count():,} votes from {players:,} players built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    staff = User.objects.create_user(email="staff@bench.test", password="x")
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    Membership.objects.create(user=staff, municipality=municipality, role=Role.STAFF)
    return round, staff


def median_of(runs, work):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def plain_group_by(round):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT item_id, choice, COUNT(*) FROM {SortVote._meta.db_table} "  # noqa: S608
            "WHERE round_id = %s AND NOT excluded GROUP BY item_id, choice",
            [round.pk],
        )
        return cursor.fetchall()


def main():
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    votes = int(numbers[0]) if numbers else 1_000_000
    uptime("before")
    # --reuse: measure again on the round an earlier run built (the build takes minutes).
    call_command("migrate", verbosity=0)
    existing = SortingRound.objects.filter(title="Sortera nyckelorden").first()
    if "--reuse" in sys.argv and existing is not None:
        round, staff = existing, User.objects.get(email="staff@bench.test")
    else:
        round, staff = build(votes)
    pending = SortVoteDelta.objects.count()
    started = time.perf_counter()
    vote_cells_fold()
    print(
        f"fold of {pending:,} pending vote changes into the cells: "
        f"{time.perf_counter() - started:.1f} s"
    )
    # As in production between the beat's folds, where autovacuum clears the folded rows
    # (this machine's PostgreSQL may run without it).
    with connection.cursor() as cursor:
        for table in (SortVoteDelta, SortVoteCell, SortParticipant):
            cursor.execute(f"VACUUM ANALYZE {table._meta.db_table}")
    plain_group_by(round)  # warm the cache
    counts = aggregation.round_counts(round)
    margins, area_groups = aggregation.population_inputs(round)

    def whole():
        snapshot = SortResultSnapshot.objects.create(round=round, steps_total=aggregation.STEPS)
        aggregation.result_snapshot_compute(snapshot_id=snapshot.pk)

    # Interleaved, so the baseline and the aggregation see the same load on the shared
    # machine: each round of measurements runs every step once.
    steps = {
        "plain GROUP BY item, choice": lambda: plain_group_by(round),
        "counting (vote cells, votes without a device class, players, meetings)": (
            lambda: aggregation.round_counts(round)
        ),
        "counting by scanning the votes instead (three parallel GROUP BYs)": (
            lambda: aggregation.round_counts(round, scan=True)
        ),
        "statistics in Python (ranking, draws, weighting, groups, order model)": (
            lambda: compute_results(counts, margins=margins, area_groups=area_groups)
        ),
        "whole aggregation as the task runs it": whole,
    }
    times = {name: [] for name in steps}
    loads = []
    for _ in range(ROUNDS):
        for name, work in steps.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
        loads.append(os.getloadavg()[0])
    medians = {name: statistics.median(t) for name, t in times.items()}
    baseline = medians["plain GROUP BY item, choice"]
    snapshot = aggregation.latest_snapshot(round)
    unprofiled = SortVote.objects.filter(round=round, device_class="").count()
    print(
        f"\nSnapshot: {snapshot.votes:,} votes ({unprofiled:,} without a device class), "
        f"{snapshot.participants:,} players, weighting {snapshot.data['weighting']}"
    )
    print(f"load average (1 min) during the rounds: {', '.join(f'{x:.2f}' for x in loads)}")
    print(f"\n| step | median of {ROUNDS} | × plain GROUP BY |")
    print("|---|---|---|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds * 1000:.0f} ms | {seconds / baseline:.2f} |")

    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(staff)
    slug, process = "norrkoping", round.process
    pages = [
        ("staff results", reverse("keywords:sorting_results", args=[slug, process.pk, round.pk])),
        (
            "staff results by age band",
            reverse("keywords:sorting_results", args=[slug, process.pk, round.pk]) + "?by=age_band",
        ),
        (
            "public results",
            reverse("keywords:sorting_results_public", args=[slug, process.slug, round.pk]),
        ),
        (
            "public results by area",
            reverse("keywords:sorting_results_public", args=[slug, process.slug, round.pk])
            + "?by=area",
        ),
        (
            "public CSV export",
            reverse(
                "keywords:sorting_results_public_export", args=[slug, process.slug, round.pk, "csv"]
            ),
        ),
    ]
    print("\n| page | median of 5 | bytes | status |")
    print("|---|---|---|---|")
    for name, url in pages:

        def get(url=url):
            response = client.get(url)
            if response.streaming:
                return b"".join(response.streaming_content), response.status_code
            return response.content, response.status_code

        get()
        median = median_of(5, get)
        body, status = get()
        print(f"| {name} | {median * 1000:.0f} ms | {len(body) / 1024:.0f} KB | {status} |")
    uptime("after")


if __name__ == "__main__":
    main()
