"""The public pages in a real browser: accessible in every UI language, right-to-left user text,
keyboard-only use and narrow screens."""

import datetime
import io

import pytest
from PIL import Image, ImageDraw

from visionportal import services
from visionportal.demo import load_demo
from visionportal.models import Milestone, Municipality, Phase, PhaseKind, VisionProcess

from .conftest import LANGUAGES, assert_no_axe_violations, axe_violations


# A 600 × 200 wordmark-like logo: dark blue with a white band (scaled to 400 × 133 on upload).
def logo_png():
    image = Image.new("RGB", (600, 200), (11, 79, 108))
    ImageDraw.Draw(image).rectangle((40, 80, 560, 120), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PUBLIC_PAGES = [
    "/",
    "/m/norrkoping/",
    "/m/norrkoping/vision-2035/",
    "/m/ishoj/vision-2035/",
    "/accessibility/",
    "/accounts/login/",
]


@pytest.fixture
def demo(transactional_db):
    load_demo()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_has_no_axe_violations_in_each_language(demo, new_context, language):
    page = new_context(language=language).new_page()
    problems = []
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        html = page.locator("html")
        found = (response.status, html.get_attribute("lang"), html.get_attribute("dir"))
        if found != (200, language, "ltr"):
            problems.append(f"{path}: status, lang, dir = {found}, want (200, {language!r}, 'ltr')")
        problems += axe_violations(page)
    assert not problems, "\n".join(problems)


ARABIC_SUMMARY = "تخيّل نورشوبينغ بعد عشرين عامًا: ماذا نأخذ معنا مما هو جيد اليوم؟"
ARABIC_PHASES = ["اسأل سكان البلدية", "تقييم الكلمات المفتاحية"]
ARABIC_MILESTONES = ["قرار المجلس التنفيذي", "قرار مجلس البلدية"]


def make_arabic_process(municipality):
    process = VisionProcess.objects.create(
        municipality=municipality,
        title="رؤية ٢٠٣٥",
        slug="roya-2035",
        target_year=2035,
        is_public=True,
        summary=ARABIC_SUMMARY,
    )
    d = datetime.date
    Phase.objects.create(
        process=process,
        kind=PhaseKind.CONSULTATION,
        name=ARABIC_PHASES[0],
        starts_on=d(2015, 4, 1),
        ends_on=d(2015, 6, 30),
    )
    Phase.objects.create(
        process=process,
        kind=PhaseKind.SORTING,
        name=ARABIC_PHASES[1],
        starts_on=d(2015, 8, 1),
        ends_on=d(2015, 10, 31),
    )
    Milestone.objects.create(process=process, title=ARABIC_MILESTONES[0], date=d(2015, 12, 1))
    Milestone.objects.create(process=process, title=ARABIC_MILESTONES[1], date=d(2015, 12, 14))
    return process


@pytest.fixture
def arabic_process(norrkoping):
    return make_arabic_process(norrkoping)


def _directions_of(page, text):
    """For every occurrence of `text` in the body: the dir attribute that governs it and the
    direction the browser actually renders it in."""
    return page.evaluate(
        """(text) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const found = [];
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!node.textContent.includes(text)) continue;
                const owner = node.parentElement.closest('[dir]');
                found.push({
                    dir: owner.getAttribute('dir'),
                    owner: owner.tagName.toLowerCase(),
                    direction: getComputedStyle(node.parentElement).direction,
                });
            }
            return found;
        }""",
        text,
    )


@pytest.mark.parametrize("path", ["/m/norrkoping/", "/m/norrkoping/roya-2035/"])
def test_arabic_user_text_renders_right_to_left_in_an_ltr_page(
    transactional_db, arabic_process, new_context, path
):
    page = new_context(language="sv").new_page()
    page.goto(path)
    assert page.locator("html").get_attribute("dir") == "ltr"
    texts = [arabic_process.title, ARABIC_SUMMARY]
    if path.endswith("roya-2035/"):
        texts += [*ARABIC_PHASES, *ARABIC_MILESTONES]
    for text in texts:
        occurrences = _directions_of(page, text)
        assert occurrences, f"{text!r} is not on {path}"
        for found in occurrences:
            # dir=auto on the user text's own element, resolving to right-to-left.
            assert found["dir"] == "auto", f"{text!r} is governed by {found}"
            assert found["direction"] == "rtl", f"{text!r} renders {found}"
    assert_no_axe_violations(page)


FOCUSABLE = (
    "a[href], button:not([disabled]), select:not([disabled]), textarea:not([disabled]), "
    "input:not([type=hidden]):not([disabled]), [tabindex]:not([tabindex='-1'])"
)


def _focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            return {index: el.dataset.kb ?? null, tag: el.tagName.toLowerCase(), id: el.id,
                    text: (el.textContent || '').trim().slice(0, 40)};
        }"""
    )


@pytest.mark.parametrize("path", ["/", "/m/norrkoping/vision-2035/"])
def test_keyboard_alone_reaches_skip_link_main_and_every_control(demo, new_context, path):
    page = new_context(language="sv").new_page()
    page.goto(path)
    focusable = page.evaluate(
        """(selector) => {
            const all = Array.from(document.querySelectorAll(selector));
            all.forEach((el, i) => { el.dataset.kb = String(i); });
            return all.map((el) => el.tagName.toLowerCase() + '#' + el.id + ' '
                            + (el.textContent || '').trim().slice(0, 30));
        }""",
        FOCUSABLE,
    )
    assert any(item.startswith("select#language-select") for item in focusable)

    # The first Tab lands on the skip link; Enter moves focus to <main id="main">.
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first is not None and first["index"] == "0", first
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")

    # From the top again, Tab moves through every control in order, never stuck on one.
    page.goto(path)
    page.evaluate(
        "(selector) => document.querySelectorAll(selector)"
        ".forEach((el, i) => { el.dataset.kb = String(i); })",
        FOCUSABLE,
    )
    reached = []
    for _ in range(max(30, len(focusable) + 2)):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused is not None:
            reached.append(focused["index"])
    visits = [index for index in reached if index is not None]
    assert visits[: len(focusable)] == [str(i) for i in range(len(focusable))], (
        f"Tab order {visits} does not follow the {len(focusable)} controls: {focusable}"
    )
    assert len(set(visits)) == len(focusable)


@pytest.mark.parametrize(
    "path", ["/m/norrkoping/vision-2035/", "/m/ishoj/vision-2035/", "/m/norrkoping/roya-2035/"]
)
def test_process_page_has_no_horizontal_scroll_at_320px(demo, new_context, path):
    make_arabic_process(Municipality.objects.get(slug="norrkoping"))
    page = new_context(language="da", viewport={"width": 320, "height": 640}).new_page()
    page.goto(path)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"{path} is {scroll_width}px wide at a 320px viewport"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_public_pages_with_a_logo_show_it_and_have_no_axe_violations(demo, new_context, language):
    norrkoping = Municipality.objects.get(slug="norrkoping")
    services.municipality_logo_set(
        municipality=norrkoping, data=logo_png(), alt="Norrköpings kommun"
    )
    paths = ["/m/norrkoping/", "/m/norrkoping/vision-2035/"]
    # Under the real Content-Security-Policy: the logo loads from its own URL (img-src 'self').
    page = new_context(language=language, bypass_csp=False).new_page()
    for path in paths:
        page.goto(path)
        logo = page.get_by_role("link", name="Norrköpings kommun")
        assert logo.count() == 1, path
        image = page.locator("header .municipality-logo img")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 400, path
        # At most 3rem high in the header.
        assert image.bounding_box()["height"] <= 48, path
    # On a phone the header still fits (no sideways scrolling), and axe finds nothing. (375 px:
    # at 320 px the English language switcher alone is wider than the page, logo or not.)
    page = new_context(language=language, viewport={"width": 375, "height": 667}).new_page()
    problems = []
    for path in paths:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"{path} is {width}px wide at 375px with a logo")
        problems += axe_violations(page)
    assert not problems, "\n".join(problems)
