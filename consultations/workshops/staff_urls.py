"""Staff pages of workshops (included by consultations.staff_urls under /workspace/:
"consultations_staff:workshops:")."""

from django.urls import path

from . import staff_views as views

app_name = "workshops"

_series = "<slug:municipality_slug>/workshop-series/<int:pk>/"
_session = "<slug:municipality_slug>/workshops/<int:pk>/"

urlpatterns = [
    path(
        "<slug:municipality_slug>/processes/<int:process_pk>/workshops/",
        views.series_list,
        name="series_list",
    ),
    path(
        "<slug:municipality_slug>/processes/<int:process_pk>/workshops/new/",
        views.series_create,
        name="series_create",
    ),
    path(_series, views.series_detail, name="series"),
    path(f"{_series}edit/", views.series_edit, name="series_edit"),
    path(f"{_series}workshops/new/", views.workshop_create, name="workshop_create"),
    path(_session, views.workshop_detail, name="workshop"),
    path(f"{_session}edit/", views.workshop_edit, name="workshop_edit"),
    path(f"{_session}sign-ups/<int:sign_up_pk>/check-in/", views.check_in, name="check_in"),
    path(f"{_session}photos/", views.photo_upload, name="photo_upload"),
    path(f"{_session}photos/<int:photo_pk>/", views.photo, name="photo"),
    path(f"{_session}photos/<int:photo_pk>/remove/", views.photo_remove, name="photo_remove"),
    path(f"{_session}board/", views.board, name="board"),
    path(f"{_session}board/add/", views.board_add, name="board_add"),
    path(f"{_session}board/<int:item_pk>/edit/", views.board_edit, name="board_edit"),
    path(f"{_session}board/<int:item_pk>/remove/", views.board_remove, name="board_remove"),
    path(f"{_session}board/<int:item_pk>/mark/", views.board_mark, name="board_mark"),
    path(f"{_session}board/<int:item_pk>/propose/", views.board_propose, name="board_propose"),
    path(f"{_session}board/<int:item_pk>/dot/", views.board_dot, name="board_dot"),
    path(f"{_session}board.<str:fmt>", views.export, name="export"),
    path(f"{_session}board-pdf/", views.board_pdf_request, name="board_pdf_request"),
    path(f"{_session}board-pdf/<int:number>/", views.board_pdf, name="board_pdf"),
    path(
        f"{_session}board-pdf/<int:number>/download/",
        views.board_pdf_download,
        name="board_pdf_download",
    ),
    path(f"{_session}send-to-keywords/", views.send_to_keywords, name="send_to_keywords"),
]
