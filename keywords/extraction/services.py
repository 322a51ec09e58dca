"""Writing keywords: extraction of answers into Keyword and KeywordMention rows.

Extraction is idempotent: it recomputes the mentions of the answers it is given and
upserts keywords by base form, so running it twice changes nothing the second time.
Curation lives on Keyword rows (label, status, merge target, "keep for sorting") and is
never touched here; a rebuild only recomputes mentions and removes keywords nobody
curated that no answer mentions any more.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable

from celery import current_app
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.models import Answer, Consultation, Response
from keywords import tallies
from keywords.extraction.extractor import extract_batch
from keywords.models import (
    ExtractionRun,
    ExtractionRunPart,
    Keyword,
    KeywordMention,
    KeywordStatus,
    KeywordTally,
    RunKind,
    RunStatus,
)

logger = logging.getLogger(__name__)

REBUILD_CHUNK_SIZE = 2000
# Worker processes a rebuild is spread over (the deployment runs `celery worker -c 2`).
REBUILD_PARTS = 2
PENDING_BATCH_SIZE = 500
# A rebuild's chunk recounts the responses whose mentions it changed one by one, unless
# they are more than this share of its responses (and more than the minimum): then one
# recount of the whole consultation at the run's end is cheaper (measured: per-response
# recounts of every response cost PostgreSQL three times the CPU of one whole recount).
RECOUNT_AT_END_SHARE = 0.25
RECOUNT_AT_END_MIN_RESPONSES = 100
# Seconds: a rebuild saves its progress at most this often (the page polls it).
PROGRESS_INTERVAL = 2.0
# Seconds: at most one extraction sweep is sent per process per interval (see _send_sweep).
TRIGGER_INTERVAL = 1.0
# Seconds without sends after a send failed (see _send_sweep).
BROKER_DOWN_BACKOFF = 30.0
_BASE_FORM_LENGTH = Keyword._meta.get_field("base_form").max_length
_SURFACE_FORM_LENGTH = KeywordMention._meta.get_field("surface_form").max_length


def _home_language(consultation_id: int) -> str:
    return Consultation.objects.filter(pk=consultation_id).values_list(
        "process__municipality__default_language", flat=True
    )[0]


def _extract_for_consultation(
    consultation_id: int,
    language: str,
    answers: list[tuple[int, str, int]],
    *,
    run_id: int | None = None,
) -> None:
    """Recompute the mentions of `answers` ((id, text, response id), all of one
    consultation, in the home `language`) in one transaction, with the respondent counts of
    the responses whose mentions change (tallies.responses_recounted).

    Only those responses are recounted: a response whose mentions stay as they were counts
    as it did. A rebuild mostly finds the mentions it wants already there, so its chunks
    recount little, side by side in the worker processes, and the counts are right after
    every chunk, not only once a whole rebuild has succeeded. A chunk of rebuild `run_id`
    that changes most of its responses leaves them to the run's recount at its end."""
    results = extract_batch([text for _, text, _ in answers], language)
    wanted: dict[tuple[str, int], str] = {}
    for (answer_id, _, _), result in zip(answers, results, strict=True):
        for candidate in result.candidates:
            base_form = candidate.keyword[:_BASE_FORM_LENGTH]
            surface = (candidate.surface_forms[0] if candidate.surface_forms else base_form)[
                :_SURFACE_FORM_LENGTH
            ]
            wanted.setdefault((base_form, answer_id), surface)

    answer_ids = [answer_id for answer_id, _, _ in answers]
    response_of = {answer_id: response_id for answer_id, _, response_id in answers}
    with transaction.atomic():
        _without_jit()
        keyword_ids = _keyword_ids(consultation_id, {base_form for base_form, _ in wanted})
        wanted_pairs = {(keyword_ids[b], a): s for (b, a), s in wanted.items()}
        stale, missing = _mentions_difference(answer_ids, wanted_pairs)
        changed = {response_of[a] for _, a in stale.values()}
        changed.update(response_of[a] for (_, a), _ in missing)
        if run_id is not None and len(changed) > max(
            RECOUNT_AT_END_MIN_RESPONSES, RECOUNT_AT_END_SHARE * len(set(response_of.values()))
        ):
            ExtractionRun.objects.filter(pk=run_id, recount_at_end=False).update(
                recount_at_end=True
            )
            changed = set()
        with tallies.responses_recounted(consultation_id=consultation_id, response_ids=changed):
            _mentions_write(stale, missing)


