from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import health


@never_cache
@require_GET
def healthz(request):
    database = "ok" if health.database_ok() else "down"
    broker = health.broker_status()
    healthy = database == "ok" and broker in {"ok", "eager"}
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
