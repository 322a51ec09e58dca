# syntax=docker/dockerfile:1
# Visionportal production image: gunicorn serving visionportal.wsgi, static files through
# WhiteNoise. The same image runs the migrate job, the Celery worker and Celery beat
# (see docker-compose.yml). All configuration comes from environment variables at run time
# (README.md, "Configuration").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=visionportal.settings \
    WEB_CONCURRENCY=2

# Runtime libraries only: pango and a font for WeasyPrint's PDF reports. No compilers
# (every locked package ships a wheel), no gettext (compiled .mo files are committed).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 visionportal \
    && useradd --system --uid 10001 --gid visionportal --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin visionportal

WORKDIR /app

# The production lock only (no test or lint tools); every file is checked against its hash.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .

# Settings refuse to import without SECRET_KEY when DEBUG is off. This throwaway key exists
# only for this one build step and is not kept in the image's environment.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret \
    python manage.py collectstatic --no-input

# Generated files (decision packs) go to the one directory the app user may write; compose
# mounts a volume here, which takes this directory's owner when first created.
ENV MEDIA_ROOT=/var/lib/visionportal/media
RUN mkdir -p /var/lib/visionportal/media \
    && chown visionportal:visionportal /var/lib/visionportal/media

# The code and collected static files stay owned by root and read-only for the app user.
USER visionportal:visionportal

EXPOSE 8000

# No curl in the slim image; /healthz is answered before host validation.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as r; r.urlopen('http://127.0.0.1:8000/healthz', timeout=8)"]

# gunicorn reads its worker count from WEB_CONCURRENCY (default 2, set above); the config
# module sets --forwarded-allow-ips from TRUSTED_PROXY_COUNT (no proxy: trust no peer's
# X-Forwarded-Proto, not even loopback's).
CMD ["gunicorn", "visionportal.wsgi", "--config", "python:visionportal.gunicorn_config", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--error-logfile", "-"]
