"""The product's settings, for the submit benchmark only: static files are served without the
manifest (the benchmark does not run collectstatic into the repository)."""

from visionportal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
