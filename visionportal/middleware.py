from django.conf import settings
from django.utils import translation

from .caching import TTLCache
from .models import Municipality
from .views.health import healthz

# Read on every municipality page; changes (rare) reach every process within a minute.
_default_language = TTLCache(ttl=60)


def _municipality_language(slug: str) -> str | None:
    return Municipality.objects.filter(slug=slug).values_list("default_language", flat=True).first()


class MunicipalityLanguageMiddleware:
    """On a municipality's pages, use its default language first.

    Order of preference: the visitor's explicit choice (language cookie from the switcher),
    then the municipality's default language, then the browser's Accept-Language (which
    LocaleMiddleware already applied).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("municipality_slug")
        if not slug or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        language = _default_language.get(slug, lambda: _municipality_language(slug))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None


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
