"""Kiosk mode (keywords/sorting/kiosk.py, views_kiosk.py): registering and retiring,
pre-dealt decks, queued batches stored exactly once, the plain-form game without
JavaScript, idle expiry, nothing carried between players, hostile labels inert."""

import datetime
import json
import random
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from keywords.sorting import kiosk
from keywords.sorting.models import (
    DevicePlaceKind,
    SortChannel,
    SortingRoundItem,
    SortParticipant,
    SortVote,
    SortVoteBatch,
)
from keywords.sorting.services import SortingError

from .conftest import XSS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(client):
    client.cookies["django_language"] = "en"
    cache.clear()
    yield
    cache.clear()


def _votes_for(play, choices=(1, -1, 0, 1), *, t=None):
    return [
        kiosk.QueuedVote(play.token, item_id, choice, t)
        for item_id, choice in zip(play.deck, choices, strict=False)
    ]


# --- registering and retiring -------------------------------------------------------------


def test_a_kiosk_gets_a_secret_link_and_a_unique_name(sorting_round, device, staff):
    assert len(device.token) >= 32 and device.votes == 0 and device.last_contact_at is None
    with pytest.raises(SortingError, match="already has a kiosk called"):
        kiosk.device_register(
            round=sorting_round,
            name="  Stadsbiblioteket,   entrén ",
            place_kind=DevicePlaceKind.LIBRARY,
            by=staff,
        )
    with pytest.raises(SortingError):
        kiosk.device_register(round=sorting_round, name=" ", place_kind="library", by=staff)
    with pytest.raises(SortingError):
        kiosk.device_register(round=sorting_round, name="X", place_kind="moon", by=staff)


def test_retiring_is_idempotent_and_stops_everything(device, staff, client):
    first = kiosk.device_retire(device=device, by=staff)
    again = kiosk.device_retire(device=device, by=staff)
    assert first.retired_at == again.retired_at is not None
    device.refresh_from_db()
    with pytest.raises(kiosk.KioskRetired):
        kiosk.kiosk_decks_deal(device=device, count=1)
    response = client.get(reverse("keywords:kiosk_home", args=[device.token]))
    assert response.status_code == 410
    assert b"no longer in use" in response.content
    batch = client.post(
        reverse("keywords:kiosk_batch", args=[device.token]),
        json.dumps({"key": str(uuid.uuid4()), "votes": []}),
        content_type="application/json",
    )
    assert batch.status_code == 410 and batch.json()["retired"] is True


def test_an_unknown_link_is_not_found(client, sorting_round):
    assert client.get(reverse("keywords:kiosk_home", args=["nope"])).status_code == 404


# --- decks and batches ----------------------------------------------------------------------


def test_reserve_decks_are_dealt_by_exposure_and_counted_as_shown(device):
    plays = kiosk.kiosk_decks_deal(device=device, count=10, rng=random.Random(3))
    assert len(plays) == kiosk.RESERVE_DECKS
    assert all(p.channel == SortChannel.KIOSK and p.device_id == device.pk for p in plays)
    assert all(len(p.deck) == 4 == len(set(p.deck)) for p in plays)
    shown = sum(
        SortingRoundItem.objects.filter(round=device.round).values_list("times_shown", flat=True)
    )
    assert shown == 4 * kiosk.RESERVE_DECKS
    device.refresh_from_db()
    assert device.last_contact_at is not None


def test_a_batch_stores_votes_with_the_deck_position_once(device):
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    key = uuid.uuid4()
    votes = _votes_for(play)
    first = kiosk.kiosk_batch_receive(
        device=device, idempotency_key=key, votes=votes, finished=[play.token]
    )
    assert first == kiosk.BatchReceipt(stored=4, rejected=0, duplicate=False)
    retry = kiosk.kiosk_batch_receive(
        device=device, idempotency_key=key, votes=votes, finished=[play.token]
    )
    assert retry == kiosk.BatchReceipt(stored=0, rejected=0, duplicate=True)
    stored = {v.item_id: (v.choice, v.position) for v in SortVote.objects.filter(participant=play)}
    answers = zip(play.deck, (1, -1, 0, 1), strict=True)
    assert stored == {item: (c, n) for n, (item, c) in enumerate(answers, 1)}
    assert SortVoteBatch.objects.get(device=device).votes == 4
    device.refresh_from_db()
    play.refresh_from_db()
    assert device.votes == 4 and play.finished_at is not None


