"""Pages of the sorting game: the staff pages' role × municipality matrix, phase gating,
and the residents' game without JavaScript and with htmx (double submits, undo, expired
cookies, closed rounds, hostile labels, the page's weight)."""

import datetime
import gzip
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keywords.sorting import services
from keywords.sorting.models import SortingRound, SortParticipant, SortVote
from tests.conftest import drop_connection, require_service, running_phase
from tests.keywords.sorting_factories import published_list
from tests.visionportal.test_access_matrix import (
    EDITOR_POST,
    EDITOR_VIEW,
    ROLES,
    _assert_outcome,
    _client_for,
)
from visionportal.models import PhaseKind

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LABELS = ["Trygghet", "Kollektivtrafik", "Segregation", "Konstgräs", XSS]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The rate-limit counters live in the (process-wide) cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def keyword_list(process):
    return published_list(process, LABELS)


def _round(process, keyword_list, staff, *, open=True, **fields):
    now = timezone.now()
    settings = {
        "title": "Sortera nyckelorden",
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(days=20),
        "deck_size": 3,
    } | fields
    round = services.sorting_round_create(
        process=process, keyword_list=keyword_list, by=staff, **settings
    )
    if open:
        round = services.sorting_round_open(round=round, by=staff)
    return round


@pytest.fixture
def round(process, keyword_list, staff):
    running_phase(process, PhaseKind.SORTING)
    return _round(process, keyword_list, staff)


def staff_url(name, process, *args):
    return reverse(f"keywords:{name}", args=["norrkoping", process.pk, *args])


def play_url(round, name="sort_play"):
    return reverse(f"keywords:{name}", args=["norrkoping", round.process.slug, round.pk])


def _check(client, method, url, expected, role, data=None):
    response = getattr(client, method)(url, data or {})
    try:
        _assert_outcome(response, expected[role])
    except AssertionError as error:
        raise AssertionError(f"{role} {method.upper()} {url}: {response.status_code}") from error
    return response


# --- staff: role × municipality matrix -----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_staff_sorting_pages_are_for_editors_of_that_municipality(
    client, request, process, round, role
):
    client = _client_for(client, request, role)
    for url in (
        staff_url("sorting_rounds", process),
        staff_url("sorting_round", process, round.pk),
        staff_url("sorting_round", process, round.pk) + "?partial=counts",
    ):
        _check(client, "get", url, EDITOR_VIEW, role)


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_round_is_for_editors(client, request, process, keyword_list, role):
    running_phase(process, PhaseKind.SORTING)
    client = _client_for(client, request, role)
    data = {
        "keyword_list": keyword_list.pk,
        "title": "Runda",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-02-01T10:00",
        "deck_size": 3,
        "online_open": "on",
    }
    _check(client, "post", staff_url("sorting_round_new", process), EDITOR_POST, role, data)
    assert SortingRound.objects.exists() is (EDITOR_POST[role] == 302)


@pytest.mark.parametrize("role", ROLES)
def test_editing_opening_and_closing_are_for_editors(
    client, request, process, keyword_list, staff, role
):
    running_phase(process, PhaseKind.SORTING)
    round = _round(process, keyword_list, staff, open=False)
    client = _client_for(client, request, role)
    data = {
        "version": round.version,
        "title": "Ny titel",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-02-01T10:00",
        "deck_size": 2,
    }
    _check(client, "post", staff_url("sorting_round", process, round.pk), EDITOR_POST, role, data)
    _check(client, "post", staff_url("sorting_round_open", process, round.pk), EDITOR_POST, role)
    round.refresh_from_db()
    allowed = EDITOR_POST[role] == 302
    assert (round.title == "Ny titel") is allowed
    assert (round.opened_at is not None) is allowed
    _check(client, "post", staff_url("sorting_round_close", process, round.pk), EDITOR_POST, role)
    round.refresh_from_db()
    assert (round.closed_at is not None) is allowed


def test_staff_state_changes_need_post(client, staff, process, round):
    client.force_login(staff)
    for name in ("sorting_round_new",):
        assert client.get(staff_url(name, process)).status_code == 405
    for name in ("sorting_round_open", "sorting_round_close"):
        assert client.get(staff_url(name, process, round.pk)).status_code == 405


