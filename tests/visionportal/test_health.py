import json

from django.urls import reverse

from visionportal import health


def test_healthz_is_ok_when_database_answers_and_tasks_run_eagerly(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, settings):
    from visionportal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = app.conf.broker_url
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert json.loads(response.content)["broker"] == "down"


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    monkeypatch.setattr(health, "database_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "down"


def test_healthz_refuses_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_answers_a_load_balancer_probing_by_ip_address(client, db, settings):
    settings.ALLOWED_HOSTS = ["visionportal.example"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    # Every other page still refuses an unknown host.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
