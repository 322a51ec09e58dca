"""Workshop photos: wrong type, huge, decompression bomb, SVG and corrupt uploads refused
with a clear message; EXIF and GPS stripped; served only through the view."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from consultations.workshops import services
from consultations.workshops.models import PhotoKind, WorkshopPhoto
from tests.visionportal.test_logo import GPS, image_bytes, jpeg_with_gps

from .factories import make_series, make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(process):
    return make_workshop(make_series(process))


def test_a_photo_is_stored_as_a_jpeg_without_exif_or_gps(workshop):
    photo = services.photo_add(workshop=workshop, data=jpeg_with_gps(), alt="Eldre ved bordet")
    with default_storage.open(photo.file, "rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(GPS)
    assert photo.content_type == "image/jpeg"


def test_a_transparent_png_is_flattened_and_a_large_photo_shrunk(workshop):
    photo = services.photo_add(
        workshop=workshop, data=image_bytes("PNG", size=(3000, 2000), mode="RGBA"), alt="Kart"
    )
    assert (photo.width, photo.height) == (1920, 1280)


def _bomb():
    out = io.BytesIO()
    Image.new("1", (10000, 5000)).save(out, format="PNG")  # 50 Mpx, a small file
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\x00" * 100, "not a JPEG, PNG or WebP"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        (b"\xff\xd8\xff" + b"\x00" * (services.PHOTO_MAX_BYTES + 1), "larger than 10 MB"),
        (image_bytes("PNG")[:200], "could not be read"),
    ],
)
def test_abusive_uploads_are_refused_with_a_clear_message(workshop, data, message):
    with pytest.raises(services.WorkshopError, match=message):
        services.photo_add(workshop=workshop, data=data, alt="x")
    assert not WorkshopPhoto.objects.exists()


def test_a_decompression_bomb_is_refused(workshop):
    data = _bomb()
    assert len(data) < services.PHOTO_MAX_BYTES
    with pytest.raises(services.WorkshopError, match="too many pixels"):
        services.photo_add(workshop=workshop, data=data, alt="x")


def test_a_photo_needs_a_text_alternative(workshop):
    with pytest.raises(services.WorkshopError, match="text alternative"):
        services.photo_add(workshop=workshop, data=image_bytes("JPEG"), alt=" \u200b ")


def test_a_photo_is_served_through_the_view_only_for_a_published_process(
    client, workshop, draft_process
):
    photo = services.photo_add(
        workshop=workshop, data=image_bytes("JPEG"), alt="Prompt", kind=PhotoKind.PROMPT
    )
    process = workshop.series.process
    url = reverse(
        "consultations:workshops:photo",
        args=[process.municipality.slug, process.slug, workshop.series.pk, photo.pk, photo.digest],
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(url.replace(photo.digest, "0" * 16)).status_code == 404
    hidden = make_workshop(make_series(draft_process))
    other = services.photo_add(workshop=hidden, data=image_bytes("JPEG"), alt="Skjult")
    hidden_url = reverse(
        "consultations:workshops:photo",
        args=["norrkoping", draft_process.slug, hidden.series.pk, other.pk, other.digest],
    )
    assert client.get(hidden_url).status_code == 404