def test_a_second_batch_with_the_same_votes_counts_nothing_twice(device):
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    kiosk.kiosk_batch_receive(device=device, idempotency_key=uuid.uuid4(), votes=_votes_for(play))
    again = kiosk.kiosk_batch_receive(
        device=device, idempotency_key=uuid.uuid4(), votes=_votes_for(play, (-1, -1, -1, -1))
    )
    assert again.stored == 0 and not again.duplicate
    assert SortVote.objects.filter(participant=play).count() == 4
    device.refresh_from_db()
    assert device.votes == 4


def test_bad_entries_are_rejected_and_the_rest_stored(device, sorting_round):
    [play, other] = kiosk.kiosk_decks_deal(device=device, count=2)
    stranger = kiosk.QueuedVote(uuid.uuid4(), play.deck[0], 1, None)
    not_in_deck = next(
        i
        for i in SortingRoundItem.objects.filter(round=sorting_round).values_list(
            "item_id", flat=True
        )
        if i not in play.deck
    )
    votes = [
        kiosk.QueuedVote(play.token, play.deck[0], 1, None),
        kiosk.QueuedVote(play.token, not_in_deck, 1, None),
        kiosk.QueuedVote(play.token, play.deck[1], 7, None),
        stranger,
        # The same card twice in one upload: the later answer is the player's.
        kiosk.QueuedVote(other.token, other.deck[0], 1, None),
        kiosk.QueuedVote(other.token, other.deck[0], -1, None),
    ]
    receipt = kiosk.kiosk_batch_receive(
        device=device, idempotency_key=uuid.uuid4(), votes=votes, malformed=2
    )
    assert receipt == kiosk.BatchReceipt(stored=2, rejected=5, duplicate=False)
    assert SortVote.objects.get(participant=other).choice == -1


def test_another_kiosks_plays_are_not_accepted(device, sorting_round, staff):
    other = kiosk.device_register(
        round=sorting_round, name="Galleria", place_kind=DevicePlaceKind.SHOPPING_CENTRE, by=staff
    )
    [play] = kiosk.kiosk_decks_deal(device=other, count=1)
    receipt = kiosk.kiosk_batch_receive(
        device=device, idempotency_key=uuid.uuid4(), votes=_votes_for(play)
    )
    assert receipt.stored == 0 and receipt.rejected == 4


def test_the_tablets_clock_is_trusted_only_between_deal_and_upload(device):
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    now = timezone.now()
    far_past = now - datetime.timedelta(days=400)
    far_future = now + datetime.timedelta(days=400)
    kiosk.kiosk_batch_receive(
        device=device,
        idempotency_key=uuid.uuid4(),
        votes=[
            kiosk.QueuedVote(play.token, play.deck[0], 1, far_past),
            kiosk.QueuedVote(play.token, play.deck[1], 1, far_future),
        ],
        at=now,
    )
    times = sorted(SortVote.objects.filter(participant=play).values_list("cast_at", flat=True))
    assert times[0] == play.started_at and times[1] == now


