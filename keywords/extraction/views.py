"""Staff pages of extraction: start a rebuild of a consultation's keywords from all its
answers, and follow its progress (the run row the Celery task updates)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from consultations.access import consultation_for_member
from keywords.access import run_of
from keywords.extraction import services
from visionportal.access import EDITOR_ROLES, member_required


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
    run = run_of(consultation, run_pk)
    template = "keywords/run.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"consultation": consultation, "run": run})
