"""The receipt (a reference, the answers shown once, what comes next) and the optional
"tell me when the results are out" e-mail, kept apart from the answers (issue 14)."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations import notifications
from consultations.models import ResultsSubscription
from consultations.views.public import reference_of
from visionportal.models import Phase

from .factories import open_consultation


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _args(consultation):
    return ["norrkoping", "vision-2035", consultation.pk]


def _send(client, consultation, text="Parkerna <script>x</script>"):
    question = consultation.questions.first()
    key = uuid.uuid4()
    sent = client.post(
        reverse("consultations:submit", args=_args(consultation)),
        {"idempotency_key": str(key), f"question_{question.pk}": text},
    )
    assert sent.status_code == 302
    return key


def test_the_receipt_gives_a_reference_and_the_answers_once(client, consultation):
    key = _send(client, consultation)
    receipt_url = reverse("consultations:receipt", args=_args(consultation))
    first = client.get(receipt_url)
    code = key.hex[:8].upper()
    assert f"<strong>{code[:4]}-{code[4:]}</strong>" in first.text
    assert "Parkerna &lt;script&gt;x&lt;/script&gt;" in first.text
    assert "no-store" in first["Cache-Control"]
    # A reload (or the next person at a library computer) sees no answers.
    second = client.get(receipt_url)
    assert second.status_code == 200
    assert "Parkerna" not in second.text
    assert "Your reference" not in second.text


def test_a_forged_receipt_cookie_shows_nothing(client, consultation):
    _send(client, consultation)
    client.cookies["vp_receipt"] = "1"
    assert (
        "Parkerna"
        not in client.get(reverse("consultations:receipt", args=_args(consultation))).text
    )


def test_the_reference_is_the_keys_start_not_the_row_id():
    class Stored:
        idempotency_key = uuid.UUID("7f3a21c9-0000-4000-8000-000000000000")

    assert reference_of(Stored()) == "7F3A-21C9"


def test_the_receipt_lists_only_phases_still_to_come(client, consultation, process):
    today = timezone.localdate()
    running = process.phases.get(starts_on__lte=today, ends_on__gte=today)
    Phase.objects.create(
        process=process,
        kind="sorting",
        name="Residents sort",
        starts_on=today + datetime.timedelta(days=40),
        ends_on=today + datetime.timedelta(days=60),
    )
    html = client.get(reverse("consultations:receipt", args=_args(consultation))).text
    upcoming = html[html.index("Phases still to come") : html.index("Tell me when")]
    assert "Residents sort" in upcoming
    # The phase the resident is answering in is not "still to come".
    assert running.name not in upcoming


def test_subscribing_is_apart_from_the_answers_and_deletable_by_its_link(client, consultation):
    url = reverse("consultations:results_notice_subscribe", args=_args(consultation))
    done = client.post(url, {"email": "Resident@Example.com"})
    assert done.status_code == 302
    subscription = ResultsSubscription.objects.get()
    assert (subscription.email, subscription.language) == ("resident@example.com", "en")
    assert subscription.site_url == "http://testserver/"
    page = client.get(done["Location"])
    assert "resident@example.com" in page.text
    # Twice is once.
    client.post(url, {"email": "resident@example.com"})
    assert ResultsSubscription.objects.count() == 1
    # A tampered link finds nothing; the real one deletes.
    token = done["Location"].rstrip("/").rsplit("/", 1)[1]
    tampered = reverse("consultations:results_notice", args=[token[:-2] + "xx"])
    assert client.get(tampered).status_code == 404
    deleted = client.post(reverse("consultations:results_notice_delete", args=[token]))
    assert deleted.status_code == 200
    assert "Your e-mail address is deleted" in deleted.text
    assert not ResultsSubscription.objects.exists()
    assert client.get(done["Location"]).status_code == 404


@pytest.mark.parametrize("email", ["", "not-an-address", "a@" + "b" * 260 + ".se"])
def test_a_bad_address_gets_a_clear_error_and_stores_nothing(client, consultation, email):
    response = client.post(
        reverse("consultations:results_notice_subscribe", args=_args(consultation)),
        {"email": email},
    )
    assert response.status_code == 400
    assert "<title>Error:" in response.text
    assert 'aria-invalid="true"' in response.text
    assert not ResultsSubscription.objects.exists()


def test_the_delete_link_only_deletes_by_post(client, consultation):
    subscription = notifications.results_subscription_create(
        consultation=consultation, email="a@example.com", language="sv", site_url="https://x.se/"
    )
    token = notifications.deletion_token(subscription)
    assert (
        client.get(reverse("consultations:results_notice_delete", args=[token])).status_code == 405
    )
    assert ResultsSubscription.objects.exists()


def test_notifying_sends_one_email_in_the_residents_language_then_forgets_the_address(
    consultation,
):
    for email, language in [("a@example.com", "sv"), ("b@example.com", "en")]:
        notifications.results_subscription_create(
            consultation=consultation,
            email=email,
            language=language,
            site_url="https://vision.example.se/",
        )
    assert notifications.results_subscribers_notify(consultation_id=consultation.pk) == 2
    assert not ResultsSubscription.objects.exists()
    by_address = {m.to[0]: m for m in mail.outbox}
    results = (
        f"https://vision.example.se/m/norrkoping/vision-2035/consult/{consultation.pk}/results/"
    )
    assert results in by_address["a@example.com"].body
    assert by_address["a@example.com"].subject.startswith("Resultatet är publicerat")
    assert by_address["b@example.com"].subject.startswith("The results are out")
    # Idempotent: a second run (a retried task) sends nothing.
    assert notifications.results_subscribers_notify(consultation_id=consultation.pk) == 0
    assert len(mail.outbox) == 2


def test_publishing_a_keyword_list_sends_the_results_emails(
    consultation, staff, django_capture_on_commit_callbacks, settings
):
    from keywords.councillors.services import keyword_list_publish
    from tests.keywords.factories import keyword

    settings.CELERY_TASK_ALWAYS_EAGER = True
    keyword(consultation, "Parker", status="kept")
    notifications.results_subscription_create(
        consultation=consultation, email="a@example.com", language="en", site_url="http://t/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        keyword_list_publish(consultation=consultation, by=staff)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert re.search(r"/consult/\d+/results/", mail.outbox[0].body)
    assert not ResultsSubscription.objects.exists()


def test_once_results_are_out_the_receipt_links_them_instead_of_offering_an_email(
    client, consultation, staff
):
    from keywords.councillors.services import keyword_list_publish
    from tests.keywords.factories import keyword

    keyword(consultation, "Parker", status="kept")
    keyword_list_publish(consultation=consultation, by=staff)
    html = client.get(reverse("consultations:receipt", args=_args(consultation))).text
    assert "Tell me when the results are out" not in html
    assert f'{reverse("results:consultation", args=_args(consultation))}">See the results' in html
