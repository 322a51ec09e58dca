"""Role × municipality matrix for the consultation staff pages."""

import pytest
from django.urls import reverse

from consultations.models import Answer

from .factories import open_consultation
from .staff_helpers import staff_url, submit

ROLES = [
    "anonymous",
    "outsider",
    "other_staff",
    "councillor",
    "moderator",
    "staff_without_mfa",
    "staff",
    "admin_user",
]
LOGIN, MFA = "login", "mfa"
EDITOR = {
    "anonymous": LOGIN,
    "outsider": 404,
    "other_staff": 404,
    "councillor": 403,
    "moderator": 403,
    "staff_without_mfa": MFA,
    "staff": 200,
    "admin_user": 200,
}
MODERATION = {**EDITOR, "moderator": 200}
MODERATION_POST = {**MODERATION, "moderator": 302, "staff": 302, "admin_user": 302}
EDITOR_POST = {**EDITOR, "staff": 302, "admin_user": 302}


@pytest.fixture
def consultation(process):
    return open_consultation(process)


@pytest.fixture
def answer(consultation):
    return submit(consultation, "Parkerna", "Bilköerna").answers.first()


def _client_for(client, request, role):
    client.cookies["django_language"] = "en"
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _assert_outcome(response, expected, label):
    if expected == LOGIN:
        ok = response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        )
    elif expected == MFA:
        ok = response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    else:
        ok = response.status_code == expected
    assert ok, f"{label}: {response.status_code} expected {expected}"


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_consultation_page_enforces_role_and_municipality(
    client, request, consultation, answer, role
):
    client = _client_for(client, request, role)
    gets = [
        (staff_url("responses", consultation), MODERATION),
        (staff_url("response_create", consultation), EDITOR),
        (staff_url("import", consultation), EDITOR),
        (staff_url("export", consultation, "csv"), EDITOR),
        (staff_url("export", consultation, "xlsx"), EDITOR),
        (staff_url("export", consultation, "json"), EDITOR),
    ]
    for url, expected in gets:
        _assert_outcome(client.get(url), expected[role], f"{role} GET {url}")


@pytest.mark.parametrize("role", ROLES)
def test_hiding_and_unhiding_is_for_moderators_and_editors(client, request, answer, role):
    client = _client_for(client, request, role)
    consultation = answer.response.consultation
    url = staff_url("answer_hide", consultation, answer.pk)
    _assert_outcome(client.post(url, {"reason": "Names a person"}), MODERATION_POST[role], role)
    answer.refresh_from_db()
    assert (answer.hidden_at is not None) is (MODERATION_POST[role] == 302)
    url = staff_url("answer_unhide", consultation, answer.pk)
    _assert_outcome(client.post(url), MODERATION_POST[role], role)
    answer.refresh_from_db()
    assert answer.hidden_at is None


@pytest.mark.parametrize("role", ROLES)
def test_entering_answers_is_for_editors(client, request, consultation, role):
    client = _client_for(client, request, role)
    question = consultation.questions.first()
    data = {
        "idempotency_key": "4f9c1f46-5f0e-4f0b-9d5e-6f4ad2b0f111",
        "channel": "interview",
        f"question_{question.pk}": "Mer grönska",
    }
    response = client.post(staff_url("response_create", consultation), data)
    _assert_outcome(response, EDITOR_POST[role], role)
    stored = consultation.responses.filter(channel="interview").exists()
    assert stored is (EDITOR_POST[role] == 302)


@pytest.mark.parametrize("role", ROLES)
def test_confirming_an_import_is_for_editors(client, request, consultation, role):
    client = _client_for(client, request, role)
    response = client.post(staff_url("import_confirm", consultation), {"sha256": "0" * 64})
    _assert_outcome(response, EDITOR_POST[role], role)


def test_get_on_state_changing_urls_is_refused(client, staff, answer):
    client.force_login(staff)
    consultation = answer.response.consultation
    for name in ("answer_hide", "answer_unhide"):
        assert client.get(staff_url(name, consultation, answer.pk)).status_code == 405
    assert client.get(staff_url("import_confirm", consultation)).status_code == 405


def test_another_municipalitys_consultation_is_not_found_through_ones_own(
    client, other_staff, answer
):
    client.force_login(other_staff)
    consultation = answer.response.consultation
    for name in ("responses", "response_create", "import"):
        assert client.get(staff_url(name, consultation, slug="ishoj")).status_code == 404
    assert client.get(staff_url("export", consultation, "csv", slug="ishoj")).status_code == 404
    url = staff_url("answer_hide", consultation, answer.pk, slug="ishoj")
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Answer.objects.visible().filter(pk=answer.pk).exists()


def test_an_answer_of_another_consultation_is_not_found(client, staff, process, answer):
    other = open_consultation(process)
    client.force_login(staff)
    url = staff_url("answer_hide", other, answer.pk)
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_unknown_export_format_is_not_found(client, staff, consultation):
    client.force_login(staff)
    assert client.get(staff_url("export", consultation, "pdf")).status_code == 404
