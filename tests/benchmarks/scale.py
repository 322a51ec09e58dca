"""Every staff and councillor page at the size of a large consultation (issue 9).

Not a test: it prints numbers. It creates its own PostgreSQL database, migrates, builds
a consultation of N responses (default 100,000; three answers each, texts varied from the
labelled development sets with word substitutions so there are tens of thousands of
distinct words), runs extraction through the product path (a rebuild run, on a real Celery
worker when Redis is up, else in-process), curates a little, opens a councillors' round
with proposals, then times every staff and councillor page and action through the Django
test client: a warm-up request, then the median of several, with the queries (Django's
CaptureQueriesContext) and the bytes of the response. Exports are also measured for peak
memory (tracemalloc). A page that fails is recorded with its error and the run goes on.

    .venv/bin/python tests/benchmarks/scale.py [--responses 100000] [--repeat 5]
        [--workers 2] [--db NAME --keep]   # keep the database to look at it afterwards
        [--reuse [--rebuild]]              # a database kept before: (rebuild,) time pages

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); Redis on 127.0.0.1:6379 for a
real worker (database 9, or SCALE_REDIS_URL; flushed at the end). The last line is
`worst page median: N ms`.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432"
# SCALE_REDIS_URL: another Redis database, when two people benchmark on one machine.
REDIS = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/9")
SLUG = "scaleby"
# The labelled sets live next to the repository (../shared/data); a worktree sits one
# level deeper. --data overrides.
DATA_CANDIDATES = [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]
DATA_FILES = ("keywords-dev.jsonl", "keywords-dev2.jsonl")

CHANNELS = [
    ("online", 70),
    ("interview", 8),
    ("focus_group", 6),
    ("workshop", 6),
    ("workplace_meeting", 4),
    ("exhibition", 5),
    ("party_submission", 1),
]
AGE_BANDS = [("0-15", 4), ("16-24", 14), ("25-44", 32), ("45-64", 26), ("65-79", 14), ("80+", 4)]
AGE_BANDS += [("undisclosed", 3), ("", 3)]
TARGET_GROUPS = [
    "business_owner",
    "student",
    "family_with_children",
    "new_in_country",
    "young",
    "older",
    "disability",
    "visitor",
    "working",
]
AREAS = ["Centrum", "Hageby", "Navestad", "Skärblacka", "Krokek", "Åby", "Vikbolandet"]
ENDING_SWAPS = [("arna", "ar"), ("orna", "or"), ("erna", "er"), ("en", ""), ("et", "")]
SYLLABLES = "ka lo mi sa ve ri tu na bo ling sjö berg dal by vik holm näs torp ås ström".split()
WORD = re.compile(r"\w{5,}")
PIECE = re.compile(r"[^.!?,]+[.!?,]?")


# --- the data set ---------------------------------------------------------------------


def data_dir(given: str | None) -> Path:
    for path in [Path(given)] if given else DATA_CANDIDATES:
        if all((path / name).exists() for name in DATA_FILES):
            return path
    sys.exit(f"The labelled sets {DATA_FILES} are in none of {DATA_CANDIDATES}; use --data")


def load_texts(directory: Path, language: str = "sv") -> dict[str, list[str]]:
    """Sentence pieces of the labelled answers in `language` (the municipality's) by
    question kind (keep, leave, miss).

    Only the municipality's language: residents of a Swedish municipality answer in
    Swedish (with English words and misspellings, which the labelled sets have). Danish and
    Norwegian pieces read as Swedish made nearly every word unknown to the Swedish lemma
    table: 140,000 keywords for 300,000 answers, where the issue's realistic Swedish
    answers gave 60,000, and extraction time went to spelling repair of words no Swedish
    answer contains.
    """
    pieces: dict[str, list[str]] = {"keep": [], "leave": [], "miss": []}
    for name in DATA_FILES:
        for line in (directory / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["lang"] != language:
                continue
            found = [p.strip() for p in PIECE.findall(row["text"]) if p.strip()]
            pieces.setdefault(row["question"], []).extend(found)
    return pieces


class Texts:
    """Answers varied from the labelled pieces: shuffled pieces, swapped inflections,
    casing, typos, and made-up compounds and place names, so the vocabulary grows to tens
    of thousands of distinct words as real free text does."""

    def __init__(self, pieces: dict[str, list[str]], rng: random.Random):
        self.pieces = pieces
        self.rng = rng
        words = sorted({w.lower() for ps in pieces.values() for p in ps for w in WORD.findall(p)})
        self.words = words
        # ~15k compounds (first part + second part) and ~3k place names; with the typos
        # this gives a vocabulary like the measured one (~60k keywords for 300k answers).
        self.compounds = [
            rng.choice(words)[: rng.randint(3, 6)] + rng.choice(words) for _ in range(15_000)
        ]
        self.places = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            for _ in range(3_000)
        ]

    def word(self, word: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.06 and len(word) >= 5:
            return rng.choice(self.compounds)
        if roll < 0.08:
            return rng.choice(self.places)
        if roll < 0.18:
            for ending, other in ENDING_SWAPS:
                if word.endswith(ending) and len(word) > len(ending) + 3:
                    return word[: len(word) - len(ending)] + other
        elif roll < 0.185 and len(word) > 5:
            i = rng.randrange(1, len(word) - 1)
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif roll < 0.215:
            return word.capitalize()
        return word

    def answer(self, kind: str) -> str:
        pieces = self.pieces[kind]
        chosen = self.rng.sample(pieces, k=self.rng.randint(1, 3))
        return " ".join(self.word(w) for w in " ".join(chosen).split())


def weighted(rng: random.Random, options: list[tuple[str, int]]) -> list[str]:
    return [value for value, weight in options for _ in range(weight)]


def build(*, responses: int, directory: Path, seed: int = 9) -> dict:
    """The municipality, its people and a consultation of `responses` responses (COPY)."""
    from django.db import connection
    from django.utils import timezone

    from consultations.models import Consultation
    from consultations.services import consultation_create_default
    from keywords.models import Keyword
    from tests.conftest import make_user
    from visionportal.models import Membership, Municipality, Role, VisionProcess

    rng = random.Random(seed)
    municipality = Municipality.objects.create(
        name="Skalby", slug=SLUG, country="SE", default_language="sv"
    )
    process = VisionProcess.objects.create(
        municipality=municipality, title="Vision 2040", slug="vision", is_public=True
    )
    now = timezone.now()
    consultation = consultation_create_default(
        process=process,
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=30),
        language="sv",
    )
    Consultation.objects.filter(pk=consultation.pk).update(ask_target_groups=True)
    staff = make_user("staff@scaleby.test", mfa=True)
    Membership.objects.create(user=staff, municipality=municipality, role=Role.STAFF)
    councillors = []
    for i, party in enumerate(["S", "M", "C", "V", "KD"]):
        user = make_user(f"councillor{i}@scaleby.test")
        Membership.objects.create(
            user=user, municipality=municipality, role=Role.COUNCILLOR, party=party
        )
        councillors.append(user)

    texts = Texts(load_texts(directory), rng)
    questions = list(consultation.questions.values_list("kind", "pk"))
    channels = weighted(rng, CHANNELS)
    bands = weighted(rng, AGE_BANDS)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM consultations_response")
        first = cursor.fetchone()[0] + 1
        responses_buffer, answers_buffer, groups_buffer = (
            io.StringIO(),
            io.StringIO(),
            io.StringIO(),
        )
        for n in range(responses):
            rid = first + n
            at = (now - timedelta(seconds=rng.randrange(0, 50 * 86400))).isoformat()
            responses_buffer.write(
                f"{rid}\t{rng.choice(channels)}\t{uuid.UUID(int=rng.getrandbits(128))}\t{at}\t"
                f"{rng.choice(bands)}\t{rng.choice(AREAS)}\t{consultation.pk}\t\t\\N\t\t{at}\n"
            )
            for group in rng.sample(TARGET_GROUPS, k=rng.choice([0, 0, 1, 1, 1, 2, 3])):
                groups_buffer.write(f"{group}\t{rid}\n")
            for kind, question_id in questions:
                text = texts.answer(kind).replace("\\", " ").replace("\t", " ")
                answers_buffer.write(f"{text.replace(chr(10), ' ')}\t{question_id}\t{rid}\t\n")
        for table, columns, buffer in (
            (
                "consultations_response",
                "id, channel, idempotency_key, submitted_at, age_band, area, consultation_id,"
                " group_label, participants, preferred_language, keywords_extracted_at",
                responses_buffer,
            ),
            ("consultations_responsetargetgroup", '"group", response_id', groups_buffer),
            (
                "consultations_answer",
                "text, question_id, response_id, hidden_reason",
                answers_buffer,
            ),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('consultations_response', 'id'), "
            "(SELECT MAX(id) FROM consultations_response))"
        )
        cursor.execute("ANALYZE")
    print(
        f"data set: {responses:,} responses, {responses * len(questions):,} answers, "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    assert not Keyword.objects.exists()
    return {
        "consultation": consultation.pk,
        "staff": staff.pk,
        "councillors": [c.pk for c in councillors],
    }


# --- extraction through the product ---------------------------------------------------


def start_worker(concurrency: int) -> subprocess.Popen | None:
    """A real Celery worker on Redis database 9, or None when Redis is down (then the
    rebuild runs in this process, eagerly, as in the demo)."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
        client.flushdb()
    except redis.RedisError:
        return None
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "visionportal", "worker", "-c", str(concurrency)]
        + ["--loglevel", "warning", "--without-gossip", "--without-mingle", "-n", "scale@%h"],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    from visionportal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker exited early")
        if app.control.ping(timeout=1.0):
            return worker
    raise RuntimeError("the Celery worker did not start")


