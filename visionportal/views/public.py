"""Pages anyone may see: the municipalities, their published processes, health."""

from django.http import Http404
from django.shortcuts import render

from .. import selectors
from ..access import public_process


def home(request):
    return render(
        request,
        "visionportal/public/home.html",
        {"municipalities": selectors.public_municipalities()},
    )


def municipality_detail(request, municipality_slug):
    municipality = selectors.public_municipality(municipality_slug)
    if municipality is None:
        raise Http404
    return render(
        request,
        "visionportal/public/municipality_detail.html",
        {
            "municipality": municipality,
            "processes": selectors.public_processes(municipality),
        },
    )


def process_detail(request, municipality_slug, process_slug):
    process = public_process(municipality_slug, process_slug)
    return render(
        request,
        "visionportal/public/process_detail.html",
        {
            "overview": selectors.process_overview(process),
            "municipality": process.municipality,
            "adopted": selectors.adopted_vision(process),
        },
    )


def accessibility_statement(request):
    return render(request, "visionportal/public/accessibility.html")


def not_found(request):
    """Routes a library would serve that this site does not offer (visionportal/urls.py)."""
    raise Http404
