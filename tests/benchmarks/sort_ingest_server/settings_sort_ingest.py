"""Settings of the sorting-ingest benchmark: the submit benchmark's (the product's, with
its bare-insert view), with the kiosks' and the online game's rate limits raised so one
machine can play many tablets and players at once. The limit code still runs (a cache
counter per request), as it would."""

from bench_settings import *  # noqa: F403

SORTING_RATE_LIMITS = {
    "kiosk_batch_device": (1_000_000, 60),
    "kiosk_batch_client": (1_000_000, 60),
    "kiosk_client": (1_000_000, 60),
    "online_vote_client": (1_000_000, 60),
}
