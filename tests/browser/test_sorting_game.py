"""A resident plays the sorting game in a real browser, keyboard only: with htmx (the next
card swaps in, focus follows it, the status is announced) and without JavaScript (a form
per card); zero axe violations on every page of the game, in every UI language."""

import datetime

import pytest
from django.utils import timezone

from keywords.sorting import services
from keywords.sorting.models import SortChoice, SortParticipant, SortVote
from tests.conftest import running_phase
from tests.keywords.sorting_factories import published_list
from visionportal.models import PhaseKind

from .conftest import LANGUAGES, axe_violations

XSS = "<script>alert(1)</script>"
LABELS = ["Trygghet", "Kollektivtrafik", "حدائق عامة", XSS, "Strömmen 🌊"]


@pytest.fixture
def round(process, staff):
    running_phase(process, PhaseKind.SORTING)
    keyword_list = published_list(process, LABELS)
    now = timezone.now()
    round = services.sorting_round_create(
        process=process,
        keyword_list=keyword_list,
        by=staff,
        title="Vilka ord ska prägla Norrköping?",
        intro="Sortera nyckelorden.",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=10),
        deck_size=3,
        ask_target_groups=True,
    )
    return services.sorting_round_open(round=round, by=staff)


def _url(round):
    return f"/m/norrkoping/{round.process.slug}/sort/{round.pk}/"


def _tab_to(page, predicate_js: str, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"Tab never reached {predicate_js}")


FOCUS_ON_START = "document.activeElement.classList.contains('game-start')"
FOCUS_ON_YES = "document.activeElement.dataset.shortcut === '1'"


def _hostile_label_inert(page):
    # The label is shown as text; no script element came from it.
    assert page.locator("main script").count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_the_game_has_no_axe_violations(new_context, round, language):
    page = new_context(language=language).new_page()
    problems = []

    def check():
        assert page.locator("html").get_attribute("lang") == language
        problems.extend(axe_violations(page))

    page.goto(_url(round))
    check()  # the start page
    page.locator(".game-start").click()
    page.locator(".game-card").wait_for()
    check()  # a card
    for _ in range(3):
        heading = page.locator("#game-keyword").inner_text()
        page.locator("[data-shortcut='1']").click()
        page.wait_for_function(
            "(previous) => !document.getElementById('game-keyword')"
            " || document.getElementById('game-keyword').innerText !== previous",
            arg=heading,
        )
    page.locator("select").first.wait_for()
    check()  # the end, with the profile questions and undo
    page.locator("button.game-start").click()
    page.locator("h2[data-game-focus]").wait_for()
    check()  # thank you
    assert not problems, "\n".join(problems)


def test_closed_round_page_has_no_axe_violations(new_context, round, staff):
    services.sorting_round_close(round=round, by=staff)
    page = new_context(language="sv").new_page()
    page.goto(_url(round))
    assert "stängd" in page.locator("main").inner_text()
    assert not axe_violations(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_full_game_keyboard_only_with_htmx(new_context, round, language):
    page = new_context(language=language).new_page()
    page.goto(_url(round))
    _tab_to(page, FOCUS_ON_START)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    game_url = page.url
    player = SortParticipant.objects.get()
    # Tab into the card, then answer by the shortcuts: 1 yes, 2 no, 3 skip, U undo.
    _tab_to(page, FOCUS_ON_YES)
    answers = ["1", "u", "2", "3", "1"]
    page.evaluate("window.__sameGame = true")
    expected_live = {
        "1": "2",
        "u": "1",
        "2": "2",
        "3": "3",
    }
    for key in answers:
        before = page.locator("#game-live").inner_text()
        page.keyboard.press(key)
        page.wait_for_function(
            "(before) => document.getElementById('game-live').innerText !== before"
            " || document.getElementById('game-live').innerText === ''",
            arg=before,
        )
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.hasAttribute('data-game-focus')"
        )
        # Never a full page load: a key pressed as soon as the card showed was answered
        # by htmx too (the marker set on this document survives).
        assert page.evaluate("window.__sameGame === true"), f"key {key} loaded a new page"
        if key in expected_live and page.locator("#game-keyword").count():
            assert f" {expected_live[key]} " in page.locator("#game-live").inner_text()
    assert page.url == game_url
    votes = dict(SortVote.objects.filter(participant=player).values_list("position", "choice"))
    assert votes == {1: SortChoice.NOT_WANT, 2: SortChoice.SKIP, 3: SortChoice.WANT}
    _hostile_label_inert(page)
    # The end: the optional questions by keyboard, then Finish.
    _tab_to(page, "document.activeElement.tagName === 'SELECT'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "document.activeElement.classList.contains('game-start')")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.tagName === 'H2'"
    )
    player.refresh_from_db()
    assert player.finished_at is not None
    assert not axe_violations(page)


