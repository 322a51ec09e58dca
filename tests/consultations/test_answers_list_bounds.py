"""The staff answers list at scale: a search's count is bounded, the list is paged only as
deep as is cheap, and each says what to do to reach the rest; the queries do not grow."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Answer, Response
from consultations.views import staff as staff_views

from .factories import open_consultation
from .staff_helpers import staff_url, submit


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def consultation(process):
    return open_consultation(process)


def _bulk(consultation, count, text, channel="online"):
    """`count` responses, one second apart, each with `text` as every answer."""
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            submitted_at=now - datetime.timedelta(seconds=index),
            channel=channel,
        )
        for index in range(count)
    )
    questions = list(consultation.questions.all())
    Answer.objects.bulk_create(
        Answer(response=r, question=q, text=text) for r in responses for q in questions
    )


def _get(client, user, consultation, **params):
    client.force_login(user)
    return client.get(staff_url("responses", consultation), params)


def _queries(client, consultation, **params):
    url = staff_url("responses", consultation)
    client.get(url, params)  # session and MFA lookups warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "parken"}, {"q": "parken", "channel": "interview"}])
def test_list_queries_are_the_same_for_10_and_1000_responses(client, staff, process, params):
    small, large = open_consultation(process), open_consultation(process)
    _bulk(small, 10, "Parken vid ån", channel="interview")
    _bulk(large, 1000, "Parken vid ån", channel="interview")
    client.force_login(staff)
    assert _queries(client, small, **params) == _queries(client, large, **params)


def test_a_search_counts_exactly_up_to_the_bound(client, moderator, consultation, monkeypatch):
    monkeypatch.setattr(staff_views, "SEARCH_REACHABLE", 3)
    _bulk(consultation, 3, "Parken")
    page = _get(client, moderator, consultation, q="parken")
    assert "3 responses have an answer containing" in page.text
    assert "More than" not in page.text and "Only the first" not in page.text


def test_a_search_past_the_bound_says_more_than_and_how_to_narrow_it(
    client, moderator, consultation, monkeypatch
):
    monkeypatch.setattr(staff_views, "SEARCH_REACHABLE", 3)
    _bulk(consultation, 4, "Parken")
    page = _get(client, moderator, consultation, q="parken")
    assert "More than 3 responses have an answer containing" in page.text
    assert "Only the first 3 responses can be paged through here." in page.text
    assert "Narrow the search or choose a channel" in page.text


def test_more_than_one_uses_the_singular(client, moderator, consultation, monkeypatch):
    monkeypatch.setattr(staff_views, "SEARCH_REACHABLE", 1)
    _bulk(consultation, 2, "Parken")
    page = _get(client, moderator, consultation, q="parken")
    assert "More than 1 response has an answer containing" in page.text


def test_the_list_counts_every_response_but_pages_only_as_deep_as_reachable(
    client, staff, consultation, monkeypatch
):
    monkeypatch.setattr(staff_views, "LIST_REACHABLE", 4)
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    _bulk(consultation, 7, "Svar")
    page = _get(client, staff, consultation)
    assert "7 responses" in page.text
    assert "Page 1 of 2" in page.text
    assert "Only the first 4 responses can be paged through here." in page.text
    # A page past the reachable ones shows the last reachable page, still saying why.
    deep = _get(client, staff, consultation, page="3")
    assert deep.status_code == 200
    assert "Page 2 of 2" in deep.text and "Only the first 4" in deep.text


def test_paging_a_bounded_search_keeps_the_search_and_the_channel(
    client, staff, consultation, monkeypatch
):
    monkeypatch.setattr(staff_views, "SEARCH_REACHABLE", 4)
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    _bulk(consultation, 6, "Parken", channel="interview")
    _bulk(consultation, 3, "Parken", channel="online")
    page = _get(client, staff, consultation, q="parken", channel="interview")
    assert "More than 4 responses have an answer containing" in page.text
    assert "q=parken&amp;channel=interview&amp;page=2" in page.text
    page2 = _get(client, staff, consultation, q="parken", channel="interview", page="2")
    assert "Page 2 of 2" in page2.text
    assert 'value="parken"' in page2.text and '<option value="interview" selected>' in page2.text


def test_a_list_within_the_bounds_says_nothing_about_them(client, staff, consultation):
    submit(consultation, "Parken")
    page = _get(client, staff, consultation)
    assert "1 response" in page.text and "Only the first" not in page.text


def test_a_bounded_count_stays_exact_when_responses_match_in_more_than_three_answers(
    client, moderator, consultation, monkeypatch
):
    # The bounded count reads at most (bound + 1) x 3 matching answers; with five questions
    # all matching, those answers run out before the responses do and are counted again.
    monkeypatch.setattr(staff_views, "SEARCH_REACHABLE", 4)
    for position in (4, 5):
        consultation.questions.create(kind="custom", text=f"Fråga {position}", position=position)
    _bulk(consultation, 4, "Parken")
    page = _get(client, moderator, consultation, q="parken")
    assert "4 responses have an answer containing" in page.text
    assert "More than" not in page.text
