from django.urls import path

from .views import public as views

app_name = "consultations"

_base = "m/<slug:municipality_slug>/<slug:process_slug>/consult/<int:pk>/"

urlpatterns = [
    path(_base, views.consultation_form, name="form"),
    path(f"{_base}send/", views.response_submit, name="submit"),
    path(f"{_base}thanks/", views.receipt, name="receipt"),
]
