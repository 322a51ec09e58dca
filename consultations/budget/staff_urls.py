"""Staff pages of participatory budgets, under /workspace/<municipality>/budgets/."""

from django.urls import path

from . import views_staff as views

app_name = "budget"

_base = "<slug:municipality_slug>/budgets/<int:pk>/"

urlpatterns = [
    path(
        "<slug:municipality_slug>/processes/<int:process_pk>/budget/new/",
        views.budget_create,
        name="create",
    ),
    path(_base, views.budget_detail, name="budget"),
    path(f"{_base}proposals/<int:proposal_pk>/hide/", views.proposal_hide, name="hide"),
    path(f"{_base}proposals/<int:proposal_pk>/unhide/", views.proposal_unhide, name="unhide"),
    path(f"{_base}proposals/<int:proposal_pk>/assess/", views.proposal_assess, name="assess"),
    path(
        f"{_base}proposals/<int:proposal_pk>/images/<int:image_pk>/",
        views.proposal_image,
        name="image",
    ),
    path(f"{_base}codes/", views.voting_codes, name="codes"),
    path(
        f"{_base}districts/<int:district_pk>/paper-ballot/",
        views.paper_ballot,
        name="paper_ballot",
    ),
    path(f"{_base}results/compute/", views.results_compute, name="results_compute"),
    path(
        f"{_base}results/<int:proposal_pk>/propose/",
        views.project_propose,
        name="project_propose",
    ),
    path(f"{_base}after/", views.after, name="after"),
    path(
        f"{_base}after/projects/<int:proposal_pk>/",
        views.progress_set,
        name="progress",
    ),
    path(f"{_base}after/evaluation/", views.evaluation_set, name="evaluation"),
    path(f"{_base}celebration/", views.celebration_edit, name="celebration"),
    path(
        f"{_base}celebration/photos/<int:photo_pk>/",
        views.celebration_photo,
        name="celebration_photo",
    ),
]
