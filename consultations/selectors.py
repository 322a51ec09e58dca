"""Reads for consultations, shaped for the pages that show them."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from visionportal.caching import TTLCache

from .exports import (
    PROFILE_COLUMNS,
    TARGET_GROUP_SEPARATOR,
    TRAILING_COLUMNS,
    ExportTable,
    question_headers,
)
from .masking import mask_personal_data
from .models import Answer, Consultation


def public_consultation(
    *, municipality_slug: str, process_slug: str, pk: int, with_questions: bool = False
) -> Consultation:
    """A consultation of a published process of a public municipality, or 404.

    `with_questions` prefetches its questions (consultation_questions then reads no more)."""
    consultations = Consultation.objects.public().select_related("process__municipality")
    if with_questions:
        consultations = consultations.prefetch_related("questions")
    return get_object_or_404(
        consultations,
        pk=pk,
        process__slug=process_slug,
        process__municipality__slug=municipality_slug,
    )


# The resident's form and its submit read the same consultation on every request. A change
# by staff (wording, dates, publishing) reaches every web process within this many seconds.
OPEN_FORM_CACHE_SECONDS = 5
_open_forms = TTLCache(ttl=OPEN_FORM_CACHE_SECONDS)


def public_consultation_for_form(
    *, municipality_slug: str, process_slug: str, pk: int
) -> Consultation:
    """public_consultation with its questions, shared by this process's requests for up to
    OPEN_FORM_CACHE_SECONDS: read-only. A 404 is never cached."""
    return _open_forms.get(
        (municipality_slug, process_slug, pk),
        lambda: public_consultation(
            municipality_slug=municipality_slug,
            process_slug=process_slug,
            pk=pk,
            with_questions=True,
        ),
    )


def consultation_questions(consultation: Consultation):
    return list(consultation.questions.all())


def consultation_for_member(request, pk: int) -> Consultation:
    """A consultation of the member's municipality, or 404 (also for other municipalities')."""
    return get_object_or_404(
        Consultation.objects.select_related("process__municipality"),
        pk=pk,
        process__municipality=request.municipality,
    )


def staff_responses(consultation: Consultation, *, channel: str = ""):
    """Responses newest first, with their answers (hidden ones too, for moderation)."""
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
    return responses


def export_table(consultation: Consultation) -> tuple[ExportTable, dict[str, str]]:
    """Visible, masked answers, one row per response that has any; and the question texts."""
    questions = consultation_questions(consultation)
    headers = question_headers(questions)
    column_of = {q.pk: i for i, q in enumerate(questions)}
    responses = consultation.responses.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.visible()), "target_groups"
    ).order_by("submitted_at", "pk")
    rows = []
    for response in responses:
        answers = [""] * len(questions)
        for answer in response.answers.all():
            answers[column_of[answer.question_id]] = mask_personal_data(answer.text)
        if not any(answers):
            continue
        rows.append(
            [
                response.pk,
                response.submitted_at.isoformat(),
                response.channel,
                mask_personal_data(response.group_label),
                response.participants,
                *answers,
                response.age_band,
                mask_personal_data(response.area),
                TARGET_GROUP_SEPARATOR.join(g.group for g in response.target_groups.all()),
                response.preferred_language,
            ]
        )
    table = ExportTable(headers=[*PROFILE_COLUMNS, *headers, *TRAILING_COLUMNS], rows=rows)
    return table, {h: q.text for h, q in zip(headers, questions, strict=True)}
