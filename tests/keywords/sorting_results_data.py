"""Players, votes and workplace meetings stored directly, for the sorting results' tests."""

import uuid

from keywords.sorting.models import (
    DevicePlaceKind,
    SortChannel,
    SortGroupCount,
    SortGroupSession,
    SortingDevice,
    SortParticipant,
    SortParticipantTargetGroup,
    SortVote,
)


def kiosk(round, name="Stadsbiblioteket", place_kind=DevicePlaceKind.LIBRARY):
    return SortingDevice.objects.create(
        round=round, name=name, place_kind=place_kind, token=uuid.uuid4().hex
    )


def play(
    round, answers, *, channel=SortChannel.ONLINE, device=None, groups=(), excluded=False, **profile
):
    """A player who answered `answers` ({label: choice} in the order shown)."""
    items = {i.label: i for i in round.keyword_list.items.all()}
    player = SortParticipant.objects.create(
        round=round,
        token=uuid.uuid4(),
        channel=channel,
        device=device,
        deck=[items[label].pk for label in answers],
        **profile,
    )
    SortVote.objects.bulk_create(
        SortVote(
            round=round,
            participant=player,
            item=items[label],
            channel=channel,
            choice=choice,
            position=position,
            excluded=excluded,
        )
        for position, (label, choice) in enumerate(answers.items(), start=1)
    )
    SortParticipantTargetGroup.objects.bulk_create(
        SortParticipantTargetGroup(participant=player, group=g) for g in groups
    )
    return player


def meeting(round, participants, counts, *, excluded=False, name="Arbetsplatsträff"):
    """A workplace meeting: counts = {label: (want, not_want, skip)} in the order shown."""
    items = {i.label: i for i in round.keyword_list.items.all()}
    session = SortGroupSession.objects.create(
        round=round, name=name, participants=participants, excluded=excluded
    )
    SortGroupCount.objects.bulk_create(
        SortGroupCount(
            session=session, item=items[label], want=w, not_want=n, skip=s, position=position
        )
        for position, (label, (w, n, s)) in enumerate(counts.items(), start=1)
    )
    return session
