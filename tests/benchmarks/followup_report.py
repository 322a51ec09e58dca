"""The follow-up report of Norberg's whole demo tree (seed 003: 6 areas, 10 goals, about
70 key figures with the real recorded Kolada values), against WeasyPrint rendering plain
HTML of the same size in the same run. Not a test: it prints numbers.

In its own PostgreSQL database it builds the Norberg demo (indicators.demo, no internet),
freezes two follow-up periods with a revised value between them (so "what changed" has
something to say), then times:

  - "report task": indicators.reports.report_generate as the Celery worker runs it (frozen
    entries read, what changed computed, HTML with one small SVG chart per key figure
    written, laid out as tagged PDF/UA with the shipped fonts, stored);
  - "plain HTML": the same report's HTML without its stylesheets and PDF/UA variant,
    rendered by WeasyPrint (what any document of this size costs);
  - the request (freezing the current tree into the report's inputs), and peak memory
    (the process's maximum RSS, and Python's tracemalloc peak while the HTML is written).

    .venv/bin/python tests/benchmarks/followup_report.py [--database NAME]
"""

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="vp_bench_followup_report")
    args = parser.parse_args()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{args.database}"')
    os.environ["DATABASE_URL"] = f"{PG}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")
    os.environ.setdefault("DEBUG", "true")
    media = tempfile.mkdtemp(prefix="vp-bench-follow-up-")
    os.environ["MEDIA_ROOT"] = media
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(media, ignore_errors=True)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


def run() -> None:
    from django.db import transaction
    from weasyprint import HTML

    from indicators import demo, reports, services, tasks
    from indicators.kolada import DataPoint
    from indicators.models import Indicator, KoladaValue
    from visionportal import pdf as render
    from visionportal.models import Country, Municipality, User
    from visionportal.services import process_create

    start = time.perf_counter()
    norberg = Municipality.objects.create(
        name="Norbergs kommun",
        slug="norberg",
        country=Country.SWEDEN,
        default_language="sv",
        kolada_id="1962",
    )
    process_create(municipality=norberg, title="Tillsammans för Norberg 2030")
    staff = User.objects.create_user(email="staff@norberg.demo", password=None)
    demo.extend_demo({"norberg": norberg})
    process = norberg.processes.get()
    indicators = Indicator.objects.filter(goal__process=process)
    held = KoladaValue.objects.filter(municipality="1962").count()
    print(
        f"built Norberg's demo tree in {time.perf_counter() - start:.1f} s: "
        f"{process.strategic_areas.count()} areas, {process.goals.count()} goals, "
        f"{indicators.count()} indicators, {held} Norberg values"
    )

    services.follow_up_freeze(process=process, kind="annual", title="Årsredovisning", by=staff)
    # Kolada revises the latest value of every key figure by 1 %: "what changed" lists them.
    latest = {}
    for value in KoladaValue.objects.filter(municipality="1962", total__isnull=False):
        if value.period >= latest.get(value.kpi_id, value).period:
            latest[value.kpi_id] = value
    services.values_store(
        DataPoint(v.kpi_id, "1962", v.period, v.total * Decimal("1.01"), v.women, v.men)
        for v in latest.values()
    )
    period = services.follow_up_freeze(
        process=process, kind="half_year", title="Delårsrapport", by=staff
    )

    # Warm-up: WeasyPrint's first document loads fonts and its user-agent stylesheet.
    HTML(string="<p>warm</p>").write_pdf()

    # Nothing goes to a broker: this process generates the reports itself, as the worker
    # would (the task only calls report_generate).
    tasks.follow_up_report_generate.delay = lambda *args, **kwargs: None
    start = time.perf_counter()
    with transaction.atomic():
        current = reports.report_request(process=process, by=staff, language="sv")
    request_seconds = time.perf_counter() - start
    of_period = reports.report_request(process=process, by=staff, language="sv", period=period)

    timings = {}
    for label, report in (
        ("report of the current state", current),
        ("report of the frozen period", of_period),
    ):
        start = time.perf_counter()
        done = reports.report_generate(report_id=report.pk)
        timings[label] = time.perf_counter() - start
        assert done.status == "done", done.error
        print(
            f"{label} (task: entries + what changed + HTML + tagged PDF + store): "
            f"{timings[label]:.2f} s, {done.pages} pages, {done.file_size / 1024:.0f} KiB"
        )

    tracemalloc.start()
    html = reports.report_html(done)
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    changes = html.count('<ul class="report-changes"')
    plain = re.sub(r'<link rel="stylesheet"[^>]*>', "", html)
    start = time.perf_counter()
    plain_document = HTML(string=plain).render()
    plain_document.write_pdf()
    plain_seconds = time.perf_counter() - start
    start = time.perf_counter()
    render.render_pdf(html)
    render_seconds = time.perf_counter() - start

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  of which rendering the HTML to PDF/UA: {render_seconds:.2f} s")
    print(f"  items with changes since the previous period: {changes}")
    print(
        f"plain HTML of the same content (WeasyPrint defaults): {plain_seconds:.2f} s, "
        f"{len(plain_document.pages)} pages"
    )
    task = timings["report of the frozen period"]
    print(
        f"ratio report task / plain HTML: {task / plain_seconds:.2f} x "
        f"(render only: {render_seconds / plain_seconds:.2f} x)"
    )
    print(f"request (freezing the current tree into the inputs): {request_seconds:.2f} s")
    print(
        f"peak memory: {rss:.0f} MiB RSS (process), {python_peak / 2**20:.1f} MiB Python "
        "heap while the report's HTML is written"
    )
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores shared)")


if __name__ == "__main__":
    main()
