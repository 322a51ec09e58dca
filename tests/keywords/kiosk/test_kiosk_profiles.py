"""Kiosk votes carry their play's device class from the upload on, and the end of a
play copies the rest of the profile onto them, as the game's profile submission does
(keywords/sorting/vote_profiles.py), also for votes a later upload delivers."""

import uuid

import pytest

from keywords.sorting import kiosk
from keywords.sorting.models import SortParticipant, SortVote

pytestmark = pytest.mark.django_db


def test_kiosk_votes_carry_their_plays_device_class_whether_or_not_the_play_ended(device):
    first, second = kiosk.kiosk_decks_deal(device=device, count=2)
    votes = [kiosk.QueuedVote(play.token, play.deck[0], 1, None) for play in (first, second)]
    kiosk.kiosk_batch_receive(
        device=device, idempotency_key=uuid.uuid4(), votes=votes, finished=[first.token]
    )
    copied = dict(SortVote.objects.values_list("participant_id", "device_class"))
    assert copied == {first.pk: first.device_class, second.pk: second.device_class}
    assert first.device_class


def test_a_vote_uploaded_after_its_play_ended_gets_the_plays_profile(device):
    (play,) = kiosk.kiosk_decks_deal(device=device, count=1)
    kiosk.kiosk_batch_receive(
        device=device,
        idempotency_key=uuid.uuid4(),
        votes=[kiosk.QueuedVote(play.token, play.deck[0], 1, None)],
        finished=[play.token],
    )
    # The profile as a finished player's stands (staff-entered here: kiosks ask none).
    SortParticipant.objects.filter(pk=play.pk).update(age_band="65-79", area="Landsbygd")
    kiosk.kiosk_batch_receive(
        device=device,
        idempotency_key=uuid.uuid4(),
        votes=[kiosk.QueuedVote(play.token, play.deck[1], -1, None)],
    )
    late = SortVote.objects.get(participant=play, item_id=play.deck[1])
    assert (late.device_class, late.age_band, late.area) == (
        play.device_class,
        "65-79",
        "Landsbygd",
    )