def worker_idle(timeout: float = 600) -> None:
    """Wait until the worker has nothing running, queued or scheduled: a finished rebuild
    still refreshes the planner's statistics and queues merge suggestions, and pages timed
    afterwards should see what the product would leave behind."""
    from visionportal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inspect = app.control.inspect(timeout=1.0)
        pending = [inspect.active(), inspect.reserved(), inspect.scheduled()]
        if all(p is not None and not any(p.values()) for p in pending):
            return
        time.sleep(1)
    print("  the worker was still busy when it was stopped")


def stop_worker(worker: subprocess.Popen | None) -> None:
    if worker is None:
        return
    worker_idle()
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=5)
    import redis

    redis.Redis.from_url(REDIS, socket_connect_timeout=1).flushdb()


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc), 0 once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def cpu_snapshot(worker: subprocess.Popen | None) -> dict[str, float]:
    """CPU seconds so far of the worker's processes (the main one and its pool) and of the
    PostgreSQL backends serving this database (ours excluded): what time.process_time
    would say inside each of them. Backends that have exited are not counted."""
    from django.db import connection

    processes = [worker.pid, *_children(worker.pid)] if worker else [os.getpid()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    return {
        "worker": sum(_cpu_seconds(pid) for pid in processes),
        "postgres": sum(_cpu_seconds(pid) for pid in backends),
    }


def extract(*, consultation_id: int, workers: int) -> dict:
    """A full rebuild through extraction_run_start (what the staff's button does).

    The machine is shared, so wall-clock throughput depends on what else runs. Besides it,
    the CPU time of the worker processes and of their PostgreSQL backends is measured, once
    when the parts are done (the share that runs side by side) and once when the run is
    (the last step, pruning and a recount left to it, runs in one process); with it the
    throughput of a quiet machine with `workers` cores is estimated as answers / (parallel
    CPU / workers + serial CPU). The estimate assumes the parts keep the cores evenly busy.
    """
    from django.db import transaction

    from consultations.models import Consultation
    from keywords.extraction.services import extraction_run_start
    from keywords.models import Keyword, KeywordMention

    worker = start_worker(workers) if os.environ["CELERY_TASK_ALWAYS_EAGER"] == "false" else None
    try:
        consultation = Consultation.objects.get(pk=consultation_id)
        load_before = os.getloadavg()[0]
        cpu_start = cpu_snapshot(worker)
        started = time.perf_counter()
        with transaction.atomic():
            run = extraction_run_start(consultation=consultation)
        last_print = started
        cpu_parts = None
        while True:
            run.refresh_from_db()
            if run.is_finished:
                break
            if cpu_parts is None and run.total and run.processed >= run.total:
                cpu_parts = cpu_snapshot(worker)
            if time.perf_counter() - last_print > 15:
                last_print = time.perf_counter()
                print(f"  extraction: {run.processed:,} of {run.total:,} answers", flush=True)
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        cpu_end = cpu_snapshot(worker)
        load_after = os.getloadavg()[0]
    finally:
        stop_worker(worker)
    if run.status != "done":
        raise RuntimeError(f"extraction failed: {run.error}")
    cpu_parts = cpu_parts or cpu_end
    keywords = Keyword.objects.filter(consultation_id=consultation_id).count()
    mentions = KeywordMention.objects.filter(keyword__consultation_id=consultation_id).count()
    where = f"a real worker, -c {workers}" if worker else "in-process (eager)"
    processes = workers if worker else 1
    total, rate = run.total, run.total / seconds
    print(
        f"extraction ({where}): {total:,} answers in {seconds:.1f} s; "
        f"{keywords:,} keywords, {mentions:,} mentions"
    )
    print(
        f"EXTRACTION END TO END: {rate:,.0f} answers/s with {processes} worker processes "
        f"({rate / processes:,.0f} answers/s per process); load average "
        f"{load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores"
    )
    parallel = {k: cpu_parts[k] - cpu_start[k] for k in cpu_start}
    serial = {k: cpu_end[k] - cpu_parts[k] for k in cpu_start}
    spent = {k: cpu_end[k] - cpu_start[k] for k in cpu_start}
    ms = {k: 1000 * v / total for k, v in spent.items()} if total else spent
    print(
        f"CPU per answer: {ms['worker']:.3f} ms in the worker processes, "
        f"{ms['postgres']:.3f} ms in PostgreSQL backends; of all {sum(spent.values()):.1f} s, "
        f"{sum(serial.values()):.1f} s after the parts (prune, and recount if left to the end)"
    )
    quiet_seconds = sum(parallel.values()) / processes + sum(serial.values())
    quiet = total / quiet_seconds if quiet_seconds else 0.0
    print(
        f"QUIET-MACHINE ESTIMATE: {quiet:,.0f} answers/s end to end on {processes} cores "
        f"(from CPU time, not wall clock: {sum(parallel.values()):.1f} s side by side / "
        f"{processes} + {sum(serial.values()):.1f} s serial)"
    )
    alone = extractor_alone(consultation_id)
    print(
        f"the extractor alone, one process, here and now: {alone:,.0f} answers/s "
        f"(end to end per process is {rate / processes / alone:.0%} of it)"
    )
    return {"seconds": seconds, "answers_per_s": rate, "alone": alone, "quiet_estimate": quiet}


def extractor_alone(consultation_id: int, sample: int = 30_000) -> float:
    """extract_batch over the first answers, without the database: what end to end is
    measured against (the machine's load changes both alike)."""
    from consultations.models import Answer
    from keywords.extraction.extractor import extract_batch

    texts = list(
        Answer.objects.filter(response__consultation_id=consultation_id)
        .order_by("pk")
        .values_list("text", flat=True)[:sample]
    )
    extract_batch(texts[:100], "sv")  # the lexicons load once per process
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), 2000):
        extract_batch(texts[start : start + 2000], "sv")
    cpu = time.process_time() - cpu
    print(
        f"the extractor alone, one process: {len(texts) / cpu:,.0f} answers/s of CPU time "
        f"({1000 * cpu / len(texts):.3f} ms per answer)"
    )
    return len(texts) / (time.perf_counter() - started)


