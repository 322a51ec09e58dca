"""Writes for future workshops (seed 002). Views, the demo and the admin call these.

Every refusal is a WorkshopError with a translated message for the person who caused it.
"""

from __future__ import annotations

import secrets
import uuid

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from visionportal import files, images
from visionportal.models import ProposalSource, ProposedInitiative, VisionProcess
from visionportal.services import (
    ProposalError,
    StaleVersion,
    initiative_propose,
    version_check,
    versioned_save,
)
from visionportal.text import clean_text, has_visible_text

from ..models import Channel, Consultation, QuestionKind
from .models import (
    PARENT_KIND,
    BoardChange,
    BoardItem,
    BoardKind,
    DotVote,
    PhotoKind,
    SignUp,
    VoteBy,
    Workshop,
    WorkshopPhoto,
    WorkshopSeries,
)
from .selectors import solution_ref

# A board is read whole on every refresh of the tablet: bounded, and far above what one
# evening writes (seed 002: 80 people over three evenings).
MAX_BOARD_ITEMS = 400
MAX_ITEM_LENGTH = 500
MAX_NAME_LENGTH = 120
MAX_NEEDS_LENGTH = 1000
MAX_PHOTOS = 60
MAX_ALT_LENGTH = 300
PHOTO_MAX_BYTES = images.PHOTO_MAX_BYTES
PHOTO_MAX_PIXELS = images.PHOTO_MAX_PIXELS
# Stored at most this size: enough for a projector (1080p) with some margin.
PHOTO_BOX = (1920, 1920)
PHOTO_ERRORS = images.PHOTO_ERRORS


class WorkshopError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class BoardConflict(StaleVersion):
    """A card changed by a colleague since the editor read it."""


def _text(value: str, *, field: str, limit: int, required: bool) -> str:
    text = clean_text(value)
    if required and not has_visible_text(text):
        raise WorkshopError(_("Write the %(field)s.") % {"field": field})
    if len(text) > limit:
        raise WorkshopError(
            _("Shorten the %(field)s to at most %(limit)d characters.")
            % {"field": field, "limit": limit}
        )
    return text if has_visible_text(text) else ""


