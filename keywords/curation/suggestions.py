"""Writing merge suggestions: the stored pairs of keywords that may mean the same.

The pairs are computed in the Celery worker (keywords.tasks.recompute_merge_suggestions)
after an extraction sweep or rebuild and after a merge, split or undo, never in a request:
at 60,000 keywords comparing them per page view took 12 s. The page reads the stored
pairs (keywords.curation.selectors.merge_suggestions).

Sending follows keywords.extraction.services._send_sweep: after the commit, `robust`, and a
failed send (the broker is down) is logged and never breaks the caller. The debounce is
per consultation: `MergeSuggestionState.queued_at` is claimed with one UPDATE, so at most
one recompute is queued at a time; the task releases the claim when it starts, so a change
made while it runs queues the next one.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from functools import partial

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from consultations.models import Consultation
from keywords.curation.pairs import STEM_LANGUAGES, suggested_pairs
from keywords.models import (
    Keyword,
    KeywordStatus,
    MergeSuggestion,
    MergeSuggestionDismissal,
    MergeSuggestionState,
)

logger = logging.getLogger(__name__)

# The keywords compared: every kept one plus the POOL_SIZE with most respondents. At
# 10,000 the pairs take ~1.5 s to find on one core (20,000: ~6 s, growing faster than
# linearly as short pieces of compounds repeat); the rest of a 60,000-keyword tail has one
# or two respondents each, where a merge changes little.
POOL_SIZE = 10_000
# Pairs stored at most, the pairs of the largest keywords first: no one reviews more, and
# a pool of near-identical labels (numbered variants, say) cannot fill the table.
MAX_PAIRS = 20_000
# Seconds a recompute waits after being queued, so a burst of merges or sweeps shares one.
QUEUE_DELAY = 10.0
# A claim older than this is taken to be lost (a worker died, a message expired).
CLAIM_EXPIRES = 600.0
# Seconds without sends after a send failed (as keywords.extraction.services does).
BROKER_DOWN_BACKOFF = 30.0
# pg_advisory_xact_lock's first key: "one recompute at a time" per consultation.
_LOCK_CLASS = 0x5647  # "VG"

_broker_down_until = 0.0
_clock = time.monotonic  # replaceable in tests


def _language(consultation: Consultation) -> str:
    language = consultation.process.municipality.default_language
    return language if language in STEM_LANGUAGES else "sv"


def _one_at_a_time(consultation_id: int) -> None:
    """Wait for another recompute of the same consultation to commit (PostgreSQL; SQLite
    runs one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, consultation_id])


def _pool(consultation_id: int) -> list[tuple[int, str, int]]:
    """(pk, base form, respondents) of the keywords compared, most respondents first: the
    roots (not merged away; struck ones included, so that a restore brings their pairs
    back without a recompute), bounded, plus every kept one. Keywords staff added have no
    respondents yet and come last, which is room enough in all but huge consultations."""
    roots = Keyword.objects.filter(consultation_id=consultation_id, merged_into__isnull=True)
    fields = ("pk", "base_form", "respondents")
    top = list(roots.order_by("-respondents", "base_form", "pk").values_list(*fields)[:POOL_SIZE])
    seen = {pk for pk, _base_form, _respondents in top}
    kept = [
        row
        for row in roots.filter(status=KeywordStatus.KEPT).values_list(*fields)
        if row[0] not in seen
    ]
    return top + sorted(kept, key=lambda row: (-row[2], row[1], row[0]))


Pair = tuple[int, int]
Values = tuple[str, float, int]  # reason, score, respondents (the page's order)


def _wanted(consultation_id: int, pool, language: str) -> dict[Pair, Values]:
    """The pairs to store, dismissed ones left out, those of the largest keywords first."""
    respondents = {pk: count for pk, _base_form, count in pool}
    pairs = suggested_pairs({pk: base_form for pk, base_form, _count in pool}, language)
    dismissed = set(
        MergeSuggestionDismissal.objects.filter(consultation_id=consultation_id).values_list(
            "keyword_a_id", "keyword_b_id"
        )
    )
    found: dict[Pair, Values] = {}
    for pair in pairs:
        a, b = sorted((pair.first, pair.second))
        if (a, b) not in dismissed:
            weight = min(respondents[a], respondents[b])
            found[(a, b)] = (pair.reason, round(pair.score, 2), weight)
    # The page's order (weight, then score), and the pair's keys for a stable cut.
    ranked = sorted(found.items(), key=lambda item: (-item[1][2], -item[1][1], item[0]))
    return dict(ranked[:MAX_PAIRS])