def test_another_processs_round_is_not_found(client, staff, process, round, norrkoping):
    from visionportal.models import VisionProcess

    other = VisionProcess.objects.create(municipality=norrkoping, title="Annan", slug="annan")
    client.force_login(staff)
    assert client.get(staff_url("sorting_round", other, round.pk)).status_code == 404


# --- staff: flows ----------------------------------------------------------------------------


def test_staff_create_a_round_on_a_published_list_and_see_it(client, staff, process, keyword_list):
    client.force_login(staff)
    page = client.get(staff_url("sorting_rounds", process)).text
    assert "version 1 (5 keywords)" in page
    response = client.post(
        staff_url("sorting_round_new", process),
        {
            "keyword_list": keyword_list.pk,
            "title": "Sommarens runda",
            "opens_at": "2030-01-01T10:00",
            "closes_at": "2030-02-01T10:00",
            "deck_size": 3,
            "online_open": "on",
        },
    )
    round = SortingRound.objects.get()
    assert response["Location"] == staff_url("sorting_round", process, round.pk)
    assert round.opened_at is None and round.deck_size == 3 and round.items.count() == 5
    assert "Sommarens runda" in client.get(staff_url("sorting_rounds", process)).text


def test_without_a_published_list_there_is_nothing_to_create(client, staff, process):
    client.force_login(staff)
    page = client.get(staff_url("sorting_rounds", process)).text
    assert "Publish a keyword list before you create a sorting round" in page


def test_a_bad_new_round_keeps_the_input_and_says_why(client, staff, process, keyword_list):
    client.force_login(staff)
    response = client.post(
        staff_url("sorting_round_new", process),
        {
            "keyword_list": keyword_list.pk,
            "title": "Kvar i formuläret",
            "opens_at": "2030-01-01T10:00",
            "closes_at": "2030-02-01T10:00",
            "deck_size": 99,
        },
    )
    assert response.status_code == 400
    assert "each player can sort at most that many" in response.text
    assert "Kvar i formuläret" in response.text
    assert not SortingRound.objects.exists()


def test_a_round_opens_only_during_a_sorting_phase(client, staff, process, keyword_list):
    # The process fixture's sorting phase was in 2015: none runs today.
    round = _round(process, keyword_list, staff, open=False)
    client.force_login(staff)
    response = client.post(staff_url("sorting_round_open", process, round.pk), follow=True)
    assert "The round cannot open now" in response.text
    assert "Bedöma nyckelord" in response.text  # the phase that allowed it, named
    round.refresh_from_db()
    assert round.opened_at is None
    running_phase(process, PhaseKind.SORTING)
    client.post(staff_url("sorting_round_open", process, round.pk))
    round.refresh_from_db()
    assert round.opened_at is not None


def test_a_stale_settings_save_is_refused_and_keeps_the_input(client, staff, process, round):
    client.force_login(staff)
    services.sorting_round_update(round=round, expected_version=round.version, title="Kollegans")
    response = client.post(
        staff_url("sorting_round", process, round.pk),
        {
            "version": round.version,
            "title": "Min titel",
            "opens_at": "2030-01-01T10:00",
            "closes_at": "2030-02-01T10:00",
            "deck_size": 2,
        },
    )
    assert response.status_code == 400
    assert "Someone else saved this" in response.text and "Min titel" in response.text


def test_live_counts_show_players_per_channel_and_device(client, staff, process, round):
    player = services.sort_participant_start(round=round, channel="online", device_class="tablet")
    services.sort_vote_cast(participant=player, item_id=player.deck[0], choice=1)
    client.force_login(staff)
    page = client.get(staff_url("sorting_round", process, round.pk)).text
    assert "1 players started, 0 finished, 1 answers stored." in page
    fragment = client.get(
        staff_url("sorting_round", process, round.pk) + "?partial=counts", HTTP_HX_REQUEST="true"
    )
    assert "<html" not in fragment.text and "Tablet" in fragment.text


