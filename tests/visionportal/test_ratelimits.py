"""The fixed-window limiter (visionportal/ratelimits.py): counting in the local cache and in
Redis (one round trip there, with counters add/incr reads too), failing open without Redis."""

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from tests.conftest import _claim_free_redis_database, _redis_available
from visionportal import ratelimits

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def redis_cache():
    if not _redis_available():
        pytest.fail("no Redis for the rate-limit test (CELERY_TEST_REDIS)")
    url, client = _claim_free_redis_database()
    if url is None:
        pytest.fail("no free Redis database among 10–15")
    try:
        with override_settings(CACHES={"default": {"BACKEND": REDIS_CACHE, "LOCATION": url}}):
            yield client
    finally:
        client.flushdb()


def _uses(n, key="client-a"):
    return [ratelimits.over_limit("vp:test", key, limit=3, window=60) for _ in range(n)]


def test_the_local_cache_counts_per_key_and_refuses_past_the_limit():
    caches["default"].clear()
    assert _uses(5) == [False, False, False, True, True]
    assert _uses(1, key="client-b") == [False]


def test_redis_counts_in_one_round_trip_with_the_same_counters(redis_cache, monkeypatch):
    cache = caches["default"]
    trips = []

    def counted(method):
        def call(self, *args, **kwargs):
            trips.append(method.__name__)
            return method(self, *args, **kwargs)

        return call

    # A command sent alone, or a pipeline's commands sent together: one round trip each.
    monkeypatch.setattr(
        redis.client.Redis, "execute_command", counted(redis.client.Redis.execute_command)
    )
    monkeypatch.setattr(redis.client.Pipeline, "execute", counted(redis.client.Pipeline.execute))
    assert _uses(5) == [False, False, False, True, True]
    assert trips == ["execute"] * 5
    monkeypatch.undo()
    # The counter is an integer that Django's cache reads, with the window's expiry.
    [name] = [k for k in redis_cache.keys("*vp:test*")]
    assert cache.get(name.decode().split(":", 2)[-1]) == 5
    assert 60 < redis_cache.ttl(name) <= 65
    # A counter started by add/incr (the code before) goes on counting.
    bucket = name.decode().split(":", 2)[-1].replace("client-a", "client-c")
    cache.add(bucket, 0, timeout=65)
    cache.incr(bucket)
    assert _uses(3, key="client-c") == [False, False, True]


def test_without_redis_the_limit_fails_open():
    down = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down):
        assert _uses(5) == [False] * 5


def test_high_limits_are_counted_ahead_and_sent_ten_uses_at_a_time(redis_cache, monkeypatch):
    cache = caches["default"]
    sent = []
    original = redis.client.Pipeline.execute

    def execute(self, *args, **kwargs):
        sent.append([command[0][0] for command in self.command_stack])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    uses = [ratelimits.over_limit("vp:test", "busy", limit=205, window=60) for _ in range(9)]
    assert uses == [False] * 9 and sent == []  # counted in this process only
    bucket = next(iter(ratelimits._ahead._buckets))
    cache.set(bucket, 190, timeout=65)  # other web processes' uses
    assert ratelimits.over_limit("vp:test", "busy", limit=205, window=60) is False
    assert sent == [["SET", "INCRBY"]] and cache.get(bucket) == 200
    # The estimate is the shared count seen plus this process's uses since.
    uses = [ratelimits.over_limit("vp:test", "busy", limit=205, window=60) for _ in range(7)]
    assert uses == [False] * 5 + [True] * 2 and len(sent) == 1
    # Below AHEAD_FROM every use is counted at once.
    assert ratelimits.over_limit("vp:test", "exact", limit=199, window=60) is False
    assert len(sent) == 2