def _store(consultation_id: int, wanted: dict[Pair, Values], now) -> None:
    """Make the stored pairs `wanted`, touching only rows that differ (idempotent)."""
    stored = MergeSuggestion.objects.filter(consultation_id=consultation_id)
    existing = {
        (a, b): (pk, (reason, score, weight))
        for pk, a, b, reason, score, weight in stored.values_list(
            "pk", "keyword_a_id", "keyword_b_id", "reason", "score", "respondents"
        )
    }
    gone = [pk for key, (pk, _values) in existing.items() if key not in wanted]
    if gone:
        stored.filter(pk__in=gone).delete()
    changed = [
        MergeSuggestion(pk=existing[key][0], reason=r, score=s, respondents=w, computed_at=now)
        for key, (r, s, w) in wanted.items()
        if key in existing and existing[key][1] != (r, s, w)
    ]
    MergeSuggestion.objects.bulk_update(
        changed, ["reason", "score", "respondents", "computed_at"], batch_size=2000
    )
    MergeSuggestion.objects.bulk_create(
        [
            MergeSuggestion(
                consultation_id=consultation_id,
                keyword_a_id=a,
                keyword_b_id=b,
                reason=r,
                score=s,
                respondents=w,
                computed_at=now,
            )
            for (a, b), (r, s, w) in sorted(wanted.items())
            if (a, b) not in existing
        ],
        batch_size=2000,
    )


def merge_suggestions_recompute(*, consultation_id: int) -> int:
    """Recompute a consultation's stored pairs; returns how many there are.

    Idempotent: a second run with nothing changed in between writes no pair (unchanged
    pairs keep their rows and computed_at); dismissed pairs are never stored.
    """
    consultation = Consultation.objects.select_related("process__municipality").get(
        pk=consultation_id
    )
    now = timezone.now()
    state = MergeSuggestionState.objects.filter(consultation_id=consultation_id)
    MergeSuggestionState.objects.get_or_create(consultation_id=consultation_id)
    # From here on a change queues a new run (which waits for this one's lock).
    state.update(queued_at=None, started_at=now)
    started = time.monotonic()
    try:
        with transaction.atomic():
            _one_at_a_time(consultation_id)
            pool = _pool(consultation_id)
            wanted = _wanted(consultation_id, pool, _language(consultation))
            _store(consultation_id, wanted, now)
            state.update(
                started_at=None,
                computed_at=timezone.now(),
                keywords_compared=len(pool),
                seconds=round(time.monotonic() - started, 3),
            )
    except Exception:
        # The page must not say "recomputing" for ever; the task's failure is logged.
        state.update(started_at=None)
        raise
    return len(wanted)


def _ordered(first: Keyword, second: Keyword) -> tuple[Keyword, Keyword]:
    return (first, second) if first.pk < second.pk else (second, first)


def merge_suggestion_dismiss(
    *, consultation: Consultation, keywords: tuple[Keyword, Keyword], by
) -> MergeSuggestionDismissal:
    """Staff say the two keywords are not the same: the pair is dropped and never suggested
    again (recorded with who and when). Dismissing twice keeps the first record."""
    a, b = _ordered(*keywords)
    if a.pk == b.pk or {a.consultation_id, b.consultation_id} != {consultation.pk}:
        raise ValueError("a pair of two keywords of the consultation")
    with transaction.atomic():
        dismissal, _created = MergeSuggestionDismissal.objects.get_or_create(
            keyword_a=a,
            keyword_b=b,
            defaults={"consultation": consultation, "dismissed_by": by},
        )
        MergeSuggestion.objects.filter(keyword_a=a, keyword_b=b).delete()
    return dismissal


def _claim(consultation_id: int) -> bool:
    """Mark a recompute queued unless one already is; True when this caller should send."""
    MergeSuggestionState.objects.get_or_create(consultation_id=consultation_id)
    now = timezone.now()
    expired = now - timedelta(seconds=CLAIM_EXPIRES)
    return bool(
        MergeSuggestionState.objects.filter(consultation_id=consultation_id)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=expired))
        .update(queued_at=now)
    )


QUEUED = "queued"
ALREADY_QUEUED = "already queued"
NOT_SENT = "not sent"


def _send(consultation_id: int, *, countdown: float = QUEUE_DELAY) -> str:
    """Queue one recompute of the consultation unless one is queued already."""
    from keywords import tasks  # tasks import this module

    global _broker_down_until
    if _clock() < _broker_down_until:
        return NOT_SENT
    if not _claim(consultation_id):
        return ALREADY_QUEUED
    try:
        tasks.recompute_merge_suggestions.apply_async((consultation_id,), countdown=countdown)
    except Exception:
        # The broker is down (a failed send takes ~0.7 s): release the claim so a later
        # change tries again, and stop trying for a while rather than slow every merge.
        MergeSuggestionState.objects.filter(consultation_id=consultation_id).update(queued_at=None)
        _broker_down_until = _clock() + BROKER_DOWN_BACKOFF
        logger.warning("Could not send the merge suggestions recompute", exc_info=True)
        return NOT_SENT
    return QUEUED


def merge_suggestions_refresh(*, consultation_id: int) -> None:
    """Recompute the consultation's suggestions after the caller's transaction commits
    (debounced; whatever happens to the broker, the caller's work stands)."""
    transaction.on_commit(partial(_send, consultation_id), robust=True)


def merge_suggestions_request(*, consultation: Consultation) -> str:
    """Staff asked for a recompute now: QUEUED, ALREADY_QUEUED or NOT_SENT (the broker is
    down), for the page to say."""
    return _send(consultation.pk, countdown=0)
