from django.urls import path

from .views import public

urlpatterns = [
    path("m/<slug:municipality_slug>/<slug:process_slug>/vision/", public.vision, name="vision"),
]
