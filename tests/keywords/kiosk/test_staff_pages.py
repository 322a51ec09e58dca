"""Staff pages of kiosks, workplace meetings and exclusions: the role × municipality matrix
for every view, the flows without JavaScript, the count rules, and the audited exclusions."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from keywords.sorting import integrity, kiosk, workplace
from keywords.sorting.integrity_models import ExclusionAction, SortExclusion
from keywords.sorting.models import (
    DevicePlaceKind,
    SortGroupCount,
    SortGroupSession,
    SortingDevice,
    SortParticipant,
    SortVote,
)
from keywords.sorting.services import SortingError
from tests.keywords.sorting_factories import bare_round, published_list
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)

from .conftest import XSS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    cache.clear()


@pytest.fixture
def meeting(sorting_round, staff):
    return workplace.group_session_create(
        round=sorting_round, name="Stadsbyggnadskontoret", participants=12, by=staff
    )


def url(name, round, *args):
    return reverse(f"keywords:{name}", args=["norrkoping", round.process_id, round.pk, *args])


def _check(client, method, target, expected, role, data=None):
    response = getattr(client, method)(target, data or {})
    try:
        _assert_outcome(response, expected[role])
    except AssertionError as error:
        raise AssertionError(f"{role} {method.upper()} {target}: {response.status_code}") from error
    return response


# --- role × municipality matrix ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages_are_for_editors_of_that_municipality(
    client, request, sorting_round, device, meeting, role
):
    client = _client_for(client, request, role)
    for target in (
        url("sorting_devices", sorting_round),
        url("sorting_meetings", sorting_round),
        url("sorting_meeting", sorting_round, meeting.pk),
        url("sorting_meeting_screen", sorting_round, meeting.pk),
        url("sorting_integrity", sorting_round),
    ):
        _check(client, "get", target, EDITOR_VIEW, role)


@pytest.mark.parametrize("role", ROLES)
def test_changes_are_for_editors_of_that_municipality(
    client, request, sorting_round, device, meeting, role
):
    client = _client_for(client, request, role)
    posts = [
        (
            url("sorting_device_new", sorting_round),
            {"name": f"Kiosk {role}", "place_kind": "library"},
        ),
        (url("sorting_device_retire", sorting_round, device.pk), {}),
        (url("sorting_meeting_new", sorting_round), {"name": "Möte", "participants": 5}),
        (url("sorting_meeting_counts", sorting_round, meeting.pk), {}),
        (
            url("sorting_exclude", sorting_round),
            {"target": "group_session", "group_session": meeting.pk, "reason": "Test"},
        ),
    ]
    for target, data in posts:
        _check(client, "post", target, EDITOR_POST, role, data)
    refused = role not in ("staff", "admin_user")
    assert SortingDevice.objects.filter(retired_at__isnull=True, pk=device.pk).exists() == refused
    assert SortExclusion.objects.exists() != refused


@pytest.mark.parametrize("name", ["sorting_device_new", "sorting_meeting_new", "sorting_exclude"])
def test_changes_are_post_only(client, staff, sorting_round, name):
    client.force_login(staff)
    assert client.get(url(name, sorting_round)).status_code == 405


def test_another_municipalitys_round_is_not_found_through_your_own(
    client, other_staff, sorting_round, device, meeting
):
    """Ishøj's staff use their own municipality's slug with Norrköping's ids: 404."""
    client.force_login(other_staff)
    for name, args in (
        ("sorting_devices", []),
        ("sorting_meeting", [meeting.pk]),
        ("sorting_integrity", []),
    ):
        target = reverse(
            f"keywords:{name}", args=["ishoj", sorting_round.process_id, sorting_round.pk, *args]
        )
        assert client.get(target).status_code == 404
    target = reverse(
        "keywords:sorting_device_retire",
        args=["ishoj", sorting_round.process_id, sorting_round.pk, device.pk],
    )
    assert client.post(target).status_code == 404


def test_a_device_of_another_round_is_not_found_under_this_one(
    client, staff, process, sorting_round, device
):
    other_round = bare_round(published_list(process, ["a", "b"]), kiosk_open=True)
    client.force_login(staff)
    assert client.post(url("sorting_device_retire", other_round, device.pk)).status_code == 404


# --- kiosks -----------------------------------------------------------------------------------


