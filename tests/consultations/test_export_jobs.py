"""Exports above the in-request size are written by a Celery task: a page offers to prepare
the file, shows the progress, then links to a download equal to the streamed export."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from consultations import export_jobs, exports
from consultations.models import ExportChunk, ExportJob, ExportStatus

from .factories import open_consultation
from .staff_helpers import XSS, staff_url, submit
from .test_staff_access import EDITOR, EDITOR_POST, ROLES, _assert_outcome, _client_for


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    consultation = open_consultation(process)
    submit(consultation, "Parkerna, mejla anna@example.se", '=HYPERLINK("x")', XSS)
    submit(consultation, "Grönområdena", channel="interview", group_label="+Ungdomsrådet")
    submit(consultation, "Biblioteket", target_groups=["young"])
    return consultation


@pytest.fixture
def large(monkeypatch):
    """Three responses count as large; the file is stored in pieces of 100 bytes."""
    monkeypatch.setattr(export_jobs, "EXPORT_IN_REQUEST_MAX_RESPONSES", 2)
    monkeypatch.setattr(export_jobs, "CHUNK_BYTES", 100)


def _run_export(client, consultation, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(staff_url("export_job_start", consultation, fmt))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == staff_url("export_job", consultation, job.pk)
    return job


def test_a_small_consultation_is_exported_in_the_request(client, staff, consultation):
    client.force_login(staff)
    response = client.get(staff_url("export", consultation, "csv"))
    assert response.streaming
    assert not ExportJob.objects.exists()


def test_a_large_consultation_offers_to_prepare_the_file(client, staff, consultation, large):
    client.force_login(staff)
    page = client.get(staff_url("export", consultation, "xlsx"))
    assert page.status_code == 200
    assert "Content-Disposition" not in page
    assert "Prepare the XLSX file" in page.text
    assert staff_url("export_job_start", consultation, "xlsx") in page.text
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_background_export_downloads_the_same_bytes_as_the_streamed_one(
    client, staff, consultation, large, monkeypatch, django_capture_on_commit_callbacks, fmt
):
    client.force_login(staff)
    monkeypatch.setattr(export_jobs, "EXPORT_IN_REQUEST_MAX_RESPONSES", 100)
    streamed = client.get(staff_url("export", consultation, fmt)).getvalue()
    monkeypatch.setattr(export_jobs, "EXPORT_IN_REQUEST_MAX_RESPONSES", 2)
    job = _run_export(client, consultation, fmt, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.processed, job.total) == (ExportStatus.DONE, 3, 3)
    assert job.chunks.count() > 3
    page = client.get(staff_url("export_job", consultation, job.pk))
    assert staff_url("export_job_download", consultation, job.pk) in page.text
    assert "3 of 3 responses written." in page.text
    download = client.get(staff_url("export_job_download", consultation, job.pk))
    assert download["Content-Disposition"].endswith(f'.{fmt}"')
    assert download["Cache-Control"] == "no-store"
    body = download.getvalue()
    assert body == streamed
    assert int(download["Content-Length"]) == len(body) == job.size
    assert b"anna@example.se" not in body


def test_background_xlsx_export_has_the_streamed_cells(
    client, staff, consultation, large, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    job = _run_export(client, consultation, "xlsx", django_capture_on_commit_callbacks)
    body = client.get(staff_url("export_job_download", consultation, job.pk)).getvalue()
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 4
    assert '\'=HYPERLINK("x")' in rows[1]
    assert "'+Ungdomsrådet" in rows[2]
    assert "Parkerna, mejla [email]" in rows[1]


def test_progress_fragment_polls_until_finished(client, staff, consultation, large):
    client.force_login(staff)
    job = ExportJob.objects.create(consultation=consultation, format="csv", total=3)
    url = staff_url("export_job", consultation, job.pk)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert f'hx-get="{url}"' in fragment.text
    assert "HX-Request" in fragment["Vary"]
    page = client.get(url)
    assert "<html" in page.text and f'href="{url}"' in page.text  # Refresh without JS
    assert staff_url("export_job_download", consultation, job.pk) not in page.text
    assert client.get(staff_url("export_job_download", consultation, job.pk)).status_code == 404


def test_a_failed_export_says_so_and_keeps_no_file(
    client, staff, consultation, large, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(table):
        yield b"half"
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "csv_chunks", broken)
    client.force_login(staff)
    job = _run_export(client, consultation, "csv", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert not ExportChunk.objects.exists()
    page = client.get(staff_url("export_job", consultation, job.pk))
    assert "The export failed." in page.text
    assert client.get(staff_url("export_job_download", consultation, job.pk)).status_code == 404


def test_running_an_export_again_changes_nothing(
    client, staff, consultation, large, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    job = _run_export(client, consultation, "csv", django_capture_on_commit_callbacks)
    chunks = list(job.chunks.values_list("pk", flat=True))
    assert export_jobs.export_job_run(job_id=job.pk).status == ExportStatus.DONE
    assert list(job.chunks.values_list("pk", flat=True)) == chunks


def test_an_export_interrupted_half_way_starts_over(consultation, large):
    job = ExportJob.objects.create(consultation=consultation, format="csv", total=3)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, processed=2)
    ExportChunk.objects.create(job=job, position=0, data=b"stale")
    job = export_jobs.export_job_run(job_id=job.pk)
    assert job.status == ExportStatus.DONE
    body = b"".join(export_jobs.export_job_file(job))
    assert not body.startswith(b"stale") and body.count(b"\r\n") == 4


def test_exports_older_than_a_day_are_removed_when_a_new_one_starts(
    client, staff, consultation, large, django_capture_on_commit_callbacks
):
    old = ExportJob.objects.create(
        consultation=consultation,
        format="csv",
        created_at=timezone.now() - datetime.timedelta(days=2),
    )
    ExportChunk.objects.create(job=old, position=0, data=b"x")
    client.force_login(staff)
    _run_export(client, consultation, "json", django_capture_on_commit_callbacks)
    assert not ExportJob.objects.filter(pk=old.pk).exists()


def test_starting_an_export_needs_post_and_a_known_format(client, staff, consultation, large):
    client.force_login(staff)
    assert client.get(staff_url("export_job_start", consultation, "csv")).status_code == 405
    assert client.post(staff_url("export_job_start", consultation, "pdf")).status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_background_exports_are_for_editors_of_the_municipality(
    client, request, consultation, large, role
):
    job = ExportJob.objects.create(consultation=consultation, format="csv", total=3)
    export_jobs.export_job_run(job_id=job.pk)
    client = _client_for(client, request, role)
    start = client.post(staff_url("export_job_start", consultation, "csv"))
    _assert_outcome(start, EDITOR_POST[role], f"{role} start")
    assert ExportJob.objects.count() == (2 if EDITOR_POST[role] == 302 else 1)
    for name in ("export_job", "export_job_download"):
        url = staff_url(name, consultation, job.pk)
        _assert_outcome(client.get(url), EDITOR[role], f"{role} GET {url}")


def test_another_municipalitys_staff_cannot_reach_an_export_through_their_own(
    client, other_staff, consultation, large
):
    job = ExportJob.objects.create(consultation=consultation, format="csv", total=3)
    export_jobs.export_job_run(job_id=job.pk)
    client.force_login(other_staff)
    for name in ("export_job", "export_job_download"):
        assert client.get(staff_url(name, consultation, job.pk, slug="ishoj")).status_code == 404
    url = staff_url("export_job_start", consultation, "csv", slug="ishoj")
    assert client.post(url).status_code == 404


def test_an_export_of_another_consultation_is_not_found(client, staff, process, consultation):
    other = open_consultation(process)
    job = ExportJob.objects.create(consultation=other, format="csv", total=0)
    export_jobs.export_job_run(job_id=job.pk)
    client.force_login(staff)
    for name in ("export_job", "export_job_download"):
        assert client.get(staff_url(name, consultation, job.pk)).status_code == 404
