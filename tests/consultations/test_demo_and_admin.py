import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultations.models import Consultation, Question, Response
from tests.conftest import make_user


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


def test_demo_has_an_open_danish_consultation_in_ishoj_and_a_closed_one_in_norrkoping(demo):
    ishoj = Consultation.objects.get(process__municipality__slug="ishoj")
    norrkoping = Consultation.objects.get(process__municipality__slug="norrkoping")
    assert ishoj.is_open() and ishoj.language == "da"
    # Open by its dates and by Ishøj's phases: "Idéudvikling og fælles løsninger" runs.
    assert ishoj.status() == "open"
    assert "Ishøj" in ishoj.questions.first().text
    assert norrkoping.status() == "closed" and norrkoping.language == "sv"
    assert norrkoping.questions.first().text.startswith("Tänk dig Norrköping om 20 år:")


def test_demo_rerun_does_not_duplicate_consultations(demo):
    call_command("load_demo", stdout=io.StringIO())
    # Ishøj's, Norrköping's and the one Jevnaker's workshop board feeds (seed 002).
    assert Consultation.objects.count() == 3
    assert Question.objects.count() == 9


def test_demo_consultation_can_be_answered_end_to_end(demo, client):
    consultation = Consultation.objects.get(process__municipality__slug="ishoj")
    args = ["ishoj", "vision-2035", consultation.pk]
    page = client.get(reverse("consultations:form", args=args))
    assert page.status_code == 200
    key = page.context["form"]["idempotency_key"].value()
    first = consultation.questions.first()
    sent = client.post(
        reverse("consultations:submit", args=args),
        {"idempotency_key": key, f"question_{first.pk}": "Havnen og stranden"},
    )
    assert sent["Location"] == reverse("consultations:receipt", args=args)
    # The demo may come with responses of its own: find the one just sent.
    assert Response.objects.filter(answers__text="Havnen og stranden").count() == 1


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:consultations_consultation_changelist",
        "admin:consultations_consultation_change",
        "admin:consultations_question_changelist",
        "admin:consultations_response_changelist",
        "admin:consultations_answer_changelist",
    ],
)
def test_admin_pages_open_for_a_superuser(demo, client, url_name):
    root = make_user("root@example.test", mfa=True, is_staff=True, is_superuser=True)
    client.force_login(root)
    args = [Consultation.objects.first().pk] if url_name.endswith("_change") else []
    assert client.get(reverse(url_name, args=args)).status_code == 200