def _key(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise WorkshopError(_("The form has expired. Reload the page and send again.")) from None


# --- Series and sessions ---------------------------------------------------------------


def _check_consultation(process: VisionProcess, consultation: Consultation | None) -> None:
    if consultation is not None and consultation.process_id != process.pk:
        raise WorkshopError(_("Choose a consultation of this process."))


def series_create(*, process: VisionProcess, **fields) -> WorkshopSeries:
    _check_consultation(process, fields.get("consultation"))
    series = WorkshopSeries(process=process, **fields)
    series.full_clean()
    series.save()
    return series


def series_update(*, series: WorkshopSeries, expected_version: int, **fields) -> WorkshopSeries:
    _check_consultation(series.process, fields.get("consultation"))
    with transaction.atomic():
        current = WorkshopSeries.objects.select_for_update().get(pk=series.pk)
        version_check(
            current,
            expected_version,
            message=_(
                "A colleague changed this series while you edited it. Review and save again."
            ),
        )
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        versioned_save(current)
    return current


def workshop_create(*, series: WorkshopSeries, **fields) -> Workshop:
    workshop = Workshop(series=series, **fields)
    workshop.full_clean()
    workshop.save()
    return workshop


def workshop_update(*, workshop: Workshop, expected_version: int, **fields) -> Workshop:
    with transaction.atomic():
        current = Workshop.objects.select_for_update().get(pk=workshop.pk)
        version_check(
            current,
            expected_version,
            message=_(
                "A colleague changed this workshop while you edited it. Review and save again."
            ),
        )
        for name, value in fields.items():
            setattr(current, name, value)
        if current.capacity < current.signed_up:
            raise WorkshopError(
                _("%(count)d people have signed up: the capacity cannot be lower.")
                % {"count": current.signed_up}
            )
        current.full_clean()
        versioned_save(current)
    return current


# --- Sign-ups ----------------------------------------------------------------------------


def workshop_sign_up(
    *, workshop: Workshop, idempotency_key, name: str = "", accessibility_needs: str = ""
) -> tuple[SignUp, bool]:
    """A seat for one resident, exactly once per idempotency key: (sign-up, created).

    The session's row is locked while the seats are counted, so the last seat goes to one
    of two residents sending at once, and the other is told the workshop is full."""
    key = _key(idempotency_key)
    name = _text(name, field=_("name"), limit=MAX_NAME_LENGTH, required=False)
    needs = _text(
        accessibility_needs,
        field=_("accessibility needs"),
        limit=MAX_NEEDS_LENGTH,
        required=False,
    )
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        # A retry (double submit, a reload after a lost answer) gets the first sign-up,
        # even if the session has filled or closed since: the resident did sign up.
        existing = SignUp.objects.filter(workshop=locked, idempotency_key=key).first()
        if existing is not None:
            return existing, False
        if not locked.takes_sign_ups():
            raise WorkshopError(_("This workshop is not taking sign-ups."))
        if locked.signed_up >= locked.capacity:
            raise WorkshopError(_("This workshop is full. Choose another evening."))
        sign_up = SignUp.objects.create(
            workshop=locked,
            name=name,
            accessibility_needs=needs,
            token=secrets.token_urlsafe(32),
            idempotency_key=key,
        )
        Workshop.objects.filter(pk=locked.pk).update(signed_up=F("signed_up") + 1)
    return sign_up, True


def sign_up_cancel(*, sign_up: SignUp) -> SignUp:
    """Give the seat back. Cancelling twice changes nothing the second time."""
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=sign_up.workshop_id).first()
        current = SignUp.objects.select_for_update().get(pk=sign_up.pk)
        if current.cancelled_at is not None:
            return current
        current.cancelled_at = timezone.now()
        current.save(update_fields=["cancelled_at"])
        changes = {"signed_up": F("signed_up") - 1}
        if current.attended:
            changes["attended"] = F("attended") - 1
            current.attended = False
            current.save(update_fields=["attended"])
        Workshop.objects.filter(pk=current.workshop_id).update(**changes)
    return current


def sign_up_check_in(*, sign_up: SignUp, attended: bool) -> SignUp:
    """Mark a participant as present (or not). Setting the same state again is a no-op, so
    two staff checking in at two doors count one person once."""
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=sign_up.workshop_id).first()
        current = SignUp.objects.select_for_update().get(pk=sign_up.pk)
        if current.cancelled_at is not None:
            raise WorkshopError(_("This sign-up was cancelled."))
        if current.attended == attended:
            return current
        current.attended = attended
        current.save(update_fields=["attended"])
        Workshop.objects.filter(pk=current.workshop_id).update(
            attended=F("attended") + (1 if attended else -1)
        )
    return current


# --- The board ---------------------------------------------------------------------------


def _record(workshop: Workshop, key, action: str, by, item=None) -> BoardChange | None:
    """Store the change's key first; None when a change with this key is stored already
    (the POST was sent again): the caller then applies nothing. Call inside a transaction:
    the key commits with the change or not at all."""
    try:
        with transaction.atomic():
            return BoardChange.objects.create(
                workshop=workshop, idempotency_key=key, action=action, item=item, by=by
            )
    except IntegrityError:
        return None


def _applied(workshop: Workshop, key: uuid.UUID) -> bool:
    """True when a change with this key is stored: a re-sent POST, answered before any
    other check (the card it removed is gone, the dots it gave are spent)."""
    return BoardChange.objects.filter(workshop=workshop, idempotency_key=key).exists()


def _locked_item(workshop: Workshop, item_pk: int) -> BoardItem:
    item = (
        BoardItem.objects.select_for_update()
        .filter(workshop=workshop, pk=item_pk, removed_at__isnull=True)
        .first()
    )
    if item is None:
        raise WorkshopError(_("This card has been removed from the board."))
    return item


