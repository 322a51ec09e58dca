from django.urls import include, path

from .views import drafts as draft_views
from .views import public as views

app_name = "consultations"

_base = "m/<slug:municipality_slug>/<slug:process_slug>/consult/<int:pk>/"

urlpatterns = [
    # Future workshops (consultations/workshops/), with their own prefixes.
    path("", include("consultations.workshops.urls")),
    path(_base, views.consultation_form, name="form"),
    path(f"{_base}send/", views.response_submit, name="submit"),
    path(f"{_base}thanks/", views.receipt, name="receipt"),
    path(f"{_base}notify/", views.results_notice_subscribe, name="results_notice_subscribe"),
    path("results-notice/<str:token>/", views.results_notice, name="results_notice"),
    path(
        "results-notice/<str:token>/delete/",
        views.results_notice_delete,
        name="results_notice_delete",
    ),
    # Under the form's path, so the draft cookie (scoped to it) travels with these.
    path(f"{_base}draft/", draft_views.draft_save, name="draft_save"),
    path(f"{_base}draft/discard/", draft_views.draft_discard, name="draft_discard"),
    # The participatory budget, under the process's own budget/ prefix.
    path("", include("consultations.budget.urls")),
]