# --- curation and a councillors' round ----------------------------------------------

KEPT = 300


def step(what: str, function, *args, **kwargs):
    """Run one set-up step; a step another helper's branch has broken is reported, and the
    pages that do not need it are still timed."""
    started = time.perf_counter()
    try:
        result = function(*args, **kwargs)
    except Exception as error:
        print(f"  {what}: FAILED {type(error).__name__}: {str(error)[:200]}")
        return None
    print(f"  {what}: {time.perf_counter() - started:.1f} s")
    return result


def curate(setup: dict) -> None:
    """Keep the ~300 keywords with the most respondents for sorting, merge a few small ones
    into large ones, open a councillors' round and file proposals."""
    from keywords.councillors import services as rounds
    from keywords.curation import services as curation
    from keywords.models import Keyword, KeywordStatus
    from visionportal.models import User

    staff = User.objects.get(pk=setup["staff"])
    ranked = list(
        Keyword.objects.filter(consultation_id=setup["consultation"], status="candidate")
        .order_by("-respondents", "label")
        .values_list("pk", flat=True)[: KEPT + 10]
    )
    print("curation and the councillors' round:")

    def keep():
        for keyword in Keyword.objects.filter(pk__in=ranked[:KEPT]):
            curation.keyword_keep(keyword=keyword, by=staff)

    def merge():
        for sources, into in (((KEPT + 1,), 0), ((KEPT + 2,), 1), ((KEPT + 3, KEPT + 4), 2)):
            curation.keyword_merge(
                keywords=list(Keyword.objects.filter(pk__in=[ranked[i] for i in sources])),
                into=Keyword.objects.get(pk=ranked[into]),
                by=staff,
                reason="Same thing",
            )

    step(f"keep {KEPT} keywords for sorting", keep)
    step("merge 4 keywords into 3", merge)
    setup["ranked"] = ranked
    consultation = Keyword.objects.get(pk=ranked[0]).consultation
    round = step(
        "open a councillors' round", lambda: rounds.round_open(consultation=consultation, by=staff)
    )
    if round is None:
        return
    setup["round"] = round.pk

    def propose():
        for n, councillor in enumerate(User.objects.filter(pk__in=setup["councillors"])):
            for i in range(5):
                keyword = Keyword.objects.get(pk=ranked[30 + n * 5 + i])
                rounds.proposal_strike(
                    round=round, councillor=councillor, keyword=keyword, reason="Too vague"
                )
            rounds.proposal_add(
                round=round, councillor=councillor, label=f"Nytt ord {n}", reason="Saknas"
            )

    step("25 strikes and 5 additions by 5 councillors", propose)
    assert Keyword.objects.filter(status=KeywordStatus.KEPT).exists()


