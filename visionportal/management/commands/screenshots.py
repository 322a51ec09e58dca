"""Regenerate docs/screenshots/ from the demo: the main resident and staff pages at a
phone's width (375 px) and a desktop's (1280 px), in headless Chromium (/usr/bin/chromium,
driven by Playwright; never `playwright install`).

    DEBUG=true .venv/bin/python manage.py load_demo      # once, on the database used
    DEBUG=true .venv/bin/python manage.py screenshots

It serves the app itself on a free loopback port for the run, signs in as the demo staff
member (two-factor with the demo secret) for the workspace pages, and writes one PNG per
page and width (the first screen, as a visitor sees it). DEBUG only: it uses the demo's
password and two-factor secret.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.urls import reverse

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTHS = {375: 812, 1280: 900}  # width: viewport height


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _resident_pages():
    from consultations.models import Consultation

    ishoj = Consultation.objects.filter(process__municipality__slug="ishoj").first()
    norrkoping = Consultation.objects.filter(process__municipality__slug="norrkoping").first()
    if ishoj is None or norrkoping is None:
        raise CommandError("No demo data: run `manage.py load_demo` first.")
    return [
        ("home", reverse("public:home")),
        ("municipality", reverse("public:municipality", args=["ishoj"])),
        ("process-ishoj", reverse("public:process", args=["ishoj", ishoj.process.slug])),
        ("process-norrkoping", reverse("public:process", args=["norrkoping", "vision-2035"])),
        ("form", reverse("consultations:form", args=["ishoj", ishoj.process.slug, ishoj.pk])),
        (
            "results",
            reverse(
                "results:consultation",
                args=["norrkoping", norrkoping.process.slug, norrkoping.pk],
            ),
        ),
    ] + _later_step_pages(), norrkoping


def _later_step_pages():
    """The later steps' public pages, where the demo has them: the sorting game's results,
    an adopted vision's follow-up, a participatory budget and a future workshop."""
    from consultations.workshops.models import WorkshopSeries
    from keywords.sorting.models import SortingRound

    pages = []
    round = SortingRound.objects.filter(process__municipality__slug="norrkoping").first()
    if round is not None:
        pages.append(
            (
                "sorting-results",
                reverse(
                    "keywords:sorting_results_public",
                    args=["norrkoping", round.process.slug, round.pk],
                ),
            )
        )
    pages.append(
        (
            "vision-norberg",
            reverse("indicators_public:vision", args=["norberg", "tillsammans-for-norberg-2030"]),
        )
    )
    pages.append(
        ("budget", reverse("consultations:budget:overview", args=["ballerup", "borgermillionen"]))
    )
    pages.append(
        (
            "budget-results",
            reverse("consultations:budget:results", args=["ballerup", "borgermillionen"]),
        )
    )
    series = WorkshopSeries.objects.filter(process__municipality__slug="jevnaker").first()
    if series is not None:
        pages.append(
            (
                "workshops",
                reverse(
                    "consultations:workshops:series",
                    args=["jevnaker", series.process.slug, series.pk],
                ),
            )
        )
    return pages


def _staff_pages(consultation):
    args = ["norrkoping", consultation.pk]
    return [
        ("workspace", reverse("workspace:home")),
        ("answers", reverse("consultations_staff:responses", args=args)),
        ("who-has-answered", reverse("consultations_staff:representation", args=args)),
        ("keywords", reverse("keywords:list", args=args)),
        ("councillors-round", reverse("keywords:round_staff", args=args)),
    ]


class Command(BaseCommand):
    help = "Regenerate docs/screenshots/ from the demo (DEBUG only; needs /usr/bin/chromium)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))
        parser.add_argument("--language", default="en", help="UI language of the screenshots")

    def handle(self, *args, out, language, **options):
        if not settings.DEBUG:
            raise CommandError("screenshots is only for the demo (DEBUG=true).")
        if not CHROMIUM.exists():
            raise CommandError(f"{CHROMIUM} is missing (apt-get install chromium).")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:  # a dev dependency: not in the production image
            raise CommandError("Playwright is missing: install requirements-dev.lock.") from error
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.wsgi import get_wsgi_application

        resident, consultation = _resident_pages()
        staff = _staff_pages(consultation)
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)

        server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler)
        server.set_app(StaticFilesHandler(get_wsgi_application()))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        written = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                for width, height in WIDTHS.items():
                    context = browser.new_context(
                        base_url=base,
                        viewport={"width": width, "height": height},
                        locale=language,
                    )
                    page = context.new_page()
                    for name, path in resident:
                        written.append(self._shoot(page, path, out_dir / f"{name}-{width}.png"))
                    self._sign_in(page)
                    for name, path in staff:
                        written.append(self._shoot(page, path, out_dir / f"{name}-{width}.png"))
                    context.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
        for path in written:
            self.stdout.write(str(path))

    @staticmethod
    def _shoot(page, path, file):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(file))
        return file

    _used_window = None

    def _sign_in(self, page):
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        from visionportal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

        page.goto(reverse("account_login"))
        page.fill("input[name=login]", "staff@norrkoping.demo")
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("form input[name=password]").press("Enter")
        # Not a code about to expire (allauth accepts only the current window), nor one
        # used already (the first width's sign-in): wait for the next window then.
        if time.time() % 30 > 27 or int(time.time() // 30) == self._used_window:
            time.sleep(30 - time.time() % 30 + 0.2)
        self._used_window = int(time.time() // 30)
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, self._used_window))
        page.fill("input[name=code]", code)
        with page.expect_navigation():
            page.locator("input[name=code]").press("Enter")
        if "/workspace/" not in page.url:
            raise CommandError(f"Signing in as the demo staff member failed ({page.url}).")
