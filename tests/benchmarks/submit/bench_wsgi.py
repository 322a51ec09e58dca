"""WSGI entry point for the submit benchmark: the real application, plus /bench/insert, a
bare view that inserts one row into a table the benchmark created with raw SQL. The
benchmark endpoint exists only here, never in the product's URLs."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

from django.core import signals  # noqa: E402
from django.core.handlers.wsgi import WSGIRequest  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402

django_application = get_wsgi_application()


def insert_view(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert (payload) VALUES (%s)", [request.method])
    return HttpResponse(b"ok", content_type="text/plain")


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/bench/insert":
        return django_application(environ, start_response)
    # As Django's handler does: these signals manage persistent connections (CONN_MAX_AGE).
    signals.request_started.send(sender=None, environ=environ)
    try:
        response = insert_view(WSGIRequest(environ))
    finally:
        signals.request_finished.send(sender=None)
    start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
    return [response.content]