# --- timing the pages -----------------------------------------------------------------

# Targets of issue 9.
PAGE_MS, HTMX_MS, PAGE_BYTES, EXPORT_MB = 300, 100, 500_000, 200
PAGE_TIMEOUT_S = 60
SLOW_WARMUP_S = 10  # a page this slow is measured twice, not `repeat` times


class Row:
    def __init__(self, name, kind):
        self.name, self.kind = name, kind
        self.status, self.ms, self.queries, self.bytes, self.memory_mb = "", None, None, None, None
        self.runs = 0

    def finish(self, runs: list) -> None:
        self.ms = statistics.median(r[0] for r in runs)
        self.queries, self.bytes = runs[-1][1], runs[-1][2]
        self.runs = len(runs)
        self.status = "ok"

    def verdict(self) -> str:
        if self.ms is None:
            return "FAILED"
        over = []
        limit = HTMX_MS if self.kind == "htmx" else PAGE_MS
        if self.ms > limit:
            over.append(f">{limit}ms")
        if self.kind == "page" and self.bytes > PAGE_BYTES:
            over.append(">500KB")
        if self.memory_mb is not None and self.memory_mb > EXPORT_MB:
            over.append(f">{EXPORT_MB}MB")
        return "over " + ",".join(over) if over else "ok"


