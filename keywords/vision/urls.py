from django.urls import path

from . import views

app_name = "vision"

_process = "<slug:municipality_slug>/processes/<int:pk>/"

urlpatterns = [
    path(f"{_process}vision/", views.proposal_edit, name="proposal"),
    path(f"{_process}vision/apart/", views.what_sets_us_apart, name="apart"),
    path(f"{_process}packs/", views.packs, name="packs"),
    path(f"{_process}packs/generate/", views.pack_generate, name="pack_generate"),
    path(f"{_process}packs/<int:number>/", views.pack_progress, name="pack"),
    path(f"{_process}packs/<int:number>/download/", views.pack_download, name="pack_download"),
]
