"""Benchmark: the councillors' round pages at size (not part of the test suite).

    createdb -h 127.0.0.1 -U postgres vp_round_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vp_round_bench SECRET_KEY=bench \\
        ALLOWED_HOSTS=testserver .venv/bin/python tests/benchmarks/round_pages.py [KEYWORDS]
    dropdb -h 127.0.0.1 -U postgres vp_round_bench

Builds a consultation with KEYWORDS (default 60,000) extracted keywords whose respondent
counts follow a long tail (bulk inserted with ``respondents`` set, as the tallies keep
it), opens a round on the threshold that gives about 300 of them, lets 10 councillors make
200 proposals, and times each round page with the Django test client: median of 5 warm
requests, queries and bytes. Round pages read the round's snapshot and the proposals,
never the mentions, so no answers are built.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Timed without collectstatic: the manifest storage would need its manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from consultations.services import consultation_create_default  # noqa: E402
from keywords.councillors import services  # noqa: E402
from keywords.models import Keyword, RoundKeyword  # noqa: E402
from visionportal.models import (  # noqa: E402
    Country,
    Membership,
    Municipality,
    Role,
    User,
    VisionProcess,
)

RUNS = 5
TARGET = 300


def build(n_keywords: int):
    call_command("migrate", verbosity=0)
    municipality = Municipality.objects.create(
        name="Norrköping", slug="norrkoping", country=Country.SWEDEN, default_language="sv"
    )
    process = VisionProcess.objects.create(
        municipality=municipality, title="Vision 2035", slug="vision-2035", target_year=2035
    )
    import datetime

    from django.utils import timezone

    now = timezone.now()
    consultation = consultation_create_default(
        process=process,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
        language="sv",
    )
    staff = User.objects.create_user(email="staff@bench.test", password="x")
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    Membership.objects.create(user=staff, municipality=municipality, role=Role.STAFF)
    councillors = []
    for i in range(10):
        user = User.objects.create_user(email=f"ledamot{i}@bench.test", password="x")
        Membership.objects.create(
            user=user, municipality=municipality, role=Role.COUNCILLOR, party=f"Parti {i % 4}"
        )
        councillors.append(user)
    # A long tail like extraction's: a few keywords many residents name, most named once.
    started = time.perf_counter()
    batch = []
    for rank in range(n_keywords):
        respondents = max(1, int(30000 / (rank + 1) ** 0.95))
        batch.append(
            Keyword(
                consultation=consultation,
                label=f"nyckelord {rank:05d}",
                base_form=f"nyckelord {rank:05d}",
                respondents=respondents,
                respondents_keep=respondents // 2,
                respondents_leave=respondents // 3,
                respondents_miss=respondents // 4 if rank % 3 else 0,
            )
        )
        if len(batch) == 5000:
            Keyword.objects.bulk_create(batch)
            batch = []
    Keyword.objects.bulk_create(batch)
    print(f"{n_keywords} keywords inserted in {time.perf_counter() - started:.1f} s")
    return consultation, staff, councillors


# On a shared machine wall time includes waiting for a core; the CPU time this process
# spends and the database's own time are printed too, so a busy neighbour shows.
CPU: list[float] = []
SQL: list[float] = []


def timed(client, method, url, data=None, follow=False):
    times, cpu = [], []
    for _ in range(RUNS + 1):  # the first warms caches and is not counted
        started, started_cpu = time.perf_counter(), time.process_time()
        response = getattr(client, method)(url, data or {}, follow=follow)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, follow=follow)
    CPU.append(statistics.median(cpu[1:]))
    SQL.append(sum(float(q["time"]) for q in queries.captured_queries))
    return statistics.median(times[1:]), len(queries), len(response.content), response


def row(name, median, queries, size, status):
    cpu = f"{CPU[-1] * 1000:.0f} ms" if CPU else "–"
    sql = f"{SQL[-1] * 1000:.0f} ms" if SQL else "–"
    print(
        f"| {name} | {median * 1000:.0f} ms | {cpu} | {sql} | {queries} | "
        f"{size / 1024:.1f} KB | {status} |"
    )
    CPU.clear()
    SQL.clear()


def main():
    n_keywords = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
    consultation, staff, councillors = build(n_keywords)
    slug = "norrkoping"

    # The round: refused on every uncurated keyword, then opened on a threshold near 300.
    try:
        services.round_open(consultation=consultation, by=staff)
    except services.RoundError as refused:
        print(f"Refused as expected: {refused.message}")
    threshold = (
        Keyword.objects.filter(consultation=consultation)
        .order_by("-respondents")
        .values_list("respondents", flat=True)[TARGET - 1]
    )
    started = time.perf_counter()
    round = services.round_open(
        consultation=consultation, by=staff, title="Runda 1", min_respondents=threshold
    )
    opened = time.perf_counter() - started
    listed = list(RoundKeyword.objects.filter(round=round).order_by("position"))
    print(f"Round opened on {len(listed)} keywords (>= {threshold}) in {opened * 1000:.0f} ms")

    # 200 proposals from 10 councillors: 15 strikes and 5 additions each, overlapping.
    for i, councillor in enumerate(councillors):
        for j in range(15):
            item = listed[(i * 7 + j * 3) % 120]
            services.proposal_strike(
                round=round, councillor=councillor, keyword=item.keyword, reason=f"Skäl {i}-{j}"
            )
        for j in range(5):
            services.proposal_add(
                round=round, councillor=councillor, label=f"Tillägg {(i + j) % 30}", reason="Saknas"
            )

    councillor = councillors[0]
    c = Client(HTTP_ACCEPT_LANGUAGE="sv")
    c.force_login(councillor)
    s = Client(HTTP_ACCEPT_LANGUAGE="sv")
    s.force_login(staff)
    mine = reverse("keywords:councillor_round", args=[slug, round.pk])
    staff_page = reverse("keywords:round_staff", args=[slug, consultation.pk])
    result = reverse("keywords:round_result", args=[slug, consultation.pk, round.pk])

    print("\n| page | median of 5 | CPU (this process) | SQL | queries | bytes | status |")
    print("|---|---|---|---|---|---|---|")
    for name, client, url, data in (
        ("councillor round page, first", c, mine, None),
        ("councillor round page, search", c, mine, {"q": "nyckelord 001"}),
        ("councillor round page, page 5", c, mine, {"page": 5}),
        ("councillor round page, struck by me", c, mine, {"struck": "mine"}),
        ("staff round page (round open)", s, staff_page, None),
        ("round result (open)", s, result, None),
    ):
        median, queries, size, response = timed(client, "get", url, data)
        row(name, median, queries, size, response.status_code)

    # A strike without JS from page 5 of a search: POST, redirect back to that state.
    free = [
        item
        for item in listed[200:]
        if not round.proposals.filter(keyword_id=item.keyword_id, councillor=councillor).exists()
    ]
    post_times, get_times = [], []
    for item in free[:RUNS]:
        url = reverse("keywords:councillor_strike", args=[slug, round.pk, item.keyword_id])
        started = time.perf_counter()
        response = c.post(f"{url}?page=5", {"reason": "För smalt"})
        post_times.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
        started = time.perf_counter()
        target = c.get(response["Location"])
        get_times.append(time.perf_counter() - started)
    item = free[RUNS]
    url = reverse("keywords:councillor_strike", args=[slug, round.pk, item.keyword_id])
    with CaptureQueriesContext(connection) as queries:
        response = c.post(f"{url}?page=5", {"reason": "För smalt"})
    with CaptureQueriesContext(connection) as target_queries:
        target = c.get(response["Location"])
    row("strike POST (no JS)", statistics.median(post_times), len(queries), 0, 302)
    row(
        f"  its redirect target {response['Location']}",
        statistics.median(get_times),
        len(target_queries),
        len(target.content),
        target.status_code,
    )

    services.round_close(round=round, by=staff)
    median, queries, size, response = timed(s, "get", result)
    row("round result (closed, publish form)", median, queries, size, response.status_code)

    # The staff page's count before opening a round (no JS and the htmx fragment).
    median, queries, size, response = timed(s, "get", staff_page, {"min_respondents": 50})
    row("staff round page, threshold count", median, queries, size, response.status_code)
    s.defaults["HTTP_HX_REQUEST"] = "true"
    median, queries, size, response = timed(
        s, "get", staff_page, {"min_respondents": 50, "partial": "choice"}
    )
    row("  its htmx fragment", median, queries, size, response.status_code)
    del s.defaults["HTTP_HX_REQUEST"]

    started = time.perf_counter()
    services.keyword_list_publish(
        consultation=consultation, round=round, accept=services.accept_all(round), by=staff
    )
    print(f"\nPublishing the round: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
