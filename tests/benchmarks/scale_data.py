"""A consultation at the size issue 9 measures against, built in bulk SQL on PostgreSQL.

100,000 responses, 300,000 answers (one per question), ~60,000 keywords and ~1.4 M
mentions, with keyword frequencies falling off as 1/rank (a few keywords behind tens of
thousands of answers, a long tail behind one), channels, age bands and target groups
spread as a municipality's mix would be, then the respondent counts recounted once
(keywords.tallies). Everything else (municipality, process, staff member with MFA) is made
through the ORM, so the data set is what the product would hold.

Use from a benchmark against a throwaway database:

    from tests.benchmarks.scale_data import build
    data = build(responses=100_000, keywords=60_000)   # a ScaleData with the objects

Takes a couple of minutes on a laptop; PostgreSQL only (generate_series, random()).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

# Syllables the labels and answers are made of: enough distinct trigrams for a search
# index to be selective, as Swedish words are.
SYLLABLES = (
    "park", "cykel", "väg", "skol", "grön", "buss", "trafik", "bibliotek", "torg", "hamn",
    "bad", "plats", "hus", "kultur", "idrott", "hall", "skog", "strand", "centrum", "stråk",
    "lek", "trygg", "ljus", "gata", "bro", "ström", "vatten", "fritid", "gård", "äng",
    "jobb", "bostad", "vård", "omsorg", "musik", "konst", "teater",
)  # fmt: skip
CHANNEL_MIX = (
    ("online", 70),
    ("workshop", 8),
    ("interview", 6),
    ("focus_group", 5),
    ("exhibition", 5),
    ("workplace_meeting", 4),
    ("party_submission", 2),
)
AGE_BANDS = ("", "0-15", "16-24", "25-44", "45-64", "65-79", "80+", "undisclosed")
TARGET_GROUPS = ("young", "older", "student", "family_with_children", "working", "disability")


@dataclass
class ScaleData:
    municipality: object
    process: object
    consultation: object
    staff: object
    seconds: float


def _label_sql(n: str) -> str:
    """A unique label for keyword number `n` (syllables by mixed radix, then a number)."""
    s = len(SYLLABLES)
    array = "ARRAY[" + ", ".join(f"'{x}'" for x in SYLLABLES) + "]"
    return (
        f"({array})[1 + ({n} %% {s})] || ({array})[1 + (({n} / {s}) %% {s})]"
        f" || CASE WHEN {n} >= {s * s} THEN ' ' || ({array})[1 + ({n} / {s * s}) %% {s}]"
        " ELSE '' END"
        f" || CASE WHEN {n} >= {s**3} THEN ' ' || ({n} / {s**3})::text ELSE '' END"
    )


def _channel_sql() -> str:
    total = sum(w for _c, w in CHANNEL_MIX)
    cases, upto = [], 0
    for channel, weight in CHANNEL_MIX:
        upto += weight
        cases.append(f"WHEN r < {upto / total} THEN '{channel}'")
    return "CASE " + " ".join(cases) + " END"


def build(
    *,
    responses: int = 100_000,
    keywords: int = 60_000,
    mentions_per_answer: float = 4.6,
    actions: int = 5_000,
    email: str = "staff@scale.test",
) -> ScaleData:
    from keywords.tallies import consultation_tallies_rebuild
    from tests.conftest import make_user
    from tests.consultations.factories import open_consultation
    from visionportal.models import Country, Membership, Municipality, Role, VisionProcess

    assert connection.vendor == "postgresql", "scale data is built with PostgreSQL SQL"
    started = time.perf_counter()
    municipality = Municipality.objects.create(
        name="Skalby", slug="skalby", country=Country.SWEDEN, default_language="sv"
    )
    process = VisionProcess.objects.create(
        municipality=municipality, title="Vision 2045", slug="vision-2045", target_year=2045
    )
    consultation = open_consultation(process)
    staff = make_user(email, mfa=True)
    Membership.objects.create(user=staff, municipality=municipality, role=Role.STAFF)
    c = consultation.pk
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"""
            INSERT INTO consultations_response
                (consultation_id, channel, idempotency_key, submitted_at, age_band, area,
                 group_label, preferred_language, keywords_extracted_at)
            SELECT %s, {_channel_sql()}, gen_random_uuid(),
                   %s - (i || ' minutes')::interval,
                   (ARRAY{list(AGE_BANDS)})[1 + floor(random() * {len(AGE_BANDS)})::int],
                   '', '', '', %s
            FROM (SELECT i, random() AS r FROM generate_series(1, %s) i) s
            """,  # noqa: S608 -- constants of this module only
            [c, now, now, responses],
        )
        # About a fifth of respondents name a target group, some two.
        cursor.execute(
            f"""
            INSERT INTO consultations_responsetargetgroup (response_id, "group")
            SELECT DISTINCT id, (ARRAY{list(TARGET_GROUPS)})[1 + floor(random() * %s)::int]
            FROM consultations_response, generate_series(1, 2) g
            WHERE consultation_id = %s AND random() < CASE WHEN g = 1 THEN 0.2 ELSE 0.05 END
            """,  # noqa: S608
            [len(TARGET_GROUPS), c],
        )
        words = "(ARRAY[" + ", ".join(f"'{x}'" for x in SYLLABLES) + "])"
        cursor.execute(
            f"""
            INSERT INTO consultations_answer (response_id, question_id, text, hidden_reason)
            SELECT r.id, q.id,
                   initcap({words}[1 + floor(random() * {len(SYLLABLES)})::int])
                   || {words}[1 + floor(random() * {len(SYLLABLES)})::int] || ' och '
                   || {words}[1 + floor(random() * {len(SYLLABLES)})::int] || 'en är viktiga, '
                   || 'ring 070-123 45 67 om ' || {words}[1 + floor(random() * 10)::int],
                   ''
            FROM consultations_response r
            JOIN consultations_question q ON q.consultation_id = r.consultation_id
            WHERE r.consultation_id = %s
            """,  # noqa: S608
            [c],
        )
        cursor.execute(
            f"""
            INSERT INTO keywords_keyword
                (consultation_id, label, base_form, created_by_staff, status, version,
                 created_at, respondents, respondents_keep, respondents_leave, respondents_miss)
            SELECT %s, lbl, lbl, false, 'candidate', 1, %s, 0, 0, 0, 0
            FROM (SELECT {_label_sql("(i - 1)")} AS lbl FROM generate_series(1, %s) i) s
            """,  # noqa: S608
            [c, now, keywords],
        )
        cursor.execute("SELECT min(id) FROM keywords_keyword WHERE consultation_id = %s", [c])
        first_keyword = cursor.fetchone()[0]
        # Rank k is mentioned with probability ~ 1/k: exp(u * ln(n)) is log-uniform.
        cursor.execute(
            """
            INSERT INTO keywords_keywordmention (keyword_id, answer_id, surface_form)
            SELECT DISTINCT %s + floor(exp(random() * ln(%s)))::int - 1, a.id, 'x'
            FROM consultations_answer a
            JOIN consultations_response r ON r.id = a.response_id
            CROSS JOIN generate_series(1, %s) g
            WHERE r.consultation_id = %s
            ON CONFLICT DO NOTHING
            """,
            [first_keyword, keywords, round(mentions_per_answer * 1.05), c],
        )
        # Curation as it looks midway: some keywords struck or kept, some of the long
        # tail merged into the head, and a history of actions to page through.
        cursor.execute(
            """
            UPDATE keywords_keyword SET status = CASE WHEN id %% 50 = 0 THEN 'struck'
                                                      ELSE 'kept' END
            WHERE consultation_id = %s AND (id %% 50 = 0 OR id %% 199 = 0)
            """,
            [c],
        )
        cursor.execute(
            """
            UPDATE keywords_keyword SET status = 'merged',
                   merged_into_id = %s + (id %% 500) + 1
            WHERE consultation_id = %s AND id >= %s + 1000 AND id %% 37 = 0
              AND status = 'candidate'
            """,
            [first_keyword, c, first_keyword],
        )
        cursor.execute(
            """
            INSERT INTO keywords_keywordaction
                (consultation_id, kind, actor_id, reason, before, after, created_at)
            SELECT %s, 'strike', %s, 'Inte en vision', '{}', '{}',
                   %s - (i || ' minutes')::interval
            FROM generate_series(1, %s) i
            """,
            [c, staff.pk, now, actions],
        )
        cursor.execute(
            """
            INSERT INTO keywords_keywordaction_keywords (keywordaction_id, keyword_id)
            SELECT a.id, %s + (a.id %% %s)
            FROM keywords_keywordaction a WHERE a.consultation_id = %s
            """,
            [first_keyword, keywords, c],
        )
    consultation_tallies_rebuild(consultation_id=c)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ScaleData(
        municipality=municipality,
        process=process,
        consultation=consultation,
        staff=staff,
        seconds=time.perf_counter() - started,
    )
