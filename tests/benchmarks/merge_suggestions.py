"""Merge suggestions at size (not a test: it prints numbers).

    .venv/bin/python tests/benchmarks/merge_suggestions.py [--keywords 60000] [--keep]

Creates the PostgreSQL database vp_suggestions_bench (dropped at the end unless --keep),
fills one Swedish consultation with N keywords in bulk: labels built from the words of the
labelled answers in ../shared/data/keywords-dev*.jsonl with inflections, compounds,
two-word phrases and typos, respondents falling off like a Zipf curve (real words and
inflections ranked ahead of typos), a few percent struck, kept and merged. Then it times:

- the recompute (keywords.curation.suggestions.merge_suggestions_recompute), in a fresh
  process so its peak RSS is its own, twice: the first stores the pairs, the second finds
  nothing to change;
- the suggestions page with the Django test client (warm, median of 5): first and a deep
  page, with queries and bytes, against the (empty) history page as a reference for how
  busy the machine is; and a dismiss (POST, redirect).

The page and the recompute read only keywords, suggestions and dismissals; answers and
mentions do not take part, so none are made.
"""

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "vp_suggestions_bench"
PG = "postgres://postgres@127.0.0.1:5432"
# The labelled sets beside the repository (../shared/data), as the other benchmarks read them.
DEV_SETS = sorted((ROOT.parent / "shared" / "data").glob("keywords-dev*.jsonl"))
WORD = re.compile(r"[^\W\d_]+")
ENDINGS = ["ar", "en", "er", "or", "na", "erna", "arna", "et", "s", "ning", "ande", "het"]


def environment() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks" / "submit"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench_settings",  # the product's, with plain static files
        DATABASE_URL=f"{PG}/{DATABASE}",
        SECRET_KEY="benchmark-only-" + "x" * 40,
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        CELERY_TASK_ALWAYS_EAGER="true",
        CELERY_BROKER_URL="memory://",
    )
    import django

    django.setup()


def swedish_words() -> list[str]:
    words = set()
    for path in DEV_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["lang"] != "sv":
                continue
            words.update(w for w in WORD.findall(row["text"].lower()) if len(w) >= 4)
            words.update(k for alternatives in row["keywords"] for k in alternatives.split("|"))
    return sorted(w for w in words if " " not in w)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word + "e"
    at = rng.randrange(1, len(word) - 1)
    roll = rng.random()
    if roll < 0.33:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if roll < 0.66:
        return word[:at] + word[at + 1 :]
    return word[:at] + rng.choice("aeiouyåäölnrst") + word[at + 1 :]


def labels(count: int, rng: random.Random) -> list[str]:
    """`count` distinct labels, most respondents first (words and inflections tend to rank
    ahead of compounds and phrases, typos last)."""
    words = swedish_words()
    made: dict[str, float] = {w: rng.random() for w in words}
    while len(made) < count:
        roll, word = rng.random(), rng.choice(words)
        if roll < 0.35:
            label, weight = word + rng.choice(words), 2.0
        elif roll < 0.55:
            label, weight = word + rng.choice(ENDINGS), 1.0
        elif roll < 0.70:
            base = word + rng.choice(words) if rng.random() < 0.5 else word
            label, weight = typo(base, rng), 4.0
        else:
            label, weight = f"{word} {rng.choice(words)}", 2.5
        made.setdefault(label[:120], rng.random() * weight)
    return sorted(made, key=made.get)[:count]