def _without_jit() -> None:
    """No JIT compilation for the rest of the transaction (PostgreSQL): the lookups below
    are index probes, but before the tables have statistics their estimated cost passes
    the JIT threshold, and compiling took 0.3 s per chunk for a statement of 0.03 s."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _keyword_ids(consultation_id: int, base_forms: set[str]) -> dict[str, int]:
    """The keyword of each base form, created where missing. An existing (possibly
    curated) keyword is left exactly as it is."""
    ids = _ids_by_base_form(consultation_id, sorted(base_forms))
    missing = sorted(base_forms - ids.keys())
    if missing:
        # Sorted, so two workers creating the same new keywords take their locks in the
        # same order and wait for each other instead of deadlocking.
        Keyword.objects.bulk_create(
            [Keyword(consultation_id=consultation_id, base_form=b, label=b) for b in missing],
            ignore_conflicts=True,
            batch_size=5000,
        )
        ids.update(_ids_by_base_form(consultation_id, missing))
    return ids


def _ids_by_base_form(consultation_id: int, base_forms: list[str]) -> dict[str, int]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_IDS_BY_BASE_FORM_SQL, [base_forms, consultation_id])
            return dict(cursor.fetchall())
    ids: dict[str, int] = {}
    keywords = Keyword.objects.filter(consultation_id=consultation_id)
    for start in range(0, len(base_forms), 5000):
        chunk = base_forms[start : start + 5000]
        ids.update(keywords.filter(base_form__in=chunk).values_list("base_form", "pk"))
    return ids


# The statements below look rows up one given value at a time (LATERAL ... LIMIT/OFFSET,
# which the planner may not flatten into a join), so each lookup is an index probe
# whatever the planner's statistics say. During a rebuild the keyword tables grow by
# millions of rows faster than ANALYZE (autovacuum, when it runs at all) catches up: with
# the statistics of the still empty tables a plain "= ANY(array)" chose a sequential scan of
# every mention (and of every keyword) for each chunk, which made a rebuild quadratic
# (215 M mention rows read for 300,000 answers).
_IDS_BY_BASE_FORM_SQL = f"""
    SELECT b.base_form, k.id
    FROM unnest(%s::text[]) AS b(base_form)
    CROSS JOIN LATERAL (
        SELECT id FROM {Keyword._meta.db_table}
        WHERE consultation_id = %s AND base_form = b.base_form
        LIMIT 1
    ) k
"""  # noqa: S608 (only table names are formatted in)

_MENTIONS_OF_ANSWERS_SQL = f"""
    SELECT m.id, m.keyword_id, m.answer_id
    FROM unnest(%s::bigint[]) AS a(id)
    CROSS JOIN LATERAL (
        SELECT id, keyword_id, answer_id FROM {KeywordMention._meta.db_table}
        WHERE answer_id = a.id
        OFFSET 0
    ) m
"""  # noqa: S608

_MENTIONS_DELETE_SQL = f"""
    DELETE FROM {KeywordMention._meta.db_table} m
    WHERE m.id = ANY(%s::bigint[])
      -- A link staff made by hand to their own keyword is theirs to undo.
      AND NOT EXISTS (
          SELECT 1 FROM {Keyword._meta.db_table} k
          WHERE k.id = m.keyword_id AND k.created_by_staff
      )
"""  # noqa: S608

_MENTIONS_INSERT_SQL = f"""
    INSERT INTO {KeywordMention._meta.db_table} (keyword_id, answer_id, surface_form)
    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[])
    ON CONFLICT (keyword_id, answer_id) DO NOTHING
"""  # noqa: S608


def _mentions_difference(
    answer_ids: list[int], wanted: dict[tuple[int, int], str]
) -> tuple[dict[int, tuple[int, int]], list[tuple[tuple[int, int], str]]]:
    """What making the mentions of `answer_ids` exactly `wanted` ((keyword, answer) ->
    surface form) takes: the stale mentions (id -> (keyword, answer)) and the missing ones,
    sorted. Existing rows that are wanted stay as they are."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_MENTIONS_OF_ANSWERS_SQL, [answer_ids])
            rows = cursor.fetchall()
    else:
        rows = []
        for start in range(0, len(answer_ids), 5000):
            rows += KeywordMention.objects.filter(
                answer_id__in=answer_ids[start : start + 5000]
            ).values_list("pk", "keyword_id", "answer_id")
    existing = {(k, a): pk for pk, k, a in rows}
    stale = {pk: pair for pair, pk in existing.items() if pair not in wanted}
    missing = sorted(item for item in wanted.items() if item[0] not in existing)
    return stale, missing


