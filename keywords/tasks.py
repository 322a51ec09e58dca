"""Celery tasks of keywords: thin, idempotent, named explicitly, JSON arguments only.

None returns anything a caller reads (a rebuild's progress lives on ExtractionRun), so
results are ignored: a send then never touches the result backend, whose reconnect loop
would hold a request for ~19 s while Redis is down."""

from celery import shared_task
from django.utils import timezone

from consultations.models import Response
from keywords.curation import suggestions
from keywords.extraction import services

from .models import ExtractionRun, ExtractionRunPart, RunStatus


@shared_task(name="keywords.extract_pending", ignore_result=True)
def extract_pending() -> int:
    started = timezone.now()
    extracted = services.pending_responses_extract()
    if extracted:
        # The consultations whose keywords this sweep changed (debounced per consultation).
        swept = Response.objects.filter(keywords_extracted_at__gte=started)
        for consultation_id in swept.values_list("consultation_id", flat=True).distinct():
            suggestions.merge_suggestions_refresh(consultation_id=consultation_id)
    return extracted


@shared_task(name="keywords.rebuild", ignore_result=True)
def rebuild(run_id: int) -> str:
    run = ExtractionRun.objects.select_related("consultation__process__municipality").get(pk=run_id)
    if not services.rebuild_in_parts():
        return _suggestions_after(services.keywords_rebuild(run=run)).status
    for part in services.keywords_rebuild_split(run=run):
        rebuild_part.delay(part.pk)
    return run.status


@shared_task(name="keywords.rebuild_part", ignore_result=True)
def rebuild_part(part_id: int) -> None:
    part = ExtractionRunPart.objects.select_related("run").get(pk=part_id)
    services.rebuild_part_extract(part=part)
    # The last part to finish completes the run; any part may be it.
    _suggestions_after(ExtractionRun.objects.get(pk=part.run_id))


def _suggestions_after(run: ExtractionRun) -> ExtractionRun:
    """A finished rebuild changed the keywords: queue their merge suggestions (debounced)."""
    if run.status == RunStatus.DONE:
        suggestions.merge_suggestions_refresh(consultation_id=run.consultation_id)
    return run


@shared_task(name="keywords.recompute_merge_suggestions", ignore_result=True)
def recompute_merge_suggestions(consultation_id: int) -> int:
    return suggestions.merge_suggestions_recompute(consultation_id=consultation_id)


@shared_task(name="keywords.decision_pack_generate", ignore_result=True, acks_late=True)
def decision_pack_generate(pack_id: int, notify_url: str = "") -> str:
    from keywords.vision.packs import pack_generate

    return pack_generate(pack_id=pack_id, notify_url=notify_url).status


# The sorting results' tasks live with the game; imported so the worker registers them.
from keywords.sorting import result_tasks  # noqa: E402, F401
