"""The decision pack of a large process, against WeasyPrint rendering plain HTML of the same
size in the same run. Not a test: it prints numbers.

Builds (in its own PostgreSQL database) one process with --keywords keywords (150) over
--answers answers (20,000, in responses of three), with a published keyword list, a
councillors' round of strikes and additions, population figures (age bands and areas) and
a proposal, and a closed sorting round on the published list with --votes votes (1,000,000,
20 per player, in bulk SQL: tests/benchmarks/sorting_data.py) whose result snapshot the
sorting game's aggregation computes (keywords.sorting.aggregation, as its Celery task
does; its time is printed but is not the pack's); then:

  - "pack task": keywords.vision.packs.pack_generate as the Celery worker runs it (sources
    read, HTML written, laid out as tagged PDF/UA with the shipped fonts, stored);
  - "plain HTML": the very same HTML document (same elements, same text, same tables and
    inline SVG charts) with the pack's <link rel="stylesheet"> removed, so WeasyPrint lays
    it out with its default user-agent stylesheet and default fonts, no @page rules, no
    running headers or page counters, and writes a plain (untagged, non-PDF/UA) PDF: what
    any WeasyPrint document of this size costs;
  - the ratio, the page counts, the time each section takes to read, and peak memory (the
    process's maximum RSS, and Python's tracemalloc peak while the pack's HTML is written).

    .venv/bin/python tests/benchmarks/decision_pack.py [--keywords 150] [--answers 20000]
        [--votes 1000000] [--database NAME --keep]
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
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432"


def _setup(database: str, keep: bool) -> bool:
    """Create the database if needed; True when it already has the data."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if exists and not keep:
            connection.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{database}"')
    return bool(exists)