def test_votes_cast_after_the_round_closed_are_rejected(device, sorting_round, staff):
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    closed = timezone.now()
    sorting_round.closed_at = closed
    sorting_round.save(update_fields=["closed_at"])
    device.refresh_from_db()
    receipt = kiosk.kiosk_batch_receive(
        device=device,
        idempotency_key=uuid.uuid4(),
        votes=[
            kiosk.QueuedVote(play.token, play.deck[0], 1, closed - datetime.timedelta(minutes=1)),
            kiosk.QueuedVote(play.token, play.deck[1], 1, closed + datetime.timedelta(minutes=1)),
        ],
        at=closed + datetime.timedelta(hours=2),
    )
    assert (receipt.stored, receipt.rejected) == (1, 1)
    with pytest.raises(SortingError):
        kiosk.kiosk_batch_receive(
            device=device,
            idempotency_key=uuid.uuid4(),
            votes=[],
            at=closed + kiosk.LATE_UPLOAD_GRACE + datetime.timedelta(seconds=1),
        )


def test_parse_queued_votes_counts_malformed_entries():
    play = uuid.uuid4()
    votes, malformed = kiosk.parse_queued_votes(
        [
            {"p": str(play), "i": 3, "c": 1, "t": 1_700_000_000_000},
            {"p": str(play), "i": "3", "c": 1},
            {"p": "not-a-uuid", "i": 3, "c": 1},
            {"p": str(play), "i": True, "c": 1},
            "junk",
            {"p": str(play), "i": 4, "c": -1, "t": "yesterday"},
        ]
    )
    assert malformed == 4
    assert votes == [
        kiosk.QueuedVote(
            play, 3, 1, datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.UTC)
        ),
        kiosk.QueuedVote(play, 4, -1, None),
    ]
    assert kiosk.parse_queued_votes({"not": "a list"}) == ([], 0)


# --- the JSON endpoints ---------------------------------------------------------------------


def _post_json(client, name, device, body):
    return client.post(
        reverse(f"keywords:{name}", args=[device.token]),
        json.dumps(body) if not isinstance(body, bytes) else body,
        content_type="application/json",
    )


def test_decks_endpoint_gives_labels_as_data(client, device):
    response = _post_json(client, "kiosk_decks", device, {"want": 2})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    decks = response.json()["decks"]
    assert len(decks) == 2 and all(len(d["cards"]) == 4 for d in decks)
    labels = {label for d in decks for _id, label in d["cards"]}
    assert labels <= set(
        SortingRoundItem.objects.filter(round=device.round).values_list("item__label", flat=True)
    )
    # JSON escapes nothing into markup: the kiosk script puts labels in with textContent.
    assert response["Content-Type"] == "application/json"
    assert not response.cookies


def test_batch_endpoint_is_idempotent_and_refuses_garbage(client, device):
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    body = {
        "key": str(uuid.uuid4()),
        "votes": [{"p": str(play.token), "i": i, "c": 1, "t": 0} for i in play.deck],
        "finished": [str(play.token)],
    }
    first = _post_json(client, "kiosk_batch", device, body)
    assert first.json() == {"stored": 4, "rejected": 0, "duplicate": False}
    assert _post_json(client, "kiosk_batch", device, body).json()["duplicate"] is True
    assert SortVote.objects.filter(participant=play).count() == 4
    assert _post_json(client, "kiosk_batch", device, b"{not json").status_code == 400
    assert _post_json(client, "kiosk_batch", device, {"votes": []}).status_code == 400
    too_many = {"key": str(uuid.uuid4()), "votes": [{}] * (kiosk.BATCH_MAX_VOTES + 1)}
    assert _post_json(client, "kiosk_batch", device, too_many).status_code == 409
    assert client.get(reverse("keywords:kiosk_batch", args=[device.token])).status_code == 405


