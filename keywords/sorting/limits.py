"""Rate limits of the sorting game's public endpoints, per client and per kiosk.

The project's one mechanism (visionportal/ratelimits.py, also behind consultations' draft
autosave): a fixed-window counter in the cache, the client a keyed digest of its address,
failing open when the cache is down (the burst detection still sees what got through).

The limits are generous for people and tight for scripts: a person sorts a card in two
to three seconds; a kiosk uploads a finished play at a time. The online game's limits are
per client address, and many people can share one (a school's or a workplace's network,
a mobile operator's NAT): a whole class playing at once stays well within them, a script
does not. settings.SORTING_RATE_LIMITS
may override any of them ({name: (count, seconds)}), e.g. for the ingest benchmark.
"""

from __future__ import annotations

from django.conf import settings

from visionportal import ratelimits

DEFAULT_LIMITS = {
    # Kiosk uploads and deck requests, per tablet and per client address.
    "kiosk_batch_device": (60, 60),
    "kiosk_batch_client": (240, 60),
    "kiosk_decks_device": (30, 60),
    "kiosk_form_device": (120, 60),
    "kiosk_client": (600, 60),
    # The online game, per client address: new games, and answers (an undo counts as one).
    "online_start_client": (120, 60),
    "online_vote_client": (1200, 60),
}


def _limit(name: str) -> tuple[int, int]:
    overrides = getattr(settings, "SORTING_RATE_LIMITS", None) or {}
    return overrides.get(name, DEFAULT_LIMITS[name])


def client_key(request) -> str:
    return ratelimits.client_key(request, purpose="keywords.sorting.client")


def over_limit(name: str, key: str) -> bool:
    """Count one use of `name` by `key`; True once the window's count passes the limit."""
    limit, window = _limit(name)
    return ratelimits.over_limit(f"vp:sort-rate:{name}", key, limit=limit, window=window)


def kiosk_limited(request, device, kind: str) -> bool:
    """Before a kiosk request of `kind` ("batch", "decks" or "form")."""
    client = "kiosk_batch_client" if kind == "batch" else "kiosk_client"
    return over_limit(f"kiosk_{kind}_device", str(device.pk)) or over_limit(
        client, client_key(request)
    )


def online_limited(request, kind: str) -> bool:
    """Before an online game request of `kind` ("start" or "vote")."""
    return over_limit(f"online_{kind}_client", client_key(request))
