"""Workshop pages: the role × municipality matrix for every staff view, the residents'
sign-up, confirmation and cancel without an account, the board's plain-form and htmx
changes, and the outputs."""

import io
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from consultations.workshops import services
from consultations.workshops.models import BoardItem, SignUp
from tests.consultations.factories import open_consultation
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    MEMBER_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)
from tests.visionportal.test_logo import image_bytes

from .factories import make_series, make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate limits count in the (local memory) cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


STAFF = "consultations_staff:workshops:"
PUBLIC = "consultations:workshops:"


@pytest.fixture
def series(process):
    return make_series(process)


@pytest.fixture
def workshop(series):
    return make_workshop(series, capacity=2)


def _staff_gets(process, series, workshop, photo, sign_up):
    slug = "norrkoping"
    return [
        reverse(STAFF + "series_list", args=[slug, process.pk]),
        reverse(STAFF + "series", args=[slug, series.pk]),
        reverse(STAFF + "workshop", args=[slug, workshop.pk]),
        reverse(STAFF + "board", args=[slug, workshop.pk]),
        reverse(STAFF + "photo", args=[slug, workshop.pk, photo.pk]),
        reverse(STAFF + "export", args=[slug, workshop.pk, "xlsx"]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_workshop_view_enforces_role_and_municipality(
    client, request, process, series, workshop, role
):
    photo = services.photo_add(workshop=workshop, data=image_bytes("JPEG"), alt="Prompt")
    sign_up, _ = services.workshop_sign_up(workshop=workshop, idempotency_key=uuid.uuid4())
    client = _client_for(client, request, role)
    for url in _staff_gets(process, series, workshop, photo, sign_up):
        response = client.get(url)
        try:
            _assert_outcome(response, MEMBER_VIEW[role])
        except AssertionError as error:
            raise AssertionError(f"{role} GET {url}: {response.status_code}") from error


@pytest.mark.parametrize("role", ROLES)
def test_changing_workshops_is_for_editors_of_that_municipality(
    client, request, process, series, workshop, role
):
    sign_up, _ = services.workshop_sign_up(workshop=workshop, idempotency_key=uuid.uuid4())
    client = _client_for(client, request, role)
    slug = "norrkoping"
    posts = [
        (reverse(STAFF + "check_in", args=[slug, workshop.pk, sign_up.pk]), {"attended": "1"}),
        (
            reverse(STAFF + "board_add", args=[slug, workshop.pk]),
            {"key": str(uuid.uuid4()), "kind": "need", "text": "Behov"},
        ),
        (
            reverse(STAFF + "series_create", args=[slug, process.pk]),
            {"title": "Ny serie", "dots_per_voter": 3, "vote_by": "table"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        try:
            _assert_outcome(response, EDITOR_POST[role])
        except AssertionError as error:
            raise AssertionError(f"{role} POST {url}: {response.status_code}") from error
    allowed = EDITOR_POST[role] == 302
    sign_up.refresh_from_db()
    assert sign_up.attended is allowed
    assert BoardItem.objects.exists() is allowed


def test_another_municipalitys_staff_cannot_reach_a_workshop_through_their_own(
    client, other_staff, workshop
):
    client.force_login(other_staff)
    assert client.get(reverse(STAFF + "board", args=["ishoj", workshop.pk])).status_code == 404
    url = reverse(STAFF + "board_add", args=["ishoj", workshop.pk])
    data = {"key": str(uuid.uuid4()), "kind": "need", "text": "x"}
    assert client.post(url, data).status_code == 404
    assert not BoardItem.objects.exists()


def _series_url(series):
    return reverse(PUBLIC + "series", args=["norrkoping", "vision-2035", series.pk])


def test_a_resident_signs_up_sees_the_confirmation_and_cancels(client, series, workshop):
    page = client.get(_series_url(series))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    url = reverse(PUBLIC + "sign_up", args=["norrkoping", "vision-2035", series.pk, workshop.pk])
    key = str(uuid.uuid4())
    data = {f"w{workshop.pk}-key": key, f"w{workshop.pk}-name": "<b>Kari</b>"}
    response = client.post(url, data)
    assert response.status_code == 302
    again = client.post(url, data)
    assert again["Location"] == response["Location"]
    assert SignUp.objects.count() == 1
    confirmation = client.get(response["Location"])
    assert b"&lt;b&gt;Kari&lt;/b&gt;" in confirmation.content
    assert confirmation["Referrer-Policy"] == "same-origin"
    token = SignUp.objects.get().token
    assert client.post(reverse(PUBLIC + "cancel", args=[token])).status_code == 302
    workshop.refresh_from_db()
    assert workshop.signed_up == 0


def test_a_full_workshop_tells_the_resident_in_their_language(client, series, workshop):
    for _ in range(2):
        services.workshop_sign_up(workshop=workshop, idempotency_key=uuid.uuid4())
    workshop.sign_up_open = True
    url = reverse(PUBLIC + "sign_up", args=["norrkoping", "vision-2035", series.pk, workshop.pk])
    client.cookies["django_language"] = "en"
    response = client.post(url, {f"w{workshop.pk}-key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert b"This workshop is full" in response.content


def test_sign_ups_are_rate_limited_per_connection(client, series, process, settings):
    workshop = make_workshop(series, capacity=100)
    url = reverse(PUBLIC + "sign_up", args=["norrkoping", "vision-2035", series.pk, workshop.pk])
    statuses = [
        client.post(url, {f"w{workshop.pk}-key": str(uuid.uuid4())}).status_code for _ in range(22)
    ]
    assert statuses.count(302) == 20
    assert statuses[-1] == 429


def test_a_sign_up_needs_the_csrf_token(series, workshop):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    url = reverse(PUBLIC + "sign_up", args=["norrkoping", "vision-2035", series.pk, workshop.pk])
    assert strict.post(url, {f"w{workshop.pk}-key": str(uuid.uuid4())}).status_code == 403


def test_a_draft_process_has_no_public_workshops(client, draft_process):
    series = make_series(draft_process)
    url = reverse(PUBLIC + "series", args=["norrkoping", draft_process.slug, series.pk])
    assert client.get(url).status_code == 404


def test_a_participant_adds_a_photo_through_their_sign_up(client, workshop):
    sign_up, _ = services.workshop_sign_up(workshop=workshop, idempotency_key=uuid.uuid4())
    url = reverse(PUBLIC + "photo_add", args=[sign_up.token])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        url, {"alt": "Et bilde", "image": SimpleUploadedFile("x.jpg", b"not an image")}
    )
    assert bad.status_code == 400
    assert b"not a JPEG, PNG or WebP" in bad.content
    good = client.post(
        url,
        {"alt": "Et bilde", "image": SimpleUploadedFile("x.jpg", image_bytes("JPEG"))},
    )
    assert good.status_code == 302
    assert sign_up.photos.count() == 1


def test_the_board_works_as_plain_forms_and_with_htmx(client, staff, workshop):
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    url = reverse(STAFF + "board_add", args=["norrkoping", workshop.pk])
    key = str(uuid.uuid4())
    plain = client.post(url, {"key": key, "kind": "need", "text": "Møteplasser"})
    assert plain.status_code == 302
    again = client.post(url, {"key": key, "kind": "need", "text": "Møteplasser"})
    assert again.status_code == 302
    assert BoardItem.objects.count() == 1
    need = BoardItem.objects.get()
    htmx = client.post(
        url,
        {"key": str(uuid.uuid4()), "kind": "measure", "text": "Kafé", "parent": need.pk},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200
    assert b'id="board"' in htmx.content and b"<html" not in htmx.content
    stale = client.post(
        reverse(STAFF + "board_edit", args=["norrkoping", workshop.pk, need.pk]),
        {"key": str(uuid.uuid4()), "version": 7, "text": "Annet"},
    )
    assert stale.status_code == 409
    assert b"now reads" in stale.content


def test_the_board_exports_to_xlsx_and_the_pdf_is_not_rendered_in_the_request(
    client, staff, workshop
):
    need = services.board_add(
        workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="=HYPERLINK(1)"
    )
    services.board_add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="measure",
        text="Frivillighet",
        parent_pk=need.pk,
    )
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    xlsx = client.get(reverse(STAFF + "export", args=["norrkoping", workshop.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[2][:3] == ("Measure", "Frivillighet", "'=HYPERLINK(1)")
    # The PDF is made in Celery (test_board_pdf.py); the request-time export is gone.
    pdf = client.get(reverse(STAFF + "export", args=["norrkoping", workshop.pk, "pdf"]))
    assert pdf.status_code == 404


def test_the_process_page_leads_residents_to_the_workshops(client, series):
    page = client.get(reverse("public:process", args=["norrkoping", "vision-2035"]))
    assert _series_url(series).encode() in page.content


def test_the_board_poll_says_how_many_changes_colleagues_made(client, staff, workshop):
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    url = reverse(STAFF + "board", args=["norrkoping", workshop.pk])
    page = client.get(url)
    assert b"?since=0" in page.content
    services.board_add(workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="A")
    news = client.get(url, {"since": 0}, headers={"HX-Request": "true"})
    assert news.content.strip() == b"<strong>1 new change by colleagues.</strong>"
    last = client.get(url).content
    assert b"?since=0" not in last


@pytest.mark.parametrize("role", ROLES)
def test_every_workshop_change_is_for_editors_of_that_municipality(
    client, request, process, series, workshop, role
):
    """Each remaining POST view, with valid data: editors get their change (302), everyone
    else the matrix's refusal, and nothing changes for them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    consultation = open_consultation(process)
    series.consultation = consultation
    series.save()
    need = services.board_add(
        workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="Behov"
    )
    measure = services.board_add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="measure",
        text="Tiltak",
        parent_pk=need.pk,
    )
    solution = services.board_add(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        kind="solution",
        text="Løsning",
        parent_pk=measure.pk,
    )
    photo = services.photo_add(workshop=workshop, data=image_bytes("JPEG"), alt="Prompt")
    client = _client_for(client, request, role)
    slug = "norrkoping"
    when = {"starts_at": "2030-03-07T18:00", "ends_at": "2030-03-07T21:00"}
    session = {"title": "Kveld", "stage": "needs", "place": "Rådhuset", "capacity": 30, **when}
    posts = [
        (
            reverse(STAFF + "series_edit", args=[slug, series.pk]),
            {"title": "Endret", "dots_per_voter": 3, "vote_by": "table", "version": 1},
        ),
        (reverse(STAFF + "workshop_create", args=[slug, series.pk]), session),
        (
            reverse(STAFF + "workshop_edit", args=[slug, workshop.pk]),
            {**session, "version": 1, "sign_up_open": "on"},
        ),
        (
            reverse(STAFF + "photo_upload", args=[slug, workshop.pk]),
            {"alt": "Nytt", "image": SimpleUploadedFile("p.jpg", image_bytes("JPEG"))},
        ),
        (reverse(STAFF + "photo_remove", args=[slug, workshop.pk, photo.pk]), {}),
        (
            reverse(STAFF + "board_edit", args=[slug, workshop.pk, solution.pk]),
            {"key": str(uuid.uuid4()), "version": 1, "text": "Bofellesskap"},
        ),
        (
            reverse(STAFF + "board_mark", args=[slug, workshop.pk, solution.pk]),
            {"key": str(uuid.uuid4()), "marked": "on"},
        ),
        (
            reverse(STAFF + "board_dot", args=[slug, workshop.pk, solution.pk]),
            {"key": str(uuid.uuid4()), "voter": "Bord 1"},
        ),
        (reverse(STAFF + "send_to_keywords", args=[slug, workshop.pk]), {}),
        (
            reverse(STAFF + "board_remove", args=[slug, workshop.pk, solution.pk]),
            {"key": str(uuid.uuid4()), "version": 3},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        try:
            _assert_outcome(response, EDITOR_POST[role])
        except AssertionError as error:
            raise AssertionError(f"{role} POST {url}: {response.status_code}") from error
    allowed = EDITOR_POST[role] == 302
    series.refresh_from_db()
    solution.refresh_from_db()
    assert (series.title == "Endret") is allowed
    assert (solution.removed_at is not None) is allowed
    assert series.workshops.count() == (2 if allowed else 1)


def test_the_board_reads_a_fixed_number_of_queries_however_many_cards(client, staff, workshop):
    client.force_login(staff)
    url = reverse(STAFF + "board", args=["norrkoping", workshop.pk])

    def fill(count):
        for n in range(count):
            need = services.board_add(
                workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text=f"Behov {n}"
            )
            services.dot_give(
                workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=need.pk, voter=f"B{n}"
            )

    fill(2)
    client.get(url)  # warm the session and the membership lookups alike
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    fill(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