def _mentions_write(
    stale: dict[int, tuple[int, int]], missing: list[tuple[tuple[int, int], str]]
) -> None:
    """Delete the stale mentions, except hand-made links to staff keywords, and insert the
    missing ones: only the difference is written (a rebuild mostly writes nothing)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if stale:
                cursor.execute(_MENTIONS_DELETE_SQL, [sorted(stale)])
            if missing:
                cursor.execute(
                    _MENTIONS_INSERT_SQL,
                    [
                        [k for (k, _), _ in missing],
                        [a for (_, a), _ in missing],
                        [s for _, s in missing],
                    ],
                )
        return
    ids = sorted(stale)
    for start in range(0, len(ids), 5000):
        KeywordMention.objects.filter(
            pk__in=ids[start : start + 5000], keyword__created_by_staff=False
        ).delete()
    KeywordMention.objects.bulk_create(
        [KeywordMention(keyword_id=k, answer_id=a, surface_form=s) for (k, a), s in missing],
        ignore_conflicts=True,
        batch_size=2000,
    )


def _answer_rows(answers) -> list[tuple[int, str, int]]:
    return list(answers.order_by("pk").values_list("pk", "text", "response_id"))


def answer_keywords_extract(*, answer_ids: Iterable[int]) -> int:
    """Extract keywords from the given answers (any consultations); returns how many."""
    return _answers_extract(Answer.objects.filter(pk__in=list(answer_ids)))


def _answers_extract(answers) -> int:
    by_consultation: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    rows = answers.order_by("pk").values_list(
        "pk", "text", "response_id", "response__consultation_id"
    )
    for answer_id, text, response_id, consultation_id in rows:
        by_consultation[consultation_id].append((answer_id, text, response_id))
    for consultation_id, answers in by_consultation.items():
        _extract_for_consultation(consultation_id, _home_language(consultation_id), answers)
    return sum(len(a) for a in by_consultation.values())


def _curated(queryset):
    """Keywords a person has touched: these survive any rebuild unchanged."""
    return queryset.filter(
        Q(created_by_staff=True)
        | ~Q(status=KeywordStatus.CANDIDATE)
        | ~Q(label=F("base_form"))
        | Q(version__gt=1)
        | Q(merged_keywords__isnull=False)
        # A councillor's strike is on record; the keyword it names stays with it.
        | Q(proposals__isnull=False)
        # So is a round's list: a snapshot names the keywords the councillors judged.
        | Q(round_snapshots__isnull=False)
    )


def keywords_prune(*, consultation: Consultation) -> int:
    """Delete keywords no answer mentions any more, unless someone curated them."""
    keywords = Keyword.objects.filter(consultation=consultation)
    curated = _curated(keywords).values("pk")
    deleted, _ = keywords.filter(mentions__isnull=True).exclude(pk__in=curated).distinct().delete()
    return deleted


def extraction_run_start(*, consultation: Consultation, kind: str = RunKind.REBUILD):
    """Create a run and send its task once the caller's transaction commits."""
    from keywords import tasks  # tasks import this module

    run = ExtractionRun.objects.create(
        consultation=consultation,
        kind=kind,
        total=Answer.objects.filter(response__consultation=consultation).count(),
    )
    transaction.on_commit(lambda: tasks.rebuild.delay(run.pk))
    return run


