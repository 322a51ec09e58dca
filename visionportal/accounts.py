"""Sign-in as allauth does it, with our account policy: nobody signs up, and failed attempts
are limited per (account, client address) first.

allauth limits failed attempts per address and per account. Per account alone, anyone who
knows a colleague's e-mail address can lock them out with five wrong passwords or codes.
So the lock that bites first is per (account, address); a higher per-account ceiling still
slows guessing spread over many addresses, and a browser that signed in to the account
before (a signed cookie) is spared it, so an attack cannot lock out those who use it. The
rates are settings.ACCOUNT_RATE_LIMITS; README ("Security") states the policy.

The counting is allauth's rate limiter (allauth.core.internal.ratelimit): its public wrapper
answers only yes or no, and a right password or code must roll its attempt back. allauth's
version is pinned in the lock files.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpResponseForbidden
from django.utils.crypto import salted_hmac

# allauth's own "login_failed" (per address, any account) stays; these two are ours, in
# the same ACCOUNT_RATE_LIMITS setting and counted by allauth's rate limiter.
PER_ACCOUNT_AND_ADDRESS = "login_failed_account_address"
PER_ACCOUNT = "login_failed_account"

KNOWN_BROWSER_COOKIE = "vp_known_signin"
KNOWN_BROWSER_MAX_AGE = 90 * 24 * 60 * 60
KNOWN_BROWSER_MAX_ACCOUNTS = 5
_COOKIE_SALT = "visionportal.accounts.known-browser"


def _account_digest(account: str) -> str:
    # The cookie names accounts by a keyed digest: it shows no e-mail address or id.
    return salted_hmac(_COOKIE_SALT, account).hexdigest()[:24]


def _known_accounts(request) -> list[str]:
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE, default="", salt=_COOKIE_SALT, max_age=KNOWN_BROWSER_MAX_AGE
    )
    return [digest for digest in value.split(",") if digest]


def remember_browser(request, response, *, accounts: list[str]) -> None:
    """Mark the browser as one that signed in to these accounts (newest first, a few)."""
    digests = [_account_digest(account) for account in accounts]
    known = digests + [d for d in _known_accounts(request) if d not in digests]
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        ",".join(known[: KNOWN_BROWSER_MAX_ACCOUNTS * 2]),
        salt=_COOKIE_SALT,
        max_age=KNOWN_BROWSER_MAX_AGE,
        path="/accounts/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def failed_attempt_consume(request, *, account: str):
    """Count one attempt at `account` (a password or a code) before it is checked: per
    (account, address), then per account unless this browser signed in to it before.
    Returns the usage (roll it back when the attempt succeeds), or None when a limit is
    reached. allauth's own per-address limit ("login_failed") is counted by allauth."""
    address = ratelimit.get_ip(request)
    usage = ratelimit.consume(
        request, app="allauth.account", action=PER_ACCOUNT_AND_ADDRESS, key=f"{account}|{address}"
    )
    if usage is None:
        return None
    if _account_digest(account) not in _known_accounts(request):
        ceiling = ratelimit.consume(request, app="allauth.account", action=PER_ACCOUNT, key=account)
        if ceiling is None:
            usage.rollback()
            return None
        usage.usage.extend(ceiling.usage)
    return usage


def _password_account(login: str) -> str:
    return f"password:{login.lower()}"


def _code_account(user) -> str:
    return f"code:{user.pk}"


class AccountAdapter(DefaultAccountAdapter):
    """Residents never need an account, and staff accounts are created by administrators,
    so nobody can sign up on their own."""

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)  # per address, allauth's
        login = credentials.get("email", credentials.get("username", ""))
        usage = failed_attempt_consume(request, account=_password_account(login))
        if usage is None:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        # allauth rolls this back when the password is right: a success is no failure.
        self._login_failed_rl_usage.usage.extend(usage.usage)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        remember_browser(
            request, response, accounts=[_password_account(user.email), _code_account(user)]
        )
        return response

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # After a password reset by e-mail: the owner proved it, their locks go.
        super()._delete_login_attempts_cached_email(request, **credentials)
        account = _password_account(credentials.get("email", ""))
        address = ratelimit.get_ip(request)
        for action, key in (
            (PER_ACCOUNT_AND_ADDRESS, f"{account}|{address}"),
            (PER_ACCOUNT, account),
        ):
            ratelimit.clear(request, app="allauth.account", action=action, key=key)


class _CodeAttemptsLimited:
    """A TOTP (or recovery) code form limited like the password step."""

    def clean_code(self):
        request = context.request
        usage = failed_attempt_consume(request, account=_code_account(self.user))
        if usage is None:
            raise get_account_adapter().validation_error("too_many_login_attempts")
        code = super().clean_code()  # allauth's check, and its per-address limit
        usage.rollback()  # the right code: not a failure
        return code


class MFAAuthenticateForm(_CodeAttemptsLimited, AuthenticateForm):
    """The second step of signing in."""


class MFAReauthenticateForm(_CodeAttemptsLimited, ReauthenticateForm):
    """Confirming a signed-in session with a code before a sensitive change."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's socialaccount is installed only so residents can prove who they are with
    an e-ID when voting in a participatory budget (consultations/budget/eid.py drives the
    OpenID Connect code flow itself and never logs anyone in). allauth's own social sign-in
    and connect routes are not served (visionportal/urls.py); should any path still reach
    a completed social login, it is refused here before a user or SocialAccount exists."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        raise ImmediateHttpResponse(HttpResponseForbidden())
