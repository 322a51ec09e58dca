"""Answer submission under load: the app under gunicorn against PostgreSQL on loopback.

Not a test: it prints numbers. For each worker count it drives, with wrk,
  (a) /bench/insert, a bare view inserting one row (only in submit/bench_wsgi.py), and
  (b) the real answer submission: POST of three answers + profile, each request with its own
      idempotency key and a valid CSRF cookie/token pair,
  (c) for reference, a Django view inserting one row through the whole middleware stack
      (submit/bench_urls.py): what Django's request cycle costs before our code runs,
and prints req/s, p50 and p99 latency, the ratio b/a (and b/c), and checks that the responses stored
equal the successful submits (wrk does not count requests still in flight when it stops,
so the database may hold up to one more per connection).

    .venv/bin/python tests/benchmarks/submit_benchmark.py [--workers 2 4] [--duration 15]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and wrk (apt-get install -y wrk).
Creates and drops its own database.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "submit"
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432"
CONNECTIONS, THREADS = 32, 2

SETUP = """
import json, datetime
import django
django.setup()
from django.db import connection
from django.utils import timezone
from visionportal.models import Municipality, VisionProcess
from consultations.services import consultation_create_default
m = Municipality.objects.create(name="Benchby", slug="benchby", country="SE", default_language="sv")
p = VisionProcess.objects.create(municipality=m, title="Vision", slug="vision", is_public=True)
now = timezone.now()
c = consultation_create_default(process=p, opens_at=now - datetime.timedelta(days=1),
    closes_at=now + datetime.timedelta(days=1), language="sv")
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, "
                   "created_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)")
print(json.dumps({"path": f"/m/benchby/vision/consult/{c.pk}/",
                  "questions": list(c.questions.values_list("pk", flat=True))}))
"""

LUA_COMMON = """
local counter = 1
local threads = {}
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
unexpected = 0
function response(status, headers, body)
  if status ~= EXPECT then
    unexpected = unexpected + 1
    if unexpected == 1 then
      local alert = (string.match(body or "", "<title>(.-)</title>") or "") .. " | "
        .. (string.match(body or "", 'class="errorlist[^>]*>(.-)</ul>') or "")
      io.write("UNEXPECTED ", status, " ", string.sub(alert, 1, 300), "\\n")
    end
  end
end
function done(summary, latency, requests)
  local errors = summary.errors
  local total_unexpected = 0
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + thread:get("unexpected")
  end
  io.write("UNEXPECTED_TOTAL ", total_unexpected, "\\n")
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"duration_us\\": %d, "
    .. "\\"p50_us\\": %d, \\"p99_us\\": %d, \\"status\\": %d, "
    .. "\\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, \\"timeout\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
"""

# A random idempotency key per request (the budget benchmark uses it too).
LUA_UUID = """
function init(args)
  math.randomseed(os.time() * 1000 + id * 7919 + math.floor(os.clock() * 1000000))
end
local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
"""

LUA_SUBMIT = (
    LUA_UUID
    + """
