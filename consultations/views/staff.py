"""Staff pages of a consultation: answers from other channels, moderation, import.

Every view runs through access.member_required: other municipalities get 404, wrong roles
403, staff without MFA are sent to set it up. Moderators see the answers and hide them;
only editors (staff, admins) enter, import and export.
"""

import copy
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visionportal.access import EDITOR_ROLES, member_required, process_for_member
from visionportal.models import Role
from visionportal.services import StaleVersion

from .. import access, exports, importing, profile, selectors, services
from ..forms import (
    AnswerHideForm,
    ConsultationCreateForm,
    ConsultationSettingsForm,
    ImportConfirmForm,
    ImportUploadForm,
    QuestionFormSet,
    StaffResponseForm,
    question_field_name,
)
from ..masking import mask_personal_data
from ..models import AgeBand, Channel, TargetGroup
from .public import _add_service_errors

MODERATION_ROLES = EDITOR_ROLES | {Role.MODERATOR}
PAGE_SIZE = 50
# How deep the list can be paged. OFFSET walks every row before the page: 10,000 responses
# are a few milliseconds. A search walks responses, reading their answers, until it has
# matched enough: at 100,000 responses, 500 matches of a common word cost about 35 ms to
# count and as much to page past (1,000 cost twice that, which a loaded server doubles
# again). Past that, a narrower search or a channel.
LIST_REACHABLE = 10_000
SEARCH_REACHABLE = 500
SEARCH_MIN_LENGTH = 3
SEARCH_MAX_LENGTH = 200
IMPORT_SESSION_KEY = "consultation_import:{pk}"


def _list_url(request, consultation):
    return reverse(
        "consultations_staff:responses", args=[request.municipality.slug, consultation.pk]
    )


@member_required(MODERATION_ROLES)
@require_GET
def responses(request, pk):
    consultation = access.consultation_for_member(request, pk)
    channel = request.GET.get("channel", "")
    if channel not in Channel.values:
        channel = ""
    search, search_error = _search_query(request)
    found = selectors.staff_responses(consultation, channel=channel, search=search)
    if search_error:
        found = found.none()
    reachable = SEARCH_REACHABLE if search else LIST_REACHABLE
    # A search's count is bounded (counting every match is what cost); the list's own is
    # exact, one indexed count.
    count, more = (
        (0, False)
        if search_error
        else selectors.staff_response_count(
            consultation, channel=channel, search=search, bound=reachable
        )
    )
    page = _ReachablePaginator(
        found.prefetch_related("target_groups"), PAGE_SIZE, count=min(count, reachable)
    ).get_page(request.GET.get("page"))
    for response in page.object_list:
        response.masked_answers = [
            (answer, mask_personal_data(answer.text)) for answer in response.answers.all()
        ]
        # Free text typed before areas were a list may hold anything: masked like answers.
        response.area_label = mask_personal_data(profile.area_label(response.area))
        response.group_label = mask_personal_data(response.group_label)
        response.group_labels = [g.get_group_display() for g in response.target_groups.all()]
        response.language_name = profile.preferred_language_name(response.preferred_language)
    return render(
        request,
        "consultations/staff/responses.html",
        {
            "consultation": consultation,
            "page": page,
            "channel": channel,
            "channels": Channel.choices,
            "count": count,
            "more": more,
            "reachable": reachable,
            "cut_off": count > reachable or more,
            "search": search,
            "search_error": search_error,
            "search_max_length": SEARCH_MAX_LENGTH,
            "can_edit": request.membership.role in EDITOR_ROLES,
            "hide_form": AnswerHideForm(),
        },
    )


