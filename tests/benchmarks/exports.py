"""Exports and the answers list's search at a large municipality's scale, on PostgreSQL.

Not a test: it prints numbers. It creates its own database, builds one consultation with
--responses responses (100,000 by default) of three answers each, the texts varied from the
keyword development sets (../shared/data/keywords-dev*.jsonl, relative to the repository),
then, each in a fresh child process so that one measurement's memory does not hide another's:

  - every export format (CSV, XLSX, JSON), three ways: "request", streamed through the
    export view with the in-request size limit lifted (what one request would cost; above
    the limit the product does not do this); "job", written by the background task's
    service (what the Celery worker does); "download", the finished job's file sent
    through its view. Each: wall and CPU seconds, first byte, peak RSS of the process and
    its growth over the process before the export, bytes, queries. Requests go through
    the whole request cycle (Django's test client, the body read chunk by chunk);
  - the staff answers list, plain, paged and searched (?q=), as a moderator: median and
    worst milliseconds over --repeat requests, median milliseconds waiting for the database
    and of the process's CPU, queries per request, page size, and the
    responses found (">" when a search's bounded count stopped).

    .venv/bin/python tests/benchmarks/exports.py [--responses 100000] [--repeat 7]
        [--parts exports list] [--database NAME --keep]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust). Drops its database at the end,
unless --keep: then a later run with the same --database reuses it (no build), which is
what profiling one change after another at size wants.
"""

import argparse
import json
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = Path(__file__).resolve().parent / "submit"  # bench_settings: no static manifest
PG = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DATA = ROOT.parent / "shared" / "data"
FORMATS = ("csv", "xlsx", "json")
# Searches a moderator might type: a common word, a rarer Swedish/Danish/Norwegian one, a
# partial word, a phrase, a short one matching most answers, a rare one, and one that finds
# nothing.
SEARCHES = ("park", "bibliotek", "cykel", "Grønne områder", "och", "tjärnbad", "zzyzx-ingenting")


def _texts(data_dir: Path) -> dict[str, list[str]]:
    by_question: dict[str, list[str]] = {"keep": [], "leave": [], "miss": []}
    for name in ("keywords-dev.jsonl", "keywords-dev2.jsonl"):
        with open(data_dir / name, encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                by_question.setdefault(item["question"], []).append(item["text"])
    return {kind: texts for kind, texts in by_question.items() if texts}


def child_setup(responses: int, data_dir: Path) -> dict:
    """Municipality, staff and moderator with MFA, one consultation, `responses` responses."""
    import datetime
    import uuid

    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from consultations.models import Answer, Channel, Response, ResponseTargetGroup
    from consultations.services import consultation_create_default
    from visionportal.models import Membership, Municipality, Role, VisionProcess

    rng = random.Random(2035)  # noqa: S311 (benchmark data, not secrets)
    texts = _texts(data_dir)
    every_text = [t for kind in texts.values() for t in kind]
    municipality = Municipality.objects.create(
        name="Storstad", slug="storstad", country="SE", default_language="sv"
    )
    users = {}
    for role in (Role.STAFF, Role.MODERATOR):
        user = get_user_model().objects.create_user(
            email=f"{role}@storstad.test", password=secrets.token_urlsafe(16)
        )
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
        Membership.objects.create(user=user, municipality=municipality, role=role)
        users[role] = user.pk
    process = VisionProcess.objects.create(
        municipality=municipality, title="Vision 2040", slug="vision-2040", is_public=True
    )
    now = timezone.now()
    consultation = consultation_create_default(
        process=process,
        opens_at=now - datetime.timedelta(days=90),
        closes_at=now + datetime.timedelta(days=1),
        language="sv",
    )
    questions = list(consultation.questions.all())
    channels = [Channel.ONLINE] * 17 + [Channel.INTERVIEW, Channel.FOCUS_GROUP, Channel.WORKSHOP]
    bands = ["", "16-24", "25-44", "45-64", "65-79", "80+"]
    areas = ["", "", "Innerstaden", "Hageby", "Skärblacka", "Eneby", "Krokek"]
    groups = ["young", "older", "student", "working", "new_in_country"]

    written = iter(range(10**9))

    def answer_text(kind: str) -> str:
        pool = texts.get(kind) or every_text
        parts = rng.sample(pool, rng.choice((1, 1, 2)))
        if next(written) % 7919 == 3:
            # A rare place name (about 40 answers in 300,000), without drawing from rng so
            # the rest of the data stays as it was.
            parts.append("Tjärnbadet")
        extra = rng.random()
        if extra < 0.01:
            parts.append("Mejla mig på namn.efternamn@example.se")
        elif extra < 0.02:
            parts.append("Ring 070-123 45 67")
        return " ".join(parts)

    started = time.perf_counter()
    batch = 10_000
    for offset in range(0, responses, batch):
        with transaction.atomic():
            created = Response.objects.bulk_create(
                Response(
                    consultation=consultation,
                    idempotency_key=uuid.uuid4(),
                    submitted_at=now - datetime.timedelta(seconds=rng.randrange(86400 * 80)),
                    channel=(channel := rng.choice(channels)),
                    group_label="Ungdomsrådet" if channel == Channel.FOCUS_GROUP else "",
                    participants=rng.randrange(3, 15) if channel == Channel.FOCUS_GROUP else None,
                    age_band=rng.choice(bands),
                    area=rng.choice(areas),
                    keywords_extracted_at=now,
                )
                for _ in range(min(batch, responses - offset))
            )
            Answer.objects.bulk_create(
                [
                    Answer(response=r, question=q, text=answer_text(q.kind))
                    for r in created
                    for q in questions
                ],
                batch_size=5000,
            )
            ResponseTargetGroup.objects.bulk_create(
                [
                    ResponseTargetGroup(response=r, group=group)
                    for r in created
                    if rng.random() < 0.3
                    for group in rng.sample(groups, rng.choice((1, 2)))
                ],
                batch_size=5000,
            )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "consultation": consultation.pk,
        "slug": municipality.slug,
        "users": users,
        "setup_s": time.perf_counter() - started,
    }


