"""The product's URLs plus /bench/django-insert, a view that inserts one row through the whole
middleware stack (sessions, CSRF, locale, CSP, allauth, ...): the cost of Django's request
cycle alone, against which the real submit is compared. Exists only in the benchmark."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from visionportal.urls import urlpatterns as product_urlpatterns


@require_POST
def django_insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert (payload) VALUES (%s)", [request.method])
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/django-insert", django_insert), *product_urlpatterns]
