"""The public results page of a consultation: anyone may read it once a list is published."""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from consultations import access

from . import selectors


@require_GET
def consultation_results(request, municipality_slug, process_slug, pk):
    consultation = access.public_consultation(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk, with_questions=True
    )
    results = selectors.consultation_results(consultation, ui_language=translation.get_language())
    if results is None:
        # Nothing published yet: no page that says nothing. The process page says what
        # happens next.
        raise Http404
    return render(
        request,
        "keywords/results/page.html",
        {
            "results": results,
            "consultation": consultation,
            "process": consultation.process,
            "municipality": consultation.process.municipality,
        },
    )