def child_existing() -> dict | None:
    """What child_setup returned, read back from a kept database (None if it has none)."""
    from consultations.models import Consultation
    from visionportal.models import Membership, Role

    consultation = Consultation.objects.filter(process__municipality__slug="storstad").first()
    if consultation is None:
        return None
    members = Membership.objects.filter(municipality__slug="storstad")
    return {
        "consultation": consultation.pk,
        "slug": "storstad",
        "users": {role: members.get(role=role).user_id for role in (Role.STAFF, Role.MODERATOR)},
        "setup_s": 0.0,
    }


def _client(user_pk: int):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_pk))
    return client


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_export(setup: dict, fmt: str, how: str) -> dict:
    """One export, measured. `how`: "request" streams it through the view with the size
    limit lifted (what a request would cost); "job" runs the background task's service;
    "download" sends a finished job's file through the view."""
    from django.db import connection
    from django.urls import reverse

    from consultations import export_jobs
    from consultations.models import Consultation, ExportJob

    client = _client(setup["users"]["staff"])
    args = [setup["slug"], setup["consultation"]]
    # Warm: imports, templates, the session, before the baseline is taken.
    client.get(reverse("consultations_staff:responses", args=args))
    job = None
    if how == "download":
        job = ExportJob.objects.create(consultation_id=setup["consultation"], format=fmt)
        export_jobs.export_job_run(job_id=job.pk)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = 0
    cpu = _cpu_s()
    started = time.perf_counter()
    first_byte = None
    queries = []

    def count(execute, sql, params, many, context):
        # Counted, not kept: CaptureQueriesContext would keep every statement, megabytes of
        # file chunks among them, and measure its own memory.
        queries.append(None)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        if how == "job":
            job = export_jobs.export_job_start(
                consultation=Consultation.objects.get(pk=setup["consultation"]),
                fmt=fmt,
                by=None,
            )
            job = export_jobs.export_job_run(job_id=job.pk)
            assert job.status == "done", job.status
            size = job.size
        else:
            if how == "request":
                export_jobs.EXPORT_IN_REQUEST_MAX_RESPONSES = 10**9
                url = reverse("consultations_staff:export", args=[*args, fmt])
            else:
                url = reverse("consultations_staff:export_job_download", args=[*args, job.pk])
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            for chunk in response.streaming_content:
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                size += len(chunk)
            response.close()
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "wall_s": elapsed,
        "cpu_s": _cpu_s() - cpu,
        "first_byte_s": first_byte,
        "peak_rss_mb": peak_kb / 1024,
        "growth_mb": (peak_kb - baseline_kb) / 1024,
        "bytes": size,
        "queries": len(queries),
    }


