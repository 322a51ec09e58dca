"""Benchmark: the keyword curation workbench at issue 9's size (not part of the test suite).

    createdb -h 127.0.0.1 -U postgres vp_workbench_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vp_workbench_bench \\
        .venv/bin/python tests/benchmarks/workbench.py build     # migrate + fill, once
    DATABASE_URL=... .venv/bin/python tests/benchmarks/workbench.py         # measure

Times each workbench page and action with the Django test client against the filled
database (warm: one request first, then the median of 5), and prints milliseconds,
queries and bytes. Row actions run inside a transaction that is rolled back, so the data
set stays as built.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = 5


class Rollback(Exception):
    pass


def timed(client, method, url, data=None, headers=None, *, rollback=False):
    """(median ms, median CPU ms of this process, median SQL ms, queries, bytes, status) of
    RUNS requests after one warm-up. On a shared machine wall time includes waiting for
    a core; CPU ms is this process's own work (Python and rendering) and SQL ms the
    database's answers as the client waited for them."""
    samples, cpu, sql, queries, size, status = [], [], [], 0, 0, 0
    for i in range(RUNS + 1):
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as captured:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = getattr(client, method)(url, data or {}, headers=headers or {})
                    elapsed = (time.perf_counter() - start) * 1000
                    elapsed_cpu = (time.process_time() - start_cpu) * 1000
                if rollback:
                    raise Rollback
        except Rollback:
            pass
        if i:
            samples.append(elapsed)
            cpu.append(elapsed_cpu)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        queries, size, status = len(captured), len(response.content), response.status_code
    median = statistics.median
    return median(samples), median(cpu), median(sql), queries, size, status


def build():
    from tests.benchmarks.scale_data import build as fill

    call_command("migrate", verbosity=0)
    data = fill()
    print(f"built consultation {data.consultation.pk} in {data.seconds:.0f} s")


def measure():
    from consultations.models import Consultation
    from keywords.models import Keyword, KeywordAction, KeywordMention
    from visionportal.models import User

    consultation = Consultation.objects.filter(process__municipality__slug="skalby").get()
    staff = User.objects.get(email="staff@scale.test")
    client = Client()
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    slug, pk = "skalby", consultation.pk
    workbench = reverse("keywords:list", args=[slug, pk])
    largest = Keyword.objects.filter(consultation=consultation).order_by("-respondents").first()
    with_merged = (
        Keyword.objects.filter(consultation=consultation, merged_keywords__isnull=False)
        .order_by("-respondents")
        .first()
    )
    row = (
        Keyword.objects.filter(consultation=consultation, status="candidate")
        .order_by("-respondents")[20:21]
        .get()
    )
    print(
        f"{Keyword.objects.filter(consultation=consultation).count()} keywords, "
        f"{KeywordMention.objects.filter(keyword__consultation=consultation).count()} mentions, "
        f"{KeywordAction.objects.filter(consultation=consultation).count()} actions; "
        f"largest keyword {largest.label!r}: {largest.respondents} respondents"
    )
    strike = reverse("keywords:strike", args=[slug, pk, row.pk])
    strike_data = {"version": row.version, "reason": "Benchmark"}
    cases = [
        ("workbench, default", "get", workbench, None, None),
        ("workbench, order by label", "get", workbench, {"order": "label"}, None),
        ("workbench, question filter", "get", workbench, {"question_kind": "miss"}, None),
        ("workbench, channel filter", "get", workbench, {"channel": "workshop"}, None),
        ("workbench, age band filter", "get", workbench, {"age_band": "65-79"}, None),
        ("workbench, target group filter", "get", workbench, {"target_group": "older"}, None),
        (
            "workbench, channel+age+question",
            "get",
            workbench,
            {"channel": "online", "age_band": "25-44", "question_kind": "keep"},
            None,
        ),
        ("workbench, status struck", "get", workbench, {"status": "struck"}, None),
        ("workbench, search 'park'", "get", workbench, {"search": "park"}, None),
        ("workbench, search 'kulturgå'", "get", workbench, {"search": "kulturgå"}, None),
        ("workbench, search htmx partial", "get", workbench, {"search": "park"},
         {"HX-Request": "true", "HX-Target": "keyword-table"}),
        ("workbench, page 50", "get", workbench, {"page": 50}, None),
        ("workbench, page 50 by label", "get", workbench, {"page": 50, "order": "label"}, None),
        ("answers of the largest keyword", "get",
         reverse("keywords:answers", args=[slug, pk, largest.pk]), None, None),
        ("answers of the largest, page 100", "get",
         reverse("keywords:answers", args=[slug, pk, largest.pk]), {"page": 100}, None),
        ("answers, largest with merged ones", "get",
         reverse("keywords:answers", args=[slug, pk, with_merged.pk]), None, None),
        ("history", "get", reverse("keywords:history", args=[slug, pk]), None, None),
        ("history, page 50", "get", reverse("keywords:history", args=[slug, pk]),
         {"page": 50}, None),
    ]  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    head = f"{'page':36} {'ms':>7} {'cpu ms':>7} {'sql ms':>7} {'queries':>7} {'bytes':>8}"
    print(head + " status")

    def show(name, ms, cpu, sql, queries, size, status):
        print(f"{name:36} {ms:7.1f} {cpu:7.1f} {sql:7.1f} {queries:7} {size:8} {status}")

    for name, method, url, data, headers in cases:
        show(name, *timed(client, method, url, data, headers))
    for name, headers in (("strike, htmx row", {"HX-Request": "true"}), ("strike, no JS", None)):
        show(name, *timed(client, "post", strike, strike_data, headers, rollback=True))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        build()
    else:
        from django.test import override_settings

        # No collectstatic into the repository: static URLs without the manifest.
        storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        with override_settings(STORAGES={**django.conf.settings.STORAGES, "staticfiles": storage}):
            measure()
