"""The sign-in and two-factor pages (issue 14): the product's layout, no sign-up (residents
need no account, staff are invited), and Cancel that does not look like the main action."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_invites_no_sign_up_and_says_who_it_is_for(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("account_login")).text
    assert "Sign in to the workspace" in page
    assert "sign up" not in page.lower() and "/accounts/signup/" not in page
    assert "Residents answer consultations without an account." in page
    assert '<label for="id_login">' in page and '<label for="id_password">' in page


def test_a_wrong_password_is_said_above_the_form_and_keeps_the_email(client, staff):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("account_login"), {"login": staff.email, "password": "nej"})
    assert response.status_code == 200
    assert 'class="form-errors" role="alert"' in response.text
    assert f'value="{staff.email}"' in response.text


def test_on_the_two_factor_step_cancel_is_a_link_styled_button_after_the_main_one(client, staff):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    page = client.get(response["Location"]).text
    assert "Two-factor authentication" in page
    main = page.index('<button type="submit">Sign in</button>')
    cancel = page.index('class="link-button">Cancel and sign out</button>')
    assert main < cancel
