"""Respondent counts per keyword, kept in the database so the workbench, the councillors'
round and the sorting game sort, filter and page in SQL instead of recounting mentions.

A respondent (a Response) counts once per keyword however many of their answers, or
keywords merged into it, mention it; answers a moderator hid count nowhere. The counts live
in KeywordTally cells (channel × age band × target group) and, summed over all respondents,
on Keyword itself (``respondents`` and one column per question kind).

Why counts can be kept incrementally: each respondent adds exactly 0 or 1 to a keyword's
cell, and responses never share a respondent. So a batch of responses can be subtracted
before its mentions change and added back afterwards (`responses_recounted`), touching only
that batch's rows. A curation action that moves mentions between keywords (merge, split,
undo) instead recounts the few keywords it touched from their mentions
(`keyword_tallies_recount`). Extraction, a rebuild's chunks included, recounts only the
responses whose mentions it changes; `consultation_tallies_rebuild` recounts a whole
consultation at once (the migration that introduced the counts).

The SQL is plain enough to run on PostgreSQL and on SQLite (the demo).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from consultations.models import Answer, Question, Response, ResponseTargetGroup
from keywords.models import Keyword, KeywordMention, KeywordTally

COUNTED_KINDS = ("keep", "leave", "miss")
# Bind-parameter lists stay well below SQLite's limit of 32,766 variables.
_CHUNK = 5000
# The first key of PostgreSQL advisory locks on a consultation's counts ("KwTa").
_LOCK_SPACE = 0x4B775461


def _contributions(where: str) -> str:
    """SELECT root, channel, age_band, target_group, respondents, keep, leave, miss: what the
    mentions matching `where` (over m: mention, k: keyword, a: answer) add to each cell.
    Only table names and the callers' own conditions with placeholders are formatted in.

    A respondent's channel and age band are grouped along with the respondent, so the cells
    of all respondents are a second grouping of the first and the target groups' cells a
    join with the (few) group rows: a rebuild's recount of a whole consultation no longer
    sorts and merges every respondent's mentions with every cell they count in."""
    return f"""
        WITH mentioned AS (
            SELECT COALESCE(k.merged_into_id, k.id) AS root, a.response_id AS rid,
                   r.channel AS channel, r.age_band AS age_band,
                   MAX(CASE WHEN q.kind = 'keep' THEN 1 ELSE 0 END) AS n_keep,
                   MAX(CASE WHEN q.kind = 'leave' THEN 1 ELSE 0 END) AS n_leave,
                   MAX(CASE WHEN q.kind = 'miss' THEN 1 ELSE 0 END) AS n_miss
            FROM {KeywordMention._meta.db_table} m
            JOIN {Keyword._meta.db_table} k ON k.id = m.keyword_id
            JOIN {Answer._meta.db_table} a ON a.id = m.answer_id
            JOIN {Question._meta.db_table} q ON q.id = a.question_id
            JOIN {Response._meta.db_table} r ON r.id = a.response_id
            WHERE a.hidden_at IS NULL AND ({where})
            GROUP BY COALESCE(k.merged_into_id, k.id), a.response_id, r.channel, r.age_band
        )
        SELECT root, channel, age_band, '' AS target_group, COUNT(*) AS n,
               SUM(n_keep) AS n_keep, SUM(n_leave) AS n_leave, SUM(n_miss) AS n_miss
        FROM mentioned
        GROUP BY root, channel, age_band
        UNION ALL
        SELECT mentioned.root, mentioned.channel, mentioned.age_band, g."group", COUNT(*),
               SUM(n_keep), SUM(n_leave), SUM(n_miss)
        FROM mentioned
        JOIN {ResponseTargetGroup._meta.db_table} g ON g.response_id = mentioned.rid
        GROUP BY mentioned.root, mentioned.channel, mentioned.age_band, g."group"
    """  # noqa: S608


