"""Shared setup for the staff pages' tests."""

import uuid

from django.urls import reverse

from consultations import services

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def submit(consultation, *texts, **fields):
    answers = {q.pk: t for q, t in zip(consultation.questions.all(), texts, strict=False)}
    response, _ = services.response_submit(
        consultation=consultation,
        idempotency_key=fields.pop("key", uuid.uuid4()),
        answers=answers,
        allow_after_closing=True,
        **fields,
    )
    return response


def staff_url(name, consultation, *extra, slug="norrkoping"):
    return reverse(f"consultations_staff:{name}", args=[slug, consultation.pk, *extra])
