"""The sorting results part of the demo: Norrköping's published keyword list gets the
closed 2015 round of the sorting game (seed 000, step 2: "interaktiva utställningar,
bibliotek, köpcentra, arbetsplatsträffar och ett digitalt spel"), played online, on two
library kiosks and a shopping-centre kiosk, and at a workplace meeting, with its results
snapshot, so the results pages show something real.

The votes follow a believable preference structure, not uniform noise: every keyword has
its own appeal, a few split the generations (the young want the university and jobs, the
old the parks and safety, or the other way round), and two are skipped often. Seeded, so
every demo load has the same figures; bulk inserts, so it loads in a second on SQLite.
"""

import datetime
import math
import random
import uuid

from django.utils import timezone

from .aggregation import STEPS, result_snapshot_compute
from .models import (
    DeviceClass,
    DevicePlaceKind,
    SortChannel,
    SortGroupCount,
    SortGroupSession,
    SortingDevice,
    SortingRoundItem,
    SortParticipant,
    SortVote,
)
from .result_models import SnapshotTrigger, SortResultSnapshot

AREAS = ["Inre staden", "Hageby", "Navestad", "Eneby", "Vilbergen", "Lindö", "Skärblacka",
         "Krokek", "Åby", "Landsbygden"]  # fmt: skip
AGES = ["16-24", "25-44", "45-64", "65-79", "80+"]
# Who plays where: weights of the age bands (AGES order) per place.
AGE_MIX = {
    "online": [30, 40, 20, 8, 2],
    "library": [10, 20, 25, 30, 15],
    "shopping_centre": [30, 35, 20, 12, 3],
}
AGE_SCORE = {"16-24": -1.0, "25-44": -0.5, "45-64": 0.0, "65-79": 0.6, "80+": 1.0}
# (place, kiosk name, players)
PLACES = [
    ("online", "", 260),
    ("library", "Stadsbiblioteket", 75),
    ("library", "Hageby bibliotek", 60),
    ("shopping_centre", "Mirum Galleria", 95),
]
MEETING_PARTICIPANTS = 22


def _appeal(rng, labels):
    """Each keyword's appeal (log-odds of "want"), age slope and skip rate."""
    appeal = {}
    for index, label in enumerate(sorted(labels)):
        base = rng.gauss(0.4, 1.1)
        slope = rng.choice([0.0, 0.0, 0.0, 1.6, -1.6]) if index % 2 else rng.gauss(0, 0.3)
        skip = 0.45 if index in (3, 7) else 0.06
        appeal[label] = (base, slope, skip)
    return appeal


def _answer(rng, appeal, age) -> int:
    base, slope, skip = appeal
    if rng.random() < skip:
        return 0
    logit = base + slope * AGE_SCORE.get(age, 0.0)
    return 1 if rng.random() < 1.0 / (1.0 + math.exp(-logit)) else -1


def extend_demo(*, round, staff):
    """Votes for the demo's closed 2015 round (keywords.demo creates it), then its results."""
    rng = random.Random(2015)  # noqa: S311 (demo data, not secrets)
    opens, closes = round.opens_at, round.closes_at
    items = list(round.keyword_list.items.order_by("position", "pk"))
    if len(items) < 2:
        return None
    appeal = _appeal(rng, [i.label for i in items])
    shown = dict.fromkeys((i.pk for i in items), 0)
    players, answers = [], []
    for place, name, count in PLACES:
        device = None
        if name:
            device = SortingDevice.objects.create(
                round=round,
                name=name,
                place=name,
                place_kind=DevicePlaceKind(place),
                token=uuid.UUID(int=rng.getrandbits(128)).hex,
                created_by=staff,
                last_contact_at=closes,
            )
        for _ in range(count):
            age = rng.choices(AGES, AGE_MIX[place])[0] if rng.random() < 0.75 else ""
            deck = rng.sample(items, round.deck_size)
            started = opens + (closes - opens) * rng.random()
            players.append(
                SortParticipant(
                    round=round,
                    token=uuid.UUID(int=rng.getrandbits(128)),
                    channel=SortChannel.KIOSK if device else SortChannel.ONLINE,
                    device=device,
                    device_class=(
                        DeviceClass.TABLET
                        if device
                        else rng.choices(
                            [DeviceClass.PHONE, DeviceClass.DESKTOP, DeviceClass.TABLET],
                            [6, 3, 1],
                        )[0]
                    ),
                    deck=[item.pk for item in deck],
                    started_at=started,
                    finished_at=started + datetime.timedelta(minutes=3),
                    age_band=age,
                    area=rng.choice(AREAS) if age and rng.random() < 0.8 else "",
                )
            )
            answers.append([(item, _answer(rng, appeal[item.label], age)) for item in deck])
            for item in deck:
                shown[item.pk] += 1
    players = SortParticipant.objects.bulk_create(players)
    votes = []
    for player, cards in zip(players, answers, strict=True):
        for position, (item, choice) in enumerate(cards, start=1):
            votes.append(
                SortVote(
                    round=round,
                    participant=player,
                    item=item,
                    channel=player.channel,
                    choice=choice,
                    position=position,
                    cast_at=player.started_at + datetime.timedelta(seconds=12 * position),
                    # Every demo player has finished: their votes carry the profile, as
                    # the finish copies it (keywords.sorting.vote_profiles); no groups.
                    device_class=player.device_class,
                    age_band=player.age_band,
                    area=player.area,
                )
            )
    SortVote.objects.bulk_create(votes, batch_size=2000)
    for device in SortingDevice.objects.filter(round=round):
        device.votes = sum(1 for v in votes if v.participant.device_id == device.pk)
        device.save(update_fields=["votes"])
    _meeting(rng, round, items, appeal, staff)
    round_items = list(SortingRoundItem.objects.filter(round=round))
    for round_item in round_items:
        round_item.times_shown = shown[round_item.item_id]
    SortingRoundItem.objects.bulk_update(round_items, ["times_shown"])
    snapshot = SortResultSnapshot.objects.create(
        round=round, trigger=SnapshotTrigger.STAFF, requested_by=staff, steps_total=STEPS
    )
    return result_snapshot_compute(snapshot_id=snapshot.pk)


def _meeting(rng, round, items, appeal, staff):
    """A workplace meeting of the city's staff: hands raised per card, counted by staff."""
    session = SortGroupSession.objects.create(
        round=round,
        name="Arbetsplatsträff, stadsbyggnadskontoret",
        place="Rådhuset",
        participants=MEETING_PARTICIPANTS,
        held_at=datetime.datetime(2015, 9, 15, 14, tzinfo=timezone.get_current_timezone()),
        entered_by=staff,
    )
    counts = []
    for position, item in enumerate(rng.sample(items, round.deck_size), start=1):
        tally = {1: 0, -1: 0, 0: 0}
        for _ in range(MEETING_PARTICIPANTS):
            tally[_answer(rng, appeal[item.label], rng.choice(["25-44", "45-64"]))] += 1
        counts.append(
            SortGroupCount(
                session=session,
                item=item,
                want=tally[1],
                not_want=tally[-1],
                skip=tally[0],
                position=position,
            )
        )
    SortGroupCount.objects.bulk_create(counts)
