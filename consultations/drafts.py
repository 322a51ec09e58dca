"""A resident's unsent answers, saved as they type so a reload or a lost connection loses
nothing. A draft is keyed by an anonymous random token (kept in a cookie by the views); it
holds no name and no IP address, is deleted when the response is sent, and is cleared
periodically once it is old or its consultation has closed.

The draft is not the authority on anything: the submit service checks every limit again.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from visionportal.text import has_visible_text

from .models import Consultation, Response, ResponseDraft

# A draft nobody has touched for this long is forgotten (the cookie lasts as long).
DRAFT_KEEP_DAYS = 30
# Everything a draft may hold, in characters: far above any honest answer sheet (three
# answers of 2,000 characters), low enough that the endpoint cannot be used as storage.
DRAFT_MAX_CHARS = 100_000
# The optional "about you" answers: a handful of short values or short lists of choices.
PROFILE_MAX_FIELDS = 20
PROFILE_MAX_KEY_LENGTH = 40
PROFILE_MAX_VALUE_LENGTH = 200
PROFILE_MAX_CHOICES = 30
PROFILE_MAX_CHOICE_LENGTH = 50


@dataclass(frozen=True)
class DraftSaved:
    """The outcome of draft_save. `draft` is None when there was nothing to keep (all
    fields empty) or the response has been sent already."""

    draft: ResponseDraft | None
    # Question ids whose answer is longer than the consultation allows: kept, so the
    # resident can shorten it, but the submit will refuse it until then.
    too_long: tuple[int, ...] = field(default_factory=tuple)
    already_sent: bool = False


def parse_token(value) -> uuid.UUID | None:
    """A token from a cookie, or None when it is missing or malformed."""
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def draft_expires_at(*, consultation: Consultation, now=None) -> datetime.datetime:
    """When a draft saved now stops being useful: at closing, or after DRAFT_KEEP_DAYS."""
    now = now or timezone.now()
    return min(consultation.closes_at, now + datetime.timedelta(days=DRAFT_KEEP_DAYS))


def draft_for(*, consultation: Consultation, token: uuid.UUID | None) -> ResponseDraft | None:
    """The token's draft for an open consultation, unless it has expired."""
    if token is None or not consultation.is_open():
        return None
    cutoff = timezone.now() - datetime.timedelta(days=DRAFT_KEEP_DAYS)
    draft = ResponseDraft.objects.filter(
        consultation=consultation, token=token, updated_at__gte=cutoff
    ).first()
    content = draft.content if draft is not None and isinstance(draft.content, dict) else {}
    sent_form = parse_token(content.get("form"))
    if (
        sent_form
        and Response.objects.filter(consultation=consultation, idempotency_key=sent_form).exists()
    ):
        # Its form was sent after all (the first autosave and Send crossed): never bring
        # sent answers back as a draft.
        draft.delete()
        return None
    return draft


def _clean_answers(
    *, consultation: Consultation, answers: dict, questions=None
) -> tuple[dict, tuple]:
    """Non-blank answers by question id (as JSON wants: a string key), as typed; ids that
    are not this consultation's questions are ignored. Also the ids over the limit."""
    if questions is None:
        questions = consultation.questions.all()
    question_ids = {question.pk for question in questions}
    cleaned, too_long = {}, []
    for raw_id, raw_text in answers.items():
        try:
            question_id = int(raw_id)
        except (TypeError, ValueError):
            continue
        if question_id not in question_ids or not isinstance(raw_text, str):
            continue
        if not has_visible_text(raw_text):  # as the submit service judges it
            continue
        cleaned[str(question_id)] = raw_text
        # The same measure as the submit service, which stays the authority (a line break
        # counts once, though browsers send CR LF).
        measured = raw_text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(measured) > consultation.max_answer_length:
            too_long.append(question_id)
    return cleaned, tuple(sorted(too_long))


def _clean_profile(profile: dict) -> dict:
    """Short strings and short lists of short strings under short keys; the rest dropped.
    Which keys are the consultation's profile questions is the caller's (the form's) call;
    the form validates the values again when the response is sent."""
    cleaned = {}
    for key, value in profile.items():
        if len(cleaned) >= PROFILE_MAX_FIELDS:
            break
        if not isinstance(key, str) or not 0 < len(key) <= PROFILE_MAX_KEY_LENGTH:
            continue
        if isinstance(value, str):
            if value.strip():
                cleaned[key] = value[:PROFILE_MAX_VALUE_LENGTH]
        elif isinstance(value, list | tuple):
            choices = [
                item[:PROFILE_MAX_CHOICE_LENGTH]
                for item in value[:PROFILE_MAX_CHOICES]
                if isinstance(item, str) and item.strip()
            ]
            if choices:
                cleaned[key] = choices
    return cleaned