# --- residents: the game ---------------------------------------------------------------------


def _start(client, round):
    response = client.post(
        play_url(round, "sort_start"), HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile"
    )
    assert response.status_code == 302
    return SortParticipant.objects.order_by("-pk").first()


def _card_item(page: str) -> int:
    return int(re.search(r'name="item" value="(\d+)"', page).group(1))


def test_a_full_game_without_javascript(client, round):
    page = client.get(play_url(round))
    assert page.status_code == 200 and "Start sorting" in page.text
    assert page["Cache-Control"] == "private, no-store"
    player = _start(client, round)
    assert player.device_class == "phone"
    for position in range(1, 4):
        page = client.get(play_url(round)).text
        assert f"Card {position} of 3" in page
        item = _card_item(page)
        assert item == player.deck[position - 1]
        response = client.post(play_url(round, "sort_vote"), {"item": item, "choice": "1"})
        assert response.status_code == 302 and response["Location"] == play_url(round)
    page = client.get(play_url(round)).text
    assert "All cards are sorted" in page and "Your age (optional)" in page
    response = client.post(play_url(round, "sort_finish"), {"age_band": "25-44", "area": ""})
    assert response.status_code == 302
    page = client.get(play_url(round)).text
    assert "Thank you for sorting!" in page
    player.refresh_from_db()
    assert player.finished_at is not None and player.age_band == "25-44"
    assert list(SortVote.objects.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    # The end page links to the public results (keywords.sorting.views_results).
    results = reverse(
        "keywords:sorting_results_public", args=["norrkoping", round.process.slug, round.pk]
    )
    assert f'href="{results}">See the results so far' in page


def test_a_double_submit_stores_one_answer_and_undo_brings_the_card_back(client, round):
    player = _start(client, round)
    first = player.deck[0]
    for _ in range(2):
        client.post(play_url(round, "sort_vote"), {"item": first, "choice": "-1"})
    assert SortVote.objects.filter(participant=player).count() == 1
    assert "Card 2 of 3" in client.get(play_url(round)).text
    client.post(play_url(round, "sort_undo"))
    page = client.get(play_url(round)).text
    assert "Card 1 of 3" in page and _card_item(page) == first
    assert not SortVote.objects.exists()


def test_a_second_start_continues_the_same_game(client, round):
    player = _start(client, round)
    again = _start(client, round)
    assert again.pk == player.pk and SortParticipant.objects.count() == 1


def test_with_htmx_the_next_card_swaps_in_and_is_announced(client, round):
    player = _start(client, round)
    response = client.post(
        play_url(round, "sort_vote"),
        {"item": player.deck[0], "choice": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert 'id="game-live" hx-swap-oob="innerHTML"' in html
    assert "Answer saved. Card 2 of 3" in html
    assert _card_item(html) == player.deck[1]
    assert response["Vary"].count("HX-Request") == 1


def test_an_expired_game_starts_over_with_a_clear_message(client, round):
    _start(client, round)
    client.cookies.pop("vp_sort")
    response = client.post(play_url(round, "sort_vote"), {"item": 1, "choice": "1"}, follow=True)
    assert "We could not find your game" in response.text
    assert "Start sorting" in response.text
    htmx = client.post(
        play_url(round, "sort_vote"), {"item": 1, "choice": "1"}, HTTP_HX_REQUEST="true"
    )
    assert htmx["HX-Redirect"] == play_url(round)
    # A forged cookie is no game either.
    client.cookies["vp_sort"] = "forged"
    assert client.post(play_url(round, "sort_undo")).status_code == 302
    assert not SortVote.objects.exists()


def test_a_vote_after_closing_is_refused_with_a_message(client, round, staff):
    player = _start(client, round)
    services.sorting_round_close(round=round, by=staff)
    response = client.post(
        play_url(round, "sort_vote"), {"item": player.deck[0], "choice": "1"}, follow=True
    )
    assert "This round is closed" in response.text
    assert not SortVote.objects.exists()


def test_bad_vote_input_loses_nothing(client, round):
    player = _start(client, round)
    for data in ({"item": "x", "choice": "1"}, {"item": player.deck[0], "choice": "7"}, {}):
        response = client.post(play_url(round, "sort_vote"), data, follow=True)
        assert "Choose one of the answers" in response.text
    assert "Card 1 of 3" in client.get(play_url(round)).text


def test_a_bad_profile_answer_is_shown_and_the_game_stays_open(client, round):
    player = _start(client, round)
    for item in player.deck:
        client.post(play_url(round, "sort_vote"), {"item": item, "choice": "1"})
    response = client.post(play_url(round, "sort_finish"), {"age_band": "200+"})
    assert response.status_code == 400 and "Choose one of the age bands" in response.text
    player.refresh_from_db()
    assert player.finished_at is None


@pytest.mark.parametrize(
    "state,text",
    [
        ("upcoming", "This round has not opened yet."),
        ("closed", "This round is closed."),
        ("outside_phase", "This round is not taking answers at the moment."),
    ],
)
def test_residents_see_a_clear_page_when_the_round_is_not_open(
    client, process, keyword_list, staff, state, text
):
    phase = running_phase(process, PhaseKind.SORTING)
    now = timezone.now()
    fields = {}
    if state == "upcoming":
        fields = {"opens_at": now + datetime.timedelta(days=2)}
    round = _round(process, keyword_list, staff, **fields)
    if state == "closed":
        services.sorting_round_close(round=round, by=staff)
    if state == "outside_phase":
        phase.delete()
    page = client.get(play_url(round))
    assert page.status_code == 200 and text in page.text
    assert "Start sorting" not in page.text
    assert client.post(play_url(round, "sort_start")).status_code == 302
    assert not SortParticipant.objects.exists()


def test_a_draft_round_and_an_unpublished_process_are_not_found(
    client, process, keyword_list, staff
):
    running_phase(process, PhaseKind.SORTING)
    draft = _round(process, keyword_list, staff, open=False)
    assert client.get(play_url(draft)).status_code == 404
    round = _round(process, keyword_list, staff)
    process.is_public = False
    process.save()
    assert client.get(play_url(round)).status_code == 404


@pytest.mark.parametrize("role", [*ROLES])
def test_the_game_is_public_for_everyone(client, request, round, role):
    client = _client_for(client, request, role)
    assert client.get(play_url(round)).status_code == 200


def test_hostile_labels_are_rendered_inert(client, round, keyword_list):
    player = _start(client, round)
    hostile = keyword_list.items.get(label=XSS).pk
    player.deck = [hostile, *[pk for pk in player.deck if pk != hostile]][:3]
    player.save()
    page = client.get(play_url(round)).text
    assert XSS not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    htmx = client.post(
        play_url(round, "sort_vote"),
        {"item": player.deck[1], "choice": "1"},
        HTTP_HX_REQUEST="true",
    ).text
    client.post(play_url(round, "sort_undo"), HTTP_HX_REQUEST="true")
    assert XSS not in htmx


def test_the_process_page_and_the_receipt_link_to_the_open_round(client, round, process):
    link = play_url(round)
    page = client.get(reverse("public:process", args=["norrkoping", process.slug])).text
    assert link in page
    consultation = round.keyword_list.consultation
    receipt = client.get(
        reverse("consultations:receipt", args=["norrkoping", process.slug, consultation.pk])
    ).text
    assert link in receipt


def test_no_link_to_a_round_that_is_not_open(client, process, keyword_list, staff):
    running_phase(process, PhaseKind.SORTING)
    round = _round(process, keyword_list, staff)
    services.sorting_round_close(round=round, by=staff)
    page = client.get(reverse("public:process", args=["norrkoping", process.slug])).text
    assert play_url(round) not in page


def _asset(path: str) -> bytes:
    return (ROOT / "static" / path).read_bytes()


def test_the_game_page_stays_within_40_kilobytes_transferred(client, round, capsys):
    """HTML plus the CSS and JavaScript it loads, as the server sends them (gzip, as
    WhiteNoise serves compressed static files): within 40 KB on a first visit."""
    _start(client, round)
    html = client.get(play_url(round)).content
    assets = re.findall(rb'(?:src|href)="/static/([^"?]+)"', html)
    assert b"js/sorting.js" in b" ".join(assets)
    assets_gz = sum(len(gzip.compress(_asset(a.decode()), 9)) for a in assets)
    html_gz = len(gzip.compress(html, 9))
    total = html_gz + assets_gz
    with capsys.disabled():
        print(
            f"\ngame page: HTML {len(html)} B ({html_gz} B gzip), "
            f"{len(assets)} assets {assets_gz} B gzip, total {total} B transferred"
        )
    assert len(html) < 15 * 1024
    assert total < 40 * 1024


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"closes_at": "2029-12-01T10:00"}, "The round must close after it opens."),
        ({"deck_size": 500}, "less than or equal to 200"),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_settings_get_a_message_in_words(client, staff, process, round, fields, message):
    client.force_login(staff)
    data = {
        "version": round.version,
        "title": "Runda",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-02-01T10:00",
        "deck_size": 2,
    } | fields
    response = client.post(staff_url("sorting_round", process, round.pk), data)
    assert response.status_code == 400
    assert message in response.text
    assert "Constraint" not in response.text


def test_a_vote_is_one_statement_and_the_next_card_needs_no_more(
    client, round, django_assert_num_queries
):
    require_service(
        connection.vendor == "postgresql",
        "the vote's one call is PostgreSQL's function (elsewhere it is stored in steps)",
    )
    player = _start(client, round)
    client.get(play_url(round))  # the round and its labels are now in this process's cache
    # Without JavaScript: the vote, then a redirect.
    with django_assert_num_queries(1):
        response = client.post(
            play_url(round, "sort_vote"), {"item": player.deck[0], "choice": "1"}
        )
    assert response.status_code == 302
    # With htmx: the same one statement returns what the next card needs.
    with django_assert_num_queries(1):
        response = client.post(
            play_url(round, "sort_vote"),
            {"item": player.deck[1], "choice": "-1"},
            HTTP_HX_REQUEST="true",
        )
    assert "Card 3 of 3" in response.text and _card_item(response.text) == player.deck[2]
    # Nothing written to a session (a database session would have been a query too).
    assert "sessionid" not in response.cookies
    votes = SortVote.objects.filter(participant=player).order_by("position")
    assert [(v.item_id, v.position, v.choice, v.excluded) for v in votes] == [
        (player.deck[0], 1, 1, False),
        (player.deck[1], 2, -1, False),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_vote_on_a_connection_postgresql_dropped_is_stored_once(client, round):
    """The vote skips Django's health check (visionportal.db): a kept connection that
    PostgreSQL ended meanwhile (a restart, a failover) is replaced, and the vote stored."""
    require_service(connection.vendor == "postgresql", "dropping a connection needs PostgreSQL")
    player = _start(client, round)
    client.get(play_url(round))
    drop_connection()
    # Between requests Django marks a kept connection for checking (the test client skips
    # that step); the vote is the next request's first query.
    connection.close_if_unusable_or_obsolete()
    for _twice in range(2):
        response = client.post(
            play_url(round, "sort_vote"), {"item": player.deck[0], "choice": "1"}
        )
        assert response.status_code == 302 and response["Location"] == play_url(round)
    assert list(SortVote.objects.filter(participant=player).values_list("item_id", "choice")) == [
        (player.deck[0], 1)
    ]


def test_a_vote_closed_in_another_process_is_refused_at_once(client, round, staff):
    """The round comes from a cache a few seconds old; a close made by another web process
    (not forgotten here) still refuses the next vote and undo: the statement checks it."""
    player = _start(client, round)
    client.post(play_url(round, "sort_vote"), {"item": player.deck[0], "choice": "1"})
    SortingRound.objects.filter(pk=round.pk).update(closed_at=timezone.now())
    response = client.post(
        play_url(round, "sort_vote"), {"item": player.deck[1], "choice": "1"}, follow=True
    )
    assert "This round is closed" in response.text
    client.post(play_url(round, "sort_undo"))
    assert list(SortVote.objects.values_list("item_id", flat=True)) == [player.deck[0]]


def test_a_finished_game_takes_no_more_votes(client, round):
    player = _start(client, round)
    for item in player.deck:
        client.post(play_url(round, "sort_vote"), {"item": item, "choice": "1"})
    client.post(play_url(round, "sort_finish"), {})
    response = client.post(
        play_url(round, "sort_vote"), {"item": player.deck[0], "choice": "-1"}, follow=True
    )
    assert "You have already finished this game" in response.text
    assert set(SortVote.objects.values_list("choice", flat=True)) == {1}


def test_a_card_of_another_players_deck_is_refused(client, round, keyword_list):
    player = _start(client, round)
    outside = next(
        pk for pk in keyword_list.items.values_list("pk", flat=True) if pk not in player.deck
    )
    for item in (outside, 2**63, 10**30):
        response = client.post(
            play_url(round, "sort_vote"), {"item": item, "choice": "1"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and "That keyword is not in your game" in response.text
    assert not SortVote.objects.exists()


def test_starting_is_rate_limited_per_client_address(client, round, settings):
    settings.SORTING_RATE_LIMITS = {"online_start_client": (2, 60)}
    for _ in range(2):
        Client().post(play_url(round, "sort_start"))
    assert SortParticipant.objects.count() == 2
    response = client.post(play_url(round, "sort_start"))
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many new games from your connection just now" in response.text
    assert f'href="{play_url(round)}">Back to the game' in response.text
    assert SortParticipant.objects.count() == 2
    # Another address has its own count.
    other = client.post(play_url(round, "sort_start"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302 and SortParticipant.objects.count() == 3


def test_answers_and_undos_share_a_rate_limit_per_client_address(client, round, settings):
    settings.SORTING_RATE_LIMITS = {"online_vote_client": (3, 60)}
    player = _start(client, round)
    vote = play_url(round, "sort_vote")
    client.post(vote, {"item": player.deck[0], "choice": "1"})
    client.post(play_url(round, "sort_undo"))
    client.post(vote, {"item": player.deck[0], "choice": "-1"})
    # Over the limit: nothing stored, a clear page without JavaScript...
    page = client.post(vote, {"item": player.deck[1], "choice": "1"})
    assert page.status_code == 429 and "<html" in page.text
    assert "Too many answers from your connection just now" in page.text
    assert "The answers you have given are saved." in page.text
    assert f'href="{play_url(round)}">Continue the game' in page.text
    # ...and with htmx the same words in place of the card, announced, never a whole page.
    htmx = client.post(vote, {"item": player.deck[1], "choice": "1"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and "<html" not in htmx.text
    assert 'id="game-live" hx-swap-oob="innerHTML">Too many answers' in htmx.text
    assert client.post(play_url(round, "sort_undo")).status_code == 429
    assert list(SortVote.objects.values_list("item_id", "choice")) == [(player.deck[0], -1)]


def test_the_rate_limit_page_is_translated(client, round, settings):
    settings.SORTING_RATE_LIMITS = {"online_vote_client": (0, 60)}
    for language, text in (
        ("sv", "För många svar"),
        ("da", "For mange svar"),
        ("nb", "For mange svar"),
    ):
        client.cookies["django_language"] = language
        page = client.post(play_url(round, "sort_vote"), {"item": 1, "choice": "1"})
        assert page.status_code == 429 and text in page.text, language


@pytest.mark.urls("tests.keywords.sorting_results_urls")
def test_the_end_and_the_closed_page_link_to_the_results_once_they_exist(client, round, staff):
    results = reverse(
        "keywords:sorting_results_public", args=["norrkoping", round.process.slug, round.pk]
    )
    player = _start(client, round)
    for item in player.deck:
        client.post(play_url(round, "sort_vote"), {"item": item, "choice": "1"})
    client.post(play_url(round, "sort_finish"), {})
    assert f'href="{results}"' in client.get(play_url(round)).text
    services.sorting_round_close(round=round, by=staff)
    client.cookies.pop("vp_sort")
    assert f'href="{results}"' in client.get(play_url(round)).text