def board_add(
    *,
    workshop: Workshop,
    idempotency_key,
    kind: str,
    text: str,
    parent_pk: int | None = None,
    table: str = "",
    by=None,
) -> BoardItem | None:
    """Add a card; None when this POST was applied already. Inserts never conflict: two
    staff adding at once both get their card."""
    key = _key(idempotency_key)
    if kind not in BoardKind.values:
        raise WorkshopError(_("Choose need, measure or solution."))
    text = _text(text, field=_("text"), limit=MAX_ITEM_LENGTH, required=True)
    table = _text(table, field=_("table"), limit=40, required=False)
    with transaction.atomic():
        if _applied(workshop, key):
            return None
        parent = None
        if kind != BoardKind.NEED:
            if not parent_pk:
                raise WorkshopError(
                    _("Choose the need this measure answers.")
                    if kind == BoardKind.MEASURE
                    else _("Choose the measure this solution realises.")
                )
            parent = BoardItem.objects.filter(
                workshop=workshop, pk=parent_pk, kind=PARENT_KIND[kind], removed_at__isnull=True
            ).first()
            if parent is None:
                raise WorkshopError(_("The card to link to is not on this board any more."))
        if (
            BoardItem.objects.filter(workshop=workshop, removed_at__isnull=True).count()
            >= MAX_BOARD_ITEMS
        ):
            raise WorkshopError(
                _("The board is full (%(max)d cards). Remove some before adding more.")
                % {"max": MAX_BOARD_ITEMS}
            )
        change = _record(workshop, key, BoardChange.Action.ADD, by)
        if change is None:
            return None
        item = BoardItem.objects.create(
            workshop=workshop, kind=kind, text=text, parent=parent, table=table
        )
        change.item = item
        change.save(update_fields=["item"])
    return item


def board_edit(
    *, workshop: Workshop, idempotency_key, item_pk: int, expected_version: int, text: str, by=None
) -> BoardItem | None:
    """Change a card's text if nobody changed it since `expected_version` (BoardConflict
    otherwise); None when this POST was applied already."""
    key = _key(idempotency_key)
    text = _text(text, field=_("text"), limit=MAX_ITEM_LENGTH, required=True)
    with transaction.atomic():
        if _applied(workshop, key):
            return None
        item = _locked_item(workshop, item_pk)
        change = _record(workshop, key, BoardChange.Action.EDIT, by, item)
        if change is None:
            return None
        version_check(
            item,
            expected_version,
            error=BoardConflict,
            message=_(
                "A colleague changed this card while you edited it. It now reads: “%(text)s”."
            )
            % {"text": item.text},
        )
        item.text = text
        versioned_save(item, update_fields=["text"])
    return item


def board_remove(
    *, workshop: Workshop, idempotency_key, item_pk: int, expected_version: int, by=None
) -> BoardItem | None:
    key = _key(idempotency_key)
    with transaction.atomic():
        if _applied(workshop, key):
            return None
        item = _locked_item(workshop, item_pk)
        change = _record(workshop, key, BoardChange.Action.REMOVE, by, item)
        if change is None:
            return None
        version_check(
            item,
            expected_version,
            error=BoardConflict,
            message=_("A colleague changed this card since you saw it. Look at it again first."),
        )
        if item.children.filter(removed_at__isnull=True).exists():
            raise WorkshopError(_("Cards are linked to this one. Remove them first."))
        item.removed_at = timezone.now()
        versioned_save(item, update_fields=["removed_at"])
        DotVote.objects.filter(item=item).delete()
        item.dots = 0
        item.save(update_fields=["dots"])
    return item


def board_mark(
    *, workshop: Workshop, idempotency_key, item_pk: int, marked: bool, by=None
) -> BoardItem | None:
    """Mark a prioritised solution for the decision pack (or unmark it). Setting the state
    it has already is harmless, so no version is needed."""
    key = _key(idempotency_key)
    with transaction.atomic():
        if _applied(workshop, key):
            return None
        item = _locked_item(workshop, item_pk)
        if item.kind != BoardKind.SOLUTION:
            raise WorkshopError(_("Only solutions can be marked for the decision pack."))
        if _record(workshop, key, BoardChange.Action.MARK, by, item) is None:
            return None
        item.for_decision_pack = marked
        versioned_save(item, update_fields=["for_decision_pack"])
    return item