def _size(content: dict) -> int:
    total = 0
    for text in content["answers"].values():
        total += len(text)
    for key, value in content["profile"].items():
        total += len(key) + sum(map(len, value if isinstance(value, list) else [value]))
    return total


def draft_save(
    *,
    consultation: Consultation,
    token: uuid.UUID | None,
    answers: dict,
    profile: dict | None = None,
    idempotency_key=None,
    questions=None,
) -> tuple[DraftSaved, uuid.UUID | None]:
    """Keep what the resident has typed so far under their token.

    Returns the outcome and the token to keep using: the given one when it names a stored
    draft, otherwise a fresh random one (a token is never taken from the client unless we
    issued it, so nobody can plant a known token in someone else's browser). A form whose
    response has been stored already (`idempotency_key`) keeps no draft: a save still in
    flight when the resident pressed Send must not bring the draft back. `questions`, when
    the caller has loaded them, saves a query.
    """
    if not consultation.is_open():
        raise ValidationError(
            _("This consultation is not open; drafts are not saved."), code="not_open"
        )
    cleaned_answers, too_long = _clean_answers(
        consultation=consultation, answers=answers, questions=questions
    )
    content = {"answers": cleaned_answers, "profile": _clean_profile(profile or {})}
    key = parse_token(idempotency_key)
    if _size(content) > DRAFT_MAX_CHARS:
        raise ValidationError(
            _("Your answers are too long to be saved as a draft."), code="too_large"
        )

    if not content["answers"] and not content["profile"]:
        if token is not None:
            draft_discard(consultation=consultation, token=token)
        return DraftSaved(draft=None), token

    if key:
        # The form the draft came from: if that form's response is stored, the draft is
        # not restored (draft_for), whichever request lands first.
        content["form"] = str(key)
    now = timezone.now()
    draft = None
    if token is not None:
        updated = ResponseDraft.objects.filter(consultation=consultation, token=token).update(
            content=content, updated_at=now
        )
        if updated:
            draft = ResponseDraft(
                consultation=consultation, token=token, content=content, updated_at=now
            )
    if draft is None:
        token = uuid.uuid4()
        draft = ResponseDraft.objects.create(
            consultation=consultation, token=token, content=content, updated_at=now
        )
    # Checked after writing, so a submit that lands between the check and the write
    # still finds (and deletes) this draft.
    if key and Response.objects.filter(consultation=consultation, idempotency_key=key).exists():
        draft_discard(consultation=consultation, token=token)
        return DraftSaved(draft=None, already_sent=True), token
    return DraftSaved(draft=draft, too_long=too_long), token


def draft_discard(*, consultation: Consultation, token: uuid.UUID | None) -> bool:
    """Forget the token's draft. True when there was one."""
    if token is None:
        return False
    deleted, _rows = ResponseDraft.objects.filter(consultation=consultation, token=token).delete()
    return bool(deleted)


def drafts_clear_expired(*, now=None) -> int:
    """Delete drafts untouched for DRAFT_KEEP_DAYS and drafts of closed consultations.
    Idempotent. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=DRAFT_KEEP_DAYS)
    deleted, _rows = ResponseDraft.objects.filter(
        Q(updated_at__lt=cutoff) | Q(consultation__closes_at__lte=now)
    ).delete()
    return deleted


def draft_initial(
    *, draft: ResponseDraft | None, question_fields: dict[int, str], profile_fields
) -> dict:
    """Form initial values from a draft. `question_fields` maps question id to form field
    name; `profile_fields` are the names of the form's profile fields (others are dropped,
    so a draft can never set, say, the idempotency key)."""
    if draft is None or not isinstance(draft.content, dict):
        return {}
    initial = {}
    profile = draft.content.get("profile")
    if isinstance(profile, dict):
        initial.update((name, profile[name]) for name in profile_fields if name in profile)
    answers = draft.content.get("answers")
    if isinstance(answers, dict):
        for question_id, name in question_fields.items():
            text = answers.get(str(question_id))
            if isinstance(text, str):
                initial[name] = text
    return initial
