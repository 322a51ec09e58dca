"""Services behind the staff pages: channels, group fields, closing, and moderation."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations import importing, services
from consultations.models import Answer, Response

from .factories import closed_consultation, open_consultation
from .staff_helpers import staff_url


def _submit(consultation, **fields):
    return services.response_submit(
        consultation=consultation,
        idempotency_key=uuid.uuid4(),
        answers={consultation.questions.first().pk: "Parkerna"},
        **fields,
    )


def test_group_channels_store_label_and_participants(process):
    response, created = _submit(
        open_consultation(process), channel="workshop", group_label=" Seniorer ", participants=9
    )
    assert created
    assert (response.channel, response.group_label, response.participants) == (
        "workshop",
        "Seniorer",
        9,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"channel": "interview", "participants": 0}, "from 1 to 10000"),
        ({"channel": "interview", "participants": 10001}, "from 1 to 10000"),
        ({"channel": "interview", "group_label": "g" * 121}, "at most 120"),
        ({"group_label": "Online group"}, "one person"),
        ({"channel": "carrier pigeon"}, "Unknown channel"),
    ],
)
def test_invalid_group_fields_are_refused(process, fields, message):
    with pytest.raises(ValidationError, match=message):
        _submit(open_consultation(process), **fields)
    assert not Response.objects.exists()


def test_only_staff_may_enter_after_closing(process):
    consultation = closed_consultation(process)
    with pytest.raises(ValidationError, match="closed"):
        _submit(consultation, channel="interview")
    _response, created = _submit(consultation, channel="interview", allow_after_closing=True)
    assert created


def test_hide_and_unhide_keep_the_row(process, moderator):
    response, _created = _submit(open_consultation(process))
    answer = response.answers.get()
    services.answer_hide(answer=answer, by=moderator, reason="  Personal data  ")
    answer.refresh_from_db()
    assert (answer.hidden_by, answer.hidden_reason) == (moderator, "Personal data")
    assert Answer.objects.visible().count() == 0
    services.answer_unhide(answer=answer)
    answer.refresh_from_db()
    assert (answer.hidden_at, answer.hidden_by, answer.hidden_reason) == (None, None, "")
    assert Answer.objects.visible().count() == 1


def test_hiding_without_a_reason_is_refused(process, moderator):
    response, _created = _submit(open_consultation(process))
    with pytest.raises(ValidationError, match="reason"):
        services.answer_hide(answer=response.answers.get(), by=moderator, reason=" ")


def test_import_keys_are_deterministic_per_file_and_row(process):
    consultation = open_consultation(process)
    key = services.import_row_key(consultation=consultation, file_sha256="a" * 64, row_number=2)
    assert key == services.import_row_key(
        consultation=consultation, file_sha256="a" * 64, row_number=2
    )
    assert key != services.import_row_key(
        consultation=consultation, file_sha256="a" * 64, row_number=3
    )
    assert key != services.import_row_key(
        consultation=consultation, file_sha256="b" * 64, row_number=2
    )


def test_an_upload_over_5_mb_is_refused_before_reading(client, staff, process):
    consultation = open_consultation(process)
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    big = SimpleUploadedFile("big.csv", b"channel,keep\n" + b"x" * importing.MAX_FILE_BYTES)
    page = client.post(staff_url("import", consultation), {"file": big})
    assert page.status_code == 200
    assert "too big" in page.text
