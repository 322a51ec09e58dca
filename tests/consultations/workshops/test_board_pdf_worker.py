"""A real Celery worker generates a workshop's board PDF: the request only enqueues (after
its commit), the worker reports progress on the document's row until it is ready, and the
stored PDF holds the board's text (pdftotext)."""

import time
import uuid

import pytest
from django.db import OperationalError, transaction

from consultations.workshops import outputs, services
from consultations.workshops.models import BoardDocument
from tests.keywords.test_decision_pack import pdf_text, requires_pdftotext, stored_pdf
from visionportal.models import PackStatus

from .factories import make_series, make_workshop

pytestmark = pytest.mark.celery_worker


@requires_pdftotext
def test_the_board_pdf_is_generated_on_the_worker_with_progress(celery_worker, process, staff):
    workshop = make_workshop(make_series(process), title="Løsningskveld")
    services.board_add(
        workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="Trygge skoleveier"
    )
    with transaction.atomic():
        document, created = outputs.board_pdf_request(workshop=workshop, by=staff, language="nb")
        # Enqueued on commit: nothing has started while the request's transaction is open.
        assert created
        assert BoardDocument.objects.get(pk=document.pk).status == PackStatus.QUEUED

    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            current = BoardDocument.objects.get(pk=document.pk)
        except OperationalError:
            time.sleep(0.1)
            continue
        seen.append(current.progress)
        if current.is_finished:
            break
        time.sleep(0.05)
    current.refresh_from_db()
    assert current.status == PackStatus.DONE, current.error
    assert current.progress == 100 and current.pages >= 1
    assert seen == sorted(seen)  # progress only moves forward
    text = pdf_text(stored_pdf(current))
    assert "Løsningskveld" in text and "Trygge skoleveier" in text