def create_database() -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def fill(count: int) -> dict:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from consultations.services import consultation_create_default
    from keywords.models import Keyword, KeywordStatus
    from visionportal.models import Membership, Municipality, Role, User, VisionProcess

    call_command("migrate", verbosity=0)
    municipality = Municipality.objects.create(
        name="Benchby", slug="benchby", country="SE", default_language="sv"
    )
    process = VisionProcess.objects.create(
        municipality=municipality, title="Vision", slug="vision", is_public=True
    )
    now = timezone.now()
    consultation = consultation_create_default(
        process=process,
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now + datetime.timedelta(days=1),
        language="sv",
    )
    staff = User.objects.create_user(email="staff@benchby.test", password="x" * 20)
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    Membership.objects.create(user=staff, municipality=municipality, role=Role.STAFF)

    rng = random.Random(2035)
    started = time.monotonic()
    made = labels(count, rng)
    rows = []
    for rank, label in enumerate(made, start=1):
        roll = rng.random()
        status = (
            KeywordStatus.STRUCK
            if roll < 0.01
            else KeywordStatus.KEPT
            if roll < 0.015
            else KeywordStatus.CANDIDATE
        )
        rows.append(
            Keyword(
                consultation=consultation,
                label=label,
                base_form=label,
                status=status,
                respondents=max(1, int(30_000 / rank**1.05)),
            )
        )
    Keyword.objects.bulk_create(rows, batch_size=5000)
    # ~2 % of the tail merged into a keyword ranked ahead of it (one level deep).
    ids = list(
        Keyword.objects.filter(consultation=consultation)
        .order_by("-respondents", "pk")
        .values_list("pk", flat=True)
    )
    merged = sorted(rng.sample(range(1000, len(ids)), len(ids) // 50))
    targets = set()
    updates = []
    for position in merged:
        target = ids[rng.randrange(0, 1000)]
        targets.add(target)
        updates.append(
            Keyword(
                pk=ids[position],
                status=KeywordStatus.MERGED,
                merged_into_id=target,
                respondents=0,
            )
        )
    Keyword.objects.bulk_update(updates, ["status", "merged_into", "respondents"], batch_size=5000)
    Keyword.objects.filter(pk__in=targets, status=KeywordStatus.STRUCK).update(
        status=KeywordStatus.CANDIDATE
    )
    with psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return {
        "consultation": consultation.pk,
        "keywords": Keyword.objects.filter(consultation=consultation).count(),
        "fill_seconds": round(time.monotonic() - started, 1),
    }


def child(consultation_id: int, trace: bool) -> None:
    """Run in a fresh process: one recompute; with `trace`, its peak Python heap (tracemalloc
    slows it several times, so that run is not timed)."""
    import tracemalloc

    environment()
    from keywords.curation import suggestions

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.monotonic()
    pairs = suggestions.merge_suggestions_recompute(consultation_id=consultation_id)
    result = {"pairs": pairs}
    if trace:
        result["peak_python_heap_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    else:
        result["seconds"] = round(time.monotonic() - started, 2)
        result["rss_before_mb"] = round(rss_before / 1024)
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def recompute_in_child(consultation_id: int, *, trace: bool = False) -> dict:
    here = str(Path(__file__).resolve().parent)
    code = f"import sys; sys.path.insert(0, {here!r}); import merge_suggestions as b; "
    code += f"b.child({consultation_id}, {trace})"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_page(client, url, repeat=5) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "queries": len(captured),
        "bytes": len(response.content),
    }


def measure(consultation_id: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from keywords.models import MergeSuggestion, MergeSuggestionState
    from visionportal.models import User

    results = {"recompute_first": recompute_in_child(consultation_id)}
    results["recompute_again"] = recompute_in_child(consultation_id)
    results["recompute_memory"] = recompute_in_child(consultation_id, trace=True)
    state = MergeSuggestionState.objects.get(consultation_id=consultation_id)
    results["keywords_compared"] = state.keywords_compared
    results["stored_pairs"] = MergeSuggestion.objects.filter(
        consultation_id=consultation_id
    ).count()

    client = Client()
    client.force_login(User.objects.get(email="staff@benchby.test"))
    url = reverse("keywords:suggestions", args=["benchby", consultation_id])
    results["page_1"] = time_page(client, url)
    results["page_60"] = time_page(client, url + "?page=60")
    # For scale on a busy machine: a small staff page timed the same way, right after.
    history = reverse("keywords:history", args=["benchby", consultation_id])
    results["reference_history_page_empty"] = time_page(client, history)
    pair = MergeSuggestion.objects.filter(consultation_id=consultation_id).order_by("?").first()
    dismiss = reverse("keywords:suggestion_dismiss", args=["benchby", consultation_id])
    started = time.perf_counter()
    response = client.post(
        dismiss, {"keyword_a": pair.keyword_a_id, "keyword_b": pair.keyword_b_id}
    )
    results["dismiss_post_ms"] = round((time.perf_counter() - started) * 1000, 1)
    assert response.status_code == 302
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keywords", type=int, default=60_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    create_database()
    try:
        environment()
        filled = fill(args.keywords)
        print(json.dumps(filled))
        results = measure(filled["consultation"])
        print(json.dumps(results, indent=2))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"peak RSS of this process: {peak} MB")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database()


if __name__ == "__main__":
    main()
