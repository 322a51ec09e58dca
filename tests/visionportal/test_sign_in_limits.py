"""Failed sign-ins (password and TOTP code) are limited per (account, client address) first,
so someone guessing elsewhere cannot lock a colleague out; a higher per-account ceiling
slows guessing spread over many addresses, and spares browsers that signed in before."""

import re
import time

import pytest
from allauth.core.internal.ratelimit import parse_rates
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # tests.conftest.make_user
ATTACKER = "203.0.113.5"
COLLEAGUE = "198.51.100.7"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _clear_rate_limit_counters():
    cache.clear()
    yield
    cache.clear()


def _browser() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def _sign_in(client, email, password, address):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def _code(offset: int = 0) -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30 + offset))


def _wrong_code() -> str:
    right = {_code(offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_from_one_address_do_not_lock_a_colleague_out(councillor):
    attacker, colleague = _browser(), _browser()
    pages = [_sign_in(attacker, councillor.email, "wrong", ATTACKER) for _ in range(6)]
    assert all(TOO_MANY not in page.text for page in pages[:5])
    assert TOO_MANY in pages[5].text
    # At the attacker's address even the right password is refused while the limit holds...
    assert TOO_MANY in _sign_in(attacker, councillor.email, PASSWORD, ATTACKER).text
    assert not _signed_in(attacker)
    # ...but the colleague, elsewhere, signs in.
    page = _sign_in(colleague, councillor.email, PASSWORD, COLLEAGUE)
    assert page.status_code == 302
    assert _signed_in(colleague)


def test_one_address_guessing_many_accounts_is_still_limited(councillor, staff, moderator):
    attacker = _browser()
    pages = [
        _sign_in(attacker, user.email, "wrong", ATTACKER)
        for user in (councillor, staff, moderator) * 4
    ]
    assert TOO_MANY not in pages[0].text
    assert TOO_MANY in pages[-1].text


def test_wrong_totp_codes_from_one_address_do_not_lock_a_colleague_out(staff):
    attacker, colleague = _browser(), _browser()
    # Someone who has the password (the second factor is what stops them).
    assert _sign_in(attacker, staff.email, PASSWORD, ATTACKER)["Location"] == reverse(
        "mfa_authenticate"
    )
    url = reverse("mfa_authenticate")
    pages = [attacker.post(url, {"code": _wrong_code()}, REMOTE_ADDR=ATTACKER) for _ in range(6)]
    assert all(TOO_MANY not in page.text for page in pages[:5])
    assert TOO_MANY in pages[5].text
    assert not _signed_in(attacker)

    assert _sign_in(colleague, staff.email, PASSWORD, COLLEAGUE)["Location"] == url
    page = colleague.post(url, {"code": _code()}, REMOTE_ADDR=COLLEAGUE)
    assert page.status_code == 302
    assert _signed_in(colleague)


def _ceiling() -> int:
    (rate,) = parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed_account"])
    assert rate.per == "key"
    return rate.amount


def test_one_address_alone_can_never_reach_the_per_account_ceiling():
    # The ceiling exists against guessing spread over many addresses: one address at its
    # own limit must stay below it, or it could lock the account out on its own.
    (per_pair,) = parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed_account_address"])
    (ceiling,) = parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed_account"])
    most_from_one_address = per_pair.amount * ceiling.duration / per_pair.duration
    assert most_from_one_address < ceiling.amount


def test_guessing_from_many_addresses_meets_the_per_account_ceiling(councillor):
    ceiling = _ceiling()
    attacker = _browser()
    for attempt in range(ceiling):
        address = f"203.0.113.{attempt // 5 + 1}"  # five tries each, under the pair's limit
        page = _sign_in(attacker, councillor.email, "wrong", address)
        assert TOO_MANY not in page.text, attempt
    assert TOO_MANY in _sign_in(attacker, councillor.email, "wrong", "192.0.2.200").text
    # A browser that never signed in to the account meets the ceiling too.
    stranger = _browser()
    assert TOO_MANY in _sign_in(stranger, councillor.email, PASSWORD, COLLEAGUE).text
    assert not _signed_in(stranger)


def test_a_browser_that_signed_in_before_is_spared_the_per_account_ceiling(councillor):
    colleague = _browser()
    assert _sign_in(colleague, councillor.email, PASSWORD, COLLEAGUE).status_code == 302
    colleague.post(reverse("account_logout"))
    assert not _signed_in(colleague)

    attacker = _browser()
    for attempt in range(_ceiling()):
        _sign_in(attacker, councillor.email, "wrong", f"203.0.113.{attempt // 5 + 1}")
    assert TOO_MANY in _sign_in(attacker, councillor.email, "wrong", "192.0.2.200").text

    # The colleague's browser remembers (in a signed cookie) that it signed in to this account.
    page = _sign_in(colleague, councillor.email, PASSWORD, "192.0.2.77")
    assert page.status_code == 302
    assert _signed_in(colleague)


def test_the_known_browser_cookie_names_no_account_and_cannot_be_forged(councillor):
    colleague = _browser()
    page = _sign_in(colleague, councillor.email, PASSWORD, COLLEAGUE)
    cookie = page.cookies["vp_known_signin"]
    assert councillor.email not in cookie.value and "councillor" not in cookie.value
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    attacker = _browser()
    for attempt in range(_ceiling()):
        _sign_in(attacker, councillor.email, "wrong", f"203.0.113.{attempt // 5 + 1}")
    forger = _browser()
    forger.cookies["vp_known_signin"] = cookie.value.replace(cookie.value[-4:], "AAAA")
    assert TOO_MANY in _sign_in(forger, councillor.email, PASSWORD, "192.0.2.78").text


def test_a_successful_sign_in_does_not_count_as_a_failure(councillor):
    colleague = _browser()
    for _ in range(10):
        assert _sign_in(colleague, councillor.email, PASSWORD, COLLEAGUE).status_code == 302
        colleague.post(reverse("account_logout"))
    for _ in range(4):
        assert TOO_MANY not in _sign_in(colleague, councillor.email, "wrong", COLLEAGUE).text
    assert _sign_in(colleague, councillor.email, PASSWORD, COLLEAGUE).status_code == 302


def test_a_password_reset_by_email_lifts_the_locks_on_the_account(councillor):
    attacker = _browser()
    for attempt in range(_ceiling()):
        _sign_in(attacker, councillor.email, "wrong", f"203.0.113.{attempt // 5 + 1}")
    owner = _browser()
    assert TOO_MANY in _sign_in(owner, councillor.email, PASSWORD, COLLEAGUE).text

    owner.post(reverse("account_reset_password"), {"email": councillor.email})
    (link,) = re.findall(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form = owner.get(link, REMOTE_ADDR=COLLEAGUE, follow=True)
    new_password = "a-new-long-passphrase-for-2026"
    done = owner.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
        REMOTE_ADDR=COLLEAGUE,
    )
    assert done.status_code == 302
    page = _sign_in(_browser(), councillor.email, new_password, COLLEAGUE)
    assert page.status_code == 302


def test_wrong_codes_when_confirming_a_signed_in_session_are_limited(staff):
    client = _browser()
    client.force_login(staff)
    url = reverse("mfa_reauthenticate")
    pages = [client.post(url, {"code": _wrong_code()}, REMOTE_ADDR=ATTACKER) for _ in range(6)]
    assert all(TOO_MANY not in page.text for page in pages[:5])
    assert TOO_MANY in pages[5].text
    # From another address the owner confirms with the right code.
    owner = _browser()
    owner.force_login(staff)
    assert owner.post(url, {"code": _code()}, REMOTE_ADDR=COLLEAGUE).status_code == 302