def _too_slow(signum, frame):
    raise TimeoutError(f"no answer within {PAGE_TIMEOUT_S} s")


def request(client, method, url, payload, *, htmx=False, expect=(200,), trace=False):
    """One request: (ms, queries, bytes, peak MB under tracemalloc or None)."""
    response = None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"} if htmx else {}
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    # A page that would take minutes (and gigabytes) is cut off, as gunicorn's timeout
    # would cut it off in production, and recorded as failed.
    signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(PAGE_TIMEOUT_S)
    try:
        with CaptureQueriesContext(connection) as queries:
            if method == "get":
                response = client.get(url, payload, headers=headers)
            else:
                response = client.post(url, payload or {}, headers=headers)
            if response.streaming:
                size = sum(len(part) for part in response.streaming_content)
            else:
                size = len(response.content)
    except TimeoutError:
        connection.close()  # it may be in the middle of a query
        raise
    finally:
        signal.alarm(0)
        if trace and tracemalloc.is_tracing() and response is None:
            tracemalloc.stop()
    ms = (time.perf_counter() - started) * 1000
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if response.status_code not in expect:
        raise RuntimeError(f"HTTP {response.status_code}")
    return ms, len(queries), size, peak


def measure(
    client,
    rows,
    name,
    method,
    url,
    *,
    kind="page",
    data=None,
    htmx=False,
    repeat=5,
    expect=(200,),
    memory=False,
):
    """A warm-up request, then the median of `repeat` (data may be a callable, called before
    each request, for actions that need fresh versions)."""
    row = Row(name, kind)
    rows.append(row)

    def once(trace=False):
        payload = data() if callable(data) else data
        return request(client, method, url, payload, htmx=htmx, expect=expect, trace=trace)

    try:
        first = once()
        slow = first[0] > SLOW_WARMUP_S * 1000
        runs = [first] if slow else []
        wanted = 2 if slow else repeat
        while len(runs) < wanted:
            runs.append(once())
        row.finish(runs)
        if memory:
            row.memory_mb = once(trace=True)[3]
    except Exception as error:
        row.status = f"{type(error).__name__}: {str(error)[:80]}"
    print(f"  {name}: {row.ms and round(row.ms)} ms {row.status}", flush=True)
    return row


