"""A real Celery worker generates a decision pack: the request only enqueues (after its
commit), the worker reports progress on the pack's row until it is ready."""

import time

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction

from keywords.vision.packs import pack_request
from tests.keywords.vision_factories import answered_consultation
from visionportal.models import DecisionPack, PackStatus

pytestmark = pytest.mark.celery_worker


def test_a_pack_is_generated_on_the_worker_with_progress(celery_worker, process, staff):
    answered_consultation(process)
    with transaction.atomic():
        pack = pack_request(process=process, by=staff, language="sv")
        # Enqueued on commit: nothing has started while the request's transaction is open.
        assert DecisionPack.objects.get(pk=pack.pk).status == PackStatus.QUEUED

    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            current = DecisionPack.objects.get(pk=pack.pk)
        except OperationalError:
            time.sleep(0.1)
            continue
        seen.append(current.progress)
        if current.is_finished:
            break
        time.sleep(0.05)
    current.refresh_from_db()
    assert current.status == PackStatus.DONE, current.error
    assert current.progress == 100 and current.pages >= 5
    assert seen == sorted(seen)  # progress only moves forward
    with default_storage.open(current.file_name, "rb") as file:
        assert file.read(5) == b"%PDF-"
