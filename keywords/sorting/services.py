"""Writing the sorting game: rounds (staff) and plays (residents).

Decisions, so the views, the kiosk and the results can rely on them:

- **A round is on one published list version of a consultation of its own process**; its
  items (SortingRoundItem) are fixed when it is created, one per list item. The list cannot
  change once the round is opened: the votes name its items.
- **Opening is gated by the phases** (visionportal.phases, SORT_KEYWORDS), as the
  councillors' round is; taking votes needs the round open by its dates *and* such a phase
  running (SortingRound.status), so residents see a clear page outside it.
- **Dealing** (sort_deck_deal) weighs each item by 1/(times shown + 1) and counts the
  exposure in the same transaction; nothing about answers goes in.
- **One answer per player and card**: answering a card again replaces the answer (a double
  submit of the same answer changes nothing); undo deletes the player's latest answer, so
  that card is the next one shown again. Finished plays take no more answers.
- Refusals raise SortingError with a translated message for the person who tried.
"""

from __future__ import annotations

import datetime
import json
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import profile
from consultations.models import AgeBand, TargetGroup
from visionportal.db import fetch_one_idempotent
from visionportal.models import VisionProcess
from visionportal.phases import Capability, process_allows, refusal_reason
from visionportal.services import version_check, versioned_save

from . import dealing, play_cache
from .models import (
    DECK_SIZE_MAX,
    SortChannel,
    SortChoice,
    SortingDevice,
    SortingRound,
    SortingRoundItem,
    SortParticipant,
    SortParticipantTargetGroup,
    SortVote,
    SortVoteBatch,
)
from .vote_profiles import sort_votes_copy_profile

TITLE_MAX = 200
INTRO_MAX = 5000

# The settings staff may change with sorting_round_update (and give to create).
ROUND_SETTINGS = (
    "title",
    "intro",
    "opens_at",
    "closes_at",
    "deck_size",
    "offer_skip",
    "online_open",
    "kiosk_open",
    "workplace_open",
    "ask_age_band",
    "ask_area",
    "ask_target_groups",
)

_system_random = random.SystemRandom()
# Looked up once: SortChoice.values builds a list on every access.
CHOICES = frozenset(SortChoice.values)


