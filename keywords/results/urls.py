from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path(
        "m/<slug:municipality_slug>/<slug:process_slug>/consult/<int:pk>/results/",
        views.consultation_results,
        name="consultation",
    ),
]