def _add(consultation_id: int, where: str, params: list, sign: int) -> None:
    """Add (sign 1) or subtract (sign -1) the contributions of the matching mentions."""
    tally = KeywordTally._meta.db_table
    sql = f"""
        INSERT INTO {tally}
            (consultation_id, keyword_id, channel, age_band, target_group,
             respondents, keep, leave, miss)
        SELECT %s, c.root, c.channel, c.age_band, c.target_group,
               %s * c.n, %s * c.n_keep, %s * c.n_leave, %s * c.n_miss
        FROM ({_contributions(where)}) c
        WHERE 1 = 1
        ON CONFLICT (keyword_id, channel, age_band, target_group) DO UPDATE SET
            respondents = {tally}.respondents + excluded.respondents,
            keep = {tally}.keep + excluded.keep,
            leave = {tally}.leave + excluded.leave,
            miss = {tally}.miss + excluded.miss
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [consultation_id, sign, sign, sign, sign, *params])


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _chunks(values: Iterable[int]) -> Iterator[list[int]]:
    values = sorted(set(values))
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _roots_of_responses(response_ids: list[int]) -> set[int]:
    roots: set[int] = set()
    for chunk in _chunks(response_ids):
        roots.update(
            KeywordMention.objects.filter(answer__response_id__in=chunk).values_list(
                Coalesce("keyword__merged_into_id", "keyword_id"), flat=True
            )
        )
    return roots


def _summaries_refresh(keywords) -> None:
    """Copy the all-respondents cells' sums onto the keywords (0 where none remain)."""
    everyone = KeywordTally.objects.filter(keyword=OuterRef("pk"), target_group="").values(
        "keyword"
    )

    def total(column: str):
        return Coalesce(Subquery(everyone.annotate(s=Sum(column)).values("s")), 0)

    keywords.update(
        respondents=total("respondents"),
        respondents_keep=total("keep"),
        respondents_leave=total("leave"),
        respondents_miss=total("miss"),
    )


def _serialise(consultation_id: int) -> None:
    """Changes to one consultation's counts queue behind each other until their transaction
    ends (PostgreSQL; SQLite has one writer anyway): a rebuild's recount and a sweep's
    increments never interleave."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, consultation_id])


def _drop_empty(keyword_ids: Iterable[int]) -> None:
    """Drop the cells of these keywords that no respondent is left in. Only the keywords
    whose cells were just changed can have any: looking through every cell of the
    consultation cost a scan of a million index entries per extracted chunk."""
    for chunk in _chunks(keyword_ids):
        KeywordTally.objects.filter(keyword_id__in=chunk, respondents__lte=0).delete()


@contextmanager
def responses_recounted(*, consultation_id: int, response_ids: Iterable[int]) -> Iterator[None]:
    """Run a change of these responses' mentions (or of their answers' visibility) with
    their counts taken out before and put back after, in the caller's transaction."""
    response_ids = sorted(set(response_ids))
    if not response_ids:
        yield
        return
    with transaction.atomic():
        _serialise(consultation_id)
        before = _roots_of_responses(response_ids)
        for chunk in _chunks(response_ids):
            _add(consultation_id, f"a.response_id IN ({_placeholders(chunk)})", chunk, -1)
        yield
        for chunk in _chunks(response_ids):
            _add(consultation_id, f"a.response_id IN ({_placeholders(chunk)})", chunk, 1)
        touched = before | _roots_of_responses(response_ids)
        _drop_empty(touched)
        for chunk in _chunks(touched):
            _summaries_refresh(Keyword.objects.filter(pk__in=chunk))


def keyword_tallies_recount(*, consultation_id: int, keyword_ids: Iterable[int]) -> None:
    """Recount these keywords from their mentions, after their merges changed: each one's
    cells are rebuilt when it is a root, and dropped when it is merged away."""
    keyword_ids = set(keyword_ids)
    if not keyword_ids:
        return
    with transaction.atomic():
        _serialise(consultation_id)
        # A keyword merged into another is counted in that other one: recount it too.
        for chunk in _chunks(keyword_ids):
            keyword_ids.update(
                Keyword.objects.filter(pk__in=chunk, merged_into__isnull=False).values_list(
                    "merged_into_id", flat=True
                )
            )
        for chunk in _chunks(keyword_ids):
            KeywordTally.objects.filter(keyword_id__in=chunk).delete()
            marks = _placeholders(chunk)
            _add(
                consultation_id,
                f"(k.id IN ({marks}) OR k.merged_into_id IN ({marks})) "
                f"AND COALESCE(k.merged_into_id, k.id) IN ({marks})",
                [*chunk, *chunk, *chunk],
                1,
            )
            _summaries_refresh(Keyword.objects.filter(pk__in=chunk))


