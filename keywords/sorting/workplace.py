"""Workplace meetings: one shared screen shows the cards, the group votes by show of
hands, and staff enter the counts per card (SortGroupSession + SortGroupCount).

- A meeting gets its own deck, dealt by the same rule as a player's (sort_deck_deal:
  weight ∝ 1/(times shown + 1), shuffled), so a card's position on the screen is stored
  with its counts. The count rows are created with the deck, at zero: a card nobody
  raised a hand for is a real zero once the meeting has been held.
- Entering counts **sets** them (never adds), all cards at once or not at all, so a
  double submit or a second colleague entering the same sheet stores the same figures.
  Each card's want + not want + skip may not exceed the meeting's participants.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SortChannel, SortGroupCount, SortGroupSession, SortingRound
from .services import SortingError, sort_deck_deal

NAME_MAX, PLACE_MAX = 120, 200
PARTICIPANTS_MAX = 1000
COUNT_FIELDS = ("want", "not_want", "skip")


class CountErrors(SortingError):
    """Per-card messages ({item id: message}) with a summary message."""

    def __init__(self, message, errors: dict[int, str]):
        super().__init__(message)
        self.errors = errors


def _check_round(round: SortingRound, at) -> None:
    if round.opened_at is None:
        raise SortingError(_("Open the round before you hold workplace meetings in it."))
    if round.status(at) == "closed":
        raise SortingError(_("This round is closed: it takes no more meetings."))
    if not round.channel_open(SortChannel.WORKPLACE_MEETING):
        raise SortingError(_("Workplace meetings are not open in this round's settings."))


@transaction.atomic
def group_session_create(
    *,
    round: SortingRound,
    name: str,
    place: str = "",
    participants: int,
    held_at: datetime.datetime | None = None,
    by,
    rng=None,
) -> SortGroupSession:
    at = timezone.now()
    _check_round(round, at)
    name = " ".join(str(name or "").split())
    place = " ".join(str(place or "").split())
    if not name:
        raise SortingError(_("Name the group or workplace."))
    if len(name) > NAME_MAX:
        raise SortingError(_("Shorten the name to at most %(max)d characters.") % {"max": NAME_MAX})
    if len(place) > PLACE_MAX:
        raise SortingError(
            _("Shorten the place to at most %(max)d characters.") % {"max": PLACE_MAX}
        )
    if not isinstance(participants, int) or not 1 <= participants <= PARTICIPANTS_MAX:
        raise SortingError(
            _("Give the number of participants, between 1 and %(max)d.") % {"max": PARTICIPANTS_MAX}
        )
    session = SortGroupSession.objects.create(
        round=round,
        name=name,
        place=place,
        participants=participants,
        held_at=held_at or at,
        entered_by=by,
    )
    deck = sort_deck_deal(round=round, rng=rng)
    SortGroupCount.objects.bulk_create(
        SortGroupCount(session=session, item_id=item_id, position=position)
        for position, item_id in enumerate(deck, start=1)
    )
    return session


def check_counts(
    counts: Mapping[int, Mapping[str, object]], *, cards: list[int], participants: int
) -> tuple[dict[int, tuple[int, int, int]], dict[int, str]]:
    """Clean {item id: {"want": …, "not_want": …, "skip": …}} for the meeting's `cards`:
    (values, errors per item). Missing fields count as 0."""
    values, errors = {}, {}
    for item_id in cards:
        entered = counts.get(item_id, {})
        try:
            numbers = tuple(int(str(entered.get(f) or 0).strip() or 0) for f in COUNT_FIELDS)
        except ValueError:
            errors[item_id] = _("Enter whole numbers of hands.")
            continue
        if any(n < 0 for n in numbers):
            errors[item_id] = _("A count cannot be negative.")
        elif sum(numbers) > participants:
            errors[item_id] = _(
                "%(total)d hands in all, but the meeting had %(participants)d participants."
            ) % {"total": sum(numbers), "participants": participants}
        else:
            values[item_id] = numbers
    return values, errors


@transaction.atomic
def group_counts_save(
    *, session: SortGroupSession, counts: Mapping[int, Mapping[str, object]], by
) -> SortGroupSession:
    """Set every card's counts (see the module docstring); CountErrors stores nothing."""
    current = SortGroupSession.objects.select_for_update().get(pk=session.pk)
    rows = {row.item_id: row for row in SortGroupCount.objects.filter(session=current)}
    values, errors = check_counts(counts, cards=list(rows), participants=current.participants)
    if errors:
        raise CountErrors(
            _("Some counts could not be saved: nothing was stored. Correct the marked cards."),
            errors,
        )
    changed = []
    for item_id, (want, not_want, skip) in values.items():
        row = rows[item_id]
        if (row.want, row.not_want, row.skip) != (want, not_want, skip):
            row.want, row.not_want, row.skip = want, not_want, skip
            changed.append(row)
    SortGroupCount.objects.bulk_update(changed, COUNT_FIELDS)
    return current


def sessions_of(round: SortingRound):
    return SortGroupSession.objects.filter(round=round).order_by("-held_at", "-pk")


def session_cards(session: SortGroupSession):
    """The meeting's cards in screen order, with their labels."""
    return list(
        SortGroupCount.objects.filter(session=session).select_related("item").order_by("position")
    )
