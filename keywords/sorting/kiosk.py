"""Kiosk tablets: registering and retiring them, dealing their decks, and taking their
votes, online one card at a time or queued offline and uploaded in batches.

How a kiosk deals while offline (STATISTICS.md's dealing rule holds unchanged):
the tablet keeps a small **reserve of pre-dealt decks** in memory, fetched while it is
online (``kiosk_decks_deal``). Each reserve deck is a real SortParticipant, dealt by
``sort_participant_start`` like any other play: weight ∝ 1/(times shown + 1), shuffled,
counted in ``times_shown`` when dealt, independent of any answer. The tablet plays the
next reserve deck for each new player and stores each answer with that deck's token, so
the server knows the deck and takes the position shown from it, never from the device.
Dealing on the server when the batch arrives was the alternative, but the cards have to
be on the screen before the answers exist, so the deck must be known first. The cost: a
reserve deck the tablet never plays (it was reloaded or retired) counted as shown once
without answers; with a reserve of a few decks per tablet this is noise, and it never
depends on answers, so the exposure stays balanced and unbiased.

Idempotent uploads: each batch carries a UUID chosen on the tablet when the batch is
queued, and a retry carries the same one. The batch row is inserted first, in the
upload's transaction; the (device, key) unique constraint makes a concurrent retry wait
for the first upload and then find its row, so it stores nothing and answers with the
first upload's figures. Votes are inserted with ON CONFLICT DO NOTHING on the one-answer
constraint, so a vote already stored (from the online path or an earlier batch) is not
counted twice either: the first stored answer stands.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .devices import device_class as device_class_of
from .models import (
    DevicePlaceKind,
    SortChannel,
    SortChoice,
    SortingDevice,
    SortingRound,
    SortParticipant,
    SortVote,
    SortVoteBatch,
)
from .services import (
    SortingError,
    sort_participant_finish,
    sort_participant_start,
    sort_vote_cast,
    sort_vote_undo,
)
from .vote_profiles import sort_votes_copy_profile

NAME_MAX, PLACE_MAX = 120, 200
# Decks a tablet holds for offline play, and the most it may ask for at once.
RESERVE_DECKS = 3
# The most votes one upload may carry (a tablet sends each finished play at once; after a
# long outage it sends its queue in batches of this size).
BATCH_MAX_VOTES = 500
# Seconds without a touch before the kiosk asks "are you still there?", and how long
# that question stays before the kiosk returns to its start screen (WCAG 2.2.1: a warning
# and at least 20 seconds to continue with one touch). Settings SORTING_KIOSK_IDLE_SECONDS
# and SORTING_KIOSK_IDLE_WARNING_SECONDS may change them. A play takes no more answers
# this long after its last one (plus a margin), so without JavaScript (no timer) the next
# visitor cannot carry on with, or page back into, an abandoned play either.
IDLE_SECONDS = 90
IDLE_WARNING_SECONDS = 20
# A tablet that was offline when the round closed still delivers what was played before
# the close, for this long.
LATE_UPLOAD_GRACE = datetime.timedelta(days=7)


# Looked up once: SortChoice.values builds a list on every access (per vote, it showed).
CHOICES = frozenset(SortChoice.values)


class KioskRetired(SortingError):
    pass


def idle_seconds() -> int:
    return int(getattr(settings, "SORTING_KIOSK_IDLE_SECONDS", IDLE_SECONDS))


def idle_warning_seconds() -> int:
    return int(getattr(settings, "SORTING_KIOSK_IDLE_WARNING_SECONDS", IDLE_WARNING_SECONDS))


def play_expires_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=idle_seconds() + idle_warning_seconds() + 30)


def _clean_text(value, *, limit: int, empty_message: str | None, too_long: str) -> str:
    text = " ".join(str(value or "").replace("\x00", "").split())
    if not text and empty_message:
        raise SortingError(empty_message)
    if len(text) > limit:
        raise SortingError(too_long % {"max": limit})
    return text


def device_register(
    *, round: SortingRound, name: str, place: str = "", place_kind: str, by
) -> SortingDevice:
    """A kiosk for `round` with a fresh secret link."""
    name = _clean_text(
        name,
        limit=NAME_MAX,
        empty_message=_("Give the kiosk a name, e.g. “Library entrance”."),
        too_long=_("Shorten the name to at most %(max)d characters."),
    )
    place = _clean_text(
        place,
        limit=PLACE_MAX,
        empty_message=None,
        too_long=_("Shorten the place to at most %(max)d characters."),
    )
    if place_kind not in DevicePlaceKind.values:
        raise SortingError(_("Choose what kind of place the kiosk stands in."))
    try:
        with transaction.atomic():
            return SortingDevice.objects.create(
                round=round,
                name=name,
                place=place,
                place_kind=place_kind,
                token=secrets.token_urlsafe(24),
                created_by=by,
            )
    except IntegrityError:
        raise SortingError(
            _("This round already has a kiosk called “%(name)s”. Choose another name.")
            % {"name": name}
        ) from None


@transaction.atomic
def device_retire(*, device: SortingDevice, by, at: datetime.datetime | None = None):
    """Stop the kiosk's link. Its stored votes stay; retiring twice changes nothing."""
    current = SortingDevice.objects.select_for_update().get(pk=device.pk)
    if current.retired_at is None:
        current.retired_at = at or timezone.now()
        current.save(update_fields=["retired_at"])
    return current


