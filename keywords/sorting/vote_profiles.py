"""Copying players' profiles onto their votes (see keywords.sorting.models' docstring).

A player's profile (device class, and the age band, area and target groups answered at
the end) is fixed once they finish. Votes carry the device class when they are cast; the
services that finish a play (the game's profile submission, a kiosk's end of play, and a
kiosk's upload of a play an earlier upload ended) copy the whole profile onto the
player's votes with one UPDATE, and the results count every group from the votes alone.
The copy is an optimisation only: the results take the profile of a vote without a
device class from its player.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from .models import TARGET_GROUP_BITS, SortParticipant, SortParticipantTargetGroup, SortVote


def _mask_of_player():
    """The player's target groups as TARGET_GROUP_BITS' bitmask (each group once per
    player, by constraint, so the sum of the bits is their union)."""
    bits = Case(
        *(When(group=group, then=Value(bit)) for group, bit in TARGET_GROUP_BITS.items()),
        default=Value(0),
    )
    return Coalesce(
        Subquery(
            SortParticipantTargetGroup.objects.filter(participant=OuterRef("participant_id"))
            .order_by()
            .values("participant")
            .annotate(mask=Sum(bits))
            .values("mask")
        ),
        Value(0),
    )


def sort_votes_copy_profile(*, participant_ids: Iterable[int] | QuerySet) -> int:
    """Copy each player's current profile onto all their votes (the players' ids, or a
    queryset of them); the number of votes updated."""
    if not isinstance(participant_ids, QuerySet):
        participant_ids = list(participant_ids)
    player = SortParticipant.objects.filter(pk=OuterRef("participant_id"))
    return SortVote.objects.filter(participant_id__in=participant_ids).update(
        device_class=Subquery(player.values("device_class")[:1]),
        age_band=Subquery(player.values("age_band")[:1]),
        area=Subquery(player.values("area")[:1]),
        target_groups=_mask_of_player(),
    )
