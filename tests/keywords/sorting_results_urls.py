"""The project's URLs plus a stand-in for the public results page that another part of
issue 10 adds under the name keywords:sorting_results_public: the game links to it only
once that name exists (tests/keywords/test_sorting_views.py)."""

from django.http import HttpResponse
from django.urls import include, path

from keywords import urls as keyword_urls
from visionportal import urls as project_urls


def _results(request, municipality_slug, process_slug, round_pk):
    return HttpResponse("results")


_keywords = [
    *keyword_urls.urlpatterns,
    path(
        "m/<slug:municipality_slug>/<slug:process_slug>/sort/<int:round_pk>/results/",
        _results,
        name="sorting_results_public",
    ),
]

urlpatterns = [
    path("", include((_keywords, "keywords"))),
    *(p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "keywords"),
]
