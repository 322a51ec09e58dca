"""The municipality's logo (issue 14): uploaded by its administrators, decoded and
re-encoded to a clean PNG (no EXIF), refused with a clear message when it is no image, too
large, a decompression bomb or corrupt; served publicly with its content hash in the URL
and shown in the public pages' header with its text alternative."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageFile

from visionportal import logos, services
from visionportal.models import Municipality

URL = reverse("workspace:logo_set", args=["norrkoping"])
REMOVE = reverse("workspace:logo_remove", args=["norrkoping"])
IDENTITY = reverse("workspace:identity", args=["norrkoping"])
GPS = 0x8825  # EXIF's GPSInfo tag


def image_bytes(fmt="PNG", size=(800, 320), mode="RGB", exif=None):
    out = io.BytesIO()
    image = Image.new(mode, size, (200, 30, 60) if mode == "RGB" else None)
    options = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[GPS] = {1: "N", 2: (58.0, 35.0, 24.0), 3: "E", 4: (16.0, 11.0, 2.0)}
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS), "the test image has GPS"
    return data


def upload(data, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def admin_client(client, admin_user):
    client.cookies["django_language"] = "en"
    client.force_login(admin_user)
    return client


def stored(municipality_slug="norrkoping"):
    municipality = Municipality.objects.get(slug=municipality_slug)
    if not municipality.logo:
        return None, municipality
    with default_storage.open(municipality.logo, "rb") as f:
        return f.read(), municipality


# --- the pure cleaning -------------------------------------------------------------------


def test_a_png_is_scaled_into_the_box_and_stays_a_png():
    clean = logos.clean_logo(image_bytes("PNG", size=(800, 320)))
    image = Image.open(io.BytesIO(clean.png))
    assert (image.format, image.size) == ("PNG", (400, 160))
    assert (clean.width, clean.height) == (400, 160)


def test_a_small_logo_is_not_enlarged_and_keeps_its_transparency():
    clean = logos.clean_logo(image_bytes("PNG", size=(120, 40), mode="RGBA"))
    image = Image.open(io.BytesIO(clean.png))
    assert image.size == (120, 40)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0


def test_webp_is_accepted():
    assert Image.open(io.BytesIO(logos.clean_logo(image_bytes("WEBP")).png)).format == "PNG"


def test_exif_with_gps_is_stripped():
    clean = logos.clean_logo(jpeg_with_gps())
    image = Image.open(io.BytesIO(clean.png))
    assert image.format == "PNG"
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"Camera maker" not in clean.png


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"This is a text file, not a logo.\n" * 10, "wrong_type"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "svg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "svg"),
        (image_bytes("GIF"), "wrong_type"),
        (image_bytes("BMP", size=(20, 20)), "wrong_type"),
        (image_bytes("PNG")[:200], "corrupt"),
        (b"\x00" * (logos.MAX_BYTES + 1), "too_large"),
    ],
    ids=["text", "svg-xml", "svg-script", "gif", "bmp", "truncated-png", "too-large"],
)
def test_refused_uploads(data, code):
    with pytest.raises(logos.LogoError) as refused:
        logos.clean_logo(data)
    assert refused.value.code == code


def test_a_decompression_bomb_is_refused_before_decoding():
    # 6000 × 6000 one-bit pixels: a few kilobytes on disk, 36 million pixels decoded.
    out = io.BytesIO()
    Image.new("1", (6000, 6000)).save(out, format="PNG")
    assert len(out.getvalue()) < logos.MAX_BYTES
    with pytest.raises(logos.LogoError) as refused:
        logos.clean_logo(out.getvalue())
    assert refused.value.code == "bomb"


def test_pillows_own_bomb_limit_is_a_bomb_too(monkeypatch):
    # Above twice Image.MAX_IMAGE_PIXELS Pillow refuses on open; that is reported as a bomb.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(logos.LogoError) as refused:
        logos.clean_logo(image_bytes("PNG", size=(100, 100)))
    assert refused.value.code == "bomb"


# --- the views ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin_user", 302),
        ("staff", 403),
        ("councillor", 403),
        ("moderator", 403),
        ("other_staff", 404),
        ("outsider", 404),
    ],
)
def test_only_the_municipalitys_administrators_set_and_remove_its_logo(
    client, request, norrkoping, who, status
):
    client.force_login(request.getfixturevalue(who))
    response = client.post(URL, {"logo": upload(image_bytes()), "alt": "Norrköping"})
    assert response.status_code == status
    assert bool(Municipality.objects.get(slug="norrkoping").logo) == (who == "admin_user")
    # Someone else's logo to remove.
    services.municipality_logo_set(municipality=norrkoping, data=image_bytes(), alt="")
    assert client.post(REMOVE).status_code == status
    assert bool(Municipality.objects.get(slug="norrkoping").logo) == (who != "admin_user")


def test_anonymous_visitors_are_sent_to_sign_in(client, norrkoping):
    response = client.post(URL, {"alt": "x"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(URL).status_code == 405


def test_upload_a_jpeg_preview_and_public_header(admin_client, process):
    response = admin_client.post(
        URL,
        {"logo": upload(jpeg_with_gps(), "photo.jpg", "image/jpeg"), "alt": "Norrköpings kommun"},
    )
    assert response.status_code == 302
    png, municipality = stored()
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert not Image.open(io.BytesIO(png)).getexif()
    assert municipality.logo == f"logos/{municipality.pk}/{municipality.logo_digest}.png"
    logo_url = reverse("public:logo", args=["norrkoping", municipality.logo_digest])
    page = admin_client.get(IDENTITY).text
    assert f'<img src="{logo_url}" alt="Norrköpings kommun">' in page
    header = admin_client.get(reverse("public:municipality", args=["norrkoping"])).text
    assert f'<img src="{logo_url}" alt="Norrköpings kommun"></a>' in header
    assert header.index(logo_url) < header.index("</header>")


def test_the_text_alternative_defaults_to_the_name_and_can_change_alone(admin_client, norrkoping):
    assert 'value="Norrköping"' in admin_client.get(IDENTITY).text
    services.municipality_logo_set(municipality=norrkoping, data=image_bytes(), alt="  ")
    assert Municipality.objects.get(pk=norrkoping.pk).logo_alt == "Norrköping"
    before = Municipality.objects.get(pk=norrkoping.pk).logo
    assert admin_client.post(URL, {"alt": "Norrköpings kommun <b>"}).status_code == 302
    after = Municipality.objects.get(pk=norrkoping.pk)
    assert (after.logo, after.logo_alt) == (before, "Norrköpings kommun <b>")
    page = admin_client.get(IDENTITY).text
    assert "Norrköpings kommun &lt;b&gt;" in page


def test_the_text_alternative_is_required(admin_client, norrkoping):
    response = admin_client.post(URL, {"logo": upload(image_bytes()), "alt": ""})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not Municipality.objects.get(pk=norrkoping.pk).logo


def test_no_file_and_no_logo_asks_for_a_file(admin_client, norrkoping):
    response = admin_client.post(URL, {"alt": "Norrköping"})
    assert response.status_code == 400
    assert "Choose a logo file to upload." in response.text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"just text\n" * 50, "logo.png", "is not a PNG, JPEG or WebP image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg", "SVG logos cannot be used"),
        (image_bytes("PNG")[:300], "logo.png", "could not be read"),
        (b"\x89PNG" + b"\x00" * (logos.MAX_BYTES + 10), "logo.png", "larger than 1 MB"),
    ],
    ids=["text-named-png", "svg", "corrupt", "too-large"],
)
def test_bad_uploads_get_a_clear_error_and_keep_the_old_logo(
    admin_client, norrkoping, data, name, message
):
    services.municipality_logo_set(municipality=norrkoping, data=image_bytes(), alt="Gamla")
    before = Municipality.objects.get(pk=norrkoping.pk).logo
    response = admin_client.post(URL, {"logo": upload(data, name), "alt": "Ny"})
    assert response.status_code == 400
    assert "<title>Error:" in response.text
    assert message in response.text
    after = Municipality.objects.get(pk=norrkoping.pk)
    assert (after.logo, after.logo_alt) == (before, "Gamla")
    # What was typed is kept for the next try.
    assert 'value="Ny"' in response.text


def test_a_bomb_upload_is_refused(admin_client, norrkoping):
    out = io.BytesIO()
    Image.new("1", (6000, 6000)).save(out, format="PNG")
    response = admin_client.post(URL, {"logo": upload(out.getvalue()), "alt": "x"})
    assert response.status_code == 400
    assert "too many pixels" in response.text


def test_the_error_is_translated(client, admin_user, norrkoping):
    client.cookies["django_language"] = "sv"
    client.force_login(admin_user)
    response = client.post(URL, {"logo": upload(b"text\n" * 20), "alt": "x"})
    assert response.status_code == 400
    assert "is not a PNG, JPEG or WebP image" not in response.text
    assert "PNG, JPEG eller WebP" in response.text


def test_public_logo_view_streams_with_long_cache_and_nosniff(client, norrkoping):
    services.municipality_logo_set(municipality=norrkoping, data=image_bytes(), alt="")
    municipality = Municipality.objects.get(pk=norrkoping.pk)
    response = client.get(reverse("public:logo", args=["norrkoping", municipality.logo_digest]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (400, 160)
    # Any other hash (an old logo's) and a municipality without a logo: 404.
    assert client.get(reverse("public:logo", args=["norrkoping", "0" * 16])).status_code == 404
    assert client.get(reverse("public:logo", args=["ishoj-x", "0" * 16])).status_code == 404


def test_a_hidden_municipalitys_logo_is_not_served(client, norrkoping):
    services.municipality_logo_set(municipality=norrkoping, data=image_bytes(), alt="")
    Municipality.objects.filter(pk=norrkoping.pk).update(is_public=False)
    digest = Municipality.objects.get(pk=norrkoping.pk).logo_digest
    assert client.get(reverse("public:logo", args=["norrkoping", digest])).status_code == 404


def test_no_logo_no_image_in_the_header(client, process):
    page = client.get(reverse("public:municipality", args=["norrkoping"])).text
    assert "municipality-logo" not in page


@pytest.mark.django_db(transaction=True)
def test_replacing_and_removing_deletes_the_old_file(admin_client, norrkoping):
    services.municipality_logo_set(municipality=norrkoping, data=image_bytes(), alt="")
    first = Municipality.objects.get(pk=norrkoping.pk).logo
    with transaction.atomic():
        services.municipality_logo_set(
            municipality=norrkoping, data=image_bytes(size=(300, 100)), alt=""
        )
    second = Municipality.objects.get(pk=norrkoping.pk).logo
    assert second != first
    assert not default_storage.exists(first)
    assert default_storage.exists(second)
    # The same logo again: the same file, nothing deleted.
    services.municipality_logo_set(
        municipality=norrkoping, data=image_bytes(size=(300, 100)), alt=""
    )
    assert Municipality.objects.get(pk=norrkoping.pk).logo == second
    assert default_storage.exists(second)
    assert admin_client.post(REMOVE).status_code == 302
    assert not default_storage.exists(second)
    municipality = Municipality.objects.get(pk=norrkoping.pk)
    assert (municipality.logo, municipality.logo_alt) == ("", "")
    assert "Your pages have no logo yet." in admin_client.get(IDENTITY).text


def test_a_truncated_image_is_corrupt_even_where_pillow_is_told_to_allow_it(monkeypatch):
    # WeasyPrint turns this on for the whole process when it is imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    noisy = Image.frombytes("RGB", (200, 80), bytes(range(256)) * 187 + bytes(128))
    for fmt in ("PNG", "JPEG"):
        out = io.BytesIO()
        noisy.save(out, format=fmt)
        with pytest.raises(logos.LogoError) as refused:
            logos.clean_logo(out.getvalue()[: len(out.getvalue()) // 2])
        assert refused.value.code == "corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