class _ReachablePaginator(Paginator):
    """Pages over the responses that can be reached, counted once by the view."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._reachable_count = count

    @property
    def count(self) -> int:
        return self._reachable_count


def _search_query(request) -> tuple[str, str]:
    """The answers list's search text, and why it is refused ("" when it is not).

    Answers are shown masked, but searched as stored: a search for an email address, a
    phone or an identity number would tell whether someone wrote it, so it is refused."""
    # PostgreSQL cannot hold a NUL character; no answer contains one.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
    if search and len(search) < SEARCH_MIN_LENGTH:
        # Fewer than three characters hold no trigram: the index cannot serve the search,
        # which would read every answer (and match most of them).
        return search, _("Type at least %(count)d characters to search.") % {
            "count": SEARCH_MIN_LENGTH
        }
    if "@" in search or mask_personal_data(search) != search:
        return search, _(
            "Search cannot look for email addresses, phone numbers or identity numbers: "
            "they are masked in answers."
        )
    return search, ""


@member_required(EDITOR_ROLES)
def response_create(request, pk):
    consultation = access.consultation_for_member(request, pk)
    questions = selectors.consultation_questions(consultation)
    if request.method != "POST":
        form = StaffResponseForm(
            initial={"idempotency_key": uuid.uuid4(), "channel": Channel.INTERVIEW},
            consultation=consultation,
            questions=questions,
        )
    else:
        form = StaffResponseForm(request.POST, consultation=consultation, questions=questions)
        if form.is_valid():
            try:
                _response, created = services.response_submit(
                    consultation=consultation,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    answers=form.answers(),
                    **form.profile(),
                    channel=form.cleaned_data["channel"],
                    group_label=form.cleaned_data["group_label"],
                    participants=form.cleaned_data["participants"],
                    allow_after_closing=True,
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                if created:
                    messages.success(request, _("The answers were saved."))
                else:
                    messages.info(request, _("These answers had already been saved."))
                return redirect(_list_url(request, consultation))
    return render(
        request,
        "consultations/staff/response_form.html",
        {
            "consultation": consultation,
            "form": form,
            "question_fields": [form[question_field_name(q)] for q in questions],
        },
    )


@member_required(EDITOR_ROLES)
@require_http_methods(["GET", "POST"])
def consultation_create(request, process_pk):
    """A new consultation of a process, asking seed 000's three questions; the settings page
    comes next, to reword them and choose the profile questions."""
    process = process_for_member(request, process_pk)
    if request.method == "POST":
        form = ConsultationCreateForm(request.POST)
        if form.is_valid():
            try:
                consultation = services.consultation_create_default(
                    process=process, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _(
                        "The consultation was created with the three questions. "
                        "Reword them here if you wish."
                    ),
                )
                return redirect(
                    "consultations_staff:edit", request.municipality.slug, consultation.pk
                )
    else:
        form = ConsultationCreateForm(initial={"language": request.municipality.default_language})
    return render(
        request,
        "consultations/staff/consultation_create.html",
        {"process": process, "form": form},
    )


@member_required(EDITOR_ROLES)
def consultation_edit(request, pk):
    """Settings, profile questions, areas and the questions themselves, on one page."""
    consultation = access.consultation_for_member(request, pk)
    questions = selectors.consultation_questions(consultation)
    if request.method != "POST":
        form = ConsultationSettingsForm(instance=consultation)
        question_forms = QuestionFormSet(
            prefix="questions",
            initial=[
                {"question_id": q.pk, "text": q.text, "position": index + 1}
                for index, q in enumerate(questions)
            ],
        )
    else:
        # A copy, so a refused save does not leave the page's consultation half-edited.
        form = ConsultationSettingsForm(request.POST, instance=copy.copy(consultation))
        question_forms = QuestionFormSet(request.POST, prefix="questions")
        if form.is_valid() and question_forms.is_valid():
            edits = [
                services.QuestionEdit(
                    question_id=row.get("question_id"),
                    text=row.get("text", ""),
                    position=row.get("position"),
                    delete=row.get("DELETE", False),
                )
                for row in question_forms.cleaned_data
            ]
            try:
                services.consultation_configure(
                    consultation=consultation,
                    expected_version=form.cleaned_data["version"],
                    settings=form.settings(),
                    questions=edits,
                )
            except StaleVersion as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The consultation's settings were saved."))
                return redirect("consultations_staff:edit", request.municipality.slug, pk)
    answered = selectors.answered_question_ids(q.pk for q in questions)
    return render(
        request,
        "consultations/staff/consultation_edit.html",
        {
            "consultation": consultation,
            "form": form,
            "question_forms": question_forms,
            "question_rows": [
                (row, _as_int(row["question_id"].value()) in answered) for row in question_forms
            ],
        },
    )


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@member_required(MODERATION_ROLES)
def answer_hide(request, pk, answer_pk):
    answer = access.answer_for_member(request, pk, answer_pk)
    form = AnswerHideForm(request.POST)
    if form.is_valid():
        try:
            services.answer_hide(answer=answer, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The answer is hidden from analysis and exports."))
    else:
        messages.error(request, _("Give a reason (at most 500 characters) for hiding the answer."))
    return redirect(_list_url(request, answer.response.consultation))


@require_POST
@member_required(MODERATION_ROLES)
def answer_unhide(request, pk, answer_pk):
    answer = access.answer_for_member(request, pk, answer_pk)
    services.answer_unhide(answer=answer)
    messages.success(request, _("The answer is shown again."))
    return redirect(_list_url(request, answer.response.consultation))


def _import_context(consultation, **extra):
    questions = selectors.consultation_questions(consultation)
    return {
        "consultation": consultation,
        "columns": [
            *zip(exports.question_headers(questions), [q.text for q in questions], strict=True),
        ],
        "channels": Channel.values,
        "target_groups": TargetGroup.values,
        "max_rows": importing.MAX_ROWS,
        **extra,
    }


# The CSRF middleware would read (and spool to disk) the whole body to find the token; an
# upload over the limit is refused before that, and the check runs right after.
@csrf_exempt
@member_required(EDITOR_ROLES)
def import_upload(request, pk):
    """Upload → preview with per-row errors. The parsed rows wait in the session."""
    if request.method == "POST" and _body_too_big(request):
        consultation = access.consultation_for_member(request, pk)
        # Refused before the body is read: a huge upload is never parsed nor kept.
        form = ImportUploadForm(data={}, files={})
        form.is_valid()
        form.errors["file"] = form.error_class([_("The file is too big: at most 5 MB.")])
        return render(
            request,
            "consultations/staff/import_upload.html",
            _import_context(consultation, form=form),
            status=413,
        )
    return _import_upload(request, pk)


@csrf_protect
def _import_upload(request, pk):
    consultation = access.consultation_for_member(request, pk)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_FILE_BYTES:
            form.add_error("file", _("The file is too big: at most 5 MB."))
        else:
            try:
                parsed = importing.parse(
                    upload.read(),
                    questions=selectors.consultation_questions(consultation),
                    max_answer_length=consultation.max_answer_length,
                    filename=upload.name,
                    consultation=consultation,
                )
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if not parsed.errors:
                    request.session[IMPORT_SESSION_KEY.format(pk=consultation.pk)] = {
                        "sha256": parsed.sha256,
                        "rows": parsed.rows,
                    }
                return render(
                    request,
                    "consultations/staff/import_preview.html",
                    _import_context(
                        consultation,
                        parsed=parsed,
                        preview=[
                            (
                                _masked_profile(row),
                                [(k, mask_personal_data(v)) for k, v in row["answers"].items()],
                            )
                            for row in parsed.rows[:PAGE_SIZE]
                        ],
                        confirm_form=ImportConfirmForm(initial={"sha256": parsed.sha256}),
                        filename=upload.name,
                    ),
                )
    return render(
        request, "consultations/staff/import_upload.html", _import_context(consultation, form=form)
    )


def _choice_label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _masked_profile(row: dict) -> dict:
    """A preview row with its free-text profile fields masked like the answers, and its
    coded fields as the labels staff know ("Interview", "25–44"), not the codes (issue 14)."""
    return {
        **row,
        "group_label": mask_personal_data(row["group_label"]),
        "area": mask_personal_data(profile.area_label(row["area"])) if row["area"] else "",
        "channel": _choice_label(Channel, row["channel"]),
        "age_band": _choice_label(AgeBand, row["age_band"]) if row["age_band"] else "",
        "target_groups": [_choice_label(TargetGroup, g) for g in row.get("target_groups") or []],
    }


def _body_too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    # Room for the multipart envelope and the other fields around the file.
    return length > importing.MAX_FILE_BYTES + 64 * 1024


@require_POST
@member_required(EDITOR_ROLES)
def import_confirm(request, pk):
    consultation = access.consultation_for_member(request, pk)
    form = ImportConfirmForm(request.POST)
    key = IMPORT_SESSION_KEY.format(pk=consultation.pk)
    pending = request.session.get(key)
    if not form.is_valid() or not pending or pending["sha256"] != form.cleaned_data["sha256"]:
        messages.error(request, _("The uploaded file was not found. Upload it again."))
        return redirect("consultations_staff:import", request.municipality.slug, consultation.pk)
    try:
        created = services.responses_import(
            consultation=consultation, rows=pending["rows"], file_sha256=pending["sha256"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("consultations_staff:import", request.municipality.slug, consultation.pk)
    del request.session[key]
    skipped = len(pending["rows"]) - created
    messages.success(
        request,
        _("Imported %(created)d responses; %(skipped)d were already imported.")
        % {"created": created, "skipped": skipped},
    )
    return redirect(_list_url(request, consultation))


@member_required(EDITOR_ROLES)
@require_http_methods(["GET", "POST"])
def question_translations(request, pk):
    """The questions in other languages (issue 14): residents read them in their UI language
    when present; others (Arabic, Somali, ...) are offered on the form."""
    consultation = access.consultation_for_member(request, pk)
    questions = list(consultation.questions.prefetch_related("translations"))
    languages = services.question_languages_known()
    names = dict(languages)
    language = request.POST.get("language") or request.GET.get("language", "")
    if language not in names or language == consultation.language:
        language = ""
    errors = []
    if request.method == "POST":
        texts = {
            q.pk: request.POST.get(f"text_{q.pk}", "")[: services.QUESTION_TEXT_MAX * 4]
            for q in questions
        }
        try:
            services.question_translations_set(
                consultation=consultation, language=request.POST.get("language", ""), texts=texts
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("The questions in %(language)s were saved.")
                % {"language": names.get(language, language)},
            )
            url = reverse("consultations_staff:translations", args=[request.municipality.slug, pk])
            return redirect(f"{url}?{urlencode({'language': language})}")
    existing = {}
    for question in questions:
        for translation in question.translations.all():
            existing.setdefault(translation.language, {})[question.pk] = translation.text
    rows = [
        {
            "question": question,
            "text": request.POST.get(f"text_{question.pk}", "")
            if errors
            else existing.get(language, {}).get(question.pk, ""),
        }
        for question in questions
    ]
    return render(
        request,
        "consultations/staff/question_translations.html",
        {
            "consultation": consultation,
            "translation_languages": [(c, n) for c, n in languages if c != consultation.language],
            "language": language,
            "language_name": names.get(language, ""),
            "translated": sorted(
                ((code, names.get(code, code), len(texts)) for code, texts in existing.items()),
                key=lambda item: item[1].casefold(),
            ),
            "rows": rows,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
