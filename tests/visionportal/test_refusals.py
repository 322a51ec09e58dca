"""Input and outages that must get a clear answer, never a 500: form posts that are not
UTF-8, a cache (Redis) that is down, a mail server that cannot be reached, and refusals
(403) that are logged in one line."""

import io
import logging
import uuid
from urllib.parse import quote_from_bytes

import pytest
from django.core.cache import cache
from django.urls import reverse

from consultations.models import Response, ResponseDraft
from tests.conftest import PASSWORD
from tests.consultations.factories import open_consultation

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens on port 1: a real connection refused, not a mock.
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _urls(consultation):
    args = [consultation.process.municipality.slug, consultation.process.slug, consultation.pk]
    return {name: reverse(f"consultations:{name}", args=args) for name in ("submit", "draft_save")}


def _form_body(consultation, answer: bytes) -> bytes:
    question = consultation.questions.first()
    return b"idempotency_key=%s&question_%d=%s" % (
        str(uuid.uuid4()).encode(),
        question.pk,
        answer,
    )


# --- Form posts that are not UTF-8 --------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(b"\xff\xfe\xc3(bad", id="raw-bytes"),
        pytest.param(b"%FF%FE%C3%28bad", id="percent-encoded"),
    ],
)
@pytest.mark.parametrize("endpoint", ["submit", "draft_save"])
def test_a_form_post_that_is_not_utf8_is_refused_and_nothing_is_stored(
    client, consultation, answer, endpoint
):
    page = client.generic(
        "POST",
        _urls(consultation)[endpoint],
        _form_body(consultation, answer),
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 400
    assert "not valid UTF-8" in page.text
    assert not Response.objects.exists()
    assert not ResponseDraft.objects.exists()


def test_the_encoding_refusal_is_translated(client, consultation):
    client.cookies["django_language"] = "sv"
    page = client.generic(
        "POST",
        _urls(consultation)["submit"],
        _form_body(consultation, b"%FF"),
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 400
    assert "UTF-8" in page.text and "not valid UTF-8" not in page.text


def test_a_utf8_form_post_with_nordic_and_arabic_text_is_stored(client, consultation):
    answer = "Skärgården och مكتبة".encode()

    page = client.generic(
        "POST",
        _urls(consultation)["submit"],
        _form_body(consultation, quote_from_bytes(answer).encode()),
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 302
    assert Response.objects.get().answers.get().text == "Skärgården och مكتبة"


# --- Redis (the cache) down ---------------------------------------------------------------


def test_with_redis_down_a_residents_draft_is_still_saved(client, consultation, settings):
    settings.CACHES = UNREACHABLE_REDIS
    with pytest.raises(Exception, match="Connection refused|Error"):
        cache.get("probe")  # guards the test: the cache really is unreachable
    saved = client.post(
        _urls(consultation)["draft_save"],
        {
            "idempotency_key": str(uuid.uuid4()),
            f"question_{consultation.questions.first().pk}": "Parkerna",
        },
        **HTMX,
    )
    assert saved.status_code == 200
    assert 'data-draft-state="saved"' in saved.text
    assert ResponseDraft.objects.count() == 1


def test_with_redis_down_a_resident_can_still_send_answers(client, consultation, settings):
    settings.CACHES = UNREACHABLE_REDIS
    sent = client.post(
        _urls(consultation)["submit"],
        {
            "idempotency_key": str(uuid.uuid4()),
            f"question_{consultation.questions.first().pk}": "Parkerna",
        },
    )
    assert sent.status_code == 302
    assert Response.objects.count() == 1


def test_with_redis_down_sign_in_says_it_is_temporarily_unavailable(
    client, councillor, settings, caplog
):
    settings.CACHES = UNREACHABLE_REDIS
    page = client.post(reverse("account_login"), {"login": councillor.email, "password": PASSWORD})
    assert page.status_code == 503
    assert "Signing in is temporarily unavailable" in page.text
    assert page["Retry-After"]
    assert "_auth_user_id" not in client.session
    assert any("cache" in record.getMessage().lower() for record in caplog.records)


def test_with_redis_down_the_sign_in_refusal_is_translated(client, councillor, settings):
    settings.CACHES = UNREACHABLE_REDIS
    client.cookies["django_language"] = "sv"
    page = client.post(reverse("account_login"), {"login": councillor.email, "password": "x"})
    assert page.status_code == 503
    assert "Signing in is temporarily unavailable" not in page.text


# --- Mail server unreachable --------------------------------------------------------------


@pytest.fixture
def unreachable_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 1  # nothing listens there: a real connection refused
    settings.EMAIL_TIMEOUT = 5


@pytest.mark.parametrize("known", [True, False], ids=["known-address", "unknown-address"])
def test_password_reset_with_the_mail_server_unreachable_says_try_again_later(
    client, councillor, unreachable_mail_server, caplog, known
):
    email = councillor.email if known else "nobody@example.org"
    page = client.post(reverse("account_reset_password"), {"email": email})
    assert page.status_code == 503
    assert "could not be sent just now. Try again later." in page.text
    errors = [r for r in caplog.records if r.name == "visionportal.views.accounts"]
    assert errors and errors[0].levelname == "ERROR"
    assert "Connection refused" in errors[0].getMessage() or "111" in errors[0].getMessage()


def test_password_reset_with_a_working_mail_server_still_sends_the_link(client, councillor):
    from django.core import mail

    page = client.post(reverse("account_reset_password"), {"email": councillor.email})
    assert page.status_code == 302
    assert page["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [councillor.email]


# --- Refusals are logged in one line ------------------------------------------------------


@pytest.fixture
def console_log():
    """What the configured console handler (settings.LOGGING) writes, as text."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if type(handler) is logging.StreamHandler
    ]
    assert len(handlers) == 1, handlers
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(previous)


def test_a_403_is_logged_in_one_line_without_a_traceback(client, councillor, process, console_log):
    client.force_login(councillor)
    url = reverse("workspace:process_create", args=[process.municipality.slug])
    assert client.get(url).status_code == 403
    lines = console_log.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Forbidden (Permission denied): {url}")
    assert "Traceback" not in console_log.getvalue()


def test_a_suspicious_request_is_logged_in_one_line(client, db, console_log):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    lines = console_log.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "evil.example" in lines[0]


def test_a_real_error_keeps_its_traceback(console_log):
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        logging.getLogger("django.request").error("Internal Server Error: /x", exc_info=error)
    assert "Traceback" in console_log.getvalue()
    assert "RuntimeError: boom" in console_log.getvalue()


def test_a_replacement_character_sent_on_purpose_is_kept(client, consultation):
    # U+FFFD is what Django puts for bytes that are not UTF-8; typed (or pasted) as itself,
    # properly encoded, it is text like any other.
    page = client.generic(
        "POST",
        _urls(consultation)["submit"],
        _form_body(consultation, b"Trasig %EF%BF%BD text"),
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 302
    assert Response.objects.get().answers.get().text == "Trasig \ufffd text"
