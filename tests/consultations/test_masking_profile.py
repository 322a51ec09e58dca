"""Free text in the profile (group labels, areas typed before areas were a list) is masked
wherever answers are: the staff list, the import preview and the exports."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import Response

from .factories import open_consultation
from .staff_helpers import staff_url, submit


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def test_staff_list_masks_group_labels_and_old_free_text_areas(client, moderator, consultation):
    submit(consultation, "Parkerna", channel="focus_group", group_label="Ring Anna 070-123 45 67")
    legacy = Response.objects.create(
        consultation=consultation, idempotency_key=uuid.uuid4(), area="anna@example.se"
    )
    legacy.answers.create(question=consultation.questions.first(), text="Torget")
    client.force_login(moderator)
    page = client.get(staff_url("responses", consultation)).text
    assert "070-123 45 67" not in page and "[phone]" in page
    assert "anna@example.se" not in page and "[email]" in page


def test_import_preview_masks_group_labels(client, staff, consultation):
    client.force_login(staff)
    data = b"channel,keep,group_label\nfocus_group,Parkerna,Mejla bo@example.dk\n"
    page = client.post(
        staff_url("import", consultation), {"file": SimpleUploadedFile("a.csv", data)}
    )
    assert page.status_code == 200
    assert "bo@example.dk" not in page.text and "[email]" in page.text


def test_exports_mask_group_labels_and_areas(client, staff, consultation):
    Response.objects.create(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        area="Ring 0701234567",
        group_label="bo@example.dk",
    ).answers.create(question=consultation.questions.first(), text="Torget")
    client.force_login(staff)
    for fmt in ("csv", "json"):
        body = client.get(staff_url("export", consultation, fmt)).getvalue().decode("utf-8-sig")
        assert "0701234567" not in body and "bo@example.dk" not in body
