"""Reading the sorting game for its pages: bounded, counted in SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from keywords.models import KeywordList, KeywordListItem

from .models import DeviceClass, SortChannel, SortingRound, SortParticipant, SortVote

ROUNDS_SHOWN = 50


def rounds_of(process) -> list[SortingRound]:
    return list(
        SortingRound.objects.filter(process=process)
        .select_related("keyword_list__consultation", "process")
        .prefetch_related("process__phases")
        .order_by("-created_at", "-pk")[:ROUNDS_SHOWN]
    )


def published_lists_of(process) -> list[KeywordList]:
    """The published list versions of the process's consultations, newest first."""
    return list(
        KeywordList.objects.filter(consultation__process=process)
        .select_related("consultation")
        .annotate(item_count=Count("items"))
        .order_by("consultation__title", "-version")[:ROUNDS_SHOWN]
    )


def open_rounds(process, *, at=None) -> list[SortingRound]:
    """The process's rounds residents can play online now (for the public links). Reads
    the process's phases (prefetch "phases" on `process` to make that free)."""
    at = at or timezone.now()
    rounds = SortingRound.objects.filter(
        process=process,
        opened_at__isnull=False,
        closed_at__isnull=True,
        opens_at__lte=at,
        closes_at__gt=at,
        online_open=True,
    ).order_by("closes_at", "pk")[:5]
    result = []
    for round in rounds:
        round.process = process  # status() reads the process's (prefetched) phases
        if round.is_open(at):
            result.append(round)
    return result


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    channel_label: str
    device_class: str
    device_label: str
    players: int
    finished: int


@dataclass(frozen=True)
class LiveCounts:
    rows: list[ChannelCount]
    players: int
    finished: int
    votes: int


def round_live_counts(round: SortingRound) -> LiveCounts:
    """Players (started, finished) per channel and device class, and all votes stored:
    two aggregates over indexes (sort_participant_counts, sort_vote_counting)."""
    grouped = (
        SortParticipant.objects.filter(round=round)
        .values("channel", "device_class")
        .annotate(players=Count("pk"), finished=Count("pk", filter=Q(finished_at__isnull=False)))
        .order_by("channel", "device_class")
    )
    channels, devices = dict(SortChannel.choices), dict(DeviceClass.choices)
    rows = [
        ChannelCount(
            channel=row["channel"],
            channel_label=str(channels.get(row["channel"], row["channel"])),
            device_class=row["device_class"],
            device_label=str(devices.get(row["device_class"], row["device_class"])),
            players=row["players"],
            finished=row["finished"],
        )
        for row in grouped
    ]
    votes = SortVote.objects.filter(round=round).count()
    return LiveCounts(
        rows=rows,
        players=sum(r.players for r in rows),
        finished=sum(r.finished for r in rows),
        votes=votes,
    )


@dataclass(frozen=True)
class GameState:
    """Where a player is: the card to show next (None at the end), its 1-based position,
    how many cards there are and how many are answered."""

    card: KeywordListItem | None
    position: int
    total: int
    answered: int

    @property
    def can_undo(self) -> bool:
        return self.answered > 0


def game_state(
    participant: SortParticipant,
    *,
    answered: Iterable[int] | None = None,
    labels: Mapping[int, str] | None = None,
) -> GameState:
    """Where `participant` is. `answered` (the item ids answered) and `labels` ({item id:
    label}) spare the queries when the caller has them (the vote just stored returned the
    first; keywords.sorting.play_cache keeps the second)."""
    deck = participant.deck
    if answered is None:
        answered = SortVote.objects.filter(participant=participant).values_list(
            "item_id", flat=True
        )
    answered = set(answered)
    for index, item_id in enumerate(deck):
        if item_id not in answered:
            if labels is not None and item_id in labels:
                card = KeywordListItem(pk=item_id, label=labels[item_id])
            else:
                card = KeywordListItem.objects.filter(pk=item_id).only("pk", "label").first()
            return GameState(card=card, position=index + 1, total=len(deck), answered=len(answered))
    return GameState(card=None, position=len(deck), total=len(deck), answered=len(answered))


def public_results_url(round: SortingRound) -> str:
    """The public results page of the round when one exists (keywords:sorting_results_public,
    built separately), else ""."""
    try:
        return reverse(
            "keywords:sorting_results_public",
            args=[round.process.municipality.slug, round.process.slug, round.pk],
        )
    except NoReverseMatch:
        return ""