def solution_propose(
    *, workshop: Workshop, item_pk: int, by=None, source_url: str = ""
) -> tuple[ProposedInitiative, bool]:
    """Propose a solution on the board to the follow-up as an initiative (seed 002:
    prioritised solutions become projects): (proposal, created). Once per card, however
    often it is pressed; the description says which measure and need it answers."""
    item = (
        BoardItem.objects.select_related("parent__parent")
        .filter(workshop=workshop, pk=item_pk, removed_at__isnull=True)
        .first()
    )
    if item is None:
        raise WorkshopError(_("This card has been removed from the board."))
    if item.kind != BoardKind.SOLUTION:
        raise WorkshopError(_("Only solutions can be proposed as initiatives."))
    lines = [item.text]
    measure = item.parent
    if measure is not None:
        lines.append(_("Realises the measure: %(text)s") % {"text": measure.text})
        if measure.parent is not None:
            lines.append(_("Answers the need: %(text)s") % {"text": measure.parent.text})
    lines.append(_("Dots at the workshop: %(count)d") % {"count": item.dots})
    try:
        return initiative_propose(
            process=workshop.series.process,
            title=item.text,
            description="\n\n".join(lines),
            source_kind=ProposalSource.WORKSHOP_SOLUTION,
            source_label=_("Future workshop: %(title)s") % {"title": workshop.title},
            source_ref=solution_ref(item.pk),
            source_url=source_url,
            by=by,
        )
    except ProposalError as error:
        raise WorkshopError(error.message) from None


def _voter(workshop: Workshop, voter: str) -> str:
    label = (
        _("table")
        if workshop.series.vote_by == VoteBy.TABLE
        else _("participant number or initials")
    )
    return _text(voter, field=label, limit=40, required=True)


def dot_give(
    *, workshop: Workshop, idempotency_key, item_pk: int, voter: str, by=None
) -> DotVote | None:
    """One dot from `voter` (a table or a person) on a card, within the series' dots per
    voter: counted under the session's lock, so two tablets cannot overspend one voter's
    dots. None when this POST was applied already."""
    key = _key(idempotency_key)
    voter = _voter(workshop, voter)
    limit = workshop.series.dots_per_voter
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
        if _applied(workshop, key):
            return None
        item = _locked_item(workshop, item_pk)
        change = _record(workshop, key, BoardChange.Action.DOT, by, item)
        if change is None:
            return None
        used = DotVote.objects.filter(workshop=workshop, voter=voter).count()
        if used >= limit:
            raise WorkshopError(
                _("“%(voter)s” has used all %(limit)d dots. Take one back to move it.")
                % {"voter": voter, "limit": limit}
            )
        vote = DotVote.objects.create(workshop=workshop, item=item, voter=voter)
        BoardItem.objects.filter(pk=item.pk).update(dots=F("dots") + 1)
    return vote


def dot_take_back(
    *, workshop: Workshop, idempotency_key, item_pk: int, voter: str, by=None
) -> bool | None:
    key = _key(idempotency_key)
    voter = _voter(workshop, voter)
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
        if _applied(workshop, key):
            return None
        item = _locked_item(workshop, item_pk)
        change = _record(workshop, key, BoardChange.Action.UNDOT, by, item)
        if change is None:
            return None
        vote = DotVote.objects.filter(workshop=workshop, item=item, voter=voter).last()
        if vote is None:
            raise WorkshopError(_("“%(voter)s” has no dot on this card.") % {"voter": voter})
        vote.delete()
        BoardItem.objects.filter(pk=item.pk).update(dots=F("dots") - 1)
    return True


# --- Photos ------------------------------------------------------------------------------