def test_a_full_game_keyboard_only_without_javascript(new_context, round):
    page = new_context(language="sv", java_script_enabled=False).new_page()
    page.goto(_url(round))
    _tab_to(page, FOCUS_ON_START)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for position in (1, 2, 3):
        assert f"Kort {position} av 3" in page.locator("main").inner_text()
        # Without JavaScript there are no shortcuts: the keys hint stays hidden.
        assert not page.locator(".game-keys").is_visible()
        _tab_to(page, "document.activeElement.dataset.shortcut === '2'")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # (axe needs JavaScript; the same pages are checked with it above.)
    # Undo the last answer by keyboard, answer again, then finish.
    _tab_to(page, "document.activeElement.dataset.shortcut === 'u'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Kort 3 av 3" in page.locator("main").inner_text()
    _tab_to(page, FOCUS_ON_YES)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "document.activeElement.classList.contains('game-start')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Tack för att du sorterade!" in page.locator("main").inner_text()
    _hostile_label_inert(page)
    player = SortParticipant.objects.get()
    assert player.finished_at is not None
    choices = list(
        SortVote.objects.filter(participant=player)
        .order_by("position")
        .values_list("choice", flat=True)
    )
    assert choices == [SortChoice.NOT_WANT, SortChoice.NOT_WANT, SortChoice.WANT]


def test_the_staff_sorting_pages_have_no_axe_violations(new_context, round, staff):
    from .conftest import sign_in

    player = services.sort_participant_start(round=round, channel="online", device_class="phone")
    services.sort_vote_cast(participant=player, item_id=player.deck[0], choice=1)
    problems = []
    for language in ("sv", "en"):
        page = new_context(language=language).new_page()
        sign_in(page, staff.email)
        for path in (
            f"/workspace/norrkoping/processes/{round.process.pk}/sorting/",
            f"/workspace/norrkoping/processes/{round.process.pk}/sorting/{round.pk}/",
        ):
            response = page.goto(path)
            assert response.status == 200, path
            problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def _centre(page, selector):
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _wait_for_card(page, position):
    page.wait_for_function(
        "(text) => (document.getElementById('game-progress-text') || {}).innerText === text",
        arg=f"Card {position} of 3",
    )


def _mouse_drag(page, dx, *, release=True):
    x, y = _centre(page, "#game-keyword")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=8)
    if release:
        page.mouse.up()


def test_swiping_the_card_answers_it_by_mouse_and_by_touch(new_context, round):
    page = new_context(language="en", has_touch=True).new_page()
    page.goto(_url(round))
    page.locator(".game-start").click()
    _wait_for_card(page, 1)
    assert page.locator(".game-swipe").is_visible()
    player = SortParticipant.objects.get()
    # A short drag is no answer; the card goes back.
    _mouse_drag(page, 40)
    page.wait_for_timeout(300)
    assert page.locator("#game-progress-text").inner_text() == "Card 1 of 3"
    assert not SortVote.objects.exists()
    # Dragged well to the right with the mouse: "yes".
    _mouse_drag(page, 220)
    _wait_for_card(page, 2)
    # A finger swiping left (real touch events, as a phone sends them): "no".
    x, y = _centre(page, "#game-keyword")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x - 22 * step, "y": y}]},
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    _wait_for_card(page, 3)
    # A finger moving up and down scrolls; it answers nothing.
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 6):
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x + 5 * step, "y": y - 30 * step}]},
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(300)
    assert page.locator("#game-progress-text").inner_text() == "Card 3 of 3"
    votes = dict(SortVote.objects.filter(participant=player).values_list("position", "choice"))
    assert votes == {1: SortChoice.WANT, 2: SortChoice.NOT_WANT}
    # The buttons and keys still work after swipes, and the page has no axe violations.
    assert not axe_violations(page)
    page.locator("[data-shortcut='3']").click()
    page.locator("#game select").first.wait_for()
    assert SortVote.objects.filter(participant=player).count() == 3


def test_with_reduced_motion_the_card_stays_put_and_the_answer_is_marked(new_context, round):
    page = new_context(language="en", reduced_motion="reduce").new_page()
    page.goto(_url(round))
    page.locator(".game-start").click()
    _wait_for_card(page, 1)
    _mouse_drag(page, -220, release=False)
    card = page.locator(".game-card")
    assert card.evaluate("(el) => el.style.transform") == ""
    assert card.get_attribute("data-swipe") == "2"
    outline = page.locator(".game-choice--not").evaluate(
        "(el) => getComputedStyle(el).outlineStyle"
    )
    assert outline == "solid"
    page.mouse.up()
    _wait_for_card(page, 2)
    player = SortParticipant.objects.get()
    assert list(SortVote.objects.filter(participant=player).values_list("choice", flat=True)) == [
        SortChoice.NOT_WANT
    ]