def test_staff_register_a_kiosk_and_see_its_link_contact_and_votes(client, staff, sorting_round):
    client.force_login(staff)
    response = client.post(
        url("sorting_device_new", sorting_round),
        {"name": XSS, "place": "Stadsbiblioteket", "place_kind": DevicePlaceKind.LIBRARY},
    )
    assert response.status_code == 302
    device = SortingDevice.objects.get(round=sorting_round)
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    kiosk.kiosk_batch_receive(
        device=device,
        idempotency_key=uuid.uuid4(),
        votes=[kiosk.QueuedVote(play.token, item, 1, None) for item in play.deck],
    )
    page = client.get(url("sorting_devices", sorting_round)).content.decode()
    assert reverse("keywords:kiosk_home", args=[device.token]) in page
    assert XSS not in page and "&lt;script&gt;" in page
    assert '<td class="numeric">4</td>' in page
    assert "Never" not in page


def test_a_duplicate_kiosk_name_is_refused_with_the_input_kept(
    client, staff, sorting_round, device
):
    client.force_login(staff)
    response = client.post(
        url("sorting_device_new", sorting_round),
        {"name": device.name, "place": "Annan plats", "place_kind": DevicePlaceKind.LIBRARY},
    )
    assert response.status_code == 400
    assert b"already has a kiosk called" in response.content
    assert b'value="Annan plats"' in response.content


def test_retiring_from_the_page_stops_the_link(client, staff, sorting_round, device):
    client.force_login(staff)
    client.post(url("sorting_device_retire", sorting_round, device.pk))
    device.refresh_from_db()
    assert device.retired_at is not None
    client.logout()
    assert client.get(reverse("keywords:kiosk_home", args=[device.token])).status_code == 410


# --- workplace meetings ---------------------------------------------------------------------


def test_a_meeting_gets_a_dealt_deck_with_positions(meeting, sorting_round):
    counts = list(SortGroupCount.objects.filter(session=meeting).order_by("position"))
    assert [c.position for c in counts] == [1, 2, 3, 4]
    assert all((c.want, c.not_want, c.skip) == (0, 0, 0) for c in counts)


def test_counts_are_set_not_added_and_a_double_submit_is_harmless(
    client, staff, sorting_round, meeting
):
    client.force_login(staff)
    cards = workplace.session_cards(meeting)
    data = {}
    for n, card in enumerate(cards):
        data[f"want-{card.item_id}"] = 5 + n
        data[f"not_want-{card.item_id}"] = 3
        data[f"skip-{card.item_id}"] = 1
    for _ in range(2):
        response = client.post(url("sorting_meeting_counts", sorting_round, meeting.pk), data)
        assert response.status_code == 302
    stored = sorted(
        SortGroupCount.objects.filter(session=meeting).values_list(
            "position", "want", "not_want", "skip"
        )
    )
    assert stored == [(1, 5, 3, 1), (2, 6, 3, 1), (3, 7, 3, 1), (4, 8, 3, 1)]