def device_for_token(token: str) -> SortingDevice | None:
    """The kiosk of a link (retired ones too: their page says so), with its round."""
    if not token or len(token) > 64:
        return None
    return (
        SortingDevice.objects.select_related("round__process__municipality")
        .prefetch_related("round__process__phases")
        .filter(token=token)
        .first()
    )


def _check_active(device: SortingDevice) -> None:
    if device.retired_at is not None:
        raise KioskRetired(_("This kiosk has been retired. Its link no longer works."))


def _touch(device: SortingDevice, at, *, votes: int = 0) -> None:
    changes = {"last_contact_at": at}
    if votes:
        changes["votes"] = F("votes") + votes
    SortingDevice.objects.filter(pk=device.pk).update(**changes)


def kiosk_decks_deal(
    *, device: SortingDevice, count: int, user_agent: str = "", at=None, rng=None
) -> list[SortParticipant]:
    """Up to RESERVE_DECKS new plays for the tablet's reserve (see the module docstring)."""
    at = at or timezone.now()
    _check_active(device)
    count = max(0, min(int(count), RESERVE_DECKS))
    kind = device_class_of(user_agent)
    plays = [
        sort_participant_start(
            round=device.round,
            channel=SortChannel.KIOSK,
            device_class=kind,
            device=device,
            rng=rng,
            at=at,
        )
        for _n in range(count)
    ]
    _touch(device, at)
    return plays


# --- Online kiosk play without JavaScript (plain forms) ----------------------------------


def kiosk_play_start(*, device: SortingDevice, user_agent: str = "", at=None) -> SortParticipant:
    return kiosk_decks_deal(device=device, count=1, user_agent=user_agent, at=at)[0]


def kiosk_play_for(device: SortingDevice, token) -> SortParticipant | None:
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return selectors.player_by_token(
        token,
        queryset=SortParticipant.objects.select_related("round__process").prefetch_related(
            "round__process__phases"
        ),
        device=device,
    )


def kiosk_play_expired(participant: SortParticipant, at=None) -> bool:
    """A play is over for the kiosk once finished, or left alone past the idle timeout."""
    if participant.finished_at is not None:
        return True
    at = at or timezone.now()
    last = (
        SortVote.objects.filter(participant=participant)
        .order_by("-cast_at")
        .values_list("cast_at", flat=True)
        .first()
    )
    return at - max(last or participant.started_at, participant.started_at) > play_expires_after()


