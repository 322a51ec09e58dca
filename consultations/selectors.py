"""Reads for consultations, shaped for the pages that show them."""

from django.shortcuts import get_object_or_404

from .models import Consultation


def public_consultation(*, municipality_slug: str, process_slug: str, pk: int) -> Consultation:
    """A consultation of a published process of a public municipality, or 404."""
    return get_object_or_404(
        Consultation.objects.public().select_related("process__municipality"),
        pk=pk,
        process__slug=process_slug,
        process__municipality__slug=municipality_slug,
    )


def consultation_questions(consultation: Consultation):
    return list(consultation.questions.all())
