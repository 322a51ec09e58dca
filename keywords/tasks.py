"""Celery tasks of keywords: thin, idempotent, named explicitly, JSON arguments only.

None returns anything a caller reads (a rebuild's progress lives on ExtractionRun), so
results are ignored: a send then never touches the result backend, whose reconnect loop
would hold a request for ~19 s while Redis is down."""

from celery import shared_task

from keywords.extraction import services

from .models import ExtractionRun


@shared_task(name="keywords.extract_pending", ignore_result=True)
def extract_pending() -> int:
    return services.pending_responses_extract()


@shared_task(name="keywords.rebuild", ignore_result=True)
def rebuild(run_id: int) -> str:
    run = ExtractionRun.objects.select_related("consultation__process__municipality").get(pk=run_id)
    return services.keywords_rebuild(run=run).status
