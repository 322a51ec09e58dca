"""Staff pages of consultations, under /workspace/<municipality>/consultations/."""

from django.urls import include, path

from .views import exports, representation, staff

app_name = "consultations_staff"

_base = "<slug:municipality_slug>/consultations/<int:pk>/"

urlpatterns = [
    # Future workshops (consultations/workshops/).
    path("", include("consultations.workshops.staff_urls")),
    path(
        "<slug:municipality_slug>/processes/<int:process_pk>/consultations/new/",
        staff.consultation_create,
        name="create",
    ),
    path(f"{_base}settings/", staff.consultation_edit, name="edit"),
    path(f"{_base}translations/", staff.question_translations, name="translations"),
    path(f"{_base}responses/", staff.responses, name="responses"),
    path(f"{_base}responses/new/", staff.response_create, name="response_create"),
    path(
        f"{_base}answers/<int:answer_pk>/hide/",
        staff.answer_hide,
        name="answer_hide",
    ),
    path(
        f"{_base}answers/<int:answer_pk>/unhide/",
        staff.answer_unhide,
        name="answer_unhide",
    ),
    path(f"{_base}representation/", representation.representation, name="representation"),
    path(f"{_base}export.<str:fmt>", exports.export, name="export"),
    path(f"{_base}exports/<str:fmt>/start/", exports.export_job_start, name="export_job_start"),
    path(f"{_base}exports/<int:job_pk>/", exports.export_job, name="export_job"),
    path(
        f"{_base}exports/<int:job_pk>/download/",
        exports.export_job_download,
        name="export_job_download",
    ),
    path(f"{_base}import/", staff.import_upload, name="import"),
    path(f"{_base}import/confirm/", staff.import_confirm, name="import_confirm"),
    path("", include("consultations.budget.staff_urls")),
]
