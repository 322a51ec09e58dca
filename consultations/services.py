"""Writes for consultations. Views, the admin, the demo and commands call these."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from visionportal.models import VisionProcess
from visionportal.services import version_check, versioned_save
from visionportal.text import clean_text, has_visible_text

from . import moderation, profile, selectors
from .models import (
    AgeBand,
    Answer,
    Channel,
    Consultation,
    Question,
    QuestionKind,
    QuestionTranslation,
    Response,
    ResponseTargetGroup,
    TargetGroup,
)

DEFAULT_HORIZON_YEARS = 20
MAX_PARTICIPANTS = 10000

# Seed 000's three questions. These are content, not UI: staff may reword them afterwards,
# so they are stored in the consultation's language rather than translated on display.
DEFAULT_WORDING = {
    "sv": {
        "title": "Tänk dig {municipality} om {years} år",
        QuestionKind.KEEP: "Vad ska vi ta med oss av det som är bra idag?",
        QuestionKind.LEAVE: "Vad ska vi lämna av det som inte är bra idag?",
        QuestionKind.MISS: "Vad ska {municipality} vara av det som du saknar idag?",
        "lead": "Tänk dig {municipality} om {years} år: {question}",
    },
    "da": {
        "title": "Forestil dig {municipality} om {years} år",
        QuestionKind.KEEP: "Hvad skal vi tage med os af det, der er godt i dag?",
        QuestionKind.LEAVE: "Hvad skal vi lægge bag os af det, der ikke er godt i dag?",
        QuestionKind.MISS: "Hvad skal {municipality} være, som du savner i dag?",
        "lead": "Forestil dig {municipality} om {years} år: {question}",
    },
    "nb": {
        "title": "Tenk deg {municipality} om {years} år",
        QuestionKind.KEEP: "Hva skal vi ta med oss av det som er bra i dag?",
        QuestionKind.LEAVE: "Hva skal vi legge bak oss av det som ikke er bra i dag?",
        QuestionKind.MISS: "Hva skal {municipality} være som du savner i dag?",
        "lead": "Tenk deg {municipality} om {years} år: {question}",
    },
    "en": {
        "title": "Think of {municipality} in {years} years",
        QuestionKind.KEEP: "What should we take with us of what is good today?",
        QuestionKind.LEAVE: "What should we leave behind of what is not good today?",
        QuestionKind.MISS: "What should {municipality} be that you miss today?",
        "lead": "Think of {municipality} in {years} years: {question}",
    },
}


def horizon_years(*, process: VisionProcess, asked_on: datetime.date) -> int:
    """Years from when the question is asked to the process's target year (seed 000: 20)."""
    if process.target_year and process.target_year > asked_on.year:
        return process.target_year - asked_on.year
    return DEFAULT_HORIZON_YEARS