def _rebuild_begin(run: ExtractionRun) -> list[int]:
    """Mark the run as running and return the answers it is to extract."""
    answer_ids = list(
        Answer.objects.filter(response__consultation_id=run.consultation_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    run.status = RunStatus.RUNNING
    run.started_at = timezone.now()
    run.total = len(answer_ids)
    run.processed = 0
    run.error = ""
    run.save(update_fields=["status", "started_at", "total", "processed", "error"])
    return answer_ids


def _rebuild_failed(run: ExtractionRun, error: Exception) -> None:
    ExtractionRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED,
        error=f"{type(error).__name__}: {error}"[:2000],
        finished_at=timezone.now(),
    )


def _extract_in_chunks(run: ExtractionRun, answer_ids: list[int], chunk_size: int, progress):
    """Extract `answer_ids` chunk by chunk, calling `progress(done)` every few seconds:
    progress is for a person watching the page, and a write per chunk is wasted."""
    consultation_id = run.consultation_id
    language = _home_language(consultation_id)
    answers = Answer.objects.filter(response__consultation_id=consultation_id)
    saved_at = _clock()
    # Mentions of answers deleted since the last run go with the answers (CASCADE).
    for start in range(0, len(answer_ids), chunk_size):
        chunk = answer_ids[start : start + chunk_size]
        rows = _answer_rows(answers.filter(pk__in=chunk))
        if rows:
            _extract_for_consultation(consultation_id, language, rows, run_id=run.pk)
        if _clock() - saved_at >= PROGRESS_INTERVAL:
            saved_at = _clock()
            progress(start + len(chunk))


def _rebuild_finish(run: ExtractionRun) -> None:
    """Prune once every answer is extracted (and recount, when a chunk left it to the end),
    then mark the run done; once, however many parts finish at the same moment (the run row
    is locked and re-read). Otherwise each chunk recounted the responses it changed."""
    with transaction.atomic():
        locked = ExtractionRun.objects.select_for_update().select_related("consultation")
        locked = locked.get(pk=run.pk)
        if locked.status != RunStatus.RUNNING:
            return
        keywords_prune(consultation=locked.consultation)
        if locked.recount_at_end:
            tallies.consultation_tallies_rebuild(consultation_id=locked.consultation_id)
        locked.status = RunStatus.DONE
        locked.processed = locked.total
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "processed", "finished_at"])
    _statistics_refresh()


