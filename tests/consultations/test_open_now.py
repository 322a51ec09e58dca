"""The way in (issue 14): the home and municipality pages show what is open now."""

import datetime

from django.urls import reverse
from django.utils import timezone

from consultations.selectors import open_now

from .factories import closed_consultation, open_consultation


def test_home_and_municipality_pages_show_open_consultations_with_an_action(client, process):
    consultation = open_consultation(process)
    closed_consultation(process)
    client.cookies["django_language"] = "en"
    form_url = reverse("consultations:form", args=["norrkoping", "vision-2035", consultation.pk])
    for url in [reverse("public:home"), reverse("public:municipality", args=["norrkoping"])]:
        html = client.get(url).text
        assert "Open now: have your say" in html
        assert f'<a class="button button--start" href="{form_url}">Answer now' in html
        closes = timezone.localtime(consultation.closes_at).strftime("%-d %B %Y")
        assert f"Open until <strong>{closes}</strong>" in html
        assert html.count("button--start") == 1  # the closed one is not offered


def test_nothing_open_says_so(client, process):
    closed_consultation(process)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("public:home")).text
    assert "Nothing is open for answers right now." in html


def test_open_now_is_bounded_and_closing_soonest_first(process, draft_process):
    consultations = [open_consultation(process) for _ in range(8)]
    for days, consultation in enumerate(consultations):
        consultation.closes_at = timezone.now() + datetime.timedelta(days=30 - days)
        consultation.save()
    open_consultation(draft_process)  # not published: never offered
    found = open_now()
    assert [c.pk for c in found] == [c.pk for c in reversed(consultations)][:6]
