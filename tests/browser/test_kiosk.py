"""Kiosk mode in a real browser: the tablet goes offline, players keep playing from the
pre-dealt reserve, their answers wait in the queue, and when the network returns every
answer is stored exactly once (a retried upload adds nothing). Between players nothing of
the previous one stays on the screen; an idle player is sent back to the start. Zero axe
violations on the start and card screens in every language; the script runs under the real
Content-Security-Policy; hostile labels stay text."""

import time

import pytest
from playwright.sync_api import expect

from keywords.sorting import kiosk
from keywords.sorting.models import DevicePlaceKind, SortParticipant, SortVote, SortVoteBatch
from tests.keywords.sorting_factories import bare_round, published_list, sorting_phase

from .conftest import LANGUAGES, assert_no_axe_violations, axe_violations

XSS = '<img src=x onerror="document.title=1">'
LABELS = ["trygghet", "kollektivtrafik", "segregation", "konstgräs", XSS, "الحديقة"]


@pytest.fixture
def device(process, staff):
    sorting_phase(process)
    round = bare_round(published_list(process, LABELS), deck_size=3, kiosk_open=True)
    return kiosk.device_register(
        round=round, name="Biblioteket", place_kind=DevicePlaceKind.LIBRARY, by=staff
    )


def _wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _reserve_ready(device):
    return _wait_for(
        lambda: SortParticipant.objects.filter(device=device).count() >= kiosk.RESERVE_DECKS
    )


def _queued(page, device):
    return page.evaluate(
        "(key) => JSON.parse(localStorage.getItem(key) || '[]')", f"vp-kiosk-queue:{device.pk}"
    )


def test_offline_players_are_counted_once_when_the_network_returns(new_context, device, settings):
    settings.SORTING_KIOSK_IDLE_SECONDS = 3
    settings.SORTING_KIOSK_IDLE_WARNING_SECONDS = 2
    # The real CSP: the kiosk script must work without any inline script or style.
    context = new_context(bypass_csp=False)
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"/k/{device.token}/")
    assert _reserve_ready(device), "the kiosk did not fetch its reserve of decks"
    page.wait_for_timeout(300)

    context.set_offline(True)
    # Player 1: plays a whole deck offline, with an undo, by keyboard and by touch.
    page.get_by_role("button", name="Start").click()
    keyword = page.locator("#kiosk-stage [data-keyword]")
    expect(keyword).to_be_focused()
    expect(page.locator("#kiosk-stage")).to_contain_text("Card 1 of 3")
    first_label = keyword.text_content()
    assert first_label in LABELS
    page.keyboard.press("1")
    expect(page.locator("#kiosk-stage")).to_contain_text("Card 2 of 3")
    page.get_by_role("button", name="Undo the last answer").click()
    expect(page.locator("#kiosk-stage")).to_contain_text("Card 1 of 3")
    page.get_by_role("button", name="No, it should not").click()
    page.keyboard.press("3")
    page.get_by_role("button", name="Yes, it should").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator("#kiosk-queue")).to_have_text("Answers waiting to be sent: 3")
    # Back to the start screen: nothing of player 1 on it.
    expect(page.get_by_role("button", name="Start")).to_be_visible(timeout=8000)
    assert page.locator("#kiosk-stage").inner_html() == ""
    assert not SortVote.objects.exists()

    # Player 2: answers one card, is asked whether they are still there and continues,
    # then walks away: the idle timeout resets the kiosk.
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Yes, it should").click()
    still_there = page.get_by_role("button", name="Continue playing")
    expect(still_there).to_be_focused(timeout=8000)
    still_there.click()
    expect(still_there).to_be_hidden()
    expect(page.locator("#kiosk-stage")).to_contain_text("Card 2 of 3")
    expect(still_there).to_be_visible(timeout=8000)
    expect(page.get_by_role("button", name="Start")).to_be_visible(timeout=8000)
    assert page.locator("#kiosk-stage").inner_html() == ""
    expect(page.locator("#kiosk-queue")).to_have_text("Answers waiting to be sent: 4")
    queue = _queued(page, device)
    assert [len(batch["votes"]) for batch in queue] == [3, 1]
    assert len(queue[0]["finished"]) == 1 and queue[1]["finished"] == []

    context.set_offline(False)
    assert _wait_for(lambda: SortVote.objects.count() == 4), SortVote.objects.count()
    expect(page.locator("#kiosk-queue")).to_have_text("")
    assert _queued(page, device) == []
    assert SortVoteBatch.objects.filter(device=device).count() == 2
    # A retry of an upload the server already has (say its answer was lost) adds nothing.
    status = page.evaluate(
        """async ([url, batch]) => {
            const r = await fetch(url, {method: "POST", body: JSON.stringify(batch),
                                        headers: {"Content-Type": "application/json"}});
            return await r.json();
        }""",
        [f"/k/{device.token}/batch/", queue[0]],
    )
    assert status == {"stored": 0, "rejected": 0, "duplicate": True}
    assert SortVote.objects.count() == 4
    finished = SortParticipant.objects.filter(device=device, finished_at__isnull=False)
    assert finished.count() == 1
    assert sorted(SortVote.objects.values_list("position", flat=True)) == [1, 1, 2, 3]
    device.refresh_from_db()
    assert device.votes == 4 and page.title() != "1"