def pages(setup: dict, *, repeat: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from keywords.models import CouncillorProposal, Keyword, KeywordAction
    from visionportal.models import User

    consultation_id = setup["consultation"]
    keywords = Keyword.objects.filter(consultation_id=consultation_id)
    largest = keywords.order_by("-respondents").first()
    small = keywords.filter(status="candidate").order_by("respondents", "pk")
    row_keyword = keywords.filter(status="kept").order_by("-respondents")[10:11].get()
    c_args = [SLUG, consultation_id]

    def url(name, *extra, args=None):
        return reverse(name, args=(args if args is not None else c_args) + list(extra))

    staff = Client()
    staff.force_login(User.objects.get(pk=setup["staff"]))
    councillor = Client()
    councillor.force_login(User.objects.get(pk=setup["councillors"][0]))
    public = Client()
    rows: list[Row] = []
    n = repeat
    print(f"timing (median of {n} after a warm-up; test client, warm caches):")

    # The curation workbench.
    workbench = url("keywords:list")
    measure(staff, rows, "workbench", "get", workbench, repeat=n)
    measure(
        staff,
        rows,
        "workbench filtered (kept, 16-24, online)",
        "get",
        workbench,
        data={"status": "kept", "age_band": "16-24", "channel": "online"},
        repeat=n,
    )
    measure(
        staff,
        rows,
        "workbench filtered (target group student)",
        "get",
        workbench,
        data={"target_group": "student", "question_kind": "miss"},
        repeat=n,
    )
    measure(staff, rows, "workbench searched", "get", workbench, data={"search": "park"}, repeat=n)
    measure(staff, rows, "workbench page 50", "get", workbench, data={"page": 50}, repeat=n)

    def version():
        row_keyword.refresh_from_db()
        return {"version": row_keyword.version, "reason": "Benchmark"}

    strike, restore = (
        url("keywords:strike", row_keyword.pk),
        url("keywords:restore", row_keyword.pk),
    )
    for label, htmx, expect in (("htmx", True, (200,)), ("no JS", False, (302, 303))):
        # Strike and restore alternate, so each is timed on a keyword in the right state.
        kind = "htmx" if htmx else "action"
        pair = [Row(f"row strike ({label})", kind), Row(f"row restore ({label})", kind)]
        rows.extend(pair)
        runs: list[list] = [[], []]
        try:
            for i in range(n + 1):
                for j, target in enumerate((strike, restore)):
                    run = request(staff, "post", target, version(), htmx=htmx, expect=expect)
                    if i:  # the first pair is the warm-up
                        runs[j].append(run)
            for row, timings in zip(pair, runs, strict=True):
                row.finish(timings)
        except Exception as error:
            for row in pair:
                row.status = f"{type(error).__name__}: {str(error)[:80]}"
        for row in pair:
            print(f"  {row.name}: {row.ms and round(row.ms)} ms {row.status}", flush=True)
    pairs = iter(small.values_list("pk", flat=True)[: 2 * (n + 1)])

    def merge_data():
        source, into = next(pairs), next(pairs)
        versions = dict(keywords.filter(pk__in=[source, into]).values_list("pk", "version"))
        return {"keywords": [f"{source}:{versions[source]}"], "into": into, "reason": "Same"}

    measure(
        staff,
        rows,
        "merge two keywords (no JS)",
        "post",
        url("keywords:merge"),
        kind="action",
        data=merge_data,
        repeat=n,
        expect=(302, 303),
    )
    measure(
        staff,
        rows,
        "answers of the largest keyword",
        "get",
        url("keywords:answers", largest.pk),
        repeat=n,
    )
    measure(
        staff,
        rows,
        "answers of the largest keyword, page 20",
        "get",
        url("keywords:answers", largest.pk),
        data={"page": 20},
        repeat=n,
    )
    measure(staff, rows, "history", "get", url("keywords:history"), repeat=n)
    measure(staff, rows, "merge suggestions", "get", url("keywords:suggestions"), repeat=n)

    # The councillors' round.
    round_id = setup.get("round")
    measure(staff, rows, "staff round page", "get", url("keywords:round_staff"), repeat=n)
    if round_id:
        measure(
            staff, rows, "round result", "get", url("keywords:round_result", round_id), repeat=n
        )
        mine = [SLUG, round_id]
        measure(
            councillor,
            rows,
            "councillor: rounds",
            "get",
            url("keywords:councillor_rounds", args=[SLUG]),
            repeat=n,
        )
        measure(
            councillor,
            rows,
            "councillor: round page",
            "get",
            url("keywords:councillor_round", args=mine),
            repeat=n,
        )
        target = keywords.filter(status="kept").order_by("-respondents")[100:101].get()
        strike_url = url("keywords:councillor_strike", target.pk, args=mine)

        def withdraw_then_reason():
            open_ = CouncillorProposal.objects.filter(
                round_id=round_id, keyword=target, withdrawn_at__isnull=True
            ).first()
            if open_:
                councillor.post(url("keywords:councillor_withdraw", open_.pk, args=mine))
            return {"reason": "Too vague"}

        measure(
            councillor,
            rows,
            "councillor: strike (no JS)",
            "post",
            strike_url,
            kind="action",
            data=withdraw_then_reason,
            repeat=n,
            expect=(302, 303),
        )
    else:
        rows.append(Row("round result / councillor pages", "page"))
        rows[-1].status = "no round (opening it failed)"

    # Answers, representation, exports, settings.
    answers = url("consultations_staff:responses")
    measure(staff, rows, "answers list", "get", answers, repeat=n)
    measure(staff, rows, "answers list, page 500", "get", answers, data={"page": 500}, repeat=n)
    measure(
        staff,
        rows,
        "answers list searched",
        "get",
        answers,
        data={"q": "bibliotek", "search": "bibliotek"},
        repeat=n,
    )
    representation = url("consultations_staff:representation")
    measure(staff, rows, "who has answered", "get", representation, repeat=n)
    for fmt in ("csv", "xlsx", "json"):
        measure(
            staff,
            rows,
            f"export {fmt}",
            "get",
            url("consultations_staff:export", fmt),
            kind="export",
            repeat=min(n, 3),
            memory=True,
        )
    measure(staff, rows, "consultation settings", "get", url("consultations_staff:edit"), repeat=n)
    measure(
        staff,
        rows,
        "workspace of the municipality",
        "get",
        url("workspace:municipality", args=[SLUG]),
        repeat=n,
    )

    # Public pages.
    process_args = [SLUG, "vision"]
    measure(public, rows, "public: home", "get", url("public:home", args=[]), repeat=n)
    measure(
        public,
        rows,
        "public: municipality",
        "get",
        url("public:municipality", args=[SLUG]),
        repeat=n,
    )
    measure(
        public, rows, "public: process", "get", url("public:process", args=process_args), repeat=n
    )
    measure(
        public,
        rows,
        "public: consultation form",
        "get",
        url("consultations:form", args=process_args + [consultation_id]),
        repeat=n,
    )

    report(rows, setup)
    assert KeywordAction.objects.exists()


def report(rows: list[Row], setup: dict) -> None:
    print()
    width = max(len(r.name) for r in rows)
    print(
        f"{'page':<{width}}  {'median ms':>9}  {'queries':>7}  {'KB':>8}  {'MB peak':>7}  verdict"
    )
    for r in rows:
        if r.ms is None:
            print(f"{r.name:<{width}}  {'-':>9}  {'-':>7}  {'-':>8}  {'-':>7}  {r.status}")
            continue
        memory = f"{r.memory_mb:.0f}" if r.memory_mb is not None else ""
        note = "" if r.runs >= 3 else f" (n={r.runs})"
        print(
            f"{r.name:<{width}}  {r.ms:>9.0f}  {r.queries:>7}  {r.bytes / 1000:>8.0f}  "
            f"{memory:>7}  {r.verdict()}{note}"
        )
    extraction = setup.get("extraction")
    if extraction:
        print(
            f"extraction: {extraction['answers_per_s']:,.0f} answers/s end to end "
            f"(quiet-machine estimate from CPU time: "
            f"{extraction.get('quiet_estimate', 0):,.0f}; the extractor alone: "
            f"{extraction['alone']:,.0f} answers/s in one process)"
        )
    failed = [r.name for r in rows if r.ms is None]
    if failed:
        print(f"failed: {len(failed)} ({', '.join(failed)})")
    timed = [r.ms for r in rows if r.ms is not None and r.kind != "export"]
    # A page cut off at the time limit took at least that long.
    timed += [
        PAGE_TIMEOUT_S * 1000
        for r in rows
        if r.kind != "export" and r.status.startswith("TimeoutError")
    ]
    print(f"worst page median: {max(timed):.0f} ms" if timed else "worst page median: n/a")


# --- the run --------------------------------------------------------------------------


def configure(db: str, *, eager: bool) -> None:
    os.environ.update(
        DATABASE_URL=f"{PG}/{db}",
        DJANGO_SETTINGS_MODULE="visionportal.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver,127.0.0.1",
        REDIS_URL="",
        CELERY_BROKER_URL="memory://" if eager else REDIS,
        CELERY_RESULT_BACKEND="",
        CELERY_TASK_ALWAYS_EAGER="true" if eager else "false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
        CONN_MAX_AGE="60",
    )
    import django

    django.setup()
    from django.test.utils import override_settings

    # Production settings otherwise, but static files without a collectstatic manifest,
    # and no tracebacks of the pages that fail (each is reported in its row).
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--db", help="database name (default: a new throwaway one)")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse", action="store_true", help="time the pages of --db as it is")
    parser.add_argument("--data", help="folder of keywords-dev.jsonl and keywords-dev2.jsonl")
    parser.add_argument("--no-pages", action="store_true", help="stop after extraction")
    parser.add_argument(
        "--rebuild", action="store_true", help="with --reuse: rebuild the keywords again first"
    )
    args = parser.parse_args()
    if args.reuse and not args.db:
        sys.exit("--reuse needs --db")

    db = args.db or f"vp_scale_{os.getpid()}_{secrets.token_hex(3)}"
    keep = args.keep or args.reuse
    if not args.reuse:
        with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
    configure(db, eager=not redis_up())
    # What --reuse needs to find its way around a kept database.
    saved = Path(tempfile.gettempdir()) / f"{db}.json"
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if args.reuse:
            setup = json.loads(saved.read_text())
            if args.rebuild:
                setup["extraction"] = extract(
                    consultation_id=setup["consultation"], workers=args.workers
                )
        else:
            setup = build(responses=args.responses, directory=data_dir(args.data))
            setup["extraction"] = extract(
                consultation_id=setup["consultation"], workers=args.workers
            )
            if not args.no_pages:
                curate(setup)
            saved.write_text(json.dumps(setup))
        if not args.no_pages:
            pages(setup, repeat=args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
