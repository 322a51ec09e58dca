"""Real headless Chromium against pytest-django's live server, with axe-core for accessibility.

Needs Debian's chromium at /usr/bin/chromium and axe-core from `npm ci`. Missing either skips
these tests locally and fails them under CI=true. Never run `playwright install`: we drive the
system browser.
"""

import os
import time
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM
# calls made from the test body (fixtures, assertions against the database).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
PROJECT_DIR = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
LANGUAGES = ["sv", "da", "nb", "en"]
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the `staff` fixture's secret (tests/conftest.py)
# Playwright's default is 30 s; a local server answers in milliseconds, so fail fast.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    require_service(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    require_service(AXE_JS.exists(), f"{AXE_JS} is missing (run `npm ci`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# The TOTP window each account last signed in with in this test: allauth refuses a code
# used before (it remembers it in the cache, cleared between tests).
_TOTP_WINDOWS_USED: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps rate-limit counters and used TOTP codes in the (process-wide) cache."""
    from django.core.cache import cache

    cache.clear()
    _TOTP_WINDOWS_USED.clear()
    yield
    cache.clear()


@pytest.fixture
def new_context(browser, live_server):
    """Factory for browser contexts on the live server; all are closed after the test.

    bypass_csp lets axe-core be injected as an inline script. Contexts that must prove the
    app works under its real Content-Security-Policy pass bypass_csp=False.
    """
    contexts = []

    def make(*, language=None, bypass_csp=True, **options):
        options.setdefault("locale", "en-US")
        context = browser.new_context(base_url=live_server.url, bypass_csp=bypass_csp, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if language:
            set_language_cookie(context, live_server.url, language)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page with JavaScript, English UI, CSP bypassed for axe."""
    return new_context().new_page()


def set_language_cookie(context, base_url, language):
    from django.conf import settings

    context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": language,
                "url": base_url,
                "secure": False,
                "sameSite": "Lax",
            }
        ]
    )


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA and best practices) on the page; describe each violation."""
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],  // skip detailing passes: several times faster
            });
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                count: v.nodes.length,
                nodes: v.nodes.slice(0, 3).map((n) => ({
                    target: n.target.join(' '),
                    summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['count']} node(s))")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    if lines:
        lines.insert(0, f"{len(violations)} axe violation(s) on {page.url}:")
    return lines


def assert_no_axe_violations(page):
    lines = axe_violations(page)
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def totp_code(secret=TOTP_SECRET, *, account=""):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # allauth accepts only the current 30 s window: do not hand out a code about to expire,
    # nor one this account has already used (a second sign-in in the same window).
    if time.time() % 30 > 28 or _TOTP_WINDOWS_USED.get(account) == int(time.time() // 30):
        time.sleep(30 - time.time() % 30 + 0.1)
    window = int(time.time() // 30)
    if account:
        _TOTP_WINDOWS_USED[account] = window
    return format_hotp_value(hotp_value(secret, window))


def sign_in(page, email, *, check=None):
    """Email and password, then the TOTP step. `check(page)` runs on each sign-in page."""
    from tests.conftest import PASSWORD

    page.goto("/accounts/login/")
    if check:
        check(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form input[name=password]").press("Enter")
    assert "/2fa/authenticate/" in page.url, f"expected the TOTP step, got {page.url}"
    if check:
        check(page)
    page.fill("input[name=code]", totp_code(account=email))
    with page.expect_navigation():
        page.locator("input[name=code]").press("Enter")
    assert page.url.endswith("/workspace/"), f"sign-in did not reach the workspace: {page.url}"