def test_the_kiosk_screens_have_no_axe_violations_in_any_language(new_context, device):
    problems = []
    for language in LANGUAGES:
        page = new_context(language=language).new_page()
        page.goto(f"/k/{device.token}/")
        problems += axe_violations(page)
        # The card screen of the script (a reserve deck) and of the plain form.
        _reserve_ready(device)
        page.wait_for_timeout(300)
        page.locator("#kiosk-start-form button").click()
        expect(page.locator("#kiosk-stage [data-keyword]")).to_be_focused()
        problems += axe_violations(page)
        # The plain form's card page (what a player without the script gets).
        play = kiosk.kiosk_play_start(device=device)
        page.goto(f"/k/{device.token}/p/{play.token}/")
        expect(page.locator(".kiosk-keyword")).to_be_visible()
        problems += axe_violations(page)
    assert problems == [], "\n".join(problems)


def test_without_javascript_the_kiosk_plays_with_plain_forms(new_context, device):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/k/{device.token}/")
    page.get_by_role("button", name="Start").click()
    for n in (1, 2, 3):
        expect(page.locator("#kiosk-progress-text")).to_have_text(f"Card {n} of 3")
        page.get_by_role("button", name="Yes, it should").focus()
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Thank you!")).to_be_visible()
    assert SortVote.objects.filter(participant__device=device).count() == 3


def test_a_retired_kiosk_shows_a_clear_page(new_context, device, staff):
    kiosk.device_retire(device=device, by=staff)
    page = new_context().new_page()
    response = page.goto(f"/k/{device.token}/")
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This kiosk is no longer in use")
    assert_no_axe_violations(page)


def test_the_staff_pages_of_kiosks_meetings_and_review_have_no_axe_violations(
    new_context, device, staff
):
    from keywords.sorting import integrity, workplace

    from .conftest import set_language_cookie, sign_in

    round = device.round
    round.workplace_open = True
    round.save(update_fields=["workplace_open"])
    meeting = workplace.group_session_create(round=round, name="Kansliet", participants=8, by=staff)
    [play] = kiosk.kiosk_decks_deal(device=device, count=1)
    integrity.votes_exclude(round=round, by=staff, reason="Prov", participant=play)
    base = f"/workspace/norrkoping/processes/{round.process_id}/sorting/{round.pk}/"
    problems = []
    # One sign-in: a second one within the same 30 s would reuse the TOTP code (refused).
    context = new_context()
    page = context.new_page()
    sign_in(page, staff.email)
    for language in ("sv", "en"):
        set_language_cookie(context, page.url, language)
        for path in (
            "kiosks/",
            "meetings/",
            f"meetings/{meeting.pk}/",
            f"meetings/{meeting.pk}/screen/",
            "review/",
        ):
            response = page.goto(base + path)
            assert response.status == 200, path
            problems += axe_violations(page)
    assert not problems, "\n".join(problems)
