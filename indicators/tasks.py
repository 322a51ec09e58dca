"""Celery tasks: thin (ids in, a service call, idempotent)."""

from celery import shared_task

from visionportal.models import VisionProcess

from . import services
from .models import ImportRun, Indicator, IndicatorKind


@shared_task(name="indicators.run_import", acks_late=True)
def run_import(run_id: int) -> None:
    run = ImportRun.objects.select_related("process__municipality").filter(pk=run_id).first()
    if run is not None:  # a run deleted with its process is nothing to do
        services.import_run_execute(run)


@shared_task(name="indicators.refresh_all")
def refresh_all() -> int:
    """Nightly: one import per process that follows any Kolada key figure."""
    processes = VisionProcess.objects.filter(
        pk__in=Indicator.objects.filter(kind=IndicatorKind.KOLADA).values("goal__process")
    ).exclude(municipality__kolada_id="")
    started = 0
    for process in processes:
        services.import_run_start(process=process)
        started += 1
    return started


@shared_task(name="indicators.follow_up_report_generate", ignore_result=True, acks_late=True)
def follow_up_report_generate(report_id: int) -> str:
    from .reports import report_generate

    return report_generate(report_id=report_id).status