def child_list(setup: dict, repeat: int) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    # The test renderer records each response's context: the number of matches is read there.
    setup_test_environment()
    client = _client(setup["users"]["moderator"])
    url = reverse("consultations_staff:responses", args=[setup["slug"], setup["consultation"]])
    cases = [
        ("(no search)", {}),
        ("(no search) page 2", {"page": "2"}),
        # The deepest page the list reaches (a deeper number shows this one).
        ("(no search) page 200", {"page": "200"}),
        ("(no search) page 1000", {"page": "1000"}),
    ]
    cases += [(f"q={q}", {"q": q}) for q in SEARCHES]
    cases += [
        ("q=park page 10 (deepest)", {"q": "park", "page": "10"}),
        ("q=park & channel=interview", {"q": "park", "channel": "interview"}),
    ]
    results = []
    for label, params in cases:
        client.get(url, params)  # warm
        times, db_times, cpu_times, counts = [], [], [], set()
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                cpu = _cpu_s()
                started = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - started) * 1000)
                cpu_times.append((_cpu_s() - cpu) * 1000)
            assert response.status_code == 200, response.status_code
            counts.add(len(queries))
            db_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        context = response.context
        more = ">" if context.get("more") else ""
        results.append(
            {
                "case": label,
                "median_ms": statistics.median(times),
                "max_ms": max(times),
                # On a loaded machine the wall time swings; the time spent waiting for the
                # database and the CPU time of the request's own process swing less.
                "db_ms": statistics.median(db_times),
                "cpu_ms": statistics.median(cpu_times),
                "queries": "/".join(str(c) for c in sorted(counts)),
                "bytes": len(response.content),
                "found": f"{more}{context.get('count', context['page'].paginator.count)}",
            }
        )
    return results


def run_child(env: dict, *args: str, timeout: int = 1800) -> dict | list:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_exports(env: dict, setup: dict) -> None:
    print()
    print(
        f"{'export':<6} {'how':<9} {'wall s':>7} {'cpu s':>6} {'1st byte s':>10} "
        f"{'peak RSS MB':>11} {'growth MB':>9} {'MB out':>7} {'queries':>7}"
    )
    for fmt in FORMATS:
        for how in ("request", "job", "download"):
            r = run_child(env, "export", json.dumps(setup), fmt, how)
            first = "-" if r["first_byte_s"] is None else f"{r['first_byte_s']:.2f}"
            print(
                f"{fmt:<6} {how:<9} {r['wall_s']:7.1f} {r['cpu_s']:6.1f} {first:>10} "
                f"{r['peak_rss_mb']:11.0f} {r['growth_mb']:9.0f} "
                f"{r['bytes'] / 1e6:7.1f} {r['queries']:7d}"
            )


def print_list(env: dict, setup: dict, repeat: int) -> None:
    print()
    print(f"Answers list (moderator), {repeat} requests each:")
    print(
        f"{'case':<30} {'median ms':>9} {'max ms':>7} {'db ms':>6} {'cpu ms':>6} "
        f"{'queries':>7} {'KB':>6} {'found':>7}"
    )
    for r in run_child(env, "list", json.dumps(setup), str(repeat)):
        print(
            f"{r['case']:<30} {r['median_ms']:9.1f} {r['max_ms']:7.1f} {r['db_ms']:6.1f} "
            f"{r['cpu_ms']:6.1f} {r['queries']:>7} {r['bytes'] / 1000:6.0f} {r['found']:>7}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--parts", nargs="+", choices=["exports", "list"], default=["exports", "list"]
    )
    parser.add_argument("--database", help="database name (default: a fresh random one)")
    parser.add_argument("--keep", action="store_true", help="keep the database for reuse")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        import django

        django.setup()
        kind, *rest = args.child
        if kind == "setup":
            result = child_setup(int(rest[0]), Path(rest[1]))
        elif kind == "existing":
            result = child_existing()
        elif kind == "export":
            result = child_export(json.loads(rest[0]), rest[1], rest[2])
        else:
            result = child_list(json.loads(rest[0]), int(rest[1]))
        print(json.dumps(result))
        return

    if not (args.data / "keywords-dev.jsonl").exists():
        sys.exit(f"No keyword development sets in {args.data}: pass --data")
    db = args.database or f"vp_bench_exports_{os.getpid()}_{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(SETTINGS_DIR), str(ROOT)]),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db}"')
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        setup = run_child(env, "existing") if exists else None
        if not setup:
            setup = run_child(env, "setup", str(args.responses), str(args.data))
        built = f"built in {setup['setup_s']:.0f} s" if not exists else f"reused from {db}"
        print(
            f"{args.responses} responses x 3 answers {built}; "
            f"{os.cpu_count()} CPUs; PostgreSQL on loopback; Django test client in a fresh "
            "process per export (peak RSS is that process's)."
        )
        if "exports" in args.parts:
            print_exports(env, setup)
        if "list" in args.parts:
            print_list(env, setup, args.repeat)
    finally:
        if not args.keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
