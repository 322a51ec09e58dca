from django.urls import path

from . import views_public as views

app_name = "budget"

_base = "m/<slug:municipality_slug>/<slug:process_slug>/budget/"

urlpatterns = [
    path(_base, views.budget_overview, name="overview"),
    path(f"{_base}proposals/", views.proposal_list, name="proposals"),
    path(f"{_base}proposals/new/", views.proposal_new, name="proposal_new"),
    path(f"{_base}proposals/send/", views.proposal_submit, name="proposal_submit"),
    path(f"{_base}proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path(f"{_base}proposals/<int:pk>/support/", views.proposal_support, name="support"),
    path(
        f"{_base}proposals/<int:pk>/images/<int:image_pk>/<slug:digest>/",
        views.proposal_image,
        name="image",
    ),
    path(
        f"{_base}proposals/<int:pk>/images/<int:image_pk>/<slug:digest>/small/",
        views.proposal_image,
        {"thumbnail": True},
        name="image_thumbnail",
    ),
    path(f"{_base}vote/", views.vote_start, name="vote"),
    path(f"{_base}vote/code/", views.vote_identify, name="vote_identify"),
    path(f"{_base}vote/e-id/", views.vote_eid, name="vote_eid"),
    # One fixed address per e-ID broker, registered at the broker as its redirect URI: the
    # budget and district travel in the sign-in's state.
    path("budget/e-id/<slug:provider_id>/callback/", views.eid_callback, name="eid_callback"),
    path(f"{_base}vote/ballot/", views.ballot, name="ballot"),
    path(f"{_base}vote/cast/", views.ballot_cast, name="ballot_cast"),
    path(f"{_base}vote/thanks/", views.voted, name="voted"),
    path(f"{_base}results/", views.results, name="results"),
    path(f"{_base}celebration/", views.celebration, name="celebration"),
    path(
        f"{_base}celebration/photos/<int:photo_pk>/<slug:digest>/",
        views.celebration_photo,
        name="celebration_photo",
    ),
    path(
        f"{_base}celebration/photos/<int:photo_pk>/<slug:digest>/small/",
        views.celebration_photo,
        {"thumbnail": True},
        name="celebration_photo_thumbnail",
    ),
]
