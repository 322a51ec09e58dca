"""Rate limits of the sorting game's public endpoints, per client and per kiosk.

The project's approach (consultations' draft autosave, allauth's sign-in limits): a
fixed-window counter in the cache, the client named by a keyed digest of its address so
the cache never holds a readable IP address, and failing open when the cache is down
(a vote is worth more than the limit; the burst detection still sees what got through).

The limits are generous for people and tight for scripts: a person sorts a card in two
to three seconds; a kiosk uploads a finished play at a time. settings.SORTING_RATE_LIMITS
may override any of them ({name: (count, seconds)}), e.g. for the ingest benchmark.
"""

from __future__ import annotations

import logging
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_LIMITS = {
    # Kiosk uploads and deck requests, per tablet and per client address.
    "kiosk_batch_device": (60, 60),
    "kiosk_batch_client": (240, 60),
    "kiosk_decks_device": (30, 60),
    "kiosk_form_device": (120, 60),
    "kiosk_client": (600, 60),
}


def _limit(name: str) -> tuple[int, int]:
    overrides = getattr(settings, "SORTING_RATE_LIMITS", None) or {}
    return overrides.get(name, DEFAULT_LIMITS[name])


def client_key(request) -> str:
    try:
        ip = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No address, or a request that did not come through the trusted proxies: limited
        # together, never a 500.
        ip = ""
    return salted_hmac("keywords.sorting.client", ip).hexdigest()[:32]


def over_limit(name: str, key: str) -> bool:
    """Count one use of `name` by `key`; True once the window's count passes the limit."""
    limit, window = _limit(name)
    bucket = f"vp:sort-rate:{name}:{key}:{int(time.time() // window)}"
    try:
        cache.add(bucket, 0, timeout=window + 5)
        try:
            count = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.set(bucket, 1, timeout=window + 5)
            count = 1
    except RedisError as error:
        logger.warning("Cache unavailable, sorting rate limit skipped (%s)", type(error).__name__)
        return False
    return count > limit


def kiosk_limited(request, device, kind: str) -> bool:
    """Before a kiosk request of `kind` ("batch", "decks" or "form")."""
    client = "kiosk_batch_client" if kind == "batch" else "kiosk_client"
    return over_limit(f"kiosk_{kind}_device", str(device.pk)) or over_limit(
        client, client_key(request)
    )
