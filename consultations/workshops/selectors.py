"""Reads for future workshops: bounded, one query each."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from visionportal.models import ProposalSource, ProposedInitiative

from .models import (
    BoardChange,
    BoardDocument,
    BoardItem,
    BoardKind,
    DotVote,
    SignUp,
    Workshop,
    WorkshopPhoto,
)

SERIES_LIST_LIMIT = 100


def series_of(process):
    return process.workshop_series.all()[:SERIES_LIST_LIMIT]


def workshops_of(series):
    return Workshop.objects.filter(series=series).order_by("starts_at", "pk")[:50]


def sign_ups_of(workshop):
    """Newest last, as they came (indexed: workshop, created_at, id); paged by the view."""
    return SignUp.objects.filter(workshop=workshop).order_by("created_at", "pk")


def photos_of(workshop, kind: str | None = None):
    photos = WorkshopPhoto.objects.filter(workshop=workshop)
    if kind:
        photos = photos.filter(kind=kind)
    return photos


@dataclass
class Card:
    item: BoardItem
    children: list[Card] = field(default_factory=list)


@dataclass
class Board:
    needs: list[Card]
    measures: list[BoardItem]
    solutions: list[BoardItem]
    voters: list[dict]
    count: int
    # The newest change the board shows: the page asks how many came after it.
    last_change: int


def board_of(workshop: Workshop) -> Board:
    """The session's live cards as needs → measures → solutions (one query for the cards,
    bounded by services.MAX_BOARD_ITEMS, one for the voters' dots)."""
    items = list(
        BoardItem.objects.filter(workshop=workshop, removed_at__isnull=True).order_by(
            "created_at", "pk"
        )
    )
    cards = {item.pk: Card(item) for item in items}
    needs = []
    for item in items:
        if item.kind == BoardKind.NEED:
            needs.append(cards[item.pk])
        elif item.parent_id in cards:
            cards[item.parent_id].children.append(cards[item.pk])
    voters = list(
        DotVote.objects.filter(workshop=workshop)
        .values("voter")
        .annotate(dots=Count("pk"))
        .order_by("voter")[:500]
    )
    return Board(
        needs=needs,
        measures=[i for i in items if i.kind == BoardKind.MEASURE],
        solutions=[i for i in items if i.kind == BoardKind.SOLUTION],
        voters=voters,
        count=len(items),
        last_change=last_change_of(workshop),
    )


def last_change_of(workshop: Workshop) -> int:
    last = BoardChange.objects.filter(workshop=workshop).order_by("-pk").values("pk").first()
    return last["pk"] if last else 0


def changes_since(workshop: Workshop, since: int) -> int:
    """How many changes were stored after `since` (bounded: the page only says "some")."""
    return BoardChange.objects.filter(workshop=workshop, pk__gt=since)[:100].count()


def prioritised_solutions(workshop: Workshop, limit: int = 20):
    return BoardItem.objects.filter(
        workshop=workshop, kind=BoardKind.SOLUTION, removed_at__isnull=True
    ).order_by("-dots", "created_at", "pk")[:limit]


PACK_SOLUTIONS_MAX = 50


def solutions_for_decision_pack(process) -> list[dict]:
    """The solutions staff marked for the decision pack in the process's workshops, most
    dots first, each with the measure and need it answers (one query, bounded)."""
    items = (
        BoardItem.objects.filter(
            workshop__series__process=process,
            kind=BoardKind.SOLUTION,
            for_decision_pack=True,
            removed_at__isnull=True,
        )
        .select_related("parent__parent", "workshop")
        .order_by("-dots", "created_at", "pk")[:PACK_SOLUTIONS_MAX]
    )
    return [
        {
            "text": item.text,
            "dots": item.dots,
            "measure": item.parent.text if item.parent else "",
            "need": item.parent.parent.text if item.parent and item.parent.parent else "",
            "workshop": item.workshop.title,
            "date": item.workshop.starts_at,
        }
        for item in items
    ]


def solution_ref(item_pk: int) -> str:
    """The key of a board card's proposal (ProposedInitiative.source_ref)."""
    return f"board-item:{item_pk}"


def proposed_solution_ids(workshop: Workshop, board: Board) -> set[int]:
    """The ids of the board's solutions proposed as initiatives (one query, bounded by the
    board's size)."""
    refs = {solution_ref(item.pk): item.pk for item in board.solutions}
    if not refs:
        return set()
    proposed = ProposedInitiative.objects.filter(
        process_id=workshop.series.process_id,
        source_kind=ProposalSource.WORKSHOP_SOLUTION,
        source_ref__in=list(refs),
    ).values_list("source_ref", flat=True)
    return {refs[ref] for ref in proposed}


def board_documents_of(workshop: Workshop):
    """The session's board PDFs, newest first (unique index: workshop, number)."""
    return BoardDocument.objects.filter(workshop=workshop).select_related("requested_by")
