"""What every request of the online game reads, kept per web process for a few seconds.

Each vote reads the same round (its dates, channels, "skip", the process's phases) and
shows a card label of the same list. Reading them from the database per vote cost more
than storing the vote, so, as the consultation form does (consultations.access), a web
process keeps the round for ROUND_CACHE_SECONDS and the labels of a published list
longer (a published list is frozen: its labels never change).

A change by staff made in this process shows here at once (the round services forget the
round on commit, see ``forget_round``); other processes see it within the TTL. Closing a
round is the one change that must hold everywhere at once: the statement that stores a
vote checks ``closed_at`` itself, and undo re-reads it (keywords.sorting.services).
"""

from __future__ import annotations

from keywords.access import public_sorting_round
from keywords.models import KeywordListItem
from visionportal.caching import TTLCache

from .models import SortingRound

ROUND_CACHE_SECONDS = 5
LABEL_CACHE_SECONDS = 600

_rounds = TTLCache(ttl=ROUND_CACHE_SECONDS)
# Few lists are played at once; each entry is one list's labels (a few thousand at most).
_labels = TTLCache(ttl=LABEL_CACHE_SECONDS, max_entries=50)


def public_round(*, municipality_slug: str, process_slug: str, pk: int) -> SortingRound:
    """keywords.access.public_sorting_round, shared by this process's requests for up to
    ROUND_CACHE_SECONDS: read-only. A 404 is never cached."""

    def load():
        return public_sorting_round(
            municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
        )

    round = _rounds.get(pk, load)
    process = round.process
    if process.slug != process_slug or process.municipality.slug != municipality_slug:
        # Another address for the round (a wrong one, or slugs renamed since): the
        # database decides, a 404 or the renamed round.
        return load()
    return round


def forget_round(round_pk: int) -> None:
    """Drop this process's copy of the round."""
    _rounds.discard(round_pk)


def labels(keyword_list_id: int) -> dict[int, str]:
    """{list item id: label} of a published keyword list."""
    return _labels.get(
        keyword_list_id,
        lambda: dict(
            KeywordListItem.objects.filter(keyword_list_id=keyword_list_id).values_list(
                "pk", "label"
            )
        ),
    )