def kiosk_next_card(participant: SortParticipant) -> tuple[int, int] | None:
    """(position, item id) of the first unanswered card, or None when all are answered."""
    answered = set(
        SortVote.objects.filter(participant=participant).values_list("item_id", flat=True)
    )
    for position, item_id in enumerate(participant.deck, start=1):
        if item_id not in answered:
            return position, item_id
    return None


def _check_play(device, participant, at) -> None:
    _check_active(device)
    if kiosk_play_expired(participant, at):
        raise SortingError(_("This game has ended. The next player starts a new one."))


def kiosk_vote_cast(
    *, device: SortingDevice, participant: SortParticipant, item_id: int, choice: int, at=None
) -> bool:
    """One answer from the kiosk's own form; finishes the play after its last card.
    Returns True when the play is complete."""
    at = at or timezone.now()
    _check_play(device, participant, at)
    existed = SortVote.objects.filter(participant=participant, item_id=item_id).exists()
    sort_vote_cast(participant=participant, item_id=item_id, choice=choice, at=at)
    _touch(device, at, votes=0 if existed else 1)
    if kiosk_next_card(participant) is None:
        # A kiosk asks no profile questions: the next visitor may be reading over the
        # player's shoulder, and the tablet must return to its start screen at once.
        sort_participant_finish(participant=participant, at=at)
        return True
    return False


def kiosk_vote_undo(*, device: SortingDevice, participant: SortParticipant, at=None) -> None:
    at = at or timezone.now()
    _check_play(device, participant, at)
    if sort_vote_undo(participant=participant, at=at) is not None:
        _touch(device, at, votes=-1)


# --- Queued uploads -------------------------------------------------------------------


@dataclass(frozen=True)
class BatchReceipt:
    stored: int  # votes this batch added
    rejected: int  # entries refused (unknown play, card not in the deck, after closing…)
    duplicate: bool  # the key was seen before: nothing stored now


@dataclass(frozen=True)
class QueuedVote:
    play: uuid.UUID
    item_id: int
    choice: int
    cast_at: datetime.datetime | None


def parse_queued_votes(entries) -> tuple[list[QueuedVote], int]:
    """The well-formed entries of an upload ({"p": play token, "i": item id, "c": choice,
    "t": epoch milliseconds}) and how many were not."""
    votes, malformed = [], 0
    for entry in entries if isinstance(entries, list) else ():
        try:
            play = uuid.UUID(str(entry["p"]))
            item_id, choice = entry["i"], entry["c"]
            if type(item_id) is not int or type(choice) is not int:
                raise TypeError
            millis = entry.get("t")
            cast_at = (
                datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.UTC)
                if isinstance(millis, int | float) and not isinstance(millis, bool)
                else None
            )
        except (KeyError, TypeError, ValueError, OverflowError, OSError, AttributeError):
            malformed += 1
            continue
        votes.append(QueuedVote(play, item_id, choice, cast_at))
    return votes, malformed


