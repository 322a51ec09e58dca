"""The public vision page: the adopted vision, its areas, goals, statuses and charts."""

from django.http import Http404
from django.shortcuts import render

from visionportal.access import public_process
from visionportal.selectors import adopted_vision

from .. import selectors


def vision(request, municipality_slug, process_slug):
    process = public_process(municipality_slug, process_slug)
    decision = adopted_vision(process)
    if decision is None:
        raise Http404
    follow_up = selectors.follow_up_tree(process)
    selectors.attach_links(follow_up, process, public=True)
    return render(
        request,
        "indicators/public/vision.html",
        {
            "process": process,
            "municipality": process.municipality,
            "decision": decision,
            "tree": follow_up,
            "initiatives": selectors.initiatives_of(process, public=True),
        },
    )