def consultation_tallies_rebuild(*, consultation_id: int) -> None:
    """Recount every keyword of the consultation from its mentions."""
    with transaction.atomic():
        _serialise(consultation_id)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A whole consultation's mentions (a million or more) are grouped twice;
                # with the default 4 MB each grouping spills to disk.
                cursor.execute("SET LOCAL work_mem = '128MB'")
                # The recount's estimated cost is far above the JIT threshold; compiling it
                # took 6 s of the one process every rebuild ends in, for no faster run.
                cursor.execute("SET LOCAL jit = off")
            _consultation_cells_replace(consultation_id)
            _consultation_summaries_refresh(consultation_id)
            return
        KeywordTally.objects.filter(consultation_id=consultation_id).delete()
        _add(consultation_id, "k.consultation_id = %s", [consultation_id], 1)
        _summaries_refresh(Keyword.objects.filter(consultation_id=consultation_id))


def _consultation_cells_replace(consultation_id: int) -> None:
    """Make the consultation's cells equal a recount, writing only the cells that differ
    (PostgreSQL). A rebuild mostly finds the counts it already had; rewriting a million
    cells, with their indexes and foreign-key checks, was most of its final step."""
    tally = KeywordTally._meta.db_table
    same_cell = (
        "t.keyword_id = c.root AND t.channel = c.channel AND t.age_band = c.age_band "
        "AND t.target_group = c.target_group"
    )
    # Only table names and fixed conditions are formatted into these statements.
    statements = [
        (
            "CREATE TEMPORARY TABLE keyword_tally_recount ON COMMIT DROP AS "  # noqa: S608
            f"SELECT * FROM ({_contributions('k.consultation_id = %s')}) c",
            [consultation_id],
        ),
        (f"ANALYZE keyword_tally_recount, {tally}", []),
        (
            f"DELETE FROM {tally} t WHERE t.consultation_id = %s AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM keyword_tally_recount c WHERE {same_cell})",
            [consultation_id],
        ),
        (
            f"UPDATE {tally} t SET respondents = c.n, keep = c.n_keep, leave = c.n_leave, "  # noqa: S608
            f"miss = c.n_miss FROM keyword_tally_recount c WHERE {same_cell} "
            "AND (t.respondents, t.keep, t.leave, t.miss) "
            "IS DISTINCT FROM (c.n, c.n_keep, c.n_leave, c.n_miss)",
            [],
        ),
        # The cells found above are dropped from the recount, which leaves the new ones;
        # an INSERT that looked itself up row by row went quadratic on a fresh table.
        (f"DELETE FROM keyword_tally_recount c USING {tally} t WHERE {same_cell}", []),  # noqa: S608
        (
            f"INSERT INTO {tally} (consultation_id, keyword_id, channel, age_band, "  # noqa: S608
            "target_group, respondents, keep, leave, miss) "
            "SELECT %s, c.root, c.channel, c.age_band, c.target_group, c.n, c.n_keep, "
            "c.n_leave, c.n_miss FROM keyword_tally_recount c",
            [consultation_id],
        ),
        ("DROP TABLE keyword_tally_recount", []),
    ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _consultation_summaries_refresh(consultation_id: int) -> None:
    """_summaries_refresh for a whole consultation in one grouped pass (PostgreSQL), not
    one subquery per keyword and column; rows whose counts did not change are not
    rewritten."""
    keyword, tally = Keyword._meta.db_table, KeywordTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {keyword} k
            SET respondents = s.respondents, respondents_keep = s.keep,
                respondents_leave = s.leave, respondents_miss = s.miss
            FROM (
                SELECT k2.id,
                       COALESCE(SUM(t.respondents), 0) AS respondents,
                       COALESCE(SUM(t.keep), 0) AS keep,
                       COALESCE(SUM(t.leave), 0) AS leave,
                       COALESCE(SUM(t.miss), 0) AS miss
                FROM {keyword} k2
                LEFT JOIN {tally} t ON t.keyword_id = k2.id AND t.target_group = ''
                WHERE k2.consultation_id = %s
                GROUP BY k2.id
            ) s
            WHERE k.id = s.id AND (
                k.respondents, k.respondents_keep, k.respondents_leave, k.respondents_miss
            ) IS DISTINCT FROM (s.respondents, s.keep, s.leave, s.miss)
            """,  # noqa: S608 (only table names are formatted in)
            [consultation_id],
        )


def answer_tallies_recount(*, answer: Answer) -> None:
    """Recount the keywords an answer mentions, after a moderator hid or unhid it."""
    keyword_tallies_recount(
        consultation_id=answer.response.consultation_id,
        keyword_ids=KeywordMention.objects.filter(answer=answer).values_list(
            "keyword_id", flat=True
        ),
    )