def _build(keywords: int, answers: int, votes: int):
    import datetime
    import random
    import uuid

    from django.utils import timezone

    from consultations.models import Answer, Channel, Response
    from consultations.services import consultation_create_default
    from keywords.models import (
        CouncillorProposal,
        CouncillorRound,
        ItemOrigin,
        Keyword,
        KeywordList,
        KeywordListItem,
        KeywordMention,
        KeywordStatus,
        ProposalKind,
    )
    from tests.benchmarks.sorting_data import AREAS
    from visionportal.models import (
        Country,
        Membership,
        Municipality,
        PopulationDimension,
        PopulationMargin,
        Role,
        User,
        VisionProcess,
    )
    from visionportal.proposals.services import proposal_save

    rng = random.Random(2035)
    municipality = Municipality.objects.create(
        name="Norrköping", slug="norrkoping", country=Country.SWEDEN, default_language="sv"
    )
    staff = User.objects.create_user(email="staff@bench.test", password=None)
    Membership.objects.create(user=staff, municipality=municipality, role=Role.STAFF)
    councillors = []
    for n in range(12):
        user = User.objects.create_user(email=f"c{n}@bench.test", password=None)
        Membership.objects.create(
            user=user, municipality=municipality, role=Role.COUNCILLOR, party=f"Parti {n % 6}"
        )
        councillors.append(user)
    for group, population in (
        ("0-15", 29000), ("16-24", 16000), ("25-44", 40000), ("45-64", 36000),
        ("65-79", 22000), ("80+", 7500),
    ):  # fmt: skip
        PopulationMargin.objects.create(
            municipality=municipality,
            dimension=PopulationDimension.AGE_BAND,
            group=group,
            population=population,
        )
    for group, population in zip(AREAS, [30000, 25000, 20000, 15000, 28000], strict=True):
        PopulationMargin.objects.create(
            municipality=municipality,
            dimension=PopulationDimension.AREA,
            group=group,
            population=population,
        )
    process = VisionProcess.objects.create(
        municipality=municipality, title="Vision 2035", slug="vision-2035"
    )
    tz = timezone.get_current_timezone()
    consultation = consultation_create_default(
        process=process,
        opens_at=datetime.datetime(2015, 4, 1, tzinfo=tz),
        closes_at=datetime.datetime(2015, 6, 30, tzinfo=tz),
        language="sv",
    )
    questions = {q.kind: q for q in consultation.questions.all()}
    words = [f"nyckelord{n}" for n in range(keywords)]
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            channel=rng.choice(Channel.values),
            age_band=rng.choice(["16-24", "25-44", "45-64", "65-79", ""]),
        )
        for _ in range(answers // 3)
    )
    answer_rows = Answer.objects.bulk_create(
        (
            Answer(
                response=response,
                question=questions[kind],
                text=f"Jag vill {rng.choice(words)} och {rng.choice(words)} i Norrköping, "
                "med parker, vatten och jobb för alla som bor här. " * rng.randint(1, 3),
            )
            for response in responses
            for kind in ("keep", "leave", "miss")
        ),
        batch_size=5000,
    )
    keyword_rows = Keyword.objects.bulk_create(
        Keyword(
            consultation=consultation,
            label=word,
            base_form=word,
            status=KeywordStatus.KEPT,
            respondents=rng.randint(20, 900),
            respondents_keep=rng.randint(1, 300),
            respondents_leave=rng.randint(1, 300),
            respondents_miss=rng.randint(1, 300),
        )
        for word in words
    )
    KeywordMention.objects.bulk_create(
        (
            KeywordMention(keyword=keyword, answer=answer, surface_form=keyword.label)
            for keyword in keyword_rows
            for answer in rng.sample(answer_rows, 40)
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )
    round_ = CouncillorRound.objects.create(
        consultation=consultation, title="Runda 1", opened_by=staff, closed_at=timezone.now()
    )
    proposals = CouncillorProposal.objects.bulk_create(
        CouncillorProposal(
            round=round_,
            councillor=councillors[n % len(councillors)],
            party=f"Parti {n % 6}",
            kind=ProposalKind.STRIKE if n < 30 else ProposalKind.ADD,
            keyword=keyword_rows[n] if n < 30 else None,
            label="" if n < 30 else f"tillägg {n}",
            label_key="" if n < 30 else f"tillägg {n}",
            reason="Motivering som förklarar varför, på någon rad. " * 2,
        )
        for n in range(60)
    )
    keyword_list = KeywordList.objects.create(
        consultation=consultation, version=1, source_round=round_
    )
    keyword_list.accepted_proposals.set(proposals[::2])
    KeywordListItem.objects.bulk_create(
        KeywordListItem(
            keyword_list=keyword_list,
            keyword=keyword,
            label=keyword.label,
            origin=ItemOrigin.CURATED,
            respondents=keyword.respondents,
            position=n,
        )
        for n, keyword in enumerate(keyword_rows)
    )
    _sorting_round(keyword_list, votes)
    proposal_save(
        process=process,
        title="Norrköping 2035",
        text="\n\n".join(
            "Ett stycke om staden vid Strömmen och dess framtid. " * 6 for _ in range(8)
        ),
        by=staff,
        expected_version=0,
    )
    return process, staff


def _sorting_round(keyword_list, votes: int):
    """A closed round on the published list with `votes` votes, three kiosks and a
    workplace meeting, and its result snapshot computed as the aggregation task does."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from keywords.sorting import aggregation
    from keywords.sorting.models import (
        DevicePlaceKind,
        SortGroupCount,
        SortGroupSession,
        SortingDevice,
        SortingRound,
        SortingRoundItem,
    )
    from keywords.sorting.result_models import SortResultSnapshot
    from tests.benchmarks.sorting_data import CARDS, insert_players_and_votes

    now = timezone.now()
    round_ = SortingRound.objects.create(
        process=keyword_list.consultation.process,
        keyword_list=keyword_list,
        title="Sortera nyckelorden",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        opened_at=now - datetime.timedelta(days=30),
        closed_at=now - datetime.timedelta(days=1),
        kiosk_open=True,
        workplace_open=True,
    )
    SortingRoundItem.objects.bulk_create(
        SortingRoundItem(round=round_, item=item) for item in keyword_list.items.all()
    )
    devices = [
        SortingDevice.objects.create(
            round=round_, name=name, place_kind=DevicePlaceKind.LIBRARY, token=f"bench-{n}"
        ).pk
        for n, name in enumerate(["Stadsbiblioteket", "Hageby bibliotek", "Mirum Galleria"])
    ]
    start = time.perf_counter()
    players = insert_players_and_votes(round_, votes=votes, devices=devices)
    session = SortGroupSession.objects.create(
        round=round_, name="Stadsbyggnadskontoret", participants=24
    )
    SortGroupCount.objects.bulk_create(
        SortGroupCount(session=session, item=item, want=12, not_want=8, skip=4, position=n)
        for n, item in enumerate(keyword_list.items.order_by("position")[:CARDS], start=1)
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"built {votes:,} sorting votes from {players:,} players in "
        f"{time.perf_counter() - start:.1f} s"
    )
    start = time.perf_counter()
    snapshot = SortResultSnapshot.objects.create(round=round_, steps_total=aggregation.STEPS)
    snapshot = aggregation.result_snapshot_compute(snapshot_id=snapshot.pk)
    assert snapshot.status == "done", snapshot.error
    print(
        f"result snapshot (the sorting game's aggregation, not part of the pack task): "
        f"{time.perf_counter() - start:.1f} s, {snapshot.votes:,} votes, weighting "
        f"{snapshot.data['weighting']['method'] or 'none'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keywords", type=int, default=150)
    parser.add_argument("--answers", type=int, default=20000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--database", default="vp_bench_decision_pack")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    built = _setup(args.database, args.keep)
    os.environ["DATABASE_URL"] = f"{PG}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    media = tempfile.mkdtemp(prefix="vp-bench-packs-")
    os.environ["MEDIA_ROOT"] = media
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from visionportal.models import DecisionPack, User, VisionProcess

    if built:
        process = VisionProcess.objects.get()
        staff = User.objects.get(email="staff@bench.test")
    else:
        start = time.perf_counter()
        process, staff = _build(args.keywords, args.answers, args.votes)
        print(
            f"built {args.answers} answers, {args.keywords} keywords in "
            f"{time.perf_counter() - start:.1f} s"
        )

    from weasyprint import HTML

    from keywords.vision.contents import pack_inputs
    from keywords.vision.packs import pack_generate, pack_html
    from keywords.vision.ranking import ranking_snapshot
    from visionportal import pdf as render

    # Warm-up: WeasyPrint's first document loads fonts and its user-agent stylesheet.
    HTML(string="<p>warm</p>").write_pdf()

    pack = DecisionPack.objects.create(
        process=process,
        number=(DecisionPack.objects.count() + 1),
        language="sv",
        inputs=pack_inputs(process),
        result_snapshot=ranking_snapshot(process),
        requested_by=staff,
    )
    assert pack.result_snapshot is not None
    start = time.perf_counter()
    pack = pack_generate(pack_id=pack.pk)
    task_seconds = time.perf_counter() - start
    assert pack.status == "done", pack.error

    # Where the sources' time goes, and Python's heap peak (tracemalloc slows what it
    # watches, so it is measured on this second reading, not on the timed task).
    marks = [time.perf_counter()]
    tracemalloc.start()
    html = pack_html(pack, on_section=lambda done, total: marks.append(time.perf_counter()))
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    from keywords.vision.contents import SECTIONS

    section_times = ", ".join(
        f"{section.anchor} {after - before:.2f} s"
        for section, before, after in zip(SECTIONS, marks, marks[1:], strict=False)
    )
    plain = re.sub(r'<link rel="stylesheet"[^>]*>', "", html)

    def timed(make_html, **write):
        """(layout seconds, writing seconds, pages)."""
        start = time.perf_counter()
        document = make_html().render(**write)
        laid_out = time.perf_counter()
        document.write_pdf(**write)
        return laid_out - start, time.perf_counter() - laid_out, len(document.pages)

    plain_layout, plain_write, plain_pages = timed(lambda: HTML(string=plain))
    plain_seconds = plain_layout + plain_write
    # The pack's HTML and stylesheet (fonts, @page rules, running headers) but untagged:
    # what the PDF/UA tagging costs on top, measured in the same run.
    styled_layout, styled_write, _ = timed(
        lambda: HTML(
            string=html, base_url=render.STATIC_SCHEME, url_fetcher=render.StaticOnlyFetcher()
        )
    )
    pack_layout, pack_write, _ = timed(
        lambda: HTML(
            string=html, base_url=render.STATIC_SCHEME, url_fetcher=render.StaticOnlyFetcher()
        ),
        pdf_variant=render.PDF_VARIANT,
    )
    render_seconds = pack_layout + pack_write

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"pack task (sources + HTML + tagged PDF + store): {task_seconds:.2f} s, "
        f"{pack.pages} pages, {pack.file_size / 1024:.0f} KiB"
    )
    print(
        f"  rendering the pack's HTML to PDF/UA again: {render_seconds:.2f} s "
        f"(layout {pack_layout:.2f} s, writing the tagged PDF {pack_write:.2f} s)"
    )
    print(
        f"  the same with the pack's stylesheet but untagged: layout {styled_layout:.2f} s, "
        f"writing {styled_write:.2f} s"
    )
    print(
        f"plain HTML (the same document, stylesheet link removed: WeasyPrint defaults, "
        f"untagged): {plain_seconds:.2f} s (layout {plain_layout:.2f} s, writing "
        f"{plain_write:.2f} s), {plain_pages} pages"
    )
    print(
        f"ratio pack task / plain HTML: {task_seconds / plain_seconds:.2f} x "
        f"(render only: {render_seconds / plain_seconds:.2f} x)"
    )
    print(
        f"peak memory: {rss:.0f} MiB RSS (process), {python_peak / 2**20:.0f} MiB Python "
        "heap while the pack's HTML is written"
    )
    print(f"reading the sources per section (traced): {section_times}")
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores shared)")

    shutil.rmtree(media, ignore_errors=True)
    if not args.keep:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
