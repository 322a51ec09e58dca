"""The board PDF is generated in Celery through the core's document machinery: a request
only queues a numbered version (after its commit), the page polls its progress, members of
the municipality download it privately, and the PDF says what the board says (pdftotext),
hostile card text included as text."""

import uuid

import pytest
from django.urls import reverse

from consultations.workshops import outputs, services
from consultations.workshops.models import BoardDocument
from tests.keywords.test_decision_pack import pdf_text, requires_pdftotext, stored_pdf
from tests.visionportal.test_access_matrix import (
    MEMBER_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)
from visionportal.models import PackStatus

from .factories import make_series, make_workshop

pytestmark = pytest.mark.django_db

STAFF = "consultations_staff:workshops:"


@pytest.fixture
def workshop(process):
    workshop = make_workshop(make_series(process), title="Løsningskveld")
    need = services.board_add(
        workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="Møteplasser for unge"
    )
    measure = services.board_add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="measure",
        text="Åpne skolen om kvelden",
        parent_pk=need.pk,
    )
    services.board_add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="solution",
        text='<img src="http://evil.example/x"> Ungdomskafé',
        parent_pk=measure.pk,
    )
    return workshop


def _request(workshop, staff, captured, language="nb"):
    with captured(execute=True) as callbacks:
        document, created = outputs.board_pdf_request(
            workshop=workshop, by=staff, language=language
        )
    return document, created, callbacks


@requires_pdftotext
def test_a_requested_pdf_is_generated_after_commit_and_says_what_the_board_says(
    workshop, staff, django_capture_on_commit_callbacks
):
    document, created, callbacks = _request(workshop, staff, django_capture_on_commit_callbacks)
    assert created and len(callbacks) == 1  # the task is queued only once the row commits
    document.refresh_from_db()
    assert document.status == PackStatus.DONE, document.error
    assert document.number == 1 and document.progress == 100 and document.pages >= 1
    assert document.inputs["cards"] == 3
    text = pdf_text(stored_pdf(document))
    assert "Løsningskveld" in text
    assert "Møteplasser for unge" in text and "Åpne skolen om kvelden" in text
    # Markup a card holds is printed as text, and nothing was fetched for it.
    assert '<img src="http://evil.example/x"> Ungdomskafé' in text
    assert "Prioriterte løsninger" in text  # in the language asked for (Bokmål)


def test_versions_are_numbered_per_session_and_a_pending_one_is_not_queued_twice(
    process, workshop, staff, django_capture_on_commit_callbacks
):
    other = make_workshop(workshop.series, title="Behovskveld")
    first = outputs.board_pdf_request(workshop=workshop, by=staff, language="nb")
    # Still waiting for the worker (nothing ran it): pressing again returns the same one.
    again, created = outputs.board_pdf_request(workshop=workshop, by=staff, language="nb")
    assert not created and again.pk == first[0].pk
    english, created = outputs.board_pdf_request(workshop=workshop, by=staff, language="en")
    assert created and english.number == 2
    elsewhere, _ = outputs.board_pdf_request(workshop=other, by=staff, language="nb")
    assert elsewhere.number == 1
    assert BoardDocument.objects.count() == 3


def test_generating_again_changes_nothing(workshop, staff, django_capture_on_commit_callbacks):
    document, _created, _callbacks = _request(workshop, staff, django_capture_on_commit_callbacks)
    document.refresh_from_db()
    finished_at, name = document.finished_at, document.file_name
    again = outputs.board_pdf_generate(document_id=document.pk)
    assert again.finished_at == finished_at and again.file_name == name


def _urls(workshop, document):
    args = ["norrkoping", workshop.pk, document.number]
    return [
        reverse(STAFF + "board_pdf", args=args),
        reverse(STAFF + "board_pdf_download", args=args),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_pdf_pages_are_for_members_of_the_municipality(
    client, request, workshop, staff, role, django_capture_on_commit_callbacks
):
    document, _created, _callbacks = _request(workshop, staff, django_capture_on_commit_callbacks)
    client = _client_for(client, request, role)
    for url in _urls(workshop, document):
        response = client.get(url)
        try:
            _assert_outcome(response, MEMBER_VIEW[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {url}: {response.status_code}") from error
        if response.status_code == 200 and url.endswith("/download/"):
            assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("role", ROLES)
def test_requesting_a_pdf_is_for_members_of_the_municipality(client, request, workshop, role):
    client = _client_for(client, request, role)
    url = reverse(STAFF + "board_pdf_request", args=["norrkoping", workshop.pk])
    response = client.post(url, {"language": "sv"})
    # Every member may: the PDF is the board they can read.
    expected = {**MEMBER_VIEW, **{r: 302 for r, v in MEMBER_VIEW.items() if v == 200}}
    _assert_outcome(response, expected[role])
    made = BoardDocument.objects.filter(workshop=workshop).first()
    assert (made is not None) is (expected[role] == 302)
    if made is not None:
        assert response["Location"] == reverse(
            STAFF + "board_pdf", args=["norrkoping", workshop.pk, made.number]
        )
        assert made.language == "sv"


def test_a_bad_language_is_refused_with_the_form(client, staff, workshop):
    client.force_login(staff)
    url = reverse(STAFF + "board_pdf_request", args=["norrkoping", workshop.pk])
    response = client.post(url, {"language": "xx"})
    assert response.status_code == 400
    assert not BoardDocument.objects.exists()


def test_the_progress_page_polls_until_done_and_the_file_is_only_served_when_ready(
    client, staff, workshop
):
    document, _ = outputs.board_pdf_request(workshop=workshop, by=staff, language="nb")
    client.force_login(staff)
    page_url, download_url = _urls(workshop, document)
    page = client.get(page_url)
    assert b'hx-trigger="every 1s"' in page.content and b"<progress" in page.content
    poll = client.get(page_url, HTTP_HX_REQUEST="true")
    assert poll.content.lstrip().startswith(b'<div id="document-progress"')
    assert client.get(download_url).status_code == 404
    BoardDocument.objects.filter(pk=document.pk).update(status=PackStatus.FAILED)
    failed = client.get(page_url, HTTP_HX_REQUEST="true")
    assert b"every 1s" not in failed.content and b'role="alert"' in failed.content


def test_another_municipalitys_staff_cannot_reach_a_board_pdf(client, other_staff, workshop):
    document, _ = outputs.board_pdf_request(workshop=workshop, by=None, language="nb")
    client.force_login(other_staff)
    args = ["ishoj", workshop.pk, document.number]
    assert client.get(reverse(STAFF + "board_pdf", args=args)).status_code == 404
    assert client.get(reverse(STAFF + "board_pdf_download", args=args)).status_code == 404
    url = reverse(STAFF + "board_pdf_request", args=["ishoj", workshop.pk])
    assert client.post(url, {"language": "nb"}).status_code == 404