def _statistics_refresh() -> None:
    """After a rebuild rewrote many rows, give PostgreSQL's planner fresh statistics of the
    keyword tables at once rather than when autovacuum comes round: with the old ones a
    search of the workbench chose a nested loop over 100,000 keywords (minutes, not 0.1 s)."""
    if connection.vendor != "postgresql":
        return
    tables = [Keyword._meta.db_table, KeywordMention._meta.db_table, KeywordTally._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 (our own table names)


def keywords_rebuild(*, run: ExtractionRun, chunk_size: int = REBUILD_CHUNK_SIZE) -> ExtractionRun:
    """Re-extract every answer of the run's consultation in this process, reporting
    progress on `run` (the demo, eager Celery, SQLite)."""
    if run.status == RunStatus.DONE:
        return run  # a redelivered task: the work is done
    answer_ids = _rebuild_begin(run)

    def progress(done: int) -> None:
        run.processed = done
        run.save(update_fields=["processed"])

    try:
        _extract_in_chunks(run, answer_ids, chunk_size, progress)
        progress(len(answer_ids))
        _rebuild_finish(run)
    except Exception as error:
        _rebuild_failed(run, error)
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return run


def rebuild_in_parts() -> bool:
    """A rebuild is spread over the worker processes where they run side by side on one
    database: PostgreSQL and a real worker (not eager tasks, not SQLite's one writer)."""
    return connection.vendor == "postgresql" and not current_app.conf.task_always_eager


def keywords_rebuild_split(*, run: ExtractionRun, parts: int = REBUILD_PARTS) -> list:
    """Begin a rebuild to be extracted in `parts` contiguous shares side by side; returns
    the parts still to extract (a redelivered task gets the same unfinished parts)."""
    if run.status == RunStatus.DONE:
        return []
    existing = list(run.parts.all())
    if existing:
        return [part for part in existing if part.done_at is None]
    answer_ids = _rebuild_begin(run)
    size = -(-len(answer_ids) // parts) if answer_ids else 1
    shares = [answer_ids[i : i + size] for i in range(0, len(answer_ids), size)]
    created = ExtractionRunPart.objects.bulk_create(
        ExtractionRunPart(
            run=run, first_answer_id=share[0], last_answer_id=share[-1], answers=len(share)
        )
        for share in shares
    )
    if not created:  # nothing to extract: prune now
        try:
            _rebuild_finish(run)
        except Exception as error:
            _rebuild_failed(run, error)
            raise
    return created


def rebuild_part_extract(*, part, chunk_size: int = REBUILD_CHUNK_SIZE) -> None:
    """Extract one part of a rebuild; the last part to finish prunes."""
    run = part.run
    if part.done_at is None and run.status == RunStatus.RUNNING:
        answer_ids = list(
            Answer.objects.filter(
                response__consultation_id=run.consultation_id,
                pk__gte=part.first_answer_id,
                pk__lte=part.last_answer_id,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )

        def progress(done: int) -> None:
            # A redelivered part starts again from 0: the sum over parts stays right.
            part.processed = min(done, part.answers)
            part.save(update_fields=["processed"])
            _run_progress_refresh(run)

        try:
            _extract_in_chunks(run, answer_ids, chunk_size, progress)
            part.processed = part.answers
            part.done_at = timezone.now()
            part.save(update_fields=["processed", "done_at"])
            _run_progress_refresh(run)
        except Exception as error:
            _rebuild_failed(run, error)
            raise
    if not run.parts.filter(done_at__isnull=True).exists():
        try:
            _rebuild_finish(run)
        except Exception as error:
            _rebuild_failed(run, error)
            raise


def _run_progress_refresh(run: ExtractionRun) -> None:
    done = ExtractionRunPart.objects.filter(run=OuterRef("pk")).values("run")
    ExtractionRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        processed=Coalesce(Subquery(done.annotate(s=Sum("processed")).values("s")), 0)
    )


def pending_responses_extract(*, limit: int = PENDING_BATCH_SIZE) -> int:
    """Extract responses stored since the last sweep, oldest first; returns how many.

    Claims the rows with SKIP LOCKED (PostgreSQL), so two workers sweeping at once share
    the work instead of doing it twice; where that is not supported (SQLite) extraction
    being idempotent makes a second pass harmless.
    """
    total = 0
    while True:
        with transaction.atomic():
            pending = Response.objects.filter(keywords_extracted_at__isnull=True).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                pending = pending.select_for_update(skip_locked=True)
            response_ids = list(pending.values_list("pk", flat=True)[:limit])
            if not response_ids:
                return total
            _answers_extract(Answer.objects.filter(response_id__in=response_ids))
            Response.objects.filter(pk__in=response_ids).update(
                keywords_extracted_at=timezone.now()
            )
        total += len(response_ids)


_last_sweep_sent = -TRIGGER_INTERVAL
_clock = time.monotonic  # replaceable in tests


def _send_sweep() -> None:
    """Send one sweep for everything this process commits within TRIGGER_INTERVAL.

    A submit pays ~1.5 ms for a Celery publish; under load this sends one per interval per
    process instead of one per response. The sweep is delayed by the interval, so it runs
    after every commit it stands for. Eager mode (demo, tests) runs each sweep at once.
    """
    from keywords import tasks  # tasks import this module

    global _last_sweep_sent
    if current_app.conf.task_always_eager:
        tasks.extract_pending.delay()
        return
    now = _clock()
    if now - _last_sweep_sent < TRIGGER_INTERVAL:
        return
    _last_sweep_sent = now
    try:
        tasks.extract_pending.apply_async(countdown=TRIGGER_INTERVAL)
    except Exception:
        # The broker is down (a failed send takes ~0.7 s). The responses are stored and stay
        # pending; stop trying for a while rather than make every submit wait, and let the
        # beat sweep catch up once the broker is back.
        _last_sweep_sent = now + BROKER_DOWN_BACKOFF
        logger.warning("Could not send the keyword sweep; retrying later", exc_info=True)


def on_response_stored(response: Response) -> None:
    """Extract a newly stored response's answers after its transaction commits.

    The response is marked pending (``keywords_extracted_at`` is null) by being stored;
    `robust`: whatever happens to the broker, the resident's response is kept, the failed
    send is logged, and the periodic sweep extracts it once the broker is back.
    """
    transaction.on_commit(_send_sweep, robust=True)


def on_answer_saved(answer: Answer) -> None:
    """An answer added or edited on its own (not by response_submit's bulk_create): its
    response is pending again, and the same sweep extracts it after the commit."""
    Response.objects.filter(pk=answer.response_id).update(keywords_extracted_at=None)
    transaction.on_commit(_send_sweep, robust=True)
