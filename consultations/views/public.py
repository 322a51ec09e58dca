"""Residents' pages: answer a consultation, and the receipt. They work without JavaScript."""

import uuid

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from visionportal import selectors as process_selectors

from .. import access, selectors, services
from ..forms import ResponseForm, question_field_name
from ..reading import questions_as_read
from . import drafts as draft_views

STATUS_TEMPLATE = "consultations/status.html"
FORM_TEMPLATE = "consultations/consultation_form.html"


def _url_args(consultation):
    process = consultation.process
    return [process.municipality.slug, process.slug, consultation.pk]


def _render_form(request, consultation, form, **extra):
    """The form with each question in the resident's language when the consultation has
    it (?questions=<code> asks for another, e.g. Arabic, which the UI itself does not have),
    else in the original, with a note saying so."""
    read = questions_as_read(
        consultation,
        form.questions,
        ui_language=translation.get_language(),
        asked=request.GET.get("questions", ""),
    )
    question_fields = []
    for question, label in read.questions:
        name = question_field_name(question)
        form.fields[name].label = label
        bound = form[name]
        bound.question_language = read.language
        question_fields.append(bound)
    return render(
        request,
        FORM_TEMPLATE,
        {
            "consultation": consultation,
            "process": consultation.process,
            "municipality": consultation.process.municipality,
            "form": form,
            "question_fields": question_fields,
            "questions_fallback": read.fallback,
            "questions_lead": read.lead,
            "questions_language": read.language,
            "questions_language_name": read.language_name,
            "questions_query": read.asked,
            "other_question_languages": read.others,
            **extra,
        },
    )


def _render_status(request, consultation):
    return render(
        request,
        STATUS_TEMPLATE,
        {
            "consultation": consultation,
            "process": consultation.process,
            "municipality": consultation.process.municipality,
            "status": consultation.status(),
        },
    )


@require_GET
def consultation_form(request, municipality_slug, process_slug, pk):
    consultation = access.public_consultation_for_form(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    if not consultation.is_open():
        return _render_status(request, consultation)
    form = ResponseForm(
        initial={"idempotency_key": uuid.uuid4()},
        consultation=consultation,
        questions=selectors.consultation_questions(consultation),
    )
    # What the resident typed earlier on this device, if they saved a draft.
    draft = draft_views.restored_draft(request, consultation)
    form.initial.update(draft_views.form_initial(draft, form))
    notice = draft_views.notice_context(request, consultation, draft)
    return _render_form(request, consultation, form, **notice)


@require_POST
def response_submit(request, municipality_slug, process_slug, pk):
    consultation = access.public_consultation_for_form(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    questions = selectors.consultation_questions(consultation)
    form = ResponseForm(request.POST, consultation=consultation, questions=questions)
    if form.is_valid():
        try:
            services.response_submit(
                consultation=consultation,
                idempotency_key=form.cleaned_data["idempotency_key"],
                answers=form.answers(),
                **form.profile(),
            )
        except ValidationError as error:
            if not consultation.is_open():
                return _render_status(request, consultation)
            _add_service_errors(form, error)
        else:
            # Post/Redirect/Get: a reload of the receipt never resubmits.
            response = redirect("consultations:receipt", *_url_args(consultation))
            draft_views.forget(request, response, consultation)
            return response
    return _render_form(request, consultation, form)


def _add_service_errors(form, error: ValidationError):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = key if key in form.fields else f"question_{key}"
        form.add_error(field if field in form.fields else None, errors)


@require_GET
def receipt(request, municipality_slug, process_slug, pk):
    consultation = access.public_consultation(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    overview = process_selectors.process_overview(consultation.process)
    return render(
        request,
        "consultations/receipt.html",
        {
            "consultation": consultation,
            "process": consultation.process,
            "municipality": consultation.process.municipality,
            "next_phases": [p.phase for p in overview.phases if p.status != "past"],
            "next_milestones": [m.milestone for m in overview.milestones if m.status != "past"],
        },
    )
