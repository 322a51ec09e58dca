"""Staff pages of future workshops: series, sessions, sign-ups and check-in, photo prompts,
the live board, outputs. Members of the municipality read; editors (staff, admins) change
(visionportal.access: another municipality's objects are 404, another role 403). Every
change is a POST that redirects (Post/Redirect/Get), or with htmx returns the board."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from visionportal import files
from visionportal.access import ALL_ROLES, EDITOR_ROLES, member_required
from visionportal.models import PackStatus
from visionportal.services import StaleVersion

from . import access, outputs, selectors, services
from .forms import (
    BoardAddForm,
    BoardEditForm,
    BoardMarkForm,
    BoardPdfForm,
    BoardRemoveForm,
    DotForm,
    PhotoForm,
    SeriesForm,
    WorkshopForm,
    new_key,
)
from .models import BoardKind, PhotoKind

SIGN_UP_PAGE_SIZE = 50
BOARD_DOCUMENTS_SHOWN = 5


# --- Series ------------------------------------------------------------------------------


def _series_list(request, process, form, status=200):
    return render(
        request,
        "consultations/workshops/staff/series_list.html",
        {"process": process, "series_list": selectors.series_of(process), "form": form},
        status=status,
    )


@require_GET
@member_required(ALL_ROLES)
def series_list(request, process_pk):
    process = access.process_of_member(request, process_pk)
    return _series_list(request, process, SeriesForm(process=process))


@require_POST
@member_required(EDITOR_ROLES)
def series_create(request, process_pk):
    process = access.process_of_member(request, process_pk)
    form = SeriesForm(request.POST, process=process)
    if form.is_valid():
        try:
            series = services.series_create(process=process, **form.model_fields())
        except services.WorkshopError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The workshop series is created. Add its evenings."))
            return redirect(
                "consultations_staff:workshops:series", request.municipality.slug, series.pk
            )
    return _series_list(request, process, form, status=400)


def _series_page(request, series, *, form=None, workshop_form=None, status=200):
    return render(
        request,
        "consultations/workshops/staff/series.html",
        {
            "series": series,
            "process": series.process,
            "workshops": selectors.workshops_of(series),
            "form": form or SeriesForm(instance=series, process=series.process),
            "workshop_form": workshop_form or WorkshopForm(),
        },
        status=status,
    )


@require_GET
@member_required(ALL_ROLES)
def series_detail(request, pk):
    return _series_page(request, access.series_for_member(request, pk))


@require_POST
@member_required(EDITOR_ROLES)
def series_edit(request, pk):
    series = access.series_for_member(request, pk)
    form = SeriesForm(request.POST, instance=series, process=series.process)
    if form.is_valid():
        try:
            services.series_update(
                series=series,
                expected_version=form.cleaned_data["version"],
                **form.model_fields(),
            )
        except (services.WorkshopError, StaleVersion) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The series is saved."))
            return redirect("consultations_staff:workshops:series", request.municipality.slug, pk)
    series.refresh_from_db()
    return _series_page(request, series, form=form, status=400)


@require_POST
@member_required(EDITOR_ROLES)
def workshop_create(request, pk):
    series = access.series_for_member(request, pk)
    form = WorkshopForm(request.POST)
    if form.is_valid():
        workshop = services.workshop_create(series=series, **form.model_fields())
        messages.success(request, _("The workshop is added."))
        return redirect(
            "consultations_staff:workshops:workshop", request.municipality.slug, workshop.pk
        )
    return _series_page(request, series, workshop_form=form, status=400)


# --- A session: sign-ups, check-in, photos -----------------------------------------------


def _workshop_page(request, workshop, *, form=None, photo_form=None, pdf_form=None, status=200):
    page = Paginator(selectors.sign_ups_of(workshop), SIGN_UP_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/workshops/staff/workshop.html",
        {
            "workshop": workshop,
            "series": workshop.series,
            "process": workshop.series.process,
            "page": page,
            "form": form or WorkshopForm(instance=workshop),
            "photo_form": photo_form or PhotoForm(),
            "photos": selectors.photos_of(workshop)[:60],
            "pdf_form": pdf_form or BoardPdfForm(initial={"language": translation.get_language()}),
            "documents": selectors.board_documents_of(workshop)[:BOARD_DOCUMENTS_SHOWN],
        },
        status=status,
    )


@require_GET
@member_required(ALL_ROLES)
def workshop_detail(request, pk):
    return _workshop_page(request, access.workshop_for_member(request, pk))


def _back(request, workshop, name="workshop"):
    return redirect(f"consultations_staff:workshops:{name}", request.municipality.slug, workshop.pk)


@require_POST
@member_required(EDITOR_ROLES)
def workshop_edit(request, pk):
    workshop = access.workshop_for_member(request, pk)
    form = WorkshopForm(request.POST, instance=workshop)
    if form.is_valid():
        try:
            services.workshop_update(
                workshop=workshop,
                expected_version=form.cleaned_data["version"],
                **form.model_fields(),
            )
        except (services.WorkshopError, StaleVersion) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The workshop is saved."))
            return _back(request, workshop)
    workshop.refresh_from_db()
    return _workshop_page(request, workshop, form=form, status=400)


@require_POST
@member_required(EDITOR_ROLES)
def check_in(request, pk, sign_up_pk):
    workshop = access.workshop_for_member(request, pk)
    sign_up = access.sign_up_for_member(request, workshop, sign_up_pk)
    try:
        services.sign_up_check_in(sign_up=sign_up, attended=request.POST.get("attended") == "1")
    except services.WorkshopError as error:
        messages.error(request, error.message)
    page = request.POST.get("page", "")
    response = _back(request, workshop)
    if page.isdigit():
        response["Location"] += f"?page={page}"
    return response


@require_POST
@member_required(EDITOR_ROLES)
def photo_upload(request, pk):
    workshop = access.workshop_for_member(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            if upload.size > services.PHOTO_MAX_BYTES:
                raise services.WorkshopError(services.PHOTO_ERRORS["too_large"])
            services.photo_add(
                workshop=workshop,
                data=upload.read(),
                alt=form.cleaned_data["alt"],
                kind=PhotoKind.PROMPT,
                by=request.user,
            )
        except services.WorkshopError as error:
            form.add_error("image", error.message)
        else:
            messages.success(request, _("The photo is added to the presenter screen."))
            return _back(request, workshop)
    return _workshop_page(request, workshop, photo_form=form, status=400)


@require_POST
@member_required(EDITOR_ROLES)
def photo_remove(request, pk, photo_pk):
    workshop = access.workshop_for_member(request, pk)
    services.photo_remove(photo=access.photo_for_member(request, workshop, photo_pk))
    messages.success(request, _("The photo is removed."))
    return _back(request, workshop)


@require_GET
@member_required(ALL_ROLES)
def photo(request, pk, photo_pk):
    """A photo for members, also while the process is not published."""
    workshop = access.workshop_for_member(request, pk)
    item = access.photo_for_member(request, workshop, photo_pk)
    return files.protected_download(
        name=item.file,
        filename=f"photo-{item.pk}.{item.file.rsplit('.', 1)[-1]}",
        content_type=item.content_type,
        inline=True,
    )


# --- The live board ----------------------------------------------------------------------


def _board(request, workshop, *, error="", status=200):
    board = selectors.board_of(workshop)
    context = {
        "workshop": workshop,
        "series": workshop.series,
        "process": workshop.series.process,
        "board": board,
        "error": error,
        # One fresh key per form on the page: a form sent twice is applied once.
        "new_key": new_key,
        "kinds": BoardKind,
        "proposed": selectors.proposed_solution_ids(workshop, board),
    }
    template = "consultations/workshops/staff/board.html"
    if request.htmx:
        template += "#board"
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Vary"] = "HX-Request"
    return response


@require_GET
@member_required(ALL_ROLES)
def board(request, pk):
    workshop = access.workshop_for_member(request, pk)
    since = request.GET.get("since", "")
    if request.htmx and since.isdigit():
        # The poll: only a note that colleagues changed the board, never the board itself,
        # so nothing a staff member is typing is replaced under their fingers.
        response = render(
            request,
            "consultations/workshops/staff/board.html#news",
            {"workshop": workshop, "news": selectors.changes_since(workshop, int(since))},
        )
        response["Cache-Control"] = "no-store"
        response["Vary"] = "HX-Request"
        return response
    return _board(request, workshop)


def _board_change(request, pk, form_class, apply):
    """Parse the POST, apply the change, and answer with the board (htmx) or a redirect
    to it. A refusal shows the board with the reason; nothing typed is lost for the
    fallback because the board states the refusal and keeps all stored cards."""
    workshop = access.workshop_for_member(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _board(request, workshop, error=error, status=400)
    try:
        apply(workshop, form.cleaned_data)
    except (services.WorkshopError, StaleVersion) as error:
        message = getattr(error, "message", None) or str(error)
        return _board(request, workshop, error=message, status=409)
    if request.htmx:
        return _board(request, workshop)
    return _back(request, workshop, "board")


@require_POST
@member_required(EDITOR_ROLES)
def board_add(request, pk):
    return _board_change(
        request,
        pk,
        BoardAddForm,
        lambda workshop, data: services.board_add(
            workshop=workshop,
            idempotency_key=data["key"],
            kind=data["kind"],
            text=data["text"],
            parent_pk=data["parent"],
            table=data["table"],
            by=request.user,
        ),
    )


@require_POST
@member_required(EDITOR_ROLES)
def board_edit(request, pk, item_pk):
    return _board_change(
        request,
        pk,
        BoardEditForm,
        lambda workshop, data: services.board_edit(
            workshop=workshop,
            idempotency_key=data["key"],
            item_pk=item_pk,
            expected_version=data["version"],
            text=data["text"],
            by=request.user,
        ),
    )


@require_POST
@member_required(EDITOR_ROLES)
def board_remove(request, pk, item_pk):
    return _board_change(
        request,
        pk,
        BoardRemoveForm,
        lambda workshop, data: services.board_remove(
            workshop=workshop,
            idempotency_key=data["key"],
            item_pk=item_pk,
            expected_version=data["version"],
            by=request.user,
        ),
    )


@require_POST
@member_required(EDITOR_ROLES)
def board_mark(request, pk, item_pk):
    return _board_change(
        request,
        pk,
        BoardMarkForm,
        lambda workshop, data: services.board_mark(
            workshop=workshop,
            idempotency_key=data["key"],
            item_pk=item_pk,
            marked=data["marked"],
            by=request.user,
        ),
    )


@require_POST
@member_required(EDITOR_ROLES)
def board_propose(request, pk, item_pk):
    """Propose a solution as an initiative for the follow-up (indicators' initiatives page
    accepts or declines it). Idempotent: the proposal is once per card."""
    workshop = access.workshop_for_member(request, pk)
    board_url = reverse(
        "consultations_staff:workshops:board", args=[request.municipality.slug, workshop.pk]
    )
    try:
        services.solution_propose(
            workshop=workshop,
            item_pk=item_pk,
            by=request.user,
            source_url=f"{board_url}#card-{item_pk}",
        )
    except services.WorkshopError as error:
        return _board(request, workshop, error=error.message, status=409)
    if request.htmx:
        return _board(request, workshop)
    messages.success(request, _("The solution is proposed as an initiative for the follow-up."))
    return _back(request, workshop, "board")


@require_POST
@member_required(EDITOR_ROLES)
def board_dot(request, pk, item_pk):
    def apply(workshop, data):
        action = services.dot_take_back if data["take_back"] else services.dot_give
        return action(
            workshop=workshop,
            idempotency_key=data["key"],
            item_pk=item_pk,
            voter=data["voter"],
            by=request.user,
        )

    return _board_change(request, pk, DotForm, apply)


# --- Outputs -----------------------------------------------------------------------------


@require_GET
@member_required(ALL_ROLES)
def export(request, pk, fmt):
    """The board as XLSX, written within the request (the board is bounded). The PDF is
    generated in Celery: board_pdf_request."""
    workshop = access.workshop_for_member(request, pk)
    if fmt != "xlsx":
        return HttpResponse(status=404)
    response = HttpResponse(
        outputs.board_xlsx(workshop),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.pk}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@member_required(ALL_ROLES)
def board_pdf_request(request, pk):
    """Queue a numbered board PDF (every member may: it is the board they can read), then
    show its progress."""
    workshop = access.workshop_for_member(request, pk)
    form = BoardPdfForm(request.POST)
    if not form.is_valid():
        return _workshop_page(request, workshop, pdf_form=form, status=400)
    document, _created = outputs.board_pdf_request(
        workshop=workshop, by=request.user, language=form.cleaned_data["language"]
    )
    return redirect(
        "consultations_staff:workshops:board_pdf",
        request.municipality.slug,
        workshop.pk,
        document.number,
    )


@require_GET
@vary_on_headers("HX-Request")
@member_required(ALL_ROLES)
def board_pdf(request, pk, number):
    """The PDF's progress (polled by htmx), then its download link."""
    workshop = access.workshop_for_member(request, pk)
    document = access.board_document_for_member(workshop, number)
    template = "consultations/workshops/staff/board_pdf.html"
    if request.htmx:
        template += "#progress"
    response = render(
        request,
        template,
        {
            "workshop": workshop,
            "series": workshop.series,
            "process": workshop.series.process,
            "document": document,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@member_required(ALL_ROLES)
def board_pdf_download(request, pk, number):
    """The PDF, for members of the municipality only (never at a media URL)."""
    workshop = access.workshop_for_member(request, pk)
    document = access.board_document_for_member(workshop, number)
    if document.status != PackStatus.DONE:
        raise Http404
    return files.protected_download(
        name=document.file_name,
        filename=f"workshop-{workshop.pk}-board-{document.number}.pdf",
        content_type="application/pdf",
    )


@require_POST
@member_required(EDITOR_ROLES)
def send_to_keywords(request, pk):
    workshop = access.workshop_for_member(request, pk)
    try:
        count = services.board_to_answers(workshop=workshop, by=request.user)
    except services.WorkshopError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)d cards are answers of the consultation now; keywords follow.")
            % {"count": count},
        )
    return _back(request, workshop)
