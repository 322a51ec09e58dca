"""Shared fixtures: the demo's cast as role fixtures (in the spirit of healthchecks' alice/bob),
and a rule that a service a test needs may be missing on a laptop but never in CI."""

import datetime
import os
import threading
import uuid

import pytest
import redis
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection, connections
from django.utils import timezone, translation

from visionportal.caching import clear_all
from visionportal.models import (
    Country,
    Membership,
    Milestone,
    Municipality,
    Phase,
    PhaseKind,
    Role,
    Track,
    User,
    VisionProcess,
)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in the source language: a language activated by an earlier test
    (or a request handled in this thread) must not leak into messages built outside a
    request."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_process_caches():
    """Each test starts with empty per-process caches (visionportal.caching), as a freshly
    started web process does: a value cached by an earlier test's request must not leak."""
    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    """Generated files (decision packs) go to a directory of the test's own, never into the
    repository's media/ or a developer's MEDIA_ROOT."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }


IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, reason: str) -> None:
    """Skip when a service is missing locally; fail when it is missing in CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def forget_celery_connections():
    """Drop the Celery app's cached producer pool and result backend: both stay bound to the
    broker and backend they were first made with (an eager `.delay().get()` in another test
    makes one), so a worker test that points the app at its own Redis must forget them."""
    from visionportal.celery import app

    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


# The Redis server the `celery_worker` tests use (README, "Tests"). Each test claims an empty
# database among 10–15 on it, so parallel runs and a developer's own queues never mix.
CELERY_TEST_REDIS = os.environ.get("CELERY_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
_CLAIM_KEY = "visionportal:test-claim"


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(CELERY_TEST_REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _claim_free_redis_database():
    """An empty Redis database among 10–15, marked as ours so parallel runs skip it."""
    for number in range(10, 16):
        url = f"{CELERY_TEST_REDIS}/{number}"
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        if client.dbsize() == 0 and client.set(_CLAIM_KEY, str(uuid.uuid4()), nx=True, ex=600):
            return url, client
    return None, None


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (solo pool, in this process) on its own Redis database, with
    eager mode off: tasks go through the broker as in production."""
    from celery.contrib.testing.worker import start_worker

    from visionportal.celery import app

    require_service(
        _redis_available(), f"no Redis at {CELERY_TEST_REDIS} for the Celery worker tests"
    )
    url, client = _claim_free_redis_database()
    require_service(url is not None, "no free Redis database among 10–15")
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    forget_celery_connections()
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
        ):
            yield
    finally:
        app.conf.update(saved)
        forget_celery_connections()
        client.flushdb()


def all_at_once(work, count: int, *, timeout: float = 60) -> list:
    """Run work(n) for n in range(count) in threads released together, each on its own
    database connection (closed when it ends); their results, in order. Fails when any of
    them raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(n):
        try:
            barrier.wait()
            results[n] = work(n)
        except Exception as error:  # reported by the assertion below
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(isinstance(r, Exception) for r in results), results
    return results


def rows_read(model) -> int:
    """Rows of `model`'s table this transaction has read so far, by index or by scan
    (PostgreSQL's per-transaction statistics): how a test tells one row found by an index
    from a whole table, or a whole index range, compared."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) "
            "FROM pg_stat_xact_user_tables WHERE relname = %s",
            [model._meta.db_table],
        )
        return cursor.fetchone()[0]


def backend_pid() -> int:
    """The PostgreSQL backend serving this thread's default connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def drop_connection() -> int:
    """PostgreSQL ends this thread's connection from another one, as on a restart or a
    failover (the connection object does not know yet); the ended backend's pid."""
    pid = backend_pid()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()
    return pid


def make_user(email, *, mfa=False, **extra):
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    if mfa:
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def norrkoping(db):
    return Municipality.objects.create(
        name="Norrköping", slug="norrkoping", country=Country.SWEDEN, default_language="sv"
    )


@pytest.fixture
def ishoj(db):
    return Municipality.objects.create(
        name="Ishøj", slug="ishoj", country=Country.DENMARK, default_language="da"
    )


def _member(municipality, email, role, mfa=True):
    user = make_user(email, mfa=mfa)
    Membership.objects.create(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def admin_user(norrkoping):
    return _member(norrkoping, "admin@norrkoping.test", Role.ADMIN)


@pytest.fixture
def staff(norrkoping):
    return _member(norrkoping, "staff@norrkoping.test", Role.STAFF)


@pytest.fixture
def staff_without_mfa(norrkoping):
    return _member(norrkoping, "new-staff@norrkoping.test", Role.STAFF, mfa=False)


@pytest.fixture
def councillor(norrkoping):
    return _member(norrkoping, "councillor@norrkoping.test", Role.COUNCILLOR, mfa=False)


@pytest.fixture
def moderator(norrkoping):
    return _member(norrkoping, "moderator@norrkoping.test", Role.MODERATOR, mfa=False)


@pytest.fixture
def other_staff(ishoj):
    """Staff of another municipality: must never see Norrköping's non-public data."""
    return _member(ishoj, "staff@ishoj.test", Role.STAFF)


@pytest.fixture
def outsider(db):
    """Signed in, but a member of no municipality."""
    return make_user("outsider@example.test")


@pytest.fixture
def process(norrkoping):
    """Norrköping's Vision 2035 with seed 000's timeline (published)."""
    process = VisionProcess.objects.create(
        municipality=norrkoping,
        title="Vision 2035",
        slug="vision-2035",
        target_year=2035,
        is_public=True,
        summary="Tänk dig Norrköping om 20 år.",
    )
    d = datetime.date
    Phase.objects.create(
        process=process,
        kind=PhaseKind.CONSULTATION,
        name="Fråga kommuninvånarna",
        starts_on=d(2015, 4, 1),
        ends_on=d(2015, 6, 30),
    )
    Phase.objects.create(
        process=process,
        kind=PhaseKind.SORTING,
        name="Bedöma nyckelord",
        starts_on=d(2015, 8, 1),
        ends_on=d(2015, 10, 31),
    )
    track = Track.objects.create(process=process, name="Politiskt spår")
    Milestone.objects.create(process=process, title="KS Beslut", date=d(2015, 12, 1), track=track)
    Milestone.objects.create(
        process=process, title="Beslut i kommunfullmäktige", date=d(2015, 12, 14)
    )
    return process


def running_phase(process, kind, *, name=""):
    """A phase of `kind` running today (from yesterday to a month ahead)."""
    today = timezone.localdate()
    return Phase.objects.create(
        process=process,
        kind=kind,
        name=name or f"{PhaseKind(kind).label} (running)",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=30),
    )


@pytest.fixture
def draft_process(norrkoping):
    return VisionProcess.objects.create(
        municipality=norrkoping, title="Vision 2050 (utkast)", slug="vision-2050", is_public=False
    )
