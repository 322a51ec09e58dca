"""Celery tasks of keywords: thin, idempotent, named explicitly, JSON arguments only.

None returns anything a caller reads (a rebuild's progress lives on ExtractionRun), so
results are ignored: a send then never touches the result backend, whose reconnect loop
would hold a request for ~19 s while Redis is down."""

from celery import shared_task

from keywords.extraction import services

from .models import ExtractionRun, ExtractionRunPart


@shared_task(name="keywords.extract_pending", ignore_result=True)
def extract_pending() -> int:
    return services.pending_responses_extract()


@shared_task(name="keywords.rebuild", ignore_result=True)
def rebuild(run_id: int) -> str:
    run = ExtractionRun.objects.select_related("consultation__process__municipality").get(pk=run_id)
    if not services.rebuild_in_parts():
        return services.keywords_rebuild(run=run).status
    for part in services.keywords_rebuild_split(run=run):
        rebuild_part.delay(part.pk)
    return run.status


@shared_task(name="keywords.rebuild_part", ignore_result=True)
def rebuild_part(part_id: int) -> None:
    part = ExtractionRunPart.objects.select_related("run").get(pk=part_id)
    services.rebuild_part_extract(part=part)
