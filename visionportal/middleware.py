import functools
import logging
from urllib.parse import unquote_to_bytes

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)
from redis.exceptions import RedisError

from .caching import TTLCache
from .models import Municipality
from .views.health import healthz

logger = logging.getLogger(__name__)

# Read on every municipality page; changes (rare) reach every process within a minute.
_default_language = TTLCache(ttl=60)


def _municipality_language(slug: str) -> str | None:
    return Municipality.objects.filter(slug=slug).values_list("default_language", flat=True).first()


def browser_language(accept_language: str) -> str | None:
    """The first language in an Accept-Language header that the UI has, or None.

    Django's own get_language_from_request falls back to LANGUAGE_CODE when nothing
    matches, which cannot be told apart from a browser asking for English; this says
    "no match" so the municipality's language can take over.
    """
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class MunicipalityLanguageMiddleware:
    """One rule on every page (issue 14): the visitor's explicit choice (the switcher's
    cookie), else the browser's language when the UI has it, else, on a municipality's
    pages, the municipality's language. LocaleMiddleware has already applied the first two;
    this only steps in when neither says anything the UI has.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("municipality_slug")
        if not slug or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        if browser_language(request.headers.get("Accept-Language", "")):
            return None
        language = _default_language.get(slug, lambda: _municipality_language(slug))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None


# What lets a view or decorator change one response's policy (django-csp's csp_update,
# csp_replace, csp_exempt and the like, or the attributes they set by hand).
_RESPONSE_POLICY_ATTRIBUTES = tuple(
    f"_csp_{name}{suffix}"
    for name in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


@functools.cache
def _settings_policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, value, excluded path prefixes) of the policy and the report-only policy
    as the settings alone make them."""
    policies = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        policies.append((header, build_policy(report_only=report_only), tuple(prefixes)))
    return tuple(policies)


@receiver(setting_changed)
def _forget_settings_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of a response that nothing changes (no
    nonce asked for, no csp_update or the like: nearly every response) built once per
    process instead of twice per response. Such a policy depends on the settings alone,
    and building it took about 60 us of a sorting vote's 1.1 ms in Python. Any other
    response goes the library's way."""

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _RESPONSE_POLICY_ATTRIBUTES)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, value, excluded in _settings_policies():
            if value and header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # As the library does: a nonce asked for after this point would not be in the
        # header, so asking fails loudly.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class HealthCheckMiddleware:
    """Answer /healthz before host validation and redirects.

    Load balancers probe by IP address, which ALLOWED_HOSTS rightly refuses for every other
    page; the health answer reveals nothing, so it may be given to any Host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


def _refusal(request, *, title, message, status):
    return render(
        request,
        "visionportal/refusal.html",
        {"title": title, "message": message},
        status=status,
    )


def _is_strict_text(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


class FormEncodingMiddleware:
    """Refuse a form post that is not valid text in its encoding (UTF-8 unless it names
    another), before any view reads it.

    Django reads such a body anyway: raw bytes as Latin-1 (stored as mojibake such as
    "ÿþÃ(bad"), percent-escaped bytes with U+FFFD in place of each bad one. Every page of
    ours is UTF-8 and browsers post in the page's encoding, so only a broken or hostile
    client sends one: it gets a clear 400 and nothing is stored. Multipart posts (the
    staff import's file upload) are left to the import, which checks the file itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.content_type == "application/x-www-form-urlencoded"
            and not self._is_valid(request)
        ):
            return _refusal(
                request,
                title=_("The form could not be read"),
                message=_(
                    "What was sent is not valid UTF-8 text, so nothing was saved. Reload "
                    "the page and send the form again."
                ),
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _is_valid(request) -> bool:
        encoding = request.encoding or settings.DEFAULT_CHARSET
        body = request.body
        if not _is_strict_text(body, encoding):
            return False
        if b"%" not in body:
            return True
        # Fast on the residents' hot path: Django's own parse (needed anyway, and kept)
        # puts U+FFFD for every escaped byte that is not text. Only when one shows (or a
        # U+FFFD was sent on purpose) are the escapes decoded strictly, part by part.
        if not any(
            "\ufffd" in text for key, values in request.POST.lists() for text in (key, *values)
        ):
            return True
        for pair in body.split(b"&"):
            for part in pair.split(b"=", 1):
                if not _is_strict_text(unquote_to_bytes(part.replace(b"+", b" ")), encoding):
                    return False
        return True


# How long a client is asked to wait when the cache is down (seconds, Retry-After).
CACHE_OUTAGE_RETRY_AFTER = 60


class CacheOutageMiddleware:
    """The cache (Redis) keeps the sign-in rate limits. When it cannot be reached, signing
    in (and the other account pages that count attempts) answers 503 "temporarily
    unavailable, try again shortly" instead of a 500: never fail open there, the limits are
    what stops password guessing. Residents' pages do not depend on the cache (their draft
    limit fails open: consultations.views.drafts)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RedisError):
            return None
        logger.warning(
            "Cache unavailable, answered 503: %s %s (%s)",
            request.method,
            request.path,
            exception.__class__.__name__,
        )
        if request.path.startswith("/accounts/"):
            message = _("Signing in is temporarily unavailable. Try again in a few minutes.")
        else:
            message = _("This page is temporarily unavailable. Try again in a few minutes.")
        response = _refusal(
            request, title=_("Temporarily unavailable"), message=message, status=503
        )
        response["Retry-After"] = str(CACHE_OUTAGE_RETRY_AFTER)
        return response