@transaction.atomic
def consultation_create_default(
    *,
    process: VisionProcess,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    language: str,
) -> Consultation:
    """A consultation asking seed 000's three questions in `language` (sv, da, nb or en)."""
    if language not in DEFAULT_WORDING:
        raise ValueError(f"No default wording for language {language!r}")
    wording = DEFAULT_WORDING[language]
    years = horizon_years(process=process, asked_on=timezone.localdate(opens_at))
    fill = {"municipality": process.municipality.name, "years": years}
    consultation = Consultation(
        process=process,
        title=wording["title"].format(**fill),
        language=language,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    consultation.full_clean()
    consultation.save()
    for position, kind in enumerate((QuestionKind.KEEP, QuestionKind.LEAVE, QuestionKind.MISS)):
        question = wording[kind].format(**fill)
        question_row = Question.objects.create(
            consultation=consultation,
            kind=kind,
            position=position,
            text=wording["lead"].format(question=question, **fill),
        )
        # Seed 000's wording exists in every UI language: residents read the questions in
        # theirs (consultations.question_language). Staff may reword the original later;
        # the translations are theirs to keep in step.
        QuestionTranslation.objects.bulk_create(
            QuestionTranslation(
                question=question_row,
                language=other,
                text=DEFAULT_WORDING[other]["lead"].format(
                    question=DEFAULT_WORDING[other][kind].format(**fill), **fill
                ),
            )
            for other in DEFAULT_WORDING
            if other != language
        )
    return consultation


CONFIGURABLE_FIELDS = (
    "title",
    "intro",
    "opens_at",
    "closes_at",
    "max_answer_length",
    "ask_age_band",
    "ask_area",
    "areas",
    "ask_target_groups",
    "ask_preferred_language",
)
MAX_QUESTIONS = 30


@dataclass(frozen=True)
class QuestionEdit:
    """One row of the settings page: an existing question (question_id) or a new one."""

    question_id: int | None
    text: str
    position: int | None
    delete: bool = False


@transaction.atomic
def consultation_configure(
    *,
    consultation: Consultation,
    expected_version: int,
    settings: dict,
    questions: list[QuestionEdit],
) -> Consultation:
    """Save the settings and the questions (reworded, reordered, removed, added) at once.

    Every save, question edits included, makes a new version of the consultation: a save
    from an older version is refused with visionportal.services.StaleVersion. A question
    that has answers cannot be removed (its answers would go with it)."""
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    version_check(current, expected_version)
    existing = {q.pk: q for q in current.questions.all()}
    unknown = {e.question_id for e in questions if e.question_id} - set(existing)
    if unknown:
        raise ValidationError(_("The form does not match this consultation. Reload the page."))
    for name in settings:
        if name not in CONFIGURABLE_FIELDS:
            raise ValueError(f"{name!r} is not configurable")
        setattr(current, name, settings[name])
    current.full_clean(exclude=["process"])
    versioned_save(current)

    removed = [e.question_id for e in questions if e.question_id and e.delete]
    answered = selectors.answered_question_ids(removed)
    if answered:
        raise ValidationError(
            _(
                "A question that has answers cannot be removed: %(questions)s. Reword it "
                "instead, or hide its answers."
            )
            % {"questions": "; ".join(_shorten(existing[pk].text, 60) for pk in sorted(answered))}
        )
    kept = []
    for index, edit in enumerate(questions):
        if edit.delete or (not edit.question_id and not edit.text.strip()):
            continue
        text = edit.text.strip()
        if not text:
            raise ValidationError(
                _("Question %(number)d is empty. Write it, or tick “Remove”.")
                % {"number": index + 1}
            )
        if len(text) > Question._meta.get_field("text").max_length:
            raise ValidationError(_("Shorten each question to at most 1000 characters."))
        order = edit.position if edit.position is not None else len(questions) + index
        kept.append((order, index, edit.question_id, text))
    if not kept:
        raise ValidationError(_("Keep at least one question."))
    if len(kept) > MAX_QUESTIONS:
        raise ValidationError(_("Ask at most %(max)d questions.") % {"max": MAX_QUESTIONS})
    Question.objects.filter(pk__in=removed).delete()
    kept.sort()
    for position, (_order, _index, question_id, text) in enumerate(kept):
        if question_id:
            question = existing[question_id]
            if (question.text, question.position) != (text, position):
                question.text, question.position = text, position
                question.save(update_fields=["text", "position"])
        else:
            Question.objects.create(
                consultation=current, kind=QuestionKind.CUSTOM, text=text, position=position
            )
    return current


def _clean_answers(*, consultation: Consultation, answers: dict) -> dict[int, str]:
    """Stripped, non-empty answers by question id; raises ValidationError keyed by question id."""
    # .all(): the questions the caller prefetched, if it did (the submit view does).
    question_ids = {question.pk for question in consultation.questions.all()}
    cleaned, errors = {}, {}
    for raw_id, raw_text in answers.items():
        try:
            question_id = int(raw_id)
        except (TypeError, ValueError):
            question_id = None
        if question_id not in question_ids:
            raise ValidationError(_("The form does not match this consultation. Reload the page."))
        # Browsers send a line break as CR LF but count it as one character (maxlength, our
        # counter); store and measure it as the resident saw it.
        text = (raw_text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if not has_visible_text(text):  # also "\u00a0\u200b": as empty as spaces
            continue
        if len(text) > consultation.max_answer_length:
            errors[str(question_id)] = ValidationError(
                _("Shorten your answer to at most %(limit)d characters (it has %(count)d)."),
                params={"limit": consultation.max_answer_length, "count": len(text)},
            )
            continue
        cleaned[question_id] = text
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(_("Answer at least one question before you send."))
    return cleaned


def _clean_profile(
    *,
    consultation: Consultation,
    age_band: str,
    area: str,
    target_groups,
    preferred_language: str,
) -> dict:
    """The profile answers the consultation asks for, checked against its configuration.

    A question the consultation does not ask is ignored, whatever was sent (an old form, an
    import column). Raises ValidationError keyed by field."""
    cleaned = {"age_band": "", "area": "", "target_groups": [], "preferred_language": ""}
    errors = {}
    if consultation.ask_age_band and age_band:
        if age_band in AgeBand.values:
            cleaned["age_band"] = age_band
        else:
            errors["age_band"] = _("Choose one of the age bands.")
    if consultation.ask_area and area:
        value = profile.area_value(consultation, area)
        if value is None:
            errors["area"] = _(
                "“%(area)s” is not one of the areas of this consultation. Choose one of: %(areas)s."
            ) % {
                "area": _shorten(area),
                "areas": ", ".join(str(label) for _v, label in profile.area_choices(consultation)),
            }
        else:
            cleaned["area"] = value
    if consultation.ask_target_groups and target_groups:
        groups = []
        for raw in target_groups:
            group = raw if raw in TargetGroup.values else profile.target_group_value(raw)
            if group is None:
                errors["target_groups"] = _(
                    "“%(group)s” is not one of the groups. Choose from: %(groups)s."
                ) % {
                    "group": _shorten(raw),
                    "groups": ", ".join(str(label) for _v, label in TargetGroup.choices),
                }
                break
            if group not in groups:
                groups.append(group)
        cleaned["target_groups"] = groups
    if consultation.ask_preferred_language and preferred_language:
        if preferred_language in profile.PREFERRED_LANGUAGE_CODES:
            cleaned["preferred_language"] = preferred_language
        else:
            errors["preferred_language"] = _("Choose one of the languages in the list.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _shorten(text, limit=40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def response_submit(
    *,
    consultation: Consultation,
    idempotency_key: uuid.UUID | str,
    answers: dict,
    age_band: str = "",
    area: str = "",
    target_groups=(),
    preferred_language: str = "",
    channel: str = Channel.ONLINE,
    group_label: str = "",
    participants: int | None = None,
    allow_after_closing: bool = False,
) -> tuple[Response, bool]:
    """Store one response exactly once per idempotency key.

    Returns (response, created). A retry with a key already stored returns the stored
    response, even after the consultation has closed: the resident did submit in time.
    Staff entering answers gathered elsewhere (interviews, focus groups, imports) pass
    `allow_after_closing`: the conversation happened while the consultation was open, and
    the process's phases gate residents' answers only (visionportal.phases).

    The profile answers (age band, area, target groups as codes or labels, preferred
    language) are all optional; only those the consultation asks for are stored.
    """
    try:
        key = uuid.UUID(str(idempotency_key))
    except ValueError:
        raise ValidationError(_("The form has expired. Reload the page and send again.")) from None
    group_label = (group_label or "").strip()
    # The usual case, a first submit, costs no lookup: the unique constraint on the key
    # catches a retry. A retry is recognised before any other rule is applied, though, so
    # it gets the stored response even if the consultation has closed since or the form's
    # choices have changed.
    try:
        about, cleaned = _validate_response(
            consultation=consultation,
            allow_after_closing=allow_after_closing,
            answers=answers,
            profile_answers={
                "age_band": age_band,
                "area": area,
                "target_groups": target_groups,
                "preferred_language": preferred_language,
            },
            channel=channel,
            group_label=group_label,
            participants=participants,
        )
    except ValidationError:
        existing = _stored_response(consultation, key)
        if existing is not None:
            return existing, False
        raise

    response = Response(
        consultation=consultation,
        idempotency_key=key,
        channel=channel,
        age_band=about["age_band"],
        area=about["area"],
        preferred_language=about["preferred_language"],
        group_label=group_label,
        participants=participants,
    )
    if connection.vendor == "postgresql":
        try:
            created = _insert_in_one_statement(response, cleaned, about["target_groups"])
        except IntegrityError:
            # A question removed by staff since the form was loaded (the foreign key): the
            # same refusal as the ORM path's. Inside a caller's transaction (an import) that
            # transaction is aborted, so only the caller can handle it.
            if connection.in_atomic_block:
                raise
            created = False
    else:
        created = _insert_with_orm(response, cleaned, about["target_groups"])
    if not created:
        # The unique constraint caught a retry, or a concurrent submit with the same key.
        existing = _stored_response(consultation, key)
        if existing is None:
            raise ValidationError(_("The form does not match this consultation. Reload the page."))
        return existing, False
    return response, True


def _insert_with_orm(response: Response, answers: dict[int, str], groups: list[str]) -> bool:
    try:
        # A savepoint, so a lost race leaves the caller's transaction usable for the read.
        with transaction.atomic():
            response.save(force_insert=True)
            Answer.objects.bulk_create(
                Answer(response=response, question_id=question_id, text=text)
                for question_id, text in answers.items()
            )
            ResponseTargetGroup.objects.bulk_create(
                ResponseTargetGroup(response=response, group=group) for group in groups
            )
    except IntegrityError:
        return False
    return True


def _insert_in_one_statement(response: Response, answers: dict[int, str], groups: list[str]):
    """PostgreSQL: the response, its answers and its groups in one statement, so one round
    trip and no explicit transaction (a statement is atomic). Residents' submits are the
    hottest write; the ORM path costs five round trips and twice the CPU
    (tests/benchmarks/submit_benchmark.py). A second submit with the same key inserts
    nothing (ON CONFLICT) and returns False."""
    fields = [
        "consultation_id",
        "channel",
        "idempotency_key",
        "submitted_at",
        "age_band",
        "area",
        "group_label",
        "participants",
        "preferred_language",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _ONE_STATEMENT_INSERT,
            [
                *(getattr(response, name) for name in fields),
                list(answers),
                list(answers.values()),
                groups,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    response.pk = row[0]
    response._state.adding = False
    # As Model.save() would: keywords extract new responses on this signal.
    post_save.send(
        sender=Response,
        instance=response,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )
    return True


_ONE_STATEMENT_INSERT = f"""
WITH response AS (
    INSERT INTO {Response._meta.db_table}
        (consultation_id, channel, idempotency_key, submitted_at, age_band, area,
         group_label, participants, preferred_language)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (consultation_id, idempotency_key) DO NOTHING
    RETURNING id
), answers AS (
    INSERT INTO {Answer._meta.db_table} (response_id, question_id, text, hidden_reason)
    SELECT response.id, answer.question_id, answer.text, ''
    FROM response, unnest(%s::bigint[], %s::text[]) AS answer (question_id, text)
), groups AS (
    INSERT INTO {ResponseTargetGroup._meta.db_table} (response_id, "group")
    SELECT response.id, chosen.name FROM response, unnest(%s::text[]) AS chosen (name)
)
SELECT id FROM response
"""  # noqa: S608 (table names come from the models, values are parameters)


def _stored_response(consultation: Consultation, key: uuid.UUID) -> Response | None:
    return Response.objects.filter(consultation=consultation, idempotency_key=key).first()


def _validate_response(
    *,
    consultation: Consultation,
    allow_after_closing: bool,
    answers: dict,
    profile_answers: dict,
    channel: str,
    group_label: str,
    participants: int | None,
) -> tuple[dict, dict[int, str]]:
    """The cleaned profile and answers of a new response (`group_label` already stripped);
    ValidationError if it may not be stored."""
    status = consultation.status()
    if status == "upcoming":
        raise ValidationError(_("This consultation has not opened yet."))
    if status == "closed" and not allow_after_closing:
        raise ValidationError(_("This consultation has closed; answers are no longer accepted."))
    if status == "outside_phase" and not allow_after_closing:
        raise ValidationError(_("This consultation is not taking answers at the moment."))
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."))
    about = _clean_profile(consultation=consultation, **profile_answers)
    if len(group_label) > Response._meta.get_field("group_label").max_length:
        raise ValidationError({"group_label": _("Shorten the group to at most 120 characters.")})
    if participants is not None and not 1 <= participants <= MAX_PARTICIPANTS:
        raise ValidationError(
            {
                "participants": _("Give a number of participants from 1 to %(max)d.")
                % {"max": MAX_PARTICIPANTS}
            }
        )
    if channel == Channel.ONLINE and (group_label or participants is not None):
        raise ValidationError(_("Online answers come from one person, not a group."))
    return about, _clean_answers(consultation=consultation, answers=answers)


def answer_hide(*, answer: Answer, by, reason: str) -> Answer:
    """Hide an answer from analysis and exports; the row stays, with who, when and why."""
    reason = moderation.hiding_reason(
        reason, model=Answer, missing=_("Give a reason for hiding the answer.")
    )
    answer.save(update_fields=moderation.mark_hidden(answer, by=by, reason=reason))
    return answer


def answer_unhide(*, answer: Answer) -> Answer:
    return moderation.unhide(answer)


def import_row_key(*, consultation: Consultation, file_sha256: str, row_number: int) -> uuid.UUID:
    """The same file imported twice yields the same keys, so nothing is stored twice."""
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"consultation:{consultation.pk}:{file_sha256}:{row_number}"
    )


@transaction.atomic
def responses_import(*, consultation: Consultation, rows: list[dict], file_sha256: str) -> int:
    """Store all rows or none. Returns how many responses were new.

    Each row is a dict as importing.parse_rows makes: row_number, channel, answers
    (question id -> text), age_band, area, target_groups, preferred_language, group_label,
    participants. A ValidationError
    names the row and rolls back every row.
    """
    created_count = 0
    for row in rows:
        try:
            if row["channel"] == Channel.ONLINE:
                # The residents' own channel: an import must not pass for their answers.
                raise ValidationError(_("Imported answers cannot use the channel “online”."))
            _response, created = response_submit(
                consultation=consultation,
                idempotency_key=import_row_key(
                    consultation=consultation,
                    file_sha256=file_sha256,
                    row_number=row["row_number"],
                ),
                answers=row["answers"],
                age_band=row.get("age_band", ""),
                area=row.get("area", ""),
                target_groups=row.get("target_groups", ()),
                preferred_language=row.get("preferred_language", ""),
                channel=row["channel"],
                group_label=row.get("group_label", ""),
                participants=row.get("participants"),
                allow_after_closing=True,
            )
        except ValidationError as error:
            messages = "; ".join(error.messages)
            raise ValidationError(
                _("Row %(row)d: %(message)s") % {"row": row["row_number"], "message": messages}
            ) from error
        created_count += created
    return created_count


QUESTION_TEXT_MAX = 1000
# Languages of new arrivals in the Nordic countries that Django does not list by name.
EXTRA_QUESTION_LANGUAGES = {"so": "Soomaali", "ti": "ትግርኛ"}


def question_languages_known() -> list[tuple[str, str]]:
    """Languages a question can be translated into: every language Django knows by name
    (Arabic, Somali, Persian, Tigrinya, ...), not only the UI's four."""
    from django.conf.locale import LANG_INFO

    names = {code: info["name_local"] for code, info in LANG_INFO.items() if "name_local" in info}
    names.update(EXTRA_QUESTION_LANGUAGES)
    return sorted(names.items(), key=lambda item: item[1].casefold())


@transaction.atomic
def question_translations_set(
    *, consultation: Consultation, language: str, texts: dict[int, str]
) -> int:
    """Write the consultation's questions in `language`: one text per question id; an empty
    text removes that question's translation. Returns how many translations it now has.
    A translation is content like the original: stored as typed (cleaned), escaped on show."""
    known = dict(question_languages_known())
    if language not in known:
        raise ValidationError(_("Choose a language from the list."))
    if language == consultation.language:
        raise ValidationError(
            _("The questions are written in this language already: edit them in the settings.")
        )
    questions = {q.pk: q for q in consultation.questions.all()}
    errors = []
    cleaned = {}
    for question_id, text in texts.items():
        if question_id not in questions:
            raise ValidationError(_("The questions have changed. Reload the page."))
        text = clean_text(text)
        if len(text) > QUESTION_TEXT_MAX:
            errors.append(
                _("A translation is too long: at most %(max)d characters.")
                % {"max": QUESTION_TEXT_MAX}
            )
        cleaned[question_id] = text
    if errors:
        raise ValidationError(errors)
    for question_id, text in cleaned.items():
        if text and has_visible_text(text):
            QuestionTranslation.objects.update_or_create(
                question_id=question_id, language=language, defaults={"text": text}
            )
        else:
            QuestionTranslation.objects.filter(question_id=question_id, language=language).delete()
    return QuestionTranslation.objects.filter(
        question__consultation=consultation, language=language
    ).count()
