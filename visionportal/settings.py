"""Visionportal settings: one module, configured only by environment variables.

Every variable is documented in README.md. Bad values fail loudly at start-up rather
than silently falling back, so a typo in production is seen at deploy time.
"""

import os
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "visionportal",
    "consultations",
    "keywords",
    "indicators",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Only for residents' e-ID when voting in a participatory budget (consultations/budget/
    # eid.py): never a way to sign in, and no resident account is ever stored.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "template_partials",
    "csp",
]

MIDDLEWARE = [
    # First, so load balancers probing by IP address are not refused by ALLOWED_HOSTS.
    "visionportal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the language, the user and messages are known: its refusal pages use them.
    "visionportal.middleware.FormEncodingMiddleware",
    "visionportal.middleware.CacheOutageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "visionportal.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "visionportal.middleware.MunicipalityLanguageMiddleware",
]

ROOT_URLCONF = "visionportal.urls"
WSGI_APPLICATION = "visionportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default for the demo; production and CI set DATABASE_URL to
# PostgreSQL. Persistent connections matter: a one-INSERT view went from ~160 to ~1,000
# req/s on these machines with CONN_MAX_AGE=60 (see shared STACK-NOTES).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A query may run no longer than this (milliseconds; 0: no limit). The web service sets it
# below gunicorn's 30 s timeout: a request gunicorn gives up on must not leave its query
# running (and holding locks) in the database. Workers and migrations leave it unset.
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 0)
if DATABASE_STATEMENT_TIMEOUT < 0:
    raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT must not be negative")
if DATABASE_STATEMENT_TIMEOUT and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "visionportal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing cost is irrelevant to what the tests prove and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Redis, cache, Celery -------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")

if REDIS_URL and not TESTING:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
# Without a real broker (the demo, the plain test run) tasks run in-process, so nothing
# else has to be started. The Celery integration tests switch this off explicitly.
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", TESTING or CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Stockholm"
CELERY_BEAT_SCHEDULE = {
    # Catches up with responses stored while the broker or the workers were down; normally
    # each commit already sent a sweep (keywords.extraction.services.on_response_stored).
    "extract-pending-keywords": {
        "task": "keywords.extract_pending",
        "schedule": 60,
    },
    # Sorting rounds that are open get fresh results when their votes changed (pages read
    # the latest snapshot; they never count votes themselves).
    "refresh-sorting-results": {
        "task": "keywords.sorting_refresh_results",
        "schedule": 15 * 60,
    },
    # The votes' changes into the vote cells (keywords.sorting.vote_cells): counting adds
    # what is pending, so this keeps it small rather than the counts right.
    "fold-sorting-vote-cells": {
        "task": "keywords.sorting_fold_vote_cells",
        "schedule": 60,
    },
    "clear-expired-sessions": {
        "task": "visionportal.clear_expired_sessions",
        "schedule": 6 * 60 * 60,
    },
    # Residents' unsent drafts: old ones and those of closed consultations.
    # Kolada publishes through the year; a nightly refresh keeps the follow-up current.
    "refresh-kolada-values": {
        "task": "indicators.refresh_all",
        "schedule": crontab(hour=3, minute=17),
    },
    "clear-expired-drafts": {
        "task": "consultations.clear_expired_drafts",
        "schedule": 6 * 60 * 60,
    },
}

