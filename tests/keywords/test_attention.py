"""The workspace home's "needs attention" panel (keywords.attention): exact counts, a
bounded number of queries, and only for editors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import Response
from keywords.attention import attention_for
from keywords.councillors import services

from .factories import keyword, respond

pytestmark = pytest.mark.django_db


def test_open_consultations_rounds_to_close_and_lists_to_publish_are_counted(
    consultation, norrkoping, staff
):
    for _ in range(3):
        respond(consultation, keep="Parker")
    old = respond(consultation, keep="Bussar")
    Response.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    keyword(consultation, "Parker")
    first = services.round_open(consultation=consultation, by=staff, title="Runda 1")
    attention = attention_for(norrkoping)
    (open_one,) = attention.consultations
    assert (open_one.pk, open_one.answers_total, open_one.answers_recent) == (
        consultation.pk,
        4,
        3,
    )
    assert [r.pk for r in attention.rounds_to_close] == [first.pk]
    assert attention.lists_to_publish == []

    services.round_close(round=first, by=staff)
    attention = attention_for(norrkoping)
    assert attention.rounds_to_close == []
    assert [r.pk for r in attention.lists_to_publish] == [first.pk]

    services.keyword_list_publish(consultation=consultation, by=staff)
    assert attention_for(norrkoping).lists_to_publish == []


def test_a_round_past_its_last_day_is_marked_overdue(consultation, norrkoping, staff):
    keyword(consultation, "Parker")
    round = services.round_open(consultation=consultation, by=staff, title="Runda 1")
    round.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    round.save(update_fields=["closes_on"])
    (listed,) = attention_for(norrkoping).rounds_to_close
    assert listed.overdue


def test_the_panel_costs_three_queries_however_many_consultations(
    process, consultation, norrkoping, ishoj
):
    from tests.consultations.factories import open_consultation

    for _ in range(3):
        open_consultation(process)
    with CaptureQueriesContext(connection) as queries:
        attention = attention_for(norrkoping)
    assert len(attention.consultations) == 4
    assert len(queries) == 3
    assert attention_for(ishoj).is_empty


def test_editors_see_the_panel_on_the_workspace_home_and_councillors_do_not(
    client, consultation, staff, councillor
):
    respond(consultation, keep="Parker")
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    page = client.get(reverse("workspace:home")).text
    assert "Needs attention in Norrköping" in page
    assert "1 response ·" in page and "1 new this week to read" in page
    assert reverse("consultations_staff:responses", args=["norrkoping", consultation.pk]) in page
    client.force_login(councillor)
    assert "Needs attention" not in client.get(reverse("workspace:home")).text
