"""A real Celery worker generates a follow-up report: the request only enqueues (after its
commit), the worker reports progress on the report's row until it is ready."""

import time

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction

from indicators.models import FollowUpReport
from indicators.reports import report_request
from visionportal.models import PackStatus

pytestmark = pytest.mark.celery_worker


def test_a_report_is_generated_on_the_worker_with_progress(celery_worker, tree, staff):
    with transaction.atomic():
        report = report_request(
            process=tree["process"], by=staff, language="sv", period=tree["period"]
        )
        # Enqueued on commit: nothing has started while the request's transaction is open.
        assert FollowUpReport.objects.get(pk=report.pk).status == PackStatus.QUEUED

    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            current = FollowUpReport.objects.get(pk=report.pk)
        except OperationalError:
            time.sleep(0.1)
            continue
        seen.append(current.progress)
        if current.is_finished:
            break
        time.sleep(0.05)
    current.refresh_from_db()
    assert current.status == PackStatus.DONE, current.error
    assert current.progress == 100 and current.pages >= 3
    assert seen == sorted(seen)  # progress only moves forward
    with default_storage.open(current.file_name, "rb") as file:
        assert file.read(5) == b"%PDF-"
