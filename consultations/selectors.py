"""Reads for consultations, shaped for the pages that show them."""

from django.db.models import Prefetch

from .exports import (
    PROFILE_COLUMNS,
    TARGET_GROUP_SEPARATOR,
    TRAILING_COLUMNS,
    ExportTable,
    question_headers,
)
from .masking import mask_personal_data
from .models import Answer, Consultation


def consultation_questions(consultation: Consultation):
    return list(consultation.questions.all())


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
