"""Fixed-window rate limits in the cache, for public endpoints without an account.

One mechanism for every such limit (consultations' draft autosave, the sorting game's
kiosks): the client is named by a keyed digest of its address, so the cache never holds a
readable (or guessable) IP address, and the limit fails open when the cache is down,
because a resident's answer or vote is worth more than the limit.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref

from allauth.account.adapter import get_adapter
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

from visionportal import caching

logger = logging.getLogger(__name__)


def client_key(request, *, purpose: str) -> str:
    """The client's address as a keyed digest, distinct per `purpose`."""
    try:
        ip = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No address, or fewer X-Forwarded-For entries than TRUSTED_PROXY_COUNT (a request
        # that did not come through the proxies): limited together, never a 500.
        ip = ""
    return salted_hmac(purpose, ip).hexdigest()[:32]


def over_limit(prefix: str, key: str, *, limit: int, window: int) -> bool:
    """Count one use by `key` in the current `window` seconds under `prefix`; True once
    the count passes `limit`. Like allauth's login limits keep theirs.

    High limits are counted ahead in this process and sent to the shared counter STEP
    uses at a time (see _step): a limit of hundreds a minute does not need every use to
    cost a cache round trip, and each web process then holds back fewer than STEP uses
    of a key, a small fraction of such a limit."""
    bucket = f"{prefix}:{key}:{int(time.time() // window)}"
    step = _step(limit)
    try:
        if step == 1:
            count = _count(bucket, timeout=window + 5)
        else:
            count = _ahead.count(bucket, step=step, timeout=window + 5)
    except RedisError as error:
        logger.warning(
            "Cache unavailable, rate limit %s skipped (%s)", prefix, type(error).__name__
        )
        return False
    return count > limit


# Limits from this many uses per window up are counted ahead; below, every use is counted
# in the shared cache at once, so small limits stay exact.
AHEAD_FROM = 200
STEP = 10


def _step(limit: int) -> int:
    return STEP if limit >= AHEAD_FROM else 1


def _count(bucket: str, *, timeout: int, amount: int = 1) -> int:
    """Add `amount` to the counter `bucket` (created with `timeout`); its new value."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip, not the three of add + incr (which checks the key exists first):
        # the sorting game counts every vote. The same key and value as add/incr would
        # store, so both ways read each other's counters.
        name = cache.make_and_validate_key(bucket)
        pipe = _redis_client(cache).pipeline(transaction=False)
        pipe.set(name, 0, ex=timeout, nx=True)
        pipe.incrby(name, amount)
        return pipe.execute()[1]
    cache.add(bucket, 0, timeout=timeout)
    try:
        return cache.incr(bucket, amount)
    except ValueError:  # expired between add and incr
        cache.set(bucket, amount, timeout=timeout)
        return amount


class _CountedAhead:
    """This process's uses not yet sent to the shared counter, per bucket, with the shared
    count last seen; the estimate is their sum."""

    MAX_BUCKETS = 10_000

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[str, list] = {}  # bucket: [uses not sent, shared count, expiry]

    def count(self, bucket: str, *, step: int, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            entry = self._buckets.get(bucket)
            if entry is None:
                if len(self._buckets) >= self.MAX_BUCKETS:
                    self._buckets = {b: e for b, e in self._buckets.items() if e[2] > now}
                entry = self._buckets[bucket] = [0, 0, now + timeout]
            entry[0] += 1
            if entry[0] < step:
                return entry[1] + entry[0]
            entry[0] = 0
        shared = _count(bucket, timeout=timeout, amount=step)
        with self._lock:
            entry[1] = shared
        return shared

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


_ahead = _CountedAhead()
caching.register(_ahead)  # tests start from nothing counted ahead


# One client per connection pool: Django's RedisCache.get_client() builds a new redis.Redis
# (with its table of some 170 response callbacks) on every call, which cost more than the
# round trip itself.
_redis_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _redis_client(cache: RedisCache):
    pool = cache._cache._get_connection_pool(write=True)
    client = _redis_clients.get(pool)
    if client is None:
        client = _redis_clients[pool] = cache._cache._client(connection_pool=pool)
    return client
