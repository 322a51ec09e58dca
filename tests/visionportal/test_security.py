"""Sign-in, MFA, rate limits, closed sign-up and the security headers."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _clear_rate_limit_counters():
    cache.clear()
    yield
    cache.clear()


def test_pages_send_csp_without_inline_script_and_frame_denial(client, db):
    response = client.get(reverse("public:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_contains_inline_script(client, process):
    for url in [
        reverse("public:home"),
        reverse("public:process", args=["norrkoping", process.slug]),
        reverse("account_login"),
    ]:
        text = client.get(url).text
        assert text.count("<script") == text.count('<script src="')


def test_staff_sign_in_with_password_then_totp(client, staff):
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in until the second factor is given.
    assert client.get(reverse("workspace:home")).status_code == 302


def test_staff_without_mfa_are_sent_to_set_it_up(client, staff_without_mfa):
    client.force_login(staff_without_mfa)
    response = client.get(reverse("workspace:municipality", args=["norrkoping"]))
    assert response["Location"] == reverse("mfa_activate_totp")
    home = client.get(reverse("workspace:home"))
    assert reverse("mfa_activate_totp") in home.text


def test_councillors_sign_in_with_a_password_alone(client, councillor):
    response = client.post(
        reverse("account_login"), {"login": councillor.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("workspace:municipality", args=["norrkoping"])).status_code == 200


def test_repeated_failed_logins_are_rate_limited(client, councillor):
    client.cookies["django_language"] = "en"
    url = reverse("account_login")
    pages = [client.post(url, {"login": councillor.email, "password": "wrong"}) for _ in range(6)]
    assert all("Too many failed login attempts" not in page.text for page in pages[:5])
    assert "Too many failed login attempts" in pages[5].text
    # Even the right password is refused while the limit holds.
    page = client.post(url, {"login": councillor.email, "password": PASSWORD})
    assert "Too many failed login attempts" in page.text
    assert client.get(reverse("workspace:home")).status_code == 302


def test_nobody_can_sign_up(client, db):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.text or response.status_code in (403, 404)


def test_admin_requires_sign_in_through_allauth(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow["Location"].startswith(reverse("account_login"))


def test_superuser_without_mfa_cannot_use_the_admin(client, db):
    from tests.conftest import make_user

    root = make_user("root@example.test", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("mfa_activate_totp")


def test_superuser_with_mfa_reaches_the_admin(client, db):
    from tests.conftest import make_user

    root = make_user("root@example.test", is_superuser=True, is_staff=True, mfa=True)
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:visionportal_visionprocess_changelist")).status_code == 200


def test_state_changes_need_a_csrf_token(process, staff):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    phase = process.phases.first()
    url = reverse("workspace:part_delete", args=["norrkoping", process.pk, "phase", phase.pk])
    assert strict.post(url).status_code == 403
    assert process.phases.filter(pk=phase.pk).exists()