class SortingError(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(message)


def _clean_settings(fields: dict, *, items: int) -> dict:
    fields = dict(fields)
    title = " ".join(str(fields.get("title") or "").split())
    if not title:
        raise SortingError(_("Give the round a title."))
    if len(title) > TITLE_MAX:
        raise SortingError(
            _("Shorten the title to at most %(max)d characters.") % {"max": TITLE_MAX}
        )
    fields["title"] = title
    intro = str(fields.get("intro") or "").replace("\x00", "").strip()
    if len(intro) > INTRO_MAX:
        raise SortingError(
            _("Shorten the introduction to at most %(max)d characters.") % {"max": INTRO_MAX}
        )
    fields["intro"] = intro
    opens_at, closes_at = fields.get("opens_at"), fields.get("closes_at")
    if opens_at is None or closes_at is None:
        raise SortingError(_("Give the round an opening and a closing time."))
    if closes_at <= opens_at:
        raise SortingError(_("The round must close after it opens."))
    deck_size = fields.get("deck_size")
    if deck_size is None or not 1 <= deck_size <= DECK_SIZE_MAX:
        raise SortingError(
            _("Each player sorts between 1 and %(max)d keywords.") % {"max": DECK_SIZE_MAX}
        )
    if deck_size > items:
        raise SortingError(
            _("The list has %(items)d keywords: each player can sort at most that many.")
            % {"items": items}
        )
    return fields


def _forget_on_commit(round: SortingRound) -> None:
    # The game's views read the round from play_cache: this process shows the change at
    # once, the others within play_cache.ROUND_CACHE_SECONDS. Forgotten now and again on
    # commit, since a request in between may have read the round as it was.
    pk = round.pk
    play_cache.forget_round(pk)
    transaction.on_commit(lambda: play_cache.forget_round(pk))


@transaction.atomic
def sorting_round_create(*, process: VisionProcess, keyword_list, by, **fields) -> SortingRound:
    """A draft round on `keyword_list` (a published version of a consultation of
    `process`), with one SortingRoundItem per list item. Settings: ROUND_SETTINGS; the
    model's defaults for those not given."""
    unknown = set(fields) - set(ROUND_SETTINGS)
    if unknown:
        raise ValueError(f"not round settings: {sorted(unknown)}")
    if keyword_list.consultation.process_id != process.pk:
        raise SortingError(_("That keyword list belongs to another process."))
    items = list(keyword_list.items.values_list("pk", flat=True))
    if not items:
        raise SortingError(_("That keyword list is empty: there is nothing to sort."))
    fields.setdefault("deck_size", min(20, len(items)))
    fields = _clean_settings(fields, items=len(items))
    round = SortingRound(process=process, keyword_list=keyword_list, created_by=by, **fields)
    round.save()
    SortingRoundItem.objects.bulk_create(SortingRoundItem(round=round, item_id=pk) for pk in items)
    return round


@transaction.atomic
def sorting_round_update(*, round: SortingRound, expected_version: int | None, **fields):
    """Save staff's settings, refused (StaleVersion) over a colleague's newer save."""
    unknown = set(fields) - set(ROUND_SETTINGS)
    if unknown:
        raise ValueError(f"not round settings: {sorted(unknown)}")
    current = SortingRound.objects.select_for_update().get(pk=round.pk)
    version_check(current, expected_version)
    items = SortingRoundItem.objects.filter(round=current).count()
    merged = {name: getattr(current, name) for name in ROUND_SETTINGS} | fields
    for name, value in _clean_settings(merged, items=items).items():
        setattr(current, name, value)
    versioned_save(current)
    _forget_on_commit(current)
    return current


@transaction.atomic
def sorting_round_open(*, round: SortingRound, by, at: datetime.datetime | None = None):
    """Open the round for votes (from its opening time). Only while the process has a
    running phase that enables sorting; opening an open round changes nothing."""
    at = at or timezone.now()
    current = SortingRound.objects.select_for_update().select_related("process").get(pk=round.pk)
    if current.closed_at is not None:
        raise SortingError(_("This round is closed. Create a new round to sort again."))
    if current.opened_at is not None:
        return current
    if not process_allows(current.process, Capability.SORT_KEYWORDS, at=at):
        raise SortingError(
            _("The round cannot open now. %(reason)s")
            % {"reason": refusal_reason(current.process, Capability.SORT_KEYWORDS, at=at)}
        )
    current.opened_at, current.opened_by = at, by
    versioned_save(current, update_fields=["opened_at", "opened_by"])
    _forget_on_commit(current)
    return current


@transaction.atomic
def sorting_round_close(*, round: SortingRound, by, at: datetime.datetime | None = None):
    """Close the round: it takes no more votes on any channel. Closing twice is a no-op."""
    current = SortingRound.objects.select_for_update().get(pk=round.pk)
    if current.opened_at is None:
        raise SortingError(_("This round was never opened; there is nothing to close."))
    if current.closed_at is None:
        current.closed_at, current.closed_by = at or timezone.now(), by
        versioned_save(current, update_fields=["closed_at", "closed_by"])
        _forget_on_commit(current)
    return current


def refusal_for_status(status: str) -> str:
    return {
        "draft": _("This round has not been opened yet."),
        "upcoming": _("This round has not opened yet."),
        "outside_phase": _("This round is not taking answers at the moment."),
        "closed": _("This round is closed. Thank you for your interest!"),
    }.get(status, _("This round is not taking answers."))


def _check_open(round: SortingRound, channel: str, at) -> None:
    status = round.status(at)
    if status != "open":
        raise SortingError(refusal_for_status(status))
    if not round.channel_open(channel):
        raise SortingError(_("This round is not taking answers this way at the moment."))


def sort_deck_deal(
    *, round: SortingRound, size: int | None = None, rng: random.Random | None = None
) -> list[int]:
    """A deck of KeywordListItem ids for one player (see dealing.deal), counting the
    exposure of the dealt items. Call inside the transaction that stores the deck."""
    size = round.deck_size if size is None else size
    shown = dict(SortingRoundItem.objects.filter(round=round).values_list("item_id", "times_shown"))
    deck = dealing.deal(shown, size, rng or _system_random)
    if deck:
        SortingRoundItem.objects.filter(round=round, item_id__in=deck).update(
            times_shown=F("times_shown") + 1
        )
    return deck


@transaction.atomic
def sort_participant_start(
    *,
    round: SortingRound,
    channel: str,
    device_class: str,
    device: SortingDevice | None = None,
    rng: random.Random | None = None,
    at: datetime.datetime | None = None,
) -> SortParticipant:
    """A new play with its deck dealt. Kiosk plays name their (not retired) device."""
    at = at or timezone.now()
    _check_open(round, channel, at)
    if channel == SortChannel.KIOSK:
        if device is None or device.round_id != round.pk or device.retired_at is not None:
            raise SortingError(_("This kiosk is no longer in use."))
    elif device is not None:
        raise ValueError("only kiosk plays have a device")
    return SortParticipant.objects.create(
        round=round,
        token=uuid.uuid4(),
        channel=channel,
        device=device,
        device_class=device_class,
        deck=sort_deck_deal(round=round, rng=rng),
        started_at=at,
    )


def _check_playing(participant: SortParticipant, at) -> None:
    if participant.finished_at is not None:
        raise SortingError(_finished_message())
    _check_open(participant.round, participant.channel, at)


# Messages as functions: translated in the language of the request that gets them.
def _finished_message() -> str:
    return _("You have already finished this game. Thank you!")


def _not_in_deck_message() -> str:
    return _("That keyword is not in your game.")


# Item ids are bigint: anything outside is no card of any deck (and no SQL error).
_ITEM_ID_MAX = 2**63 - 1


def _check_answer(round: SortingRound, item_id: int, choice: int) -> None:
    if choice not in CHOICES:
        raise SortingError(_("Choose one of the answers."))
    if choice == SortChoice.SKIP and not round.offer_skip:
        raise SortingError(_("This round has no “skip”: choose one of the answers."))
    if not 1 <= item_id <= _ITEM_ID_MAX:
        raise SortingError(_not_in_deck_message())


def _check_not_closed(round_id: int) -> None:
    """From the database, not the (possibly cached) round: closing holds at once."""
    if SortingRound.objects.filter(pk=round_id, closed_at__isnull=False).exists():
        raise SortingError(refusal_for_status("closed"))


@dataclass(frozen=True)
class StoredVote:
    """An answer as stored, with what the game shows next without reading it again: the
    player's deck and the cards answered now (this one included), when asked for."""

    participant_id: int
    item_id: int
    position: int
    deck: list[int] | None
    answered: frozenset[int] | None
    # The vote's row when this call inserted or changed it; None when the same answer was
    # already stored (a double submit), which is left as it was.
    vote_id: int | None
    cast_at: datetime.datetime | None


# One round trip per vote on PostgreSQL: the function sort_vote_store (keywords migration
# 0020, which says why it is a function; 0021 its current body) finds the player and the
# card's position, refuses a finished play or a closed round, stores the answer and
# returns what the next card needs. The same answer again changes nothing, so the call
# may run twice: it skips Django's health check (visionportal.db). Its cast_at is the
# time given, so it is not read back; the deck and the cards answered are read only when
# the next card is shown from them.
_STORE_VOTE_CALL = (
    "SELECT participant_id, finished, round_open, card_position, vote_id{next_card}"
    " FROM sort_vote_store(%s, %s, %s, %s, %s, %s, %s, %s)"
)
_STORE_VOTE = _STORE_VOTE_CALL.format(next_card="")
_STORE_VOTE_NEXT_CARD = _STORE_VOTE_CALL.format(next_card=", deck, answered")


@dataclass(frozen=True)
class _Answer:
    """One answer to store, of the player whose `player_key` ("token" or "id") is
    `player`."""

    round_id: int
    channel: str
    player_key: str
    player: uuid.UUID | int
    item_id: int
    choice: int
    at: datetime.datetime
    batch: SortVoteBatch | None = None


def _store_vote(answer: _Answer, *, next_card: bool = False) -> StoredVote | None:
    """Store `answer`; None when there is no such player in the round (and channel). With
    `next_card`, the StoredVote has the deck and the cards answered."""
    if connection.vendor != "postgresql":
        return _store_vote_orm(answer, next_card=next_card)
    params = [
        answer.round_id,
        answer.channel,
        answer.player if answer.player_key == "token" else None,
        answer.player if answer.player_key == "id" else None,
        answer.item_id,
        answer.choice,
        answer.at,
        answer.batch.pk if answer.batch is not None else None,
    ]
    row = fetch_one_idempotent(_STORE_VOTE_NEXT_CARD if next_card else _STORE_VOTE, params)
    if row is None:
        return None
    participant_id, finished, open_, position, vote_id, *state = row
    if finished:
        raise SortingError(_finished_message())
    if not open_:
        raise SortingError(refusal_for_status("closed"))
    if position is None:
        raise SortingError(_not_in_deck_message())
    return StoredVote(
        participant_id=participant_id,
        item_id=answer.item_id,
        position=position,
        deck=_deck(state[0]) if next_card else None,
        answered=frozenset(state[1]) | {answer.item_id} if next_card else None,
        vote_id=vote_id,
        cast_at=answer.at if vote_id is not None else None,
    )


def _deck(value) -> list[int]:
    # Raw SQL returns jsonb as text under Django's psycopg setup.
    return json.loads(value) if isinstance(value, str) else value


def _store_vote_orm(answer: _Answer, *, next_card: bool) -> StoredVote | None:
    """_store_vote elsewhere than PostgreSQL (the SQLite demo): the same rules, in steps."""
    with transaction.atomic():
        participant = SortParticipant.objects.filter(**{answer.player_key: answer.player}).first()
        if participant is None or (participant.round_id, participant.channel) != (
            answer.round_id,
            answer.channel,
        ):
            return None
        if participant.finished_at is not None:
            raise SortingError(_finished_message())
        _check_not_closed(answer.round_id)
        try:
            position = participant.deck.index(answer.item_id) + 1
        except ValueError:
            raise SortingError(_not_in_deck_message()) from None
        vote, created = SortVote.objects.select_for_update().get_or_create(
            participant=participant,
            item_id=answer.item_id,
            defaults={
                "round_id": answer.round_id,
                "channel": answer.channel,
                "choice": answer.choice,
                "position": position,
                "cast_at": answer.at,
                "batch": answer.batch,
                "device_class": participant.device_class,
            },
        )
        changed = created or vote.choice != answer.choice
        if changed and not created:
            vote.choice, vote.cast_at = answer.choice, answer.at
            vote.save(update_fields=["choice", "cast_at"])
        answered = None
        if next_card:
            answered = frozenset(
                SortVote.objects.filter(participant=participant).values_list("item_id", flat=True)
            )
        return StoredVote(
            participant_id=participant.pk,
            item_id=answer.item_id,
            position=position,
            deck=participant.deck if next_card else None,
            answered=answered,
            vote_id=vote.pk if changed else None,
            cast_at=vote.cast_at if changed else None,
        )


def sort_vote_store(
    *,
    round: SortingRound,
    token,
    channel: str,
    item_id: int,
    choice: int,
    at: datetime.datetime | None = None,
    next_card: bool = False,
) -> StoredVote | None:
    """The online game's vote: the answer of the player holding `token` to one card of
    their deck, in one round trip (see _STORE_VOTE_CALL), checked against `round` (which
    may be the few seconds old play_cache copy: closing is checked in the database).
    None when the round has no such player. Replaces an earlier different answer; the
    same answer again changes nothing. With `next_card`, the StoredVote has what the next
    card needs (the deck and the cards answered)."""
    at = at or timezone.now()
    _check_open(round, channel, at)
    _check_answer(round, item_id, choice)
    answer = _Answer(
        round_id=round.pk,
        channel=channel,
        player_key="token",
        player=token,
        item_id=item_id,
        choice=choice,
        at=at,
    )
    return _store_vote(answer, next_card=next_card)


def sort_vote_cast(
    *,
    participant: SortParticipant,
    item_id: int,
    choice: int,
    at: datetime.datetime | None = None,
    batch=None,
) -> SortVote:
    """The player's answer to one card of their deck; replaces an earlier answer to it.
    The same answer again (a double submit) changes nothing."""
    at = at or timezone.now()
    _check_playing(participant, at)
    _check_answer(participant.round, item_id, choice)
    answer = _Answer(
        round_id=participant.round_id,
        channel=participant.channel,
        player_key="id",
        player=participant.pk,
        item_id=item_id,
        choice=choice,
        at=at,
        batch=batch,
    )
    stored = _store_vote(answer)
    if stored is None:  # deleted meanwhile (with its round): nothing to answer
        raise SortParticipant.DoesNotExist(f"player {participant.pk} is gone")
    if stored.vote_id is None:
        # Already stored as it is: the row as it stands.
        return SortVote.objects.get(participant=participant, item_id=item_id)
    return SortVote(
        pk=stored.vote_id,
        round_id=participant.round_id,
        participant_id=participant.pk,
        item_id=item_id,
        channel=participant.channel,
        choice=choice,
        position=stored.position,
        cast_at=stored.cast_at,
        batch=batch,
        device_class=participant.device_class,
    )


@transaction.atomic
def sort_vote_undo(
    *, participant: SortParticipant, at: datetime.datetime | None = None
) -> SortVote | None:
    """Take back the player's latest answer (None when there is none): that card is shown
    again next. Refused once the round is closed, whatever the cached round says: an
    undo after closing would change the results."""
    _check_playing(participant, at or timezone.now())
    _check_not_closed(participant.round_id)
    vote = (
        SortVote.objects.select_for_update()
        .filter(participant=participant)
        .order_by("-cast_at", "-pk")
        .first()
    )
    if vote is not None:
        vote.delete()
    return vote


@transaction.atomic
def sort_participant_finish(
    *,
    participant: SortParticipant,
    age_band: str = "",
    area: str = "",
    target_groups: Iterable[str] = (),
    at: datetime.datetime | None = None,
) -> SortParticipant:
    """End the play with the optional profile answers (only those the round asks are
    kept). Finishing twice changes nothing: the first answers stand."""
    at = at or timezone.now()
    current = (
        SortParticipant.objects.select_for_update()
        .select_related("round__process", "round__keyword_list__consultation")
        .get(pk=participant.pk)
    )
    if current.finished_at is not None:
        return current
    round = current.round
    _check_open(round, current.channel, at)
    age_band = age_band if round.ask_age_band else ""
    area = area if round.ask_area else ""
    groups = sorted(set(target_groups)) if round.ask_target_groups else []
    if age_band and age_band not in AgeBand.values:
        raise SortingError(_("Choose one of the age bands."))
    if area and profile.area_value(round.keyword_list.consultation, area) != area:
        raise SortingError(_("The list of areas has changed. Choose your area again."))
    if any(group not in TargetGroup.values for group in groups):
        raise SortingError(_("Choose only groups from the list."))
    current.age_band, current.area, current.finished_at = age_band, area, at
    current.save(update_fields=["age_band", "area", "finished_at"])
    SortParticipantTargetGroup.objects.bulk_create(
        SortParticipantTargetGroup(participant=current, group=group) for group in groups
    )
    # The results count groups from the votes alone (keywords.sorting.vote_profiles).
    sort_votes_copy_profile(participant_ids=[current.pk])
    return current