def test_a_kiosk_over_its_upload_limit_is_told_to_wait(client, device, settings):
    settings.SORTING_RATE_LIMITS = {"kiosk_batch_device": (2, 60)}
    body = {"key": str(uuid.uuid4()), "votes": []}
    statuses = [_post_json(client, "kiosk_batch", device, body).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- playing without JavaScript ---------------------------------------------------------------


def test_a_whole_game_with_plain_forms_returns_to_the_start(client, device):
    home = reverse("keywords:kiosk_home", args=[device.token])
    page = client.get(home)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert b'id="kiosk-start-form"' in page.content
    response = client.post(reverse("keywords:kiosk_start", args=[device.token]))
    assert response.status_code == 302
    play = SortParticipant.objects.get(device=device)
    assert response["Location"] == reverse("keywords:kiosk_card", args=[device.token, play.token])
    for n, item_id in enumerate(play.deck, start=1):
        card = client.get(response["Location"])
        assert card.status_code == 200
        assert f"Card {n} of 4".encode() in card.content
        # No timed refresh (WCAG 2.2.1); the script's idle timer knows this is a play.
        assert b'http-equiv="refresh"' not in card.content
        assert b"data-server-play" in card.content
        response = client.post(
            reverse("keywords:kiosk_vote", args=[device.token, play.token]),
            {"item": item_id, "choice": 1},
        )
        assert response.status_code == 302
    assert response["Location"] == home + "?done=1"
    play.refresh_from_db()
    device.refresh_from_db()
    assert play.finished_at is not None and device.votes == 4
    assert SortVote.objects.filter(participant=play, channel=SortChannel.KIOSK).count() == 4
    # Nothing of the finished play is reachable any more: paging back lands on the start.
    back = client.get(reverse("keywords:kiosk_card", args=[device.token, play.token]))
    assert back.status_code == 302 and back["Location"] == home
    # The game keeps no session or cookie about the player (the CSRF cookie and the
    # language this test chose are all there is).
    assert set(client.cookies) <= {"csrftoken", "django_language"}


def test_undo_without_javascript_takes_back_the_last_answer(client, device):
    client.post(reverse("keywords:kiosk_start", args=[device.token]))
    play = SortParticipant.objects.get(device=device)
    vote_url = reverse("keywords:kiosk_vote", args=[device.token, play.token])
    client.post(vote_url, {"item": play.deck[0], "choice": 1})
    client.post(reverse("keywords:kiosk_undo", args=[device.token, play.token]))
    assert not SortVote.objects.filter(participant=play).exists()
    device.refresh_from_db()
    assert device.votes == 0


def test_an_idle_play_takes_no_more_answers(client, device):
    client.post(reverse("keywords:kiosk_start", args=[device.token]))
    play = SortParticipant.objects.get(device=device)
    SortParticipant.objects.filter(pk=play.pk).update(
        started_at=timezone.now() - kiosk.play_expires_after() - datetime.timedelta(seconds=1)
    )
    response = client.post(
        reverse("keywords:kiosk_vote", args=[device.token, play.token]),
        {"item": play.deck[0], "choice": 1},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("keywords:kiosk_home", args=[device.token])
    assert not SortVote.objects.filter(participant=play).exists()


def test_hostile_labels_are_inert_on_the_kiosk(client, device, sorting_round):
    hostile = SortingRoundItem.objects.get(round=sorting_round, item__label=XSS).item_id
    client.post(reverse("keywords:kiosk_start", args=[device.token]))
    play = SortParticipant.objects.get(device=device)
    # Put the hostile card first in this play's deck.
    deck = [hostile] + [i for i in play.deck if i != hostile][:3]
    SortParticipant.objects.filter(pk=play.pk).update(deck=deck)
    page = client.get(reverse("keywords:kiosk_card", args=[device.token, play.token]))
    assert XSS.encode() not in page.content
    assert (
        b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in page.content
    )
    assert b"<script" not in page.content.replace(b'<script src="/static/js/kiosk.js', b"")


def test_a_closed_channel_shows_why_and_deals_nothing(client, device, sorting_round):
    sorting_round.kiosk_open = False
    sorting_round.save(update_fields=["kiosk_open"])
    page = client.get(reverse("keywords:kiosk_home", args=[device.token]))
    assert b"not taking answers" in page.content and b"kiosk-start-form" not in page.content
    response = client.post(reverse("keywords:kiosk_start", args=[device.token]))
    assert response.status_code == 409
    assert not SortParticipant.objects.exists()
