"""Fixed-window rate limits in the cache, for public endpoints without an account.

One mechanism for every such limit (consultations' draft autosave, the sorting game's
kiosks): the client is named by a keyed digest of its address, so the cache never holds a
readable (or guessable) IP address, and the limit fails open when the cache is down,
because a resident's answer or vote is worth more than the limit.
"""

from __future__ import annotations

import logging
import time

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

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
    the count passes `limit`. Like allauth's login limits keep theirs."""
    bucket = f"{prefix}:{key}:{int(time.time() // window)}"
    try:
        cache.add(bucket, 0, timeout=window + 5)
        try:
            count = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.set(bucket, 1, timeout=window + 5)
            count = 1
    except RedisError as error:
        logger.warning(
            "Cache unavailable, rate limit %s skipped (%s)", prefix, type(error).__name__
        )
        return False
    return count > limit
