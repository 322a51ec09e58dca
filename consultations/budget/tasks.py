"""Celery task of the participatory budget: thin, idempotent (recomputing stores the same
results), named explicitly, JSON arguments."""

from celery import shared_task

from . import services
from .models import District


@shared_task(name="consultations.budget_compute_results", ignore_result=True)
def compute_results(district_id: int) -> None:
    district = District.objects.filter(pk=district_id).first()
    if district is not None:
        services.district_results_compute(district=district)
