"""The sorting game's invariants hold in the database, whatever code writes the rows."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from keywords.sorting.models import (
    DevicePlaceKind,
    SortChannel,
    SortGroupCount,
    SortGroupSession,
    SortingDevice,
    SortParticipant,
    SortVote,
    SortVoteBatch,
)
from tests.keywords.sorting_factories import bare_round, published_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(process):
    return bare_round(published_list(process, ["trygghet", "kollektivtrafik", "segregation"]))


def _player(round, **fields):
    fields.setdefault("channel", SortChannel.ONLINE)
    return SortParticipant.objects.create(round=round, token=uuid.uuid4(), **fields)


def _refused(**create):
    model = create.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**create)


def test_one_vote_per_participant_and_item(round):
    player = _player(round)
    item = round.keyword_list.items.first()
    SortVote.objects.create(
        round=round, participant=player, item=item, channel=player.channel, choice=1, position=1
    )
    _refused(
        model=SortVote,
        round=round,
        participant=player,
        item=item,
        channel=player.channel,
        choice=-1,
        position=1,
    )


@pytest.mark.parametrize("choice,position", [(2, 1), (-2, 1), (1, 0), (1, 201)])
def test_vote_choice_and_position_are_checked(round, choice, position):
    player = _player(round)
    _refused(
        model=SortVote,
        round=round,
        participant=player,
        item=round.keyword_list.items.first(),
        channel=player.channel,
        choice=choice,
        position=position,
    )


def test_kiosk_players_have_a_device_and_only_they(round):
    device = SortingDevice.objects.create(
        round=round, name="Stadsbiblioteket", place_kind=DevicePlaceKind.LIBRARY, token="t" * 43
    )
    _refused(model=SortParticipant, round=round, token=uuid.uuid4(), channel=SortChannel.KIOSK)
    _refused(
        model=SortParticipant,
        round=round,
        token=uuid.uuid4(),
        channel=SortChannel.ONLINE,
        device=device,
    )
    assert _player(round, channel=SortChannel.KIOSK, device=device).device == device
    # Workplace meetings vote as a group, never as players.
    _refused(
        model=SortParticipant,
        round=round,
        token=uuid.uuid4(),
        channel=SortChannel.WORKPLACE_MEETING,
    )


def test_a_kiosk_upload_is_stored_once_per_key(round):
    device = SortingDevice.objects.create(
        round=round, name="Ingelsta", place_kind=DevicePlaceKind.SHOPPING_CENTRE, token="k" * 43
    )
    key = uuid.uuid4()
    SortVoteBatch.objects.create(device=device, idempotency_key=key)
    _refused(model=SortVoteBatch, device=device, idempotency_key=key)


def test_round_dates_deck_size_and_closing_are_checked(process):
    keyword_list = published_list(process, ["a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        bare_round(keyword_list, deck_size=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        round = bare_round(keyword_list)
        round.closes_at = round.opens_at
        round.save()
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        bare_round(keyword_list, opened=False, closed_at=timezone.now())


def test_workplace_meeting_counts_one_row_per_card(round, staff):
    session = SortGroupSession.objects.create(
        round=round, name="Tekniska kontoret", participants=12
    )
    item = round.keyword_list.items.first()
    SortGroupCount.objects.create(
        session=session, item=item, want=7, not_want=4, skip=1, position=1
    )
    _refused(model=SortGroupCount, session=session, item=item, position=2)
    _refused(model=SortGroupSession, round=round, name="Tomt", participants=0)
