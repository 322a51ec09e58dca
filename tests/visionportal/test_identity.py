"""The municipality's accent colour: set by an administrator, accepted only with WCAG AA
contrast, shown on its public pages through a stylesheet (no inline styles)."""

import pytest
from django.urls import reverse

from visionportal import services
from visionportal.models import Municipality

URL = reverse("workspace:identity", args=["norrkoping"])


@pytest.fixture
def admin_client(client, admin_user):
    client.cookies["django_language"] = "en"
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin_user", 200),
        ("staff", 403),
        ("councillor", 403),
        ("moderator", 403),
        ("other_staff", 404),
        ("outsider", 404),
    ],
)
def test_only_the_municipalitys_administrators_set_its_colour(
    client, request, norrkoping, who, status
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status
    assert client.post(URL, {"accent_colour": "#123456"}).status_code in (status, 302)
    colour = Municipality.objects.get(slug="norrkoping").accent_colour
    assert colour == ("#123456" if who == "admin_user" else "")


def test_anonymous_visitors_are_sent_to_sign_in(client, norrkoping):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_readable_colour_is_saved_and_themes_the_public_pages(admin_client, process):
    response = admin_client.post(URL, {"accent_colour": "#7A1F5C"})
    assert response.status_code == 302
    assert Municipality.objects.get(slug="norrkoping").accent_colour == "#7a1f5c"
    page = admin_client.get(reverse("public:municipality", args=["norrkoping"])).text
    theme = reverse("public:theme", args=["norrkoping"])
    assert f'<link rel="stylesheet" href="{theme}?c=7a1f5c">' in page
    css = admin_client.get(theme)
    assert css["Content-Type"].startswith("text/css")
    assert css.text == ":root { --brand: #7a1f5c; --brand-dark: #551640; }\n"


def test_a_colour_too_light_to_read_is_refused_with_its_ratio(admin_client, norrkoping):
    response = admin_client.post(URL, {"accent_colour": "#777777"})
    assert response.status_code == 400
    assert "<title>Error:" in response.text
    # Worst on the light blue page tint (#e7f1f7), rounded down.
    assert "contrast with #e7f1f7 is 3.90:1" in response.text
    assert Municipality.objects.get(slug="norrkoping").accent_colour == ""


def test_back_to_the_default_colour(admin_client, norrkoping):
    services.municipality_accent_set(municipality=norrkoping, accent_colour="#123456")
    assert (
        admin_client.post(URL, {"accent_colour": "#123456", "use_default": "on"}).status_code == 302
    )
    assert Municipality.objects.get(slug="norrkoping").accent_colour == ""
    assert admin_client.get(reverse("public:theme", args=["norrkoping"])).status_code == 404


@pytest.mark.parametrize("bad", ["red", "#fff", "#12345g", "#123456;}body{x:y", "  "])
def test_anything_but_a_hex_colour_is_refused(norrkoping, bad):
    if not bad.strip():
        # Blank clears: that is "use the default".
        services.municipality_accent_set(municipality=norrkoping, accent_colour=bad)
        assert norrkoping.accent_colour == ""
        return
    with pytest.raises(services.IdentityError):
        services.municipality_accent_set(municipality=norrkoping, accent_colour=bad)
