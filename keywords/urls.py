from django.urls import path

from . import views

app_name = "keywords"

_base = "<slug:municipality_slug>/consultations/<int:pk>/keywords/"

urlpatterns = [
    path(_base, views.keyword_list, name="list"),
    path(f"{_base}rebuild/", views.keyword_rebuild, name="rebuild"),
    path(f"{_base}runs/<int:run_pk>/", views.run_progress, name="run"),
]
