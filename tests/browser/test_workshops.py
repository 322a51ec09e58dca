"""Future workshops in a real browser: a resident signs up, sees the confirmation and
cancels, keyboard only and without JavaScript; axe finds nothing on the sign-up,
confirmation, cancelled and presenter pages in every UI language, and nothing scrolls
sideways at 375 px. Staff add cards to the board with htmx and without JavaScript."""

import uuid

import pytest

from consultations.workshops import services
from consultations.workshops.models import BoardItem, SignUp
from tests.consultations.workshops.factories import make_series, make_workshop
from tests.visionportal.test_logo import image_bytes

from .conftest import LANGUAGES, axe_violations, sign_in


@pytest.fixture
def workshop(transactional_db, process):
    series = make_series(process)
    workshop = make_workshop(series, capacity=20)
    make_workshop(series, title="Kveld 2: Tiltak", days=14, stage="measures")
    services.photo_add(workshop=workshop, data=image_bytes("JPEG"), alt="Eldre ved kaffebordet")
    return workshop


def _series_path(workshop):
    return f"/m/norrkoping/vision-2035/workshops/{workshop.series.pk}/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_workshop_pages_have_no_axe_violations_and_fit_a_phone(workshop, new_context, language):
    page = new_context(language=language, viewport={"width": 375, "height": 667}).new_page()
    sign_up, _ = services.workshop_sign_up(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        name="Kari",
        accessibility_needs="Teleslynge",
    )
    cancelled, _ = services.workshop_sign_up(workshop=workshop, idempotency_key=uuid.uuid4())
    services.sign_up_cancel(sign_up=cancelled)
    paths = [
        _series_path(workshop),
        f"/workshop-sign-ups/{sign_up.token}/",
        f"/workshop-sign-ups/{cancelled.token}/",
        f"{_series_path(workshop)}{workshop.pk}/screen/",
    ]
    problems = []
    for path in paths:
        response = page.goto(path)
        if response.status != 200 or page.locator("html").get_attribute("lang") != language:
            problems.append(f"{path}: {response.status}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"{path} is {width}px wide at 375px")
        problems += axe_violations(page)
    # The sign-up form's error state too.
    page.goto(_series_path(workshop))
    page.fill(f"#id_w{workshop.pk}-name", "x" * 120)
    page.evaluate(f"document.getElementById('id_w{workshop.pk}-key').value = 'broken'")
    with page.expect_navigation():
        page.locator(f"#workshop-{workshop.pk}-heading ~ form button[type=submit]").click()
    problems += axe_violations(page)
    assert not problems, "\n".join(problems)


def _tab_to(page, predicate_js, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"never reached {predicate_js}")


def test_a_resident_signs_up_and_cancels_keyboard_only_without_javascript(workshop, new_context):
    page = new_context(language="nb", java_script_enabled=False).new_page()
    page.goto(_series_path(workshop))
    _tab_to(page, f"document.activeElement.id === 'id_w{workshop.pk}-name'")
    page.keyboard.type("Ola")
    page.keyboard.press("Tab")
    page.keyboard.type("Trinnfri adkomst")
    _tab_to(page, "document.activeElement.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workshop-sign-ups/**")
    sign_up = SignUp.objects.get()
    assert (sign_up.name, sign_up.accessibility_needs) == ("Ola", "Trinnfri adkomst")
    # (A form sent twice keeps one seat: tests/consultations/workshops/test_views.py. The
    # page is never cached, so Back here fetches a fresh form with a new key.)
    _tab_to(page, "document.activeElement.classList.contains('button--danger')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    sign_up.refresh_from_db()
    assert sign_up.cancelled_at is not None
    assert page.locator("h1").inner_text() == "Påmeldingen er avlyst"


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_add_cards_to_the_board_with_and_without_javascript(
    workshop, new_context, staff, javascript
):
    page = new_context(java_script_enabled=javascript).new_page()
    sign_in(page, "staff@norrkoping.test")
    page.goto(f"/workspace/norrkoping/workshops/{workshop.pk}/board/")
    page.fill("#new-need", "Møteplasser for eldre")
    page.locator("#new-need").press("Enter")
    page.locator(".board-card__head", has_text="Møteplasser for eldre").wait_for()
    need = BoardItem.objects.get()
    page.fill(f"#add-measure-{need.pk}", "Kafé på biblioteket")
    page.locator(f"#add-measure-{need.pk}").press("Enter")
    page.locator(".board-card__head", has_text="Kafé på biblioteket").wait_for()
    assert BoardItem.objects.count() == 2
    if javascript:  # axe runs in the page
        problems = axe_violations(page)
        assert not problems, "\n".join(problems)