def test_counts_over_the_participants_are_refused_and_nothing_stored(
    client, staff, sorting_round, meeting
):
    client.force_login(staff)
    first, second, *_rest = workplace.session_cards(meeting)
    data = {
        f"want-{first.item_id}": 3,
        f"want-{second.item_id}": 10,
        f"not_want-{second.item_id}": 3,
    }
    response = client.post(url("sorting_meeting_counts", sorting_round, meeting.pk), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "13 hands in all, but the meeting had 12 participants." in page
    assert 'value="10"' in page  # the input is kept
    assert not SortGroupCount.objects.filter(session=meeting, want__gt=0).exists()
    with pytest.raises(workplace.CountErrors) as error:
        workplace.group_counts_save(
            session=meeting,
            counts={first.item_id: {"want": "-1"}, second.item_id: {"skip": "x"}},
            by=staff,
        )
    assert error.value.errors == {
        first.item_id: "A count cannot be negative.",
        second.item_id: "Enter whole numbers of hands.",
    }


def test_a_meeting_needs_the_channel_open_and_sane_input(sorting_round, staff):
    with pytest.raises(SortingError, match="between 1 and"):
        workplace.group_session_create(round=sorting_round, name="X", participants=0, by=staff)
    with pytest.raises(SortingError, match="Name the group"):
        workplace.group_session_create(round=sorting_round, name="  ", participants=3, by=staff)
    sorting_round.workplace_open = False
    sorting_round.save(update_fields=["workplace_open"])
    with pytest.raises(SortingError, match="not open"):
        workplace.group_session_create(round=sorting_round, name="X", participants=3, by=staff)


def test_the_shared_screen_shows_one_card_at_a_time(client, staff, sorting_round, meeting):
    client.force_login(staff)
    cards = workplace.session_cards(meeting)
    page = client.get(url("sorting_meeting_screen", sorting_round, meeting.pk) + "?card=2")
    assert b"Card 2 of 4" in page.content
    assert cards[1].item.label.encode() in page.content or b"&lt;script&gt;" in page.content
    assert (
        client.get(url("sorting_meeting_screen", sorting_round, meeting.pk) + "?card=x").status_code
        == 200
    )


# --- review and exclusions ---------------------------------------------------------------------


def _kiosk_votes(device, plays=1):
    result = []
    for play in kiosk.kiosk_decks_deal(device=device, count=plays):
        kiosk.kiosk_batch_receive(
            device=device,
            idempotency_key=uuid.uuid4(),
            votes=[kiosk.QueuedVote(play.token, item, 1, None) for item in play.deck],
        )
        result.append(play)
    return result


def test_excluding_a_players_votes_is_audited_and_reversible(sorting_round, device, staff):
    [play] = _kiosk_votes(device)
    record = integrity.votes_exclude(round=sorting_round, by=staff, reason="Bot", participant=play)
    assert record.changed == 4 and record.action == ExclusionAction.EXCLUDE and record.by == staff
    assert SortVote.objects.filter(participant=play, excluded=True).count() == 4  # kept
    again = integrity.votes_exclude(round=sorting_round, by=staff, reason="Again", participant=play)
    assert again.changed == 0
    back = integrity.votes_exclude(
        round=sorting_round, by=staff, reason="Checked: a person", participant=play, include=True
    )
    assert back.changed == 4 and not SortVote.objects.filter(excluded=True).exists()
    assert list(integrity.exclusions_of(sorting_round)) == [back, again, record]
    with pytest.raises(SortingError, match="Give a reason"):
        integrity.votes_exclude(round=sorting_round, by=staff, reason="  ", participant=play)


def test_excluding_a_kiosk_window_touches_only_that_window(sorting_round, device, staff):
    plays = _kiosk_votes(device, plays=2)
    early = timezone.now() - datetime.timedelta(hours=3)
    SortVote.objects.filter(participant=plays[0]).update(cast_at=early)
    record = integrity.votes_exclude(
        round=sorting_round,
        by=staff,
        reason="Burst",
        device=device,
        window=(early - datetime.timedelta(minutes=1), early + datetime.timedelta(minutes=1)),
    )
    assert record.changed == 4
    assert set(SortVote.objects.filter(excluded=True).values_list("participant", flat=True)) == {
        plays[0].pk
    }


def test_excluding_a_meeting_from_the_page(client, staff, sorting_round, meeting):
    client.force_login(staff)
    response = client.post(
        url("sorting_exclude", sorting_round),
        {"target": "group_session", "group_session": meeting.pk, "reason": XSS},
    )
    assert response.status_code == 302
    assert SortGroupSession.objects.get(pk=meeting.pk).excluded
    page = client.get(url("sorting_integrity", sorting_round)).content.decode()
    assert XSS not in page and "&lt;script&gt;" in page
    assert "staff@norrkoping.test" in page
    refused = client.post(
        url("sorting_exclude", sorting_round),
        {"target": "group_session", "group_session": meeting.pk},
    )
    assert refused.status_code == 302
    assert SortExclusion.objects.count() == 1


def test_the_review_page_lists_a_burst_and_identical_sequences(
    client, staff, sorting_round, device, monkeypatch
):
    # These decks have four cards; the real threshold (ten) is the pure function's test.
    monkeypatch.setattr(integrity, "SAME_SEQUENCE_LENGTH", 4)
    plays = _kiosk_votes(device, plays=integrity.SAME_SEQUENCE_PLAYERS)
    at = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=5)
    # Many more votes in one minute than a person could cast: plays of a script.
    extra = [
        SortParticipant(
            round=sorting_round,
            token=uuid.uuid4(),
            channel="kiosk",
            device=device,
            deck=[],
            started_at=at,
        )
        for _ in range(30)
    ]
    SortParticipant.objects.bulk_create(extra)
    items = list(sorting_round.items.values_list("item_id", flat=True))[:4]
    SortVote.objects.bulk_create(
        SortVote(
            round=sorting_round,
            participant=p,
            item_id=item,
            channel="kiosk",
            choice=1,
            position=n,
            cast_at=at,
        )
        for p in extra
        for n, item in enumerate(items, 1)
    )
    findings = integrity.review_findings(sorting_round)
    [(burst, burst_device)] = findings["bursts"]
    assert (burst.votes, burst.first_minute, burst_device) == (120, at, device)
    [(sequence, sequence_device)] = findings["sequences"]
    assert sequence.choices == (1, 1, 1, 1) and sequence_device == device
    assert set(sequence.players) == {p.pk for p in plays} | {p.pk for p in extra}
    client.force_login(staff)
    page = client.get(url("sorting_integrity", sorting_round))
    assert page.status_code == 200
    assert b"Exclude these votes" in page.content
    players = len(plays) + len(extra)
    assert f"{players} players with the same 4 answers".encode() in page.content
