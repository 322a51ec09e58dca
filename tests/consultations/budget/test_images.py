"""Proposal photos and assessment sketches: abusive uploads refused with a clear message
(wrong type, huge, decompression bomb, missing text alternative), EXIF and GPS stripped,
served only through the view while the proposal is visible; staff's image view by role."""

import io
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from consultations.budget import services
from consultations.budget.models import BudgetProposal, Decision, ImageKind, ProposalImage
from tests.conftest import running_phase
from tests.visionportal.test_logo import GPS, image_bytes, jpeg_with_gps
from visionportal import images
from visionportal.models import PhaseKind

from .factories import make_budget
from .test_proposals import MODERATION, ROLES, _check, _client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        }
    }


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def budget(process):
    running_phase(process, PhaseKind.BUDGET_PROPOSALS)
    return make_budget(process)


def _args(budget):
    return [budget.process.municipality.slug, budget.process.slug]


def _upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _form(budget, **extra):
    district = budget.districts.first()
    return {
        "idempotency_key": str(uuid.uuid4()),
        "title": "Bænke i parken",
        "description": "Flere bænke.",
        "district": district.pk,
        "place": "",
        "estimated_cost": "40000",
        **extra,
    }


def _submit(client, budget, **extra):
    url = reverse("consultations:budget:proposal_submit", args=_args(budget))
    return client.post(url, _form(budget, **extra))


def _bomb():
    out = io.BytesIO()
    Image.new("1", (10000, 5000)).save(out, format="PNG")  # 50 Mpx in a small file
    return out.getvalue()


def test_a_proposal_with_photos_stores_them_cleaned_without_exif_or_gps(client, budget):
    response = _submit(
        client,
        budget,
        photo_1=_upload(jpeg_with_gps()),
        alt_1="Den tomme plæne ved søen",
        photo_2=_upload(image_bytes("PNG", size=(3000, 2000), mode="RGBA"), "p.png", "image/png"),
        alt_2="Skitse af bænkene",
    )
    assert response.status_code == 302
    proposal = BudgetProposal.objects.get()
    photos = list(proposal.images.all())
    assert [p.alt for p in photos] == ["Den tomme plæne ved søen", "Skitse af bænkene"]
    assert {p.kind for p in photos} == {ImageKind.PHOTO}
    for photo in photos:
        with default_storage.open(photo.file, "rb") as f:
            stored = Image.open(io.BytesIO(f.read()))
        assert stored.format == "JPEG"
        assert not stored.getexif().get_ifd(GPS)
        assert not stored.getexif()
        assert max(stored.size) <= services.IMAGE_BOX[0]
        with default_storage.open(photo.thumbnail, "rb") as f:
            thumb = Image.open(io.BytesIO(f.read()))
        assert max(thumb.size) <= services.THUMBNAIL_BOX[0]
        assert (thumb.width, thumb.height) == (photo.thumbnail_width, photo.thumbnail_height)
    assert (photos[1].width, photos[1].height) == (1600, 1067)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_upload(b"GIF89a" + b"\x00" * 100, "x.gif", "image/gif"), "not a JPEG, PNG or WebP"),
        (
            _upload(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "x.svg"),
            "SVG images cannot be used",
        ),
        (_upload(b"\xff\xd8\xff" + b"\x00" * (images.PHOTO_MAX_BYTES + 1)), "larger than 10 MB"),
        (_upload(image_bytes("PNG")[:200], "x.png"), "could not be read"),
    ],
    ids=["wrong-type", "svg", "huge", "corrupt"],
)
def test_abusive_uploads_are_refused_with_a_clear_message_and_nothing_stored(
    client, budget, upload, message
):
    upload.seek(0)
    response = _submit(client, budget, photo_1=upload, alt_1="Plænen")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BudgetProposal.objects.exists()
    assert not ProposalImage.objects.exists()


def test_a_decompression_bomb_is_refused(client, budget):
    data = _bomb()
    assert len(data) < images.PHOTO_MAX_BYTES
    response = _submit(client, budget, photo_1=_upload(data, "bomb.png"), alt_1="Bombe")
    assert "too many pixels" in response.content.decode()
    assert not BudgetProposal.objects.exists()


@pytest.mark.parametrize("alt", ["", "   ", " \u200b "])
def test_a_photo_needs_a_text_alternative(client, budget, alt):
    response = _submit(client, budget, photo_1=_upload(image_bytes("JPEG")), alt_1=alt)
    assert response.status_code == 200
    assert "Describe what the image shows" in response.content.decode()
    assert not BudgetProposal.objects.exists()


def test_a_text_alternative_without_its_photo_asks_for_the_photo_again(client, budget):
    response = _submit(client, budget, alt_1="Plænen")
    assert "Choose the photo this text describes" in response.content.decode()
    assert not BudgetProposal.objects.exists()


def test_more_photos_than_allowed_are_refused_by_the_service(budget):
    upload = services.image_prepare(image_bytes("JPEG"), "Plæne", field="p", alt_field="a")
    with pytest.raises(services.ValidationError, match="at most 3 photos"):
        services.proposal_submit(
            budget=budget,
            idempotency_key=uuid.uuid4(),
            district=budget.districts.first(),
            place=None,
            title="Bænke",
            description="Flere bænke.",
            estimated_cost=1000,
            photos=[upload] * 4,
        )
    assert not BudgetProposal.objects.exists()


def test_a_double_submit_with_photos_stores_them_once(client, budget):
    data = _form(budget)
    url = reverse("consultations:budget:proposal_submit", args=_args(budget))
    for _ in range(2):
        client.post(url, {**data, "photo_1": _upload(image_bytes("JPEG")), "alt_1": "Plæne"})
    assert BudgetProposal.objects.count() == 1
    assert ProposalImage.objects.count() == 1


