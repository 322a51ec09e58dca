"""Kiosk uploads retried at the same time, on real PostgreSQL transactions (threads, each
with its own connection): a batch is stored once whatever the number of concurrent
retries, and the same votes in different batches are stored once too."""

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from keywords.sorting import kiosk
from keywords.sorting.models import SortingDevice, SortVote, SortVoteBatch
from tests.conftest import all_at_once

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")


def _upload(device, body):
    response = Client().post(
        reverse("keywords:kiosk_batch", args=[device.token]),
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_concurrent_retries_of_one_batch_store_it_once(device, settings):
    settings.SORTING_RATE_LIMITS = {"kiosk_batch_device": (1000, 60)}
    plays = kiosk.kiosk_decks_deal(device=device, count=2)
    body = {
        "key": str(uuid.uuid4()),
        "votes": [
            {"p": str(p.token), "i": item, "c": 1, "t": None} for p in plays for item in p.deck
        ],
        "finished": [str(p.token) for p in plays],
    }
    answers = all_at_once(lambda n: _upload(device, body), THREADS)
    first = [a for a in answers if not a["duplicate"]]
    assert first == [{"stored": 8, "rejected": 0, "duplicate": False}]
    assert [a["stored"] for a in answers if a["duplicate"]] == [0] * (THREADS - 1)
    assert SortVoteBatch.objects.filter(device=device).count() == 1
    assert SortVote.objects.filter(participant__in=plays).count() == 8
    assert SortingDevice.objects.get(pk=device.pk).votes == 8


def test_the_same_votes_in_concurrent_batches_are_counted_once(device, settings):
    settings.SORTING_RATE_LIMITS = {"kiosk_batch_device": (1000, 60)}
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    votes = [{"p": str(play.token), "i": item, "c": -1} for item in play.deck]
    answers = all_at_once(
        lambda n: _upload(device, {"key": str(uuid.uuid4()), "votes": votes}), THREADS
    )
    assert sum(a["stored"] for a in answers) == 4
    assert SortVote.objects.filter(participant=play).count() == 4
    assert SortVoteBatch.objects.filter(device=device).count() == THREADS
    assert SortingDevice.objects.get(pk=device.pk).votes == 4
