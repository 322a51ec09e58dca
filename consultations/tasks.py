"""Celery tasks of consultations: thin, idempotent, named explicitly, JSON arguments only."""

from celery import shared_task

from . import drafts, export_jobs, notifications


@shared_task(name="consultations.clear_expired_drafts")
def clear_expired_drafts() -> int:
    return drafts.drafts_clear_expired()


@shared_task(name="consultations.export_job_run")
def export_job_run(job_id: int) -> None:
    export_jobs.export_job_run(job_id=job_id)


@shared_task(
    name="consultations.results_subscribers_notify",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=10,
)
def results_subscribers_notify(consultation_id: int) -> int:
    return notifications.results_subscribers_notify(consultation_id=consultation_id)


@shared_task(name="consultations.workshop_board_pdf_generate", ignore_result=True, acks_late=True)
def workshop_board_pdf_generate(document_id: int) -> str:
    from .workshops.outputs import board_pdf_generate

    return board_pdf_generate(document_id=document_id).status


# The participatory budget's task lives with it (consultations/budget/); imported so the
# worker registers it.
from consultations.budget import tasks as budget_tasks  # noqa: E402, F401