-- form-encoded: "+" would arrive as a space
local bands = {"0-15", "16-24", "25-44", "45-64", "65-79", "80%2B", "undisclosed", ""}
function request()
  local band = bands[math.random(1, #bands)]
  local body = BODY .. "&idempotency_key=" .. uuid4() .. "&age_band=" .. band
  return wrk.format("POST", PATH, HEADERS, body)
end
"""
)


LUA_POST = """
function request()
  return wrk.format("POST", PATH, HEADERS, BODY)
end
"""


REDIS = "redis://127.0.0.1:6379"
CLAIM_KEY = "visionportal-submit-benchmark"


def claim_redis_db():
    """An empty Redis database (13 down to 8) for the task queue, or None without Redis.

    As in production, a submit enqueues its Celery tasks in Redis; no worker runs here, so
    the benchmark measures the web tier. The database is flushed at the end."""
    try:
        import redis
    except ImportError:
        return None
    for number in range(13, 7, -1):
        client = redis.Redis.from_url(f"{REDIS}/{number}", socket_connect_timeout=1)
        try:
            if client.dbsize() == 0 and client.set(CLAIM_KEY, "1", nx=True, ex=3600):
                return client
        except redis.RedisError:
            return None
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, *, env, timeout):
    return subprocess.run(
        cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=timeout
    )


def wait_until_up(port, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def mint_csrf(port, path):
    """GET the form once: a CSRF cookie (32-char secret) and the form's masked token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        html = response.read().decode()
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert len(cookie) == 32, cookie
    return cookie, token


def wrk(url, script, duration, *, extra_lua=""):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(extra_lua + LUA_COMMON + script)
        lua = f.name
    try:
        proc = subprocess.run(
            ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "5s"]
            + ["-s", lua, url],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        )
        out = proc.stdout
        if "RESULT " not in out:
            raise RuntimeError(f"wrk gave no result:\n{out}\n{proc.stderr}")
    finally:
        os.unlink(lua)
    for line in out.splitlines():
        if line.startswith("UNEXPECTED "):
            print("  first unexpected response:", line[len("UNEXPECTED ") :][:300])
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    result["unexpected"] = int(out.split("UNEXPECTED_TOTAL ", 1)[1].split()[0])
    return result


def summarise(result):
    seconds = result["duration_us"] / 1e6
    failed = (
        result["unexpected"]
        + result["connect"]
        + result["read"]
        + result["write"]
        + result["timeout"]
    )
    return {
        "rps": result["requests"] / seconds,
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "requests": result["requests"],
        # Success is the expected status only (302 for a submit: a 200 is the form again).
        "ok": result["requests"] - result["unexpected"],
        "failed": failed,
    }


def settled_count(dsn, table, timeout=30.0):
    """The row count once requests still in flight at wrk's stop have been stored."""
    deadline = time.monotonic() + timeout
    last = count(dsn, table)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = count(dsn, table)
        if now == last:
            return now
        last = now
    return last


def count(dsn, table):
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


@contextlib.contextmanager
def serving(workers, *, threads, env):
    """The product (plus /bench/insert) under gunicorn on a free port; yields the port.
    The participatory budget's benchmark (budget.py) serves the same way."""
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "--chdir", str(ROOT), "--pythonpath", str(HERE)]
        + ["-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30"]
        + (["-k", "gthread", "--threads", str(threads)] if threads > 1 else ["-k", "sync"])
        + ["--log-level", "warning", "bench_wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(port, proc)
        yield port
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


def bench_workers(workers, *, threads, env, dsn, setup, duration, warmup):
    with serving(workers, threads=threads, env=env) as port:
        base = f"http://127.0.0.1:{port}"
        cookie, token = mint_csrf(port, setup["path"])
        answers = "&".join(
            f"question_{pk}=" + urllib.parse.quote(f"Svar {i}: parker, bibliotek och cykelvägar.")
            for i, pk in enumerate(setup["questions"])
        )
        body = (
            f"csrfmiddlewaretoken={token}&{answers}&area=main_urban_area"
            "&target_groups=student&target_groups=working"
        )
        headers = (
            '{["Content-Type"] = "application/x-www-form-urlencoded", '
            f'["Cookie"] = "csrftoken={cookie}", ["X-CSRFToken"] = "{token}"}}'
        )
        submit_lua = (
            f'EXPECT = 302\nPATH = "{setup["path"]}send/"\nBODY = "{body}"\nHEADERS = {headers}\n'
        )
        django_lua = (
            f'EXPECT = 200\nPATH = "/bench/django-insert"\nBODY = "csrfmiddlewaretoken={token}"\n'
            f"HEADERS = {headers}\n"
        )
        results = {}
        for name, url, script, lua, table in (
            ("a insert", f"{base}/bench/insert", "", "EXPECT = 200\n", "bench_insert"),
            (
                "c django insert",
                f"{base}/bench/django-insert",
                LUA_POST,
                django_lua,
                "bench_insert",
            ),
            (
                "b submit",
                f"{base}{setup['path']}send/",
                LUA_SUBMIT,
                submit_lua,
                "consultations_response",
            ),
        ):
            wrk(url, script, warmup, extra_lua=lua)
            before = settled_count(dsn, table)
            result = summarise(wrk(url, script, duration, extra_lua=lua))
            result["stored"] = settled_count(dsn, table) - before
            results[name] = result
        return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker: above 1, gthread workers instead of sync (overlaps DB waits)",
    )
    args = parser.parse_args()
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
    }
    redis_db = claim_redis_db()
    if redis_db is None:
        env.update(REDIS_URL="", CELERY_TASK_ALWAYS_EAGER="true")
        print("No free Redis database: Celery tasks run in-process (eager), unlike production.")
    else:
        number = redis_db.connection_pool.connection_kwargs["db"]
        env.update(REDIS_URL=f"{REDIS}/{number}", CELERY_TASK_ALWAYS_EAGER="false")
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    try:
        run([PYTHON, "manage.py", "migrate", "--noinput"], env=env, timeout=180)
        setup = json.loads(run([PYTHON, "-c", SETUP], env=env, timeout=60).stdout.splitlines()[-1])
        print(
            f"{CONNECTIONS} connections, {THREADS} wrk threads, {args.duration} s per run "
            f"after {args.warmup} s warm-up; {os.cpu_count()} CPUs; CONN_MAX_AGE=60; "
            f"Celery broker: {env['REDIS_URL'] or 'none (eager)'}"
        )
        for workers in args.workers:
            results = bench_workers(
                workers,
                threads=args.threads,
                env=env,
                dsn=dsn,
                setup=setup,
                duration=args.duration,
                warmup=args.warmup,
            )
            kind = "sync workers"
            if args.threads > 1:
                kind = f"gthread workers x {args.threads} threads"
            print(f"gunicorn, {workers} {kind}:")
            for name, r in results.items():
                print(
                    f"  {name}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                    f"p99 {r['p99_ms']:6.1f} ms  ok {r['ok']}  failed {r['failed']}  "
                    f"rows stored {r['stored']}"
                )
            a, b, c = results["a insert"], results["b submit"], results["c django insert"]
            print(
                f"  ratio b/a: {b['rps'] / a['rps']:.2f}   (b/c, against Django's own cycle: "
                f"{b['rps'] / c['rps']:.2f})"
            )
            in_flight_ok = b["ok"] <= b["stored"] <= b["ok"] + CONNECTIONS
            print(
                f"  stored responses {b['stored']} vs successful submits {b['ok']}: "
                + ("consistent" if in_flight_ok else "MISMATCH")
                + f" (up to {CONNECTIONS} in flight at the stop are stored but not counted)"
            )
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        if redis_db is not None:
            queued = redis_db.dbsize() - 1
            redis_db.flushdb()
            print(f"Redis: {queued} keys (queued tasks) flushed.")


if __name__ == "__main__":
    main()
