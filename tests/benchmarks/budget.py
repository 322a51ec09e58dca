"""Participatory budget speed: ballot submission under gunicorn + PostgreSQL against the
bare insert, and the time the greedy rule and Equal Shares take on a large district.

Not a test: it prints numbers (with the load average, since the machine may be shared).

1. Rules: 50 projects x 20,000 approval ballots (a fixed random seed), the time to count
   identical ballots, then greedy and Equal Shares with completion (consultations.budget.rules,
   i.e. pabutools), as the Celery task runs them.
2. Ballots (unless --rules-only): the product under gunicorn as submit_benchmark.py serves
   it; wrk drives (a) /bench/insert, a bare one-row insert, and (b) POST of a real ballot,
   each request with its own voter session (made beforehand, as after typing a code), its
   own one-time code and form key. Prints req/s, p50, p99, the ratio b/a, and checks that the
   ballots stored equal the successful submits.

    .venv/bin/python tests/benchmarks/budget.py [--workers 2] [--duration 15]
        [--voters 20000] [--rules-only | --ballots-only]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and wrk for part 2.
Creates and drops its own database.
"""

import argparse
import json
import os
import random
import secrets
import shutil
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from submit_benchmark import (  # noqa: E402
    CONNECTIONS,
    HERE,
    LUA_UUID,
    PG,
    PYTHON,
    THREADS,
    claim_redis_db,
    mint_csrf,
    run,
    serving,
    settled_count,
    summarise,
    wrk,
)

PROJECTS, BALLOTS, SHARE = 50, 20_000, 250_000


def bench_rules():
    from consultations.budget import rules

    rng = random.Random(4)  # noqa: S311 - benchmark data
    projects = [rules.Project(i, rng.randrange(5_000, 120_000, 1_000)) for i in range(1, 51)]
    popularity = [rng.random() for _ in projects]
    ballots = []
    for _voter in range(BALLOTS):
        chosen, spent = [], 0
        for project, weight in zip(projects, popularity, strict=True):
            if rng.random() < weight * 0.25 and spent + project.cost <= SHARE:
                chosen.append(project.id)
                spent += project.cost
        ballots.append(chosen or [projects[0].id])
    started = time.perf_counter()
    counted = rules.count_ballots(ballots)
    counting = time.perf_counter() - started
    started = time.perf_counter()
    greedy = rules.greedy(projects, counted, SHARE)
    greedy_s = time.perf_counter() - started
    started = time.perf_counter()
    mes = rules.equal_shares(projects, counted, SHARE)
    mes_s = time.perf_counter() - started
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Rules, {PROJECTS} projects x {BALLOTS} ballots ({len(counted)} distinct):")
    print(f"  counting identical ballots: {counting:6.2f} s")
    print(f"  greedy:                     {greedy_s:6.2f} s  ({len(greedy)} funded)")
    print(f"  Equal Shares + completion:  {mes_s:6.2f} s  ({len(mes)} funded)")
    print(f"  ratio MES/greedy: {mes_s / greedy_s:.1f}   load average: {load}")


SETUP = """
import datetime, json, sys
import django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from consultations.budget import services
from consultations.budget.models import BudgetProposal, Decision
from visionportal.models import Municipality, Phase, PhaseKind, VisionProcess
voters = int(sys.argv[1])
m = Municipality.objects.create(name="Benchby", slug="benchby", country="DK", default_language="da")
p = VisionProcess.objects.create(municipality=m, title="PB", slug="pb", is_public=True)
today = timezone.localdate()
Phase.objects.create(process=p, kind=PhaseKind.BUDGET_VOTE, name="Vote",
    starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=1))
budget = services.budget_create(process=p, title="PB", amount=250000, currency="DKK",
    districts=[("Nord", 250000)])
district = budget.districts.get()
pks = []
for i in range(5):
    proposal = BudgetProposal.objects.create(budget=budget, district=district, title=f"P{i}",
        description="x", estimated_cost=40000, idempotency_key=__import__("uuid").uuid4())
    services.proposal_assess(proposal=proposal, by=None, version=proposal.version,
        legally_feasible=True, economically_feasible=True, cost_estimate=40000,
        decision=Decision.FEASIBLE)
    pks.append(proposal.pk)
# As after typing a code: one voter session per code, made in bulk.
codes = []
while len(codes) < voters:
    count = min(services.MAX_CODES_PER_BATCH, voters - len(codes))
    codes += services.voting_codes_generate(district=district, count=count, by=None)
expire = timezone.now() + datetime.timedelta(days=1)
store = SessionStore()
sessions = []
for code in codes:
    identity = services.voter_identify_by_code(budget=budget, code=code)
    data = store.encode({"budget_voter": {"budget": budget.pk, **identity.as_session()}})
    sessions.append(Session(session_key=store._get_new_session_key(), session_data=data,
        expire_date=expire))
Session.objects.bulk_create(sessions, batch_size=2000)
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, "
                   "created_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)")
print(json.dumps({"base": "/m/benchby/pb/budget/", "proposals": pks[:3],
                  "sessions": [s.session_key for s in sessions]}))
"""