def kiosk_batch_receive(
    *,
    device: SortingDevice,
    idempotency_key: uuid.UUID,
    votes: list[QueuedVote],
    finished: list[uuid.UUID] = (),
    malformed: int = 0,
    at: datetime.datetime | None = None,
) -> BatchReceipt:
    """Store one upload of the tablet's queue exactly once (module docstring)."""
    at = at or timezone.now()
    _check_active(device)
    if len(votes) + malformed > BATCH_MAX_VOTES:
        raise SortingError(
            _("Too many answers in one upload: at most %(max)d.") % {"max": BATCH_MAX_VOTES}
        )
    round = device.round
    # Votes count if cast before the round closed (by its dates or by staff); a tablet
    # that was offline then still delivers them within the grace period.
    ends = min(round.closes_at, round.closed_at or round.closes_at)
    if round.opened_at is None or at > ends + LATE_UPLOAD_GRACE:
        raise SortingError(_("This round no longer takes answers from kiosks."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                batch = SortVoteBatch.objects.create(
                    device=device, idempotency_key=idempotency_key, received_at=at
                )
        except IntegrityError:
            # A retry (maybe concurrent: the insert waited for the first upload's commit).
            return BatchReceipt(stored=0, rejected=0, duplicate=True)
        plays = selectors.players_by_token(
            {v.play for v in votes} | set(finished),
            queryset=SortParticipant.objects.only(
                "pk", "token", "deck", "started_at", "finished_at", "device_class", "device"
            ),
            device=device,
        )
        positions = {
            token: {item: n for n, item in enumerate(p.deck, 1)} for token, p in plays.items()
        }
        rows: dict[tuple[int, int], SortVote] = {}
        rejected = malformed
        for vote in votes:
            play = plays.get(vote.play)
            position = positions[vote.play].get(vote.item_id) if play else None
            valid_choice = vote.choice in CHOICES and (
                vote.choice != SortChoice.SKIP or round.offer_skip
            )
            # The tablet's clock is trusted only between the deal and the upload.
            cast_at = min(max(vote.cast_at or at, play.started_at), at) if play else at
            if position is None or not valid_choice or cast_at > ends:
                rejected += 1
                continue
            # The same card twice in one upload: the later answer is the player's.
            rows[(play.pk, vote.item_id)] = (vote.choice, position, cast_at)
        stored = _insert_votes(round, batch, rows, plays.values()) if rows else 0
        batch.votes = stored
        batch.save(update_fields=["votes"])
        done = [plays[t].pk for t in finished if t in plays and plays[t].finished_at is None]
        # Votes of plays that an earlier upload ended arrive after their profile's copy.
        late = {pk for pk, _item in rows} & {p.pk for p in plays.values() if p.finished_at}
        if done or late:
            ended = SortParticipant.objects.filter(pk__in=done, started_at__lte=at)
            ended.update(finished_at=at)
            sort_votes_copy_profile(participant_ids=[*ended.values_list("pk", flat=True), *late])
        _touch(device, at, votes=stored)
    return BatchReceipt(stored=stored, rejected=rejected, duplicate=False)


def _insert_votes(round, batch, rows: dict, plays) -> int:
    """Insert the batch's votes, skipping any (player, card) already answered; the number
    inserted. Each vote carries its play's device class. On PostgreSQL one INSERT …
    SELECT FROM unnest(arrays) … ON CONFLICT DO NOTHING RETURNING: building a hundred
    model instances per upload cost more than the insert itself. Elsewhere (the SQLite
    demo) the ORM's bulk_create does the same."""
    device_classes = {play.pk: play.device_class for play in plays}
    if connection.vendor != "postgresql":
        SortVote.objects.bulk_create(
            (
                SortVote(
                    round_id=round.pk,
                    participant_id=participant_id,
                    item_id=item_id,
                    channel=SortChannel.KIOSK,
                    choice=choice,
                    position=position,
                    cast_at=cast_at,
                    batch=batch,
                    device_class=device_classes[participant_id],
                )
                for (participant_id, item_id), (choice, position, cast_at) in rows.items()
            ),
            ignore_conflicts=True,
        )
        return SortVote.objects.filter(batch=batch).count()
    keys, values = list(rows), list(rows.values())
    table = SortVote._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (round_id, participant_id, item_id, channel, choice,"  # noqa: S608
            " position, cast_at, batch_id, excluded, device_class)"
            " SELECT %s, p, i, %s, c, n, t, %s, false, d"
            " FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[], %s::smallint[],"
            " %s::timestamptz[], %s::varchar[]) AS v(p, i, c, n, t, d)"
            " ON CONFLICT (participant_id, item_id) DO NOTHING RETURNING 1",
            [
                round.pk,
                SortChannel.KIOSK.value,
                batch.pk,
                [k[0] for k in keys],
                [k[1] for k in keys],
                [v[0] for v in values],
                [v[1] for v in values],
                [v[2] for v in values],
                [device_classes[k[0]] for k in keys],
            ],
        )
        return len(cursor.fetchall())


def devices_of(round: SortingRound):
    """The round's kiosks for the staff list: the counter and last contact are columns."""
    return SortingDevice.objects.filter(round=round).order_by("retired_at", "name", "pk")
