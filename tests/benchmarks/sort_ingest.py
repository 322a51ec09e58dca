"""Sorting-game vote ingest under load: gunicorn + PostgreSQL on loopback, driven by wrk.

Not a test: it prints numbers. In one gunicorn (sync workers, CONN_MAX_AGE=60) it drives
  (a) /bench/insert, the submit benchmark's bare view inserting one row (the baseline),
  (b) kiosk uploads: POST k/<token>/batch/ with BATCH_PLAYS finished plays of DECK cards
      each (100 votes), every request a new batch of new votes from one of DEVICES kiosks,
  (c) single online votes: the real game's plain-form POST (vote on one card, 302 back to
      the game), every request a new (player, card) with the player's signed cookie and a
      valid CSRF pair,
  (d) for reference, the submit benchmark's one-row insert through Django's whole
      middleware stack (/bench/django-insert): what the request cycle costs before the
      game's code runs, the ceiling for (c),
and prints req/s and votes/s for (b) and (c), the ratios to (a) (and of (c) to (d)), and
checks that the votes stored equal the successful requests' votes (wrk does not count
requests in flight when it stops). It prints `uptime` and the load average: the machine
is shared.

    .venv/bin/python tests/benchmarks/sort_ingest.py [--workers 2] [--duration 15] [--repeat 1]
        [--online-only] [--without-vote-cells]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and wrk (apt-get install -y wrk).
Creates and drops its own database. Targets (issue 10): (b) >= 2,000 votes/s;
(c) >= 0.5 x (a) req/s.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import submit_benchmark as sb  # noqa: E402

SERVER = HERE / "sort_ingest_server"
DEVICES, BATCH_PLAYS, DECK, ITEMS = 64, 5, 20, 200
KIOSK_PLAYS, ONLINE_PLAYS = 9000, 3000
# The kiosk batches are dealt for this many a second over the measured time (plus the
# warm-up's fifth), so no run re-sends a batch: a re-sent batch is stored once, and the
# stored-votes check would say MISMATCH (at 9,000 plays it did, once batches passed
# 12,000 votes/s).
KIOSK_BATCHES_PER_SECOND = 250

SETUP = """
import datetime, json, random, sys, uuid
import django
django.setup()
from django.core import signing
from django.utils import timezone
from consultations.services import consultation_create_default
from keywords.models import ItemOrigin, KeywordList, KeywordListItem
from keywords.sorting import dealing
from keywords.sorting.models import (SortingDevice, SortingRound, SortingRoundItem,
    SortParticipant)
from keywords.sorting.public_views import COOKIE, _salt
from visionportal.models import Municipality, Phase, PhaseKind, VisionProcess

DEVICES, BATCH_PLAYS, DECK, ITEMS, KIOSK_PLAYS, ONLINE_PLAYS = (int(a) for a in sys.argv[1:7])
m = Municipality.objects.create(name="Benchby", slug="benchby", country="SE",
                                default_language="sv")
p = VisionProcess.objects.create(municipality=m, title="Vision", slug="vision", is_public=True)
now = timezone.now()
today = timezone.localdate()
Phase.objects.create(process=p, kind=PhaseKind.SORTING, name="Sortera",
                     starts_on=today - datetime.timedelta(days=1),
                     ends_on=today + datetime.timedelta(days=30))
c = consultation_create_default(process=p, opens_at=now - datetime.timedelta(days=9),
    closes_at=now - datetime.timedelta(days=2), language="sv")
kl = KeywordList.objects.create(consultation=c, version=1)
KeywordListItem.objects.bulk_create(
    KeywordListItem(keyword_list=kl, label=f"nyckelord {i}", origin=ItemOrigin.CURATED,
                    position=i) for i in range(1, ITEMS + 1))
r = SortingRound.objects.create(process=p, keyword_list=kl, title="Sortera",
    opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=30),
    opened_at=now - datetime.timedelta(days=1), deck_size=DECK, kiosk_open=True)
items = list(kl.items.values_list("pk", flat=True))
SortingRoundItem.objects.bulk_create(SortingRoundItem(round=r, item_id=i) for i in items)
devices = SortingDevice.objects.bulk_create(
    SortingDevice(round=r, name=f"Kiosk {n}", place_kind="library", token=f"bench{n:04d}x" * 3)
    for n in range(DEVICES))
rng = random.Random(2035)
shown = dict.fromkeys(items, 0)

def deal():
    deck = dealing.deal(shown, DECK, rng)
    for i in deck:
        shown[i] += 1
    return deck