LUA_BALLOT = (
    LUA_UUID
    + """
local i = 0
function request()
  i = i + 1
  local key = SESSIONS[(i - 1) * THREADS + id]
  local headers = {}
  for k, v in pairs(HEADERS) do headers[k] = v end
  headers["Cookie"] = COOKIE .. "; sessionid=" .. key
  return wrk.format("POST", PATH, headers, BODY .. "&idempotency_key=" .. uuid4())
end
"""
)


def bench_ballots(args):
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    db = f"vp_bench_{os.getpid()}_{secrets.token_hex(3)}"
    dsn = f"{PG}/{db}"
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    redis_db = claim_redis_db()
    if redis_db is not None:
        number = redis_db.connection_pool.connection_kwargs["db"]
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{number}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    try:
        run([PYTHON, "manage.py", "migrate", "--noinput"], env=env, timeout=300)
        out = run([PYTHON, "-c", SETUP, str(args.voters)], env=env, timeout=600).stdout
        setup = json.loads(out.splitlines()[-1])
        for workers in args.workers:
            with serving(workers, threads=1, env=env) as port:
                base = f"http://127.0.0.1:{port}"
                cookie, token = mint_csrf(port, setup["base"] + "vote/")
                chosen = "&".join(f"proposals={pk}" for pk in setup["proposals"])
                sessions = setup["sessions"]
                lua = (
                    f'EXPECT = 302\nPATH = "{setup["base"]}vote/cast/"\n'
                    f'BODY = "csrfmiddlewaretoken={token}&{chosen}"\n'
                    f"THREADS = {THREADS}\n"
                    f'COOKIE = "csrftoken={cookie}"\n'
                    'HEADERS = {["Content-Type"] = "application/x-www-form-urlencoded"}\n'
                    "SESSIONS = {" + ",".join(f'"{s}"' for s in sessions) + "}\n"
                )
                insert = summarise(
                    wrk(f"{base}/bench/insert", "", args.duration, extra_lua="EXPECT = 200\n")
                )
                before = settled_count(dsn, "consultations_ballot")
                ballots = summarise(
                    wrk(
                        f"{base}{setup['base']}vote/cast/", LUA_BALLOT, args.duration, extra_lua=lua
                    )
                )
                ballots["stored"] = settled_count(dsn, "consultations_ballot") - before
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"gunicorn, {workers} sync workers; load average {load}:")
            for name, r in (("a insert", insert), ("b ballot", ballots)):
                print(
                    f"  {name}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                    f"p99 {r['p99_ms']:6.1f} ms  ok {r['ok']}  failed {r['failed']}"
                )
            print(f"  ratio b/a: {ballots['rps'] / insert['rps']:.2f}")
            consistent = ballots["ok"] <= ballots["stored"] <= ballots["ok"] + CONNECTIONS
            print(
                f"  ballots stored {ballots['stored']} vs successful submits {ballots['ok']}: "
                + ("consistent" if consistent else "MISMATCH")
            )
            if ballots["requests"] > len(sessions) // 2:
                print("  note: raise --voters; the run came close to using every session")
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        if redis_db is not None:
            redis_db.flushdb()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--voters", type=int, default=20_000, help="codes and sessions made")
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--ballots-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")
    if not args.ballots_only:
        bench_rules()
    if not args.rules_only:
        bench_ballots(args)


if __name__ == "__main__":
    main()
