"""Exports of a consultation's visible answers, for editors (staff, admins).

Up to export_jobs.EXPORT_IN_REQUEST_MAX_RESPONSES responses the file is streamed in the
request; above that a Celery task writes it while a page shows its progress, and a link
downloads it when done. Other municipalities get 404, other roles 403 (member_required).
"""

import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from visionportal.access import EDITOR_ROLES, member_required

from .. import access, export_jobs, exports, selectors
from ..models import ExportFormat, ExportStatus

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.JSON: "application/json",
}


def _as_download(response, consultation, fmt: str):
    name = slugify(f"answers-{consultation.pk}-{consultation.title}")[:80] or "answers"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@member_required(EDITOR_ROLES)
@require_GET
def export(request, pk, fmt):
    """The file, streamed: CSV and JSON are written as the rows are read; XLSX is written
    row by row to a temporary file, which is then sent. A consultation too large for one
    request gets a page that offers to prepare the file in the background."""
    consultation = access.consultation_for_member(request, pk)
    if fmt not in ExportFormat.values:
        raise Http404
    if not export_jobs.export_in_request(consultation):
        return render(
            request,
            "consultations/staff/export_large.html",
            {
                "consultation": consultation,
                "format": ExportFormat(fmt),
                "limit": export_jobs.EXPORT_IN_REQUEST_MAX_RESPONSES,
            },
        )
    table, question_texts = selectors.export_table(consultation)
    if fmt == ExportFormat.XLSX:
        # A zip archive cannot be sent before it is complete; on disk it costs no memory.
        file = tempfile.TemporaryFile()  # FileResponse closes it
        exports.xlsx_write(table, file)
        file.seek(0)
        response = FileResponse(file, content_type=CONTENT_TYPES[fmt])
    elif fmt == ExportFormat.JSON:
        response = StreamingHttpResponse(
            exports.json_chunks(table, question_texts=question_texts),
            content_type=CONTENT_TYPES[fmt],
        )
    else:
        response = StreamingHttpResponse(exports.csv_chunks(table), content_type=CONTENT_TYPES[fmt])
    return _as_download(response, consultation, fmt)


@require_POST
@member_required(EDITOR_ROLES)
def export_job_start(request, pk, fmt):
    consultation = access.consultation_for_member(request, pk)
    if fmt not in ExportFormat.values:
        raise Http404
    job = export_jobs.export_job_start(consultation=consultation, fmt=fmt, by=request.user)
    return redirect("consultations_staff:export_job", request.municipality.slug, pk, job.pk)


@member_required(EDITOR_ROLES)
@require_GET
def export_job(request, pk, job_pk):
    """The progress of a background export; htmx polls its progress fragment."""
    job = access.export_job_for_member(request, pk, job_pk)
    template = "consultations/staff/export_job.html"
    if request.htmx:
        template += "#progress"
    response = render(request, template, {"consultation": job.consultation, "job": job})
    patch_vary_headers(response, ["HX-Request"])
    return response


@member_required(EDITOR_ROLES)
@require_GET
def export_job_download(request, pk, job_pk):
    job = access.export_job_for_member(request, pk, job_pk)
    if job.status != ExportStatus.DONE:
        raise Http404
    response = StreamingHttpResponse(
        export_jobs.export_job_file(job), content_type=CONTENT_TYPES[job.format]
    )
    response["Content-Length"] = str(job.size)
    return _as_download(response, job.consultation, job.format)
