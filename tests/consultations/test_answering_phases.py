"""Residents answer while the consultation is open by its own dates and the process is in
a phase that takes answers (visionportal.phases); otherwise they see the "not open" page.
Staff entering answers gathered elsewhere are not gated by phases."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Response, ResponseDraft
from consultations.services import consultation_create_default
from tests.conftest import running_phase
from visionportal.models import PhaseKind, VisionProcess

from .factories import open_consultation
from .staff_helpers import staff_url

NOT_TAKING_ANSWERS = "This consultation is not taking answers at the moment"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def _open_by_dates(process):
    """Open by its dates, whatever the process's phases say."""
    now = timezone.now()
    return consultation_create_default(
        process=process,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        language="sv",
    )


def _urls(consultation):
    args = [consultation.process.municipality.slug, consultation.process.slug, consultation.pk]
    return {
        name: reverse(f"consultations:{name}", args=args)
        for name in ("form", "submit", "draft_save")
    }


def _post(consultation, text="Parkerna"):
    return {
        "idempotency_key": str(uuid.uuid4()),
        f"question_{consultation.questions.first().pk}": text,
    }


@pytest.fixture
def between_phases(process):
    """Open by its dates while the process (seed 000's 2015 timeline) is in no phase."""
    return _open_by_dates(process)


def test_open_dates_and_a_running_answering_phase_take_answers(client, process):
    running_phase(process, PhaseKind.CONSULTATION)
    consultation = _open_by_dates(process)
    assert consultation.status() == "open"
    assert 'name="idempotency_key"' in client.get(_urls(consultation)["form"]).text
    response = client.post(_urls(consultation)["submit"], _post(consultation))
    assert response.status_code == 302
    assert Response.objects.filter(consultation=consultation).count() == 1


def test_a_process_without_phases_takes_answers_by_the_dates_alone(client, draft_process):
    draft_process.is_public = True
    draft_process.save()
    consultation = _open_by_dates(draft_process)
    assert consultation.status() == "open"
    assert client.post(_urls(consultation)["submit"], _post(consultation)).status_code == 302


def test_outside_an_answering_phase_the_form_is_the_not_open_page(client, between_phases):
    assert between_phases.status() == "outside_phase"
    page = client.get(_urls(between_phases)["form"])
    assert page.status_code == 200
    assert NOT_TAKING_ANSWERS in page.text
    assert 'name="idempotency_key"' not in page.text


def test_outside_an_answering_phase_a_submit_stores_nothing(client, between_phases):
    response = client.post(_urls(between_phases)["submit"], _post(between_phases))
    assert response.status_code == 200
    assert NOT_TAKING_ANSWERS in response.text
    assert not Response.objects.exists()


def test_outside_an_answering_phase_no_draft_is_saved(client, between_phases):
    response = client.post(_urls(between_phases)["draft_save"], _post(between_phases))
    assert NOT_TAKING_ANSWERS in response.text
    assert not ResponseDraft.objects.exists()


def test_a_sorting_phase_does_not_take_answers(client, process):
    running_phase(process, PhaseKind.SORTING)
    consultation = _open_by_dates(process)
    assert consultation.status() == "outside_phase"
    assert NOT_TAKING_ANSWERS in client.get(_urls(consultation)["form"]).text


def test_the_process_page_says_it_is_not_taking_answers(client, between_phases):
    page = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    assert "Not taking answers at the moment" in page.text
    assert "Open until" not in page.text


def test_staff_still_enter_answers_gathered_elsewhere(client, staff, between_phases):
    client.force_login(staff)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "channel": "interview",
        f"question_{between_phases.questions.first().pk}": "Hamnen",
    }
    response = client.post(staff_url("response_create", between_phases), data)
    assert response.status_code == 302
    assert Response.objects.get().channel == "interview"


def test_the_open_consultation_factory_makes_one_residents_can_answer(process):
    consultation = open_consultation(process)
    assert consultation.status() == "open"
    assert VisionProcess.objects.get(pk=process.pk).phases.count() == 3
