"""A real Celery worker against Redis writes a background export after its commit, and the
download gives the same bytes as the export streamed in a request."""

import time

import pytest
from django.db import OperationalError, transaction

from consultations import export_jobs, exports, selectors
from consultations.models import ExportJob, ExportStatus

from .factories import open_consultation
from .staff_helpers import submit

pytestmark = pytest.mark.celery_worker


def _finished(job_pk):
    try:
        return ExportJob.objects.get(pk=job_pk).is_finished
    except OperationalError:
        return False  # SQLite's shared cache: the worker holds the table; ask again


def test_a_background_export_is_written_by_the_worker_after_commit(
    celery_worker, process, monkeypatch
):
    monkeypatch.setattr(export_jobs, "CHUNK_BYTES", 64)
    consultation = open_consultation(process)
    with transaction.atomic():
        for index in range(5):
            submit(consultation, f"Parken {index}", "=1+1", channel="interview")
        job = export_jobs.export_job_start(consultation=consultation, fmt="csv", by=None)
    deadline = time.monotonic() + 60
    while not _finished(job.pk) and time.monotonic() < deadline:
        time.sleep(0.2)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert (job.processed, job.total) == (5, 5)
    table, _ = selectors.export_table(consultation)
    assert b"".join(export_jobs.export_job_file(job)) == exports.to_csv(table)
