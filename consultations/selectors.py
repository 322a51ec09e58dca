"""Reads for consultations, shaped for the pages that show them."""

from django.db import connection
from django.db.models import Exists, Func, OuterRef, Prefetch, Q, TextField

from .exports import (
    PROFILE_COLUMNS,
    TARGET_GROUP_SEPARATOR,
    TRAILING_COLUMNS,
    ExportTable,
    question_headers,
)
from .masking import mask_personal_data
from .models import Answer, Consultation, Question, Response, ResponseTargetGroup


def consultation_questions(consultation: Consultation):
    return list(consultation.questions.all())


def answered_question_ids(question_ids) -> set[int]:
    """Which of these questions have at least one answer: one index probe per question,
    never a read of their (possibly 100,000) answers."""
    has_answers = Exists(Answer.objects.filter(question=OuterRef("pk")))
    return set(
        Question.objects.filter(pk__in=list(question_ids))
        .filter(has_answers)
        .values_list("pk", flat=True)
    )


def staff_responses(consultation: Consultation, *, channel: str = "", search: str = ""):
    """Responses newest first, with their answers (hidden ones too, for moderation).

    `search` keeps the responses with an answer (shown or hidden, as the list shows both)
    that contains it, case-insensitively; on PostgreSQL a trigram index serves it."""
    responses = consultation.responses.prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.select_related("question", "hidden_by").order_by(
                "question__position", "question__pk"
            ),
        )
    ).order_by("-submitted_at", "-pk")
    if channel:
        responses = responses.filter(channel=channel)
    if search:
        responses = responses.filter(
            Exists(_answers_containing(search).filter(response=OuterRef("pk")))
        )
    return responses


def staff_response_count(
    consultation: Consultation, *, channel: str = "", search: str = "", bound: int
) -> tuple[int, bool]:
    """How many responses staff_responses finds, and whether a search finds more than `bound`.

    Without a search the count is exact: one COUNT over the consultation's responses (about
    20 ms at 100,000), which staff want to see whole. A search's count is bounded:
    it reads the matching answers, at most (bound + 1) x 3 of them, as the trigram index
    (or the table, for a common word) yields them, and counts their distinct responses.
    Counting every match (an EXISTS join over all of them) was what a search cost."""
    if not search:
        return staff_responses(consultation, channel=channel).order_by().count(), False
    limit = (bound + 1) * 3
    answers = _answers_containing(search).filter(response__consultation=consultation)
    if channel:
        answers = answers.filter(response__channel=channel)
    sql, params = answers.order_by().values("response_id")[:limit].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT response_id) FROM ({sql}) AS matches",  # noqa: S608 (the ORM's own SQL, parameters apart)
            params,
        )
        read, responses = cursor.fetchone()
    if responses > bound:
        return bound, True
    if read < limit:
        return responses, False
    # The answers ran out of room before the responses did (more than three matching
    # answers per response, on a consultation with more questions): count them all.
    count = staff_responses(consultation, channel=channel, search=search).order_by().count()
    return min(count, bound), count > bound


# A Python function SQLite calls (registered in apps.py): str.casefold.
CASEFOLD_FUNCTION = "visionportal_casefold"


class _Casefold(Func):
    function = CASEFOLD_FUNCTION
    output_field = TextField()


def _answers_containing(search: str):
    if connection.vendor == "sqlite":
        return Answer.objects.annotate(folded=_Casefold("text")).filter(
            folded__contains=search.casefold()
        )
    # PostgreSQL: UPPER(text) LIKE UPPER('%...%'), the expression the trigram index holds.
    return Answer.objects.filter(text__icontains=search)


# Responses read per query by the exports: the number of queries grows with the number of
# batches, never with the number of responses in one, and memory stays that of one batch.
EXPORT_BATCH_SIZE = 2000


def export_table(
    consultation: Consultation, *, batch_size: int | None = None
) -> tuple[ExportTable, dict[str, str]]:
    """Visible, masked answers, one row per response that has any; and the question texts.

    The rows are read lazily, in batches, as the export writes them."""
    questions = consultation_questions(consultation)
    headers = question_headers(questions)
    table = ExportTable(
        headers=[*PROFILE_COLUMNS, *headers, *TRAILING_COLUMNS],
        rows=_export_rows(consultation, questions, batch_size=batch_size or EXPORT_BATCH_SIZE),
    )
    return table, {h: q.text for h, q in zip(headers, questions, strict=True)}


def export_row_count(consultation: Consultation) -> int:
    """The rows an export of `consultation` has: responses with a visible answer."""
    return (
        Response.objects.filter(consultation=consultation)
        .filter(Exists(Answer.objects.visible().filter(response=OuterRef("pk"))))
        .count()
    )


_EXPORT_RESPONSE_FIELDS = (
    "pk",
    "submitted_at",
    "channel",
    "group_label",
    "participants",
    "age_band",
    "area",
    "preferred_language",
)


def _export_rows(consultation: Consultation, questions, *, batch_size: int):
    column_of = {q.pk: i for i, q in enumerate(questions)}
    responses = Response.objects.filter(consultation=consultation).order_by("submitted_at", "pk")
    batch = list(responses.values_list(*_EXPORT_RESPONSE_FIELDS)[:batch_size])
    while batch:
        ids = [r[0] for r in batch]
        answers = {pk: [""] * len(questions) for pk in ids}
        for response_id, question_id, text in (
            Answer.objects.visible()
            .filter(response_id__in=ids)
            .values_list("response_id", "question_id", "text")
        ):
            answers[response_id][column_of[question_id]] = mask_personal_data(text)
        groups = {pk: [] for pk in ids}
        for response_id, group in (
            ResponseTargetGroup.objects.filter(response_id__in=ids)
            .order_by("pk")
            .values_list("response_id", "group")
        ):
            groups[response_id].append(group)
        for pk, submitted_at, channel, label, participants, age, area, language in batch:
            if not any(answers[pk]):
                continue
            yield [
                pk,
                submitted_at.isoformat(),
                channel,
                mask_personal_data(label),
                participants,
                *answers[pk],
                age,
                mask_personal_data(area),
                TARGET_GROUP_SEPARATOR.join(groups[pk]),
                language,
            ]
        if len(batch) < batch_size:
            return
        # Keyset paging from the last row: no OFFSET to walk past, ties on the time broken
        # by the id as in the ordering.
        last_at, last_pk = batch[-1][1], batch[-1][0]
        batch = list(
            responses.filter(submitted_at__gte=last_at)
            .filter(Q(submitted_at__gt=last_at) | Q(pk__gt=last_pk))
            .values_list(*_EXPORT_RESPONSE_FIELDS)[:batch_size]
        )


# Cards on the home and municipality pages: the ones closing soonest first.
OPEN_NOW_MAX = 6


def open_now(*, municipality=None, limit: int = OPEN_NOW_MAX) -> list[Consultation]:
    """Public consultations taking answers now, closing soonest first, at most `limit`.

    Open by their dates in SQL; whether a phase takes answers is checked on the few read
    (prefetched phases), over a bounded over-read."""
    consultations = (
        Consultation.objects.public()
        .open()
        .select_related("process__municipality")
        .prefetch_related("process__phases")
        .order_by("closes_at", "pk")
    )
    if municipality is not None:
        consultations = consultations.filter(process__municipality=municipality)
    return [c for c in consultations[: limit * 3] if c.is_open()][:limit]
