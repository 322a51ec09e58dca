"""Residents' pages: answer a consultation, and the receipt. They work without JavaScript."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from visionportal import selectors as process_selectors

from .. import access, notifications, selectors, services
from ..forms import ResponseForm, ResultsNoticeForm, question_field_name
from ..models import Response
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
            stored, _created = services.response_submit(
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
            _remember_for_receipt(response, consultation, stored)
            return response
    return _render_form(request, consultation, form)


def _add_service_errors(form, error: ValidationError):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = key if key in form.fields else f"question_{key}"
        form.add_error(field if field in form.fields else None, errors)


# The receipt shows the answers once: the submit leaves the response's id in a signed,
# short-lived cookie scoped to this consultation's pages, and the receipt reads and deletes
# it. A reload, the Back button or the next person on a library computer sees no answers.
RECEIPT_COOKIE = "vp_receipt"
RECEIPT_SALT = "consultations.receipt"
RECEIPT_SECONDS = 15 * 60


def _consultation_path(consultation) -> str:
    return reverse("consultations:form", args=_url_args(consultation))


def _remember_for_receipt(response, consultation, stored) -> None:
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        str(stored.pk),
        salt=RECEIPT_SALT,
        max_age=RECEIPT_SECONDS,
        path=_consultation_path(consultation),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def reference_of(response) -> str:
    """A reference a resident can quote ("7F3A-21C9"): the start of the response's random
    key, never its database id (which would tell how many have answered)."""
    code = response.idempotency_key.hex[:8].upper()
    return f"{code[:4]}-{code[4:]}"


@require_GET
def receipt(request, municipality_slug, process_slug, pk):
    consultation = access.public_consultation(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk, with_questions=True
    )
    overview = process_selectors.process_overview(consultation.process)
    response_pk = request.get_signed_cookie(
        RECEIPT_COOKIE, default=None, salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS
    )
    stored = None
    if response_pk and response_pk.isdigit():
        stored = (
            Response.objects.filter(pk=int(response_pk), consultation=consultation)
            .prefetch_related("answers")
            .first()
        )
    answers = []
    if stored is not None:
        read = questions_as_read(
            consultation,
            selectors.consultation_questions(consultation),
            ui_language=translation.get_language(),
        )
        texts = {a.question_id: a.text for a in stored.answers.all()}
        answers = [
            {"question": label, "text": texts[question.pk]}
            for question, label in read.questions
            if question.pk in texts
        ]
    page = render(
        request,
        "consultations/receipt.html",
        {
            "consultation": consultation,
            "process": consultation.process,
            "municipality": consultation.process.municipality,
            "reference": reference_of(stored) if stored else "",
            "answers": answers,
            "answers_language": read.language if stored else consultation.language,
            # Still to come: not the phase the resident is answering in.
            "next_phases": [p.phase for p in overview.phases if p.status == "upcoming"],
            "next_milestones": [m.milestone for m in overview.milestones if m.status != "past"],
            "notice_form": ResultsNoticeForm(),
        },
    )
    if response_pk is not None:
        page.delete_cookie(RECEIPT_COOKIE, path=_consultation_path(consultation))
    # The answers are private to this one view: never from a cache.
    add_never_cache_headers(page)
    return page


@require_POST
def results_notice_subscribe(request, municipality_slug, process_slug, pk):
    """ "Tell me when the results are out": kept apart from the answers (no link to them)."""
    consultation = access.public_consultation(
        municipality_slug=municipality_slug, process_slug=process_slug, pk=pk
    )
    form = ResultsNoticeForm(request.POST)
    if form.is_valid():
        try:
            subscription = notifications.results_subscription_create(
                consultation=consultation,
                email=form.cleaned_data["email"],
                language=translation.get_language(),
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            return redirect(
                "consultations:results_notice", notifications.deletion_token(subscription)
            )
    return render(
        request,
        "consultations/results_notice_form.html",
        {
            "consultation": consultation,
            "process": consultation.process,
            "municipality": consultation.process.municipality,
            "notice_form": form,
        },
        status=400,
    )


@require_GET
def results_notice(request, token):
    """The signed link: what is stored, and a button to delete it. A link already used
    (deleted, or the e-mail already sent) answers 404 with a plain explanation."""
    subscription = notifications.subscription_from_token(token)
    if subscription is None:
        return render(request, "consultations/results_notice_gone.html", status=404)
    consultation = subscription.consultation
    return render(
        request,
        "consultations/results_notice.html",
        {
            "subscription": subscription,
            "consultation": consultation,
            "process": consultation.process,
            "municipality": consultation.process.municipality,
            "token": token,
        },
    )


@require_POST
def results_notice_delete(request, token):
    subscription = notifications.subscription_from_token(token)
    if subscription is not None:
        notifications.results_subscription_delete(subscription=subscription)
    # Deleted now or before: the same answer, so the link tells nothing about the address.
    return render(request, "consultations/results_notice_gone.html", {"deleted": True})
