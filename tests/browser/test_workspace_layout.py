"""Every workspace page at 375 px (issue 14): no sideways scrolling of the document (its
width is at most the viewport's), tables scroll inside labelled focusable groups, zero axe
violations. The pages are found by following the workspace's own links from the home page
in the demo, as a person would, so a new page is checked without being listed here."""

import re
import time
from urllib.parse import urlsplit

import pytest

from .conftest import axe_violations
from .test_public_pages import logo_png

PHONE = {"width": 375, "height": 800}
# Bounded crawl: the demo's workspace has fewer pages than this.
MAX_PAGES = 70
# Links that download a file or change nothing visible at 375 px twice over.
SKIP = ("/export", "/download", ".csv", ".xlsx", "/accounts/", "/2fa/", "/admin/")


@pytest.fixture
def demo_admin(new_context):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from visionportal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo

    load_demo()
    page = new_context(language="en").new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "admin@norrkoping.demo")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form input[name=password]").press("Enter")
    if time.time() % 30 > 28:
        time.sleep(2.2)
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time() // 30)))
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.locator("input[name=code]").press("Enter")
    assert page.url.endswith("/workspace/"), page.url
    return page


# The elements sticking out on the right, outside any scrolling container (what to fix).
WIDE_JS = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .filter(e => !e.closest('.table-wrap'))
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1))
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
            + '[' + Math.round(e.getBoundingClientRect().right) + ']')"""


def _wide(page) -> str:
    return ", ".join(page.evaluate(WIDE_JS))


def _workspace_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        path = parts.path
        if not path.startswith("/workspace/") or any(s in path for s in SKIP):
            continue
        found.append(
            path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else "")
        )
    return found


def test_no_workspace_page_scrolls_sideways_at_375_px_and_none_has_axe_violations(demo_admin):
    page = demo_admin
    page.set_viewport_size(PHONE)
    queue, seen, problems, visited = ["/workspace/"], set(), [], []
    shapes: dict[str, int] = {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        # Pages of one kind (a keyword's answers, a phase's form) look alike: two of each.
        shape = re.sub(r"\d+", "N", path)
        shapes[shape] = shapes.get(shape, 0) + 1
        if shapes[shape] > 2:
            continue
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{path}: the document is {width} px wide at 375 px: {_wide(page)}")
        problems += axe_violations(page)
        queue += [link for link in _workspace_links(page) if link not in seen]
    print(f"{len(visited)} workspace pages checked:", *visited, sep="\n")
    # The crawl reached the pages issue 14 names.
    for part in ("/keywords/", "/answers/", "/processes/", "/rounds/"):
        assert any(part in path for path in visited), (part, visited)
    assert not problems, "\n".join(problems)


def test_an_admin_uploads_previews_and_removes_the_logo(demo_admin, tmp_path):
    page = demo_admin
    page.set_viewport_size(PHONE)
    page.goto("/workspace/norrkoping/identity/")
    # A text file named .png is refused with its message; the title says there is an error.
    fake = tmp_path / "logo.png"
    fake.write_text("not an image\n")
    page.set_input_files("#id_logo", str(fake))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload logo").click()
    assert "is not a PNG, JPEG or WebP image" in page.locator("main").inner_text()
    assert page.title().startswith("Error:")
    # A real logo: saved, previewed with its text alternative, no axe violations.
    real = tmp_path / "real.png"
    real.write_bytes(logo_png())
    page.set_input_files("#id_logo", str(real))
    page.fill("#id_alt", "Norrköpings kommun")
    with page.expect_navigation():
        page.get_by_role("button", name="Upload logo").click()
    preview = page.get_by_role("img", name="Norrköpings kommun")
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 400
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], _wide(page)
    problems = axe_violations(page)
    assert not problems, "\n".join(problems)
    with page.expect_navigation():
        page.get_by_role("button", name="Remove logo").click()
    assert page.get_by_role("img", name="Norrköpings kommun").count() == 0
    assert "Your pages have no logo yet." in page.locator("main").inner_text()
