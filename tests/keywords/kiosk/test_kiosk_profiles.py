"""A kiosk's end of play copies the player's profile (its device class) onto the votes,
as the game's profile submission does (keywords/sorting/vote_profiles.py)."""

import uuid

import pytest

from keywords.sorting import kiosk
from keywords.sorting.models import SortVote

pytestmark = pytest.mark.django_db


def test_the_end_of_a_kiosk_play_copies_its_device_class_onto_the_votes(device):
    first, second = kiosk.kiosk_decks_deal(device=device, count=2)
    votes = [kiosk.QueuedVote(play.token, play.deck[0], 1, None) for play in (first, second)]
    kiosk.kiosk_batch_receive(
        device=device, idempotency_key=uuid.uuid4(), votes=votes, finished=[first.token]
    )
    copied = dict(SortVote.objects.values_list("participant_id", "device_class"))
    assert copied == {first.pk: first.device_class, second.pk: ""}
    assert first.device_class