def photo_add(
    *,
    workshop: Workshop,
    data: bytes,
    alt: str,
    kind: str = PhotoKind.PROMPT,
    by=None,
    sign_up: SignUp | None = None,
) -> WorkshopPhoto:
    """Store an uploaded photo cleaned (visionportal.images: real type checked, size and
    pixels limited, EXIF and location dropped, re-encoded) with its required text
    alternative."""
    alt = _text(alt, field=_("text alternative"), limit=MAX_ALT_LENGTH, required=True)
    if WorkshopPhoto.objects.filter(workshop=workshop).count() >= MAX_PHOTOS:
        raise WorkshopError(
            _("This workshop has %(max)d photos already. Remove some first.") % {"max": MAX_PHOTOS}
        )
    try:
        clean = images.clean_image(
            data,
            max_bytes=PHOTO_MAX_BYTES,
            max_pixels=PHOTO_MAX_PIXELS,
            box=PHOTO_BOX,
            photo=True,
        )
    except images.ImageError as error:
        raise WorkshopError(PHOTO_ERRORS[error.code]) from None
    name = f"workshops/{workshop.pk}/{clean.digest}.{clean.extension}"
    # Content-addressed: the same photo uploaded again is stored once.
    if not default_storage.exists(name):
        name = files.store_file(name=name, content=clean.data)
    position = WorkshopPhoto.objects.filter(workshop=workshop).count()
    return WorkshopPhoto.objects.create(
        workshop=workshop,
        kind=kind,
        file=name,
        content_type=clean.content_type,
        digest=clean.digest,
        width=clean.width,
        height=clean.height,
        alt=alt,
        uploaded_by=by,
        sign_up=sign_up,
        position=position,
    )


def photo_remove(*, photo: WorkshopPhoto) -> None:
    name = photo.file
    photo.delete()
    # Another photo row of this workshop may name the same (content-addressed) file.
    if not WorkshopPhoto.objects.filter(file=name).exists():
        transaction.on_commit(lambda: files.delete_file(name))


# --- Outputs -----------------------------------------------------------------------------

_BOARD_NAMESPACE = uuid.UUID("6f1c8a52-4f7e-4c3e-9a55-1d4b8e0b7a13")


def board_item_response_key(item: BoardItem) -> uuid.UUID:
    """The idempotency key of the response a card becomes: sending the board again finds
    the cards sent before."""
    return uuid.uuid5(_BOARD_NAMESPACE, f"workshop-board-item:{item.pk}")


def board_to_answers(*, workshop: Workshop, by) -> int:
    """The board's cards as answers of Channel.WORKSHOP to the series' consultation (its
    "what is missing" question, else its first), so keyword extraction reads them like
    every other channel's. One group response per card, keyed by the card: sending again
    adds only new cards, updates edited texts and hides the answers of removed cards.
    Returns how many cards are now answers."""
    from .. import services as consultation_services
    from ..models import Answer

    consultation = workshop.series.consultation
    if consultation is None:
        raise WorkshopError(
            _("Choose the consultation that receives the board's texts in the series' settings.")
        )
    question = consultation.questions.filter(kind=QuestionKind.MISS).first() or (
        consultation.questions.first()
    )
    if question is None:
        raise WorkshopError(_("The consultation has no question to answer."))
    sent = 0
    items = BoardItem.objects.filter(workshop=workshop).order_by("pk")[: MAX_BOARD_ITEMS * 2]
    for item in items:
        key = board_item_response_key(item)
        if item.removed_at is not None:
            for answer in Answer.objects.filter(
                response__consultation=consultation,
                response__idempotency_key=key,
                hidden_at__isnull=True,
            ):
                consultation_services.answer_hide(
                    answer=answer, by=by, reason=_("Removed from the workshop board.")
                )
            continue
        group = item.table or workshop.title
        response, created = consultation_services.response_submit(
            consultation=consultation,
            idempotency_key=key,
            answers={question.pk: item.text},
            channel=Channel.WORKSHOP,
            group_label=group[:120],
            allow_after_closing=True,
        )
        if not created:
            answer = Answer.objects.filter(response=response).first()
            if answer is not None and answer.text != item.text:
                answer.text = item.text
                answer.save(update_fields=["text"])
        sent += 1
    return sent