# --- Kolada (indicators/kolada.py) ---------------------------------------------------------
# Only the import tasks call it; the demo and the tests never do (tests point it at a local
# stub). Every request has a timeout, transient failures are retried with backoff, and
# requests are spaced by at least KOLADA_MIN_INTERVAL seconds.
KOLADA_BASE_URL = env_str("KOLADA_BASE_URL", "https://api.kolada.se/v3")
KOLADA_TIMEOUT = env_float("KOLADA_TIMEOUT", 20.0)
KOLADA_RETRIES = env_int("KOLADA_RETRIES", 3)
KOLADA_BACKOFF = env_float("KOLADA_BACKOFF", 1.0)
KOLADA_MIN_INTERVAL = env_float("KOLADA_MIN_INTERVAL", 0.2)
# How many years back an import asks for.
KOLADA_YEARS = env_int("KOLADA_YEARS", 10)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("nb", _("Norwegian Bokmål")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language on top of Django's (English for Nordic readers).
FORMAT_MODULE_PATH = ["visionportal.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated files (decision packs): a local directory, a volume in production. Never served
# by URL: downloads go through permission-checked views (visionportal/files.py).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Accounts (django-allauth) --------------------------------------------------------
SITE_NAME = "Visionportal"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workspace:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "public:home"
ACCOUNT_ADAPTER = "visionportal.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Failed sign-ins (passwords and TOTP codes; allauth keeps the counters in the cache): per
# client address over all accounts (allauth's login_failed), per (account, address), the
# lock that bites first, and per account, a ceiling one address alone can never reach
# (at most 60 an hour from one), which browsers that signed in before are spared
# (visionportal.accounts; README "Security").
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip",
    "login_failed_account_address": "5/5m/key",
    "login_failed_account": "100/h/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "visionportal.accounts.MFAAuthenticateForm",
    "reauthenticate": "visionportal.accounts.MFAReauthenticateForm",
}
MFA_TOTP_ISSUER = "Visionportal"

# --- e-ID for voting in a participatory budget (README "e-ID voting") ----------------
# Brokers for MitID, BankID or ID-porten (Criipto, Signicat, ...) as allauth OpenID Connect
# apps. EID_PROVIDERS names them (empty: no e-ID, voting codes only); each NAME has
# EID_<NAME>_CLIENT_ID, _SECRET, _SERVER_URL, and optionally _LABEL (shown on the button),
# _COUNTRIES (municipalities' country codes that offer it; empty: all), _AUTH_PARAMS (a
# query string such as acr_values=urn:grn:authn:dk:mitid:substantial) and _AUTHORIZE_ORIGIN
# (when the broker's sign-in page is on another host than its server URL).
SOCIALACCOUNT_ADAPTER = "visionportal.accounts.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("EID_TIMEOUT", 10)


def _eid_app(name: str) -> dict:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", name.lower()):
        raise ImproperlyConfigured(f"EID_PROVIDERS: {name!r} is not a short name like mitid")
    prefix = f"EID_{name.upper()}_"
    values = {key: env_str(prefix + key) for key in ("CLIENT_ID", "SECRET", "SERVER_URL")}
    missing = [prefix + key for key, value in values.items() if not value]
    if missing:
        raise ImproperlyConfigured(f"e-ID provider {name!r} needs {', '.join(missing)}")
    server = urlsplit(values["SERVER_URL"])
    if server.scheme != "https" and not (DEBUG or TESTING):
        raise ImproperlyConfigured(f"{prefix}SERVER_URL must be https")
    origin = env_str(prefix + "AUTHORIZE_ORIGIN", f"{server.scheme}://{server.netloc}")
    return {
        "provider_id": name.lower(),
        "name": env_str(prefix + "LABEL", name),
        "client_id": values["CLIENT_ID"],
        "secret": values["SECRET"],
        "settings": {
            "server_url": values["SERVER_URL"],
            "oauth_pkce_enabled": True,
            "scope": ["openid"],
            "auth_params": dict(parse_qsl(env_str(prefix + "AUTH_PARAMS", ""))),
            "countries": [c.upper() for c in env_list(prefix + "COUNTRIES", [])],
            "authorize_origin": origin,
        },
    }


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": [_eid_app(name) for name in env_list("EID_PROVIDERS", [])]}
}

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Visionportal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# HSTS preloading binds the whole domain and its subdomains for years and is hard to undo;
# it is each municipality's decision (SECURE_HSTS_PRELOAD), so Django's reminder is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Covering indexes (INCLUDE) are PostgreSQL's; SQLite (the demo) builds the same index
    # without the extra columns, which is all the warning says.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front that append to X-Forwarded-For. Without it every client behind a
# proxy has the proxy's address, so per-client limits (sign-in attempts, residents' draft
# saves) would be shared by everyone.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# No inline script anywhere: htmx and our own JS are served from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 or a suspicious request is logged in one line, not with a traceback that buries
    # real errors (visionportal.logfilters).
    "filters": {"one_line_refusals": {"()": "visionportal.logfilters.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO; its warnings (a refused URL) stay.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
