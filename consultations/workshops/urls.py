"""Residents' workshop pages (included by consultations.urls: "consultations:workshops:")."""

from django.urls import path

from . import public_views as views

app_name = "workshops"

_series = "m/<slug:municipality_slug>/<slug:process_slug>/workshops/<int:pk>/"

urlpatterns = [
    path(_series, views.series, name="series"),
    path(f"{_series}<int:workshop_pk>/sign-up/", views.sign_up, name="sign_up"),
    path(f"{_series}<int:workshop_pk>/screen/", views.screen, name="screen"),
    path(
        f"{_series}photos/<int:photo_pk>/<str:digest>/",
        views.photo,
        name="photo",
    ),
    path("workshop-sign-ups/<str:token>/", views.confirmation, name="confirmation"),
    path("workshop-sign-ups/<str:token>/cancel/", views.cancel, name="cancel"),
    path("workshop-sign-ups/<str:token>/photo/", views.participant_photo, name="photo_add"),
]