def _with_photo(client, budget):
    _submit(client, budget, photo_1=_upload(image_bytes("JPEG")), alt_1="Plænen <b>ved</b> søen")
    proposal = BudgetProposal.objects.get()
    return proposal, proposal.images.get()


def _image_urls(budget, proposal, image):
    args = [*_args(budget), proposal.pk, image.pk, image.digest]
    return (
        reverse("consultations:budget:image", args=args),
        reverse("consultations:budget:image_thumbnail", args=args),
    )


def test_photos_show_with_their_alt_text_in_the_list_and_on_the_proposal(client, budget):
    proposal, image = _with_photo(client, budget)
    full, thumb = _image_urls(budget, proposal, image)
    listing = client.get(reverse("consultations:budget:proposals", args=_args(budget)))
    detail = client.get(
        reverse("consultations:budget:proposal", args=[*_args(budget), proposal.pk])
    )
    for page in (listing, detail):
        html = page.content.decode()
        assert f'src="{thumb}"' in html
        assert 'alt="Plænen &lt;b&gt;ved&lt;/b&gt; søen"' in html
        assert "/media/" not in html
    assert f'href="{full}"' in detail.content.decode()
    response = client.get(thumb)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" not in response["Cache-Control"]
    assert client.get(full).status_code == 200


def test_the_list_loads_the_photos_of_a_page_in_one_query(client, budget):
    for _ in range(2):
        _submit(client, budget, photo_1=_upload(image_bytes("JPEG")), alt_1="Plæne")
    url = reverse("consultations:budget:proposals", args=_args(budget))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        _submit(client, budget, photo_1=_upload(image_bytes("JPEG")), alt_1="Plæne")
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).content.decode().count("/small/") == 6
    assert len(more.captured_queries) == len(few.captured_queries)


def test_images_are_gone_with_a_hidden_proposal_and_come_back_with_it(client, budget, staff):
    proposal, image = _with_photo(client, budget)
    full, thumb = _image_urls(budget, proposal, image)
    services.proposal_hide(proposal=proposal, by=staff, reason="Personfølsomt")
    assert client.get(full).status_code == 404
    assert client.get(thumb).status_code == 404
    services.proposal_unhide(proposal=proposal)
    assert client.get(full).status_code == 200


def test_images_need_the_right_digest_budget_and_a_published_process(
    client, budget, process, draft_process
):
    proposal, image = _with_photo(client, budget)
    full, _thumb = _image_urls(budget, proposal, image)
    assert client.get(full.replace(image.digest, "0" * 16)).status_code == 404
    other = make_budget(draft_process)
    moved = full.replace(f"/{process.slug}/", f"/{draft_process.slug}/")
    assert other.pk and client.get(moved).status_code == 404
    process.is_public = False
    process.save(update_fields=["is_public"])
    assert client.get(full).status_code == 404


def _assess(client, budget, proposal, **extra):
    url = reverse(
        "consultations_staff:budget:assess",
        args=[budget.process.municipality.slug, budget.pk, proposal.pk],
    )
    proposal.refresh_from_db()
    return client.post(
        url,
        {
            "version": proposal.version,
            "legally_feasible": "on",
            "economically_feasible": "on",
            "cost_estimate": "45000",
            "decision": Decision.FEASIBLE,
            **extra,
        },
    )


def test_staff_add_replace_and_remove_a_sketch_and_residents_see_it(client, staff, budget):
    proposal, _photo = _with_photo(client, budget)
    client.force_login(staff)
    response = _assess(client, budget, proposal, sketch=_upload(jpeg_with_gps()))
    assert "Describe what the image shows" in response.content.decode()
    assert not ProposalImage.objects.filter(kind=ImageKind.SKETCH).exists()
    _assess(client, budget, proposal, sketch=_upload(jpeg_with_gps()), sketch_alt="Bænk, skitse")
    sketch = ProposalImage.objects.get(kind=ImageKind.SKETCH)
    with default_storage.open(sketch.file, "rb") as f:
        assert not Image.open(io.BytesIO(f.read())).getexif()
    detail = client.get(
        reverse("consultations:budget:proposal", args=[*_args(budget), proposal.pk])
    )
    assert 'alt="Bænk, skitse"' in detail.content.decode()
    new = image_bytes("JPEG", size=(400, 300))
    _assess(client, budget, proposal, sketch=_upload(new), sketch_alt="Ny skitse")
    assert list(
        ProposalImage.objects.filter(kind=ImageKind.SKETCH).values_list("alt", flat=True)
    ) == ["Ny skitse"]
    old_url = reverse(
        "consultations:budget:image", args=[*_args(budget), proposal.pk, sketch.pk, sketch.digest]
    )
    assert client.get(old_url).status_code == 404
    _assess(client, budget, proposal, remove_sketch="on")
    assert not ProposalImage.objects.filter(kind=ImageKind.SKETCH).exists()
    assert ProposalImage.objects.filter(kind=ImageKind.PHOTO).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_staff_image_view_enforces_role_and_municipality_and_shows_hidden_ones(
    client, request, budget, role
):
    proposal, image = _with_photo(client, budget)
    client.cookies.pop("sessionid", None)
    services.proposal_hide(proposal=proposal, by=None, reason="Spam")
    client = _client_for(client, request, role)
    url = reverse(
        "consultations_staff:budget:image",
        args=[budget.process.municipality.slug, budget.pk, proposal.pk, image.pk],
    )
    response = client.get(url)
    _check(response, MODERATION[role], f"{role} GET {url}")
    if response.status_code == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