kiosk = [SortParticipant(round=r, token=uuid.uuid4(), channel="kiosk",
                         device=devices[n % DEVICES], device_class="tablet", deck=deal())
         for n in range(KIOSK_PLAYS)]
SortParticipant.objects.bulk_create(kiosk, batch_size=2000)
online = [SortParticipant(round=r, token=uuid.uuid4(), channel="online",
                          device_class="phone", deck=deal()) for _ in range(ONLINE_PLAYS)]
SortParticipant.objects.bulk_create(online, batch_size=2000)
rows = SortingRoundItem.objects.filter(round=r)
for row in rows:
    row.times_shown = shown[row.item_id]
SortingRoundItem.objects.bulk_update(rows, ["times_shown"])

batches, by_device = [], {}
for play in kiosk:
    by_device.setdefault(play.device_id, []).append(play)
tokens = {d.pk: d.token for d in devices}
stamp = int(now.timestamp() * 1000)
for device_id, plays in by_device.items():
    for start in range(0, len(plays) - BATCH_PLAYS + 1, BATCH_PLAYS):
        group = plays[start:start + BATCH_PLAYS]
        body = {"key": str(uuid.uuid4()),
                "votes": [{"p": str(pl.token), "i": i, "c": rng.choice((1, -1, 0)),
                           "t": stamp} for pl in group for i in pl.deck],
                "finished": [str(pl.token) for pl in group]}
        batches.append((f"/k/{tokens[device_id]}/batch/", json.dumps(body, separators=(",", ":"))))
rng.shuffle(batches)
signer = signing.get_cookie_signer(salt=COOKIE + _salt(r))
votes = [(signer.sign(str(pl.token)), i) for pl in online for i in pl.deck]
rng.shuffle(votes)
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, "
                   "created_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)")
print(json.dumps({"play": f"/m/benchby/vision/sort/{r.pk}/", "batches": batches,
                  "votes": votes}))
"""

# Each run takes requests START..STOP of the pool (the warm-up its own slice), so no run
# repeats another's batch or vote; past STOP it would wrap, which the stored-votes check
# would show as a mismatch. Each wrk thread formats its requests once, in init(), as wrk's
# README advises: wrk shares the 2 cores with the server, and formatting every request
# anew cost it about 50 us more per vote than the bare insert's fixed request.
LUA_PREFORMATTED = """
local formatted = {}
local i = nil
function init(args)
  for n = START + id - 1, STOP, THREADS_N do
    formatted[n] = format_request(n)
  end
end
function request()
  if i == nil or i > STOP then i = START + id - 1 end
  local req = formatted[i]
  i = i + THREADS_N
  return req
end
"""

LUA_BATCH = (
    """
function format_request(n)
  return wrk.format("POST", PATHS[n], {["Content-Type"] = "application/json"}, BODIES[n])
end
"""
    + LUA_PREFORMATTED
)

LUA_VOTE = (
    """
function format_request(n)
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                   ["Cookie"] = "csrftoken=" .. CSRF_COOKIE .. "; vp_sort=" .. SIGNED[n],
                   ["X-CSRFToken"] = CSRF_TOKEN}
  local body = "csrfmiddlewaretoken=" .. CSRF_TOKEN .. "&item=" .. CARDS[n] .. "&choice=1"
  return wrk.format("POST", PATH, headers, body)
end
"""
    + LUA_PREFORMATTED
)

# (d)'s one request, formatted once per thread like the others.
LUA_POST_ONCE = """
local formatted = nil
function init(args)
  formatted = wrk.format("POST", PATH, HEADERS, BODY)
end
function request()
  return formatted
