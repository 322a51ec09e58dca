"""Who may reach which consultation, answer or response: the one place that looks them up
for a view. The rules are visionportal.access's: a consultation of a municipality you are
not a member of does not exist for you (404, so nothing leaks); the role check (403) is the
view's `member_required(roles)`. Residents reach only consultations of published processes
of public municipalities.
"""

from django.shortcuts import get_object_or_404

from visionportal.caching import TTLCache

from .models import Answer, Consultation, ExportJob


def public_consultation(
    *, municipality_slug: str, process_slug: str, pk: int, with_questions: bool = False
) -> Consultation:
    """A consultation of a published process of a public municipality, or 404.

    `with_questions` prefetches its questions (consultation_questions then reads no more).
    The process's phases come with it: whether it takes answers depends on them."""
    consultations = (
        Consultation.objects.public()
        .select_related("process__municipality")
        .prefetch_related("process__phases")
    )
    if with_questions:
        consultations = consultations.prefetch_related("questions__translations")
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


def consultation_for_member(request, pk: int) -> Consultation:
    """A consultation of the member's municipality, or 404 (also for other municipalities')."""
    return get_object_or_404(
        Consultation.objects.select_related("process__municipality"),
        pk=pk,
        process__municipality=request.municipality,
    )


def answer_for_member(request, pk: int, answer_pk: int) -> Answer:
    """An answer to the member's consultation `pk`, or 404 (also when it belongs to another
    consultation)."""
    consultation = consultation_for_member(request, pk)
    return get_object_or_404(
        Answer.objects.select_related("response__consultation__process__municipality"),
        pk=answer_pk,
        response__consultation=consultation,
    )


def export_job_for_member(request, pk: int, job_pk: int) -> ExportJob:
    """A background export of a consultation of the member's municipality, or 404."""
    consultation = consultation_for_member(request, pk)
    job = get_object_or_404(ExportJob, pk=job_pk, consultation=consultation)
    job.consultation = consultation  # already read, with its municipality
    return job
