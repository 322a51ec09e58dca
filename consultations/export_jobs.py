"""Exports too large to write within a request (gunicorn ends a request after 30 s): a
Celery task writes them, reporting progress on an ExportJob, into ExportChunk rows that
the download then sends piece by piece. Same rows, masking and neutralising as the
exports streamed in the request: the same selector and writers make both."""

import datetime
import logging
import tempfile

from django.db import transaction
from django.utils import timezone

from . import exports, selectors
from .models import Consultation, ExportChunk, ExportFormat, ExportJob, ExportStatus

logger = logging.getLogger(__name__)

# Above this many responses an export is written by a worker, not in the request.
# Measured (tests/benchmarks/exports.py): XLSX writes about 4,000 rows a second, CSV and
# JSON about 10,000, on one unloaded core; 20,000 keeps every format well within 30 s.
EXPORT_IN_REQUEST_MAX_RESPONSES = 20_000
CHUNK_BYTES = 1024 * 1024
# Rows between two progress updates.
PROGRESS_EVERY = 2000
# A finished export is kept this long for its download, then removed with its file.
EXPORT_KEEP = datetime.timedelta(days=1)


def export_in_request(consultation: Consultation) -> bool:
    return consultation.responses.count() <= EXPORT_IN_REQUEST_MAX_RESPONSES


def export_job_start(*, consultation: Consultation, fmt: str, by) -> ExportJob:
    """Queue an export of `consultation` as `fmt`; the task is sent once this commits."""
    from . import tasks

    ExportJob.objects.filter(created_at__lt=timezone.now() - EXPORT_KEEP).delete()
    job = ExportJob.objects.create(
        consultation=consultation,
        requested_by=by,
        format=ExportFormat(fmt),
        total=selectors.export_row_count(consultation),
    )
    transaction.on_commit(lambda: tasks.export_job_run.delay(job.pk))
    return job


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the export of job `job_id` into its chunks. Running it again after it is done
    changes nothing; after a crash half-way, it starts over."""
    job = ExportJob.objects.select_related("consultation").filter(pk=job_id).first()
    if job is None or job.status == ExportStatus.DONE:
        return job  # expired and removed, or a redelivered task whose work is done
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, processed=0, size=0, finished_at=None
    )
    ExportChunk.objects.filter(job=job).delete()
    try:
        size = _write_chunks(job)
    except Exception:
        logger.exception("Export %s failed", job.pk)
        ExportChunk.objects.filter(job=job).delete()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
    else:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE,
            processed=job.total,
            size=size,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _counted(rows, job: ExportJob):
    for written, row in enumerate(rows, start=1):
        yield row
        if written % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(processed=min(written, job.total))


def _write_chunks(job: ExportJob) -> int:
    table, question_texts = selectors.export_table(job.consultation)
    table = exports.ExportTable(headers=table.headers, rows=_counted(table.rows, job))
    with tempfile.TemporaryFile() as file:
        if job.format == ExportFormat.XLSX:
            exports.xlsx_write(table, file)
        elif job.format == ExportFormat.JSON:
            for piece in exports.json_chunks(table, question_texts=question_texts):
                file.write(piece)
        else:
            for piece in exports.csv_chunks(table):
                file.write(piece)
        size = file.tell()
        file.seek(0)
        position = 0
        while data := file.read(CHUNK_BYTES):
            ExportChunk.objects.create(job=job, position=position, data=data)
            position += 1
    return size


def export_job_file(job: ExportJob):
    """The finished file of `job`, piece by piece, one query per piece."""
    for chunk_id in list(job.chunks.order_by("position").values_list("pk", flat=True)):
        yield bytes(ExportChunk.objects.values_list("data", flat=True).get(pk=chunk_id))