end
"""


def lua_strings(name, values):
    # Long brackets: JSON and signed cookies go in verbatim, no escaping.
    return f"{name} = {{\n" + ",\n".join(f"[==[{v}]==]" for v in values) + "\n}\n"


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def combine(parts):
    """One figure from a scenario's alternating runs: the request rate over all of them,
    the median of their latency percentiles, the counts summed."""
    seconds = sum(p["requests"] / p["rps"] for p in parts if p["rps"])
    combined = {key: sum(p[key] for p in parts) for key in ("requests", "ok", "failed", "stored")}
    combined["rps"] = combined["requests"] / seconds if seconds else 0.0
    for key in ("p50_ms", "p99_ms"):
        combined[key] = statistics.median(p[key] for p in parts)
    return combined


def bench(workers, *, env, dsn, setup, duration, warmup, online_only=False, repeat=1, part=(0, 1)):
    """Serve with `workers` and run the scenarios. `part` (index, count): the share of the
    pools this call may use, so a later worker count gets votes and batches of its own (a
    vote or batch sent again is stored once, and the stored-votes check would fail)."""
    port = sb.free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sb.PYTHON, "-m", "gunicorn", "--chdir", str(sb.ROOT)]
        + ["--pythonpath", f"{sb.HERE},{SERVER}"]
        + ["-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30", "-k", "sync"]
        + ["--log-level", "warning", "bench_wsgi:application"],
        cwd=sb.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        sb.wait_until_up(port, proc)
        base = f"http://127.0.0.1:{port}"
        # The game page has the start form: a CSRF cookie and a masked token.
        cookie, token = sb.mint_csrf(port, setup["play"])
        threads = f"THREADS_N = {sb.THREADS}\n"
        batch_lua = (
            "EXPECT = 200\n"
            + threads
            + lua_strings("PATHS", [p for p, _b in setup["batches"]])
            + lua_strings("BODIES", [b for _p, b in setup["batches"]])
        )
        vote_lua = (
            f'EXPECT = 302\nPATH = "{setup["play"]}vote/"\n{threads}'
            f'CSRF_COOKIE = "{cookie}"\nCSRF_TOKEN = "{token}"\n'
            + lua_strings("SIGNED", [s for s, _i in setup["votes"]])
            + "CARDS = {"
            + ",".join(str(i) for _s, i in setup["votes"])
            + "}\n"
        )
        headers = (
            '{["Content-Type"] = "application/x-www-form-urlencoded", '
            f'["Cookie"] = "csrftoken={cookie}", ["X-CSRFToken"] = "{token}"}}'
        )
        django_lua = (
            f'EXPECT = 200\nPATH = "/bench/django-insert"\nBODY = "csrfmiddlewaretoken={token}"\n'
            f"HEADERS = {headers}\n"
        )
        n_batches, n_votes = len(setup["batches"]), len(setup["votes"])
        scenarios = [
            ("a insert", f"{base}/bench/insert", "", "EXPECT = 200\n", "bench_insert", 0),
            ("b kiosk batches", base, LUA_BATCH, batch_lua, "keywords_sortvote", n_batches),
            ("c online votes", base, LUA_VOTE, vote_lua, "keywords_sortvote", n_votes),
            (
                "d django insert",
                f"{base}/bench/django-insert",
                LUA_POST_ONCE,
                django_lua,
                "bench_insert",
                0,
            ),
        ]
        if online_only:
            scenarios = [s for s in scenarios if not s[0].startswith("b ")]
        # Each run takes its own slice of the pool (the warm-up the last fifth), so no run
        # repeats another's batch or vote. With --repeat the scenarios alternate, so a
        # change in the machine's load hits them alike.
        for _name, url, script, lua, _table, pool in scenarios:
            split = pool * 4 // 5
            sb.wrk(url, script, warmup, extra_lua=f"START = {split + 1}\nSTOP = {pool}\n" + lua)
        runs = {name: [] for name, *_rest in scenarios}
        for rep in range(repeat):
            for name, url, script, lua, table, pool in scenarios:
                index, count = part
                share = pool * 4 // 5 // (repeat * count)
                first = (index * repeat + rep) * share
                before = sb.settled_count(dsn, table)
                measured = f"START = {first + 1}\nSTOP = {first + share}\n" + lua
                result = sb.summarise(sb.wrk(url, script, duration, extra_lua=measured))
                result["stored"] = sb.settled_count(dsn, table) - before
                runs[name].append(result)
        results = {name: combine(parts) for name, parts in runs.items()}
        return results
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.seek(0)
        tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
        if tail:
            print("  gunicorn log (last lines):", *tail, sep="\n    ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="alternate the scenarios this many times (--duration each), summed",
    )
    parser.add_argument(
        "--online-only",
        action="store_true",
        help="skip the kiosk batches (b): only the bare insert and the online votes",
    )
    parser.add_argument(
        "--without-vote-cells",
        action="store_true",
        help="drop the triggers that keep the votes' counts per cell (keywords migration "
        "0017), to measure what they cost the ingest",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    kiosk_plays = max(
        KIOSK_PLAYS,
        BATCH_PLAYS * KIOSK_BATCHES_PER_SECOND * args.duration * args.repeat * 5 // 4,
    )
    db = f"vp_bench_sort_{os.getpid()}_{secrets.token_hex(3)}"
    dsn = f"{sb.PG}/{db}"
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "DJANGO_SETTINGS_MODULE": "settings_sort_ingest",
        "PYTHONPATH": os.pathsep.join([str(SERVER), str(sb.HERE), str(sb.ROOT)]),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
    }
    redis_db = sb.claim_redis_db()
    if redis_db is None:
        env.update(REDIS_URL="", CELERY_TASK_ALWAYS_EAGER="true")
        print("No free Redis database: the rate-limit counters use the local-memory cache.")
    else:
        number = redis_db.connection_pool.connection_kwargs["db"]
        env.update(REDIS_URL=f"{sb.REDIS}/{number}", CELERY_TASK_ALWAYS_EAGER="false")
    with psycopg.connect(f"{sb.PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    try:
        sb.run([sb.PYTHON, "manage.py", "migrate", "--noinput"], env=env, timeout=300)
        if args.without_vote_cells:
            with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                for event in ("insert", "update", "delete"):
                    conn.execute(f"DROP TRIGGER sort_vote_cells_{event} ON keywords_sortvote")
            print("Without the vote cells' triggers.")
        started = time.monotonic()
        out = sb.run(
            [sb.PYTHON, "-c", SETUP]
            + [
                str(n)
                for n in (
                    DEVICES,
                    BATCH_PLAYS,
                    DECK,
                    ITEMS,
                    # Each worker count takes its own share of the plays (see bench).
                    0 if args.online_only else kiosk_plays * len(args.workers),
                    ONLINE_PLAYS * len(args.workers),
                )
            ],
            env=env,
            timeout=600,
        ).stdout
        setup = json.loads(out.splitlines()[-1])
        print(
            f"setup {time.monotonic() - started:.0f} s: {ITEMS} keywords, deck {DECK}, "
            f"{len(setup['batches'])} kiosk batches of {BATCH_PLAYS * DECK} votes from "
            f"{DEVICES} kiosks, {len(setup['votes'])} online (player, card) pairs"
        )
        print(
            f"{sb.CONNECTIONS} connections, {sb.THREADS} wrk threads, {args.repeat} x "
            f"{args.duration} s per scenario, alternating, "
            f"after {args.warmup} s warm-up (on its own requests); {os.cpu_count()} CPUs; "
            "CONN_MAX_AGE=60"
        )
        print("uptime before:", uptime())
        for index, workers in enumerate(args.workers):
            results = bench(
                workers,
                env=env,
                dsn=dsn,
                setup=setup,
                duration=args.duration,
                warmup=args.warmup,
                online_only=args.online_only,
                repeat=args.repeat,
                part=(index, len(args.workers)),
            )
            print(f"gunicorn, {workers} sync workers:")
            rows = {"b kiosk batches": BATCH_PLAYS * DECK}
            for name, r in results.items():
                print(
                    f"  {name}: {r['rps']:8.1f} req/s  {r['rps'] * rows.get(name, 1):9.1f} rows/s  "
                    f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  ok {r['ok']}  "
                    f"failed {r['failed']}  rows stored {r['stored']}"
                )
            a, c, d = results["a insert"], results["c online votes"], results["d django insert"]
            b = results.get("b kiosk batches")
            if b is not None:
                b_votes = b["rps"] * BATCH_PLAYS * DECK
                print(
                    f"  kiosk batches: {b_votes:,.0f} votes/s (target >= 2,000); "
                    f"{b_votes / a['rps']:.2f} x the bare insert's rows/s"
                )
            print(
                f"  online votes: {c['rps']:,.0f} votes/s; ratio to bare insert "
                f"{c['rps'] / a['rps']:.2f} (target >= 0.5); to the one-row insert through "
                f"Django's middleware {c['rps'] / d['rps']:.2f}"
            )
            checks = [("online", c, 1)]
            if b is not None:
                checks.insert(0, ("kiosk", b, BATCH_PLAYS * DECK))
            for name, r, size in checks:
                # Requests wrk gave up on (timeouts) or still in flight at its stop may
                # have been stored; anything beyond those would be a vote counted twice.
                in_flight = sb.CONNECTIONS * args.repeat + r["failed"]
                expected, slack = r["ok"] * size, in_flight * size
                ok = expected <= r["stored"] <= expected + slack
                print(
                    f"  {name}: votes stored {r['stored']} vs successful requests' votes "
                    f"{expected}: " + ("consistent" if ok else "MISMATCH")
                )
            print("  load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print("uptime after:", uptime())
    finally:
        if redis_db is not None:
            redis_db.flushdb()
        with psycopg.connect(f"{sb.PG}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
