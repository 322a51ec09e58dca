"""The product's settings, for the submit benchmark only: static files are served without the
manifest (the benchmark does not run collectstatic into the repository), and the URLs add
the benchmark's reference view (bench_urls.py)."""

from visionportal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

ROOT_URLCONF = "bench_urls"
