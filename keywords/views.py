"""Staff pages of keywords: the keyword table and the progress of a rebuild.

Every view runs through access.member_required(EDITOR_ROLES): other municipalities' data
is 404, wrong roles are 403, staff without MFA are sent to set it up.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from consultations.models import Consultation
from visionportal.access import EDITOR_ROLES, member_required

from . import selectors, services
from .forms import KeywordFilterForm
from .models import ExtractionRun


def consultation_for_member(request, pk: int) -> Consultation:
    """A consultation of the member's municipality, or 404 (also for other municipalities')."""
    return get_object_or_404(
        Consultation.objects.select_related("process"),
        pk=pk,
        process__municipality=request.municipality,
    )


@require_GET
@member_required(EDITOR_ROLES)
def keyword_list(request, pk):
    consultation = consultation_for_member(request, pk)
    form = KeywordFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"order": "respondents"}
    rows = selectors.keyword_table(consultation, **filters)
    return render(
        request,
        "keywords/keyword_list.html",
        {
            "consultation": consultation,
            "form": form if request.GET else KeywordFilterForm(),
            "rows": rows,
            "filters": filters,
            "latest_run": selectors.latest_run(consultation),
        },
    )


@require_POST
@member_required(EDITOR_ROLES)
def keyword_rebuild(request, pk):
    consultation = consultation_for_member(request, pk)
    run = services.extraction_run_start(consultation=consultation)
    messages.info(request, _("Keywords are being extracted again from all answers."))
    return redirect("keywords:run", request.municipality.slug, consultation.pk, run.pk)


@require_GET
@vary_on_headers("HX-Request")
@member_required(EDITOR_ROLES)
def run_progress(request, pk, run_pk):
    consultation = consultation_for_member(request, pk)
    run = get_object_or_404(ExtractionRun, pk=run_pk, consultation=consultation)
    template = "keywords/run.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"consultation": consultation, "run": run})
