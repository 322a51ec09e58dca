"""A sorting round's players and votes in bulk SQL (generate_series), for the benchmarks that
need a million votes: tests/benchmarks/sorting_results.py and decision_pack.py.

    from tests.benchmarks.sorting_data import insert_players_and_votes
    players = insert_players_and_votes(round, votes=1_000_000, devices=[kiosk.pk, ...])

Every player answers `cards` distinct keywords of the round's list: a quarter play at the
kiosks (`devices`), three in four give an age band and most an area; one in five names a
target group; one in ten never finishes (their votes carry their device class only). Each keyword
has its own appeal (rising with its place in the list), older players like odd keywords
more, 6 % of answers are skips and a few votes are excluded.
PostgreSQL only; seeded, so a rerun builds the same data.
"""

from __future__ import annotations

from django.db import connection

from keywords.models import KeywordListItem
from keywords.sorting.models import (
    TARGET_GROUP_BITS,
    SortParticipant,
    SortParticipantTargetGroup,
    SortVote,
)

AGES = ["16-24", "25-44", "45-64", "65-79", "80+"]
AREAS = ["Inre staden", "Hageby", "Navestad", "Skärblacka", "Landsbygden"]
CARDS = 20


def insert_players_and_votes(
    round, *, votes: int, devices=(), cards: int = CARDS, ages=AGES, areas=AREAS
) -> int:
    """Insert votes // cards players with `cards` votes each into `round`; the number of
    players. The round's keyword list must have at least `cards` items."""
    items = KeywordListItem.objects.filter(keyword_list_id=round.keyword_list_id).count()
    assert items >= cards, "every player answers distinct keywords"
    players = votes // cards
    devices = list(devices) or [None]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2035)")
        cursor.execute(
            f"""
            INSERT INTO {SortParticipant._meta.db_table}
                (round_id, token, channel, device_id, device_class, deck, started_at,
                 finished_at, age_band, area)
            SELECT %s, gen_random_uuid(),
                   CASE WHEN g %% 4 = 0 AND %s THEN 'kiosk' ELSE 'online' END,
                   CASE WHEN g %% 4 = 0 THEN (%s::int[])[1 + (g / 4) %% %s] END,
                   CASE WHEN g %% 4 = 0 AND %s THEN 'tablet' WHEN g %% 3 = 0 THEN 'desktop'
                        ELSE 'phone' END,
                   '[]'::jsonb, now() - interval '10 days',
                   CASE WHEN g %% 10 <> 0 THEN now() - interval '10 days' END,
                   CASE WHEN random() < 0.75 THEN (%s::text[])[1 + (g * 7) %% %s] ELSE '' END,
                   CASE WHEN random() < 0.7
                        THEN (%s::text[])[1 + (g * 3 + g / 5) %% %s] ELSE '' END
            FROM generate_series(1, %s) g
            """,  # noqa: S608 (table names from the models; values are parameters)
            [
                round.pk,
                devices[0] is not None,
                devices,
                len(devices),
                devices[0] is not None,
                ages,
                len(ages),
                areas,
                len(areas),
                players,
            ],
        )
        cursor.execute(
            f"""
            INSERT INTO {SortParticipantTargetGroup._meta.db_table} (participant_id, "group")
            SELECT id, (ARRAY['student','working','older','family_with_children'])[1 + id %% 4]
            FROM {SortParticipant._meta.db_table} WHERE round_id = %s AND id %% 5 = 0
            """,  # noqa: S608
            [round.pk],
        )
        # A player's cards are `cards` keywords spaced items / cards apart from a start that
        # depends on the player, so they are distinct.
        step = items // cards
        cursor.execute(
            f"""
            WITH items AS (
                SELECT array_agg(id ORDER BY position, id) AS ids
                FROM {KeywordListItem._meta.db_table} WHERE keyword_list_id = %s
            )
            INSERT INTO {SortVote._meta.db_table}
                (round_id, participant_id, item_id, channel, choice, position, cast_at, excluded,
                 device_class, age_band, area, target_groups)
            SELECT p.round_id, p.id, items.ids[1 + (p.id * 37 + k * {step}) %% {items}],
                   p.channel,
                   CASE WHEN random() < 0.06 THEN 0
                        WHEN random() < 0.15 + 0.7 * ((p.id * 37 + k * {step}) %% {items})
                                        / {items}.0
                             + CASE WHEN p.age_band IN ('65-79', '80+')
                                     AND (p.id * 37 + k * {step}) %% 2 = 1 THEN 0.1 ELSE 0 END
                        THEN 1 ELSE -1 END,
                   k + 1, p.started_at, random() < 0.002,
                   -- Votes carry the device class they were cast with; finished players'
                   -- the rest of the profile too, as the finish copies it
                   -- (keywords.sorting.vote_profiles).
                   p.device_class,
                   CASE WHEN p.finished_at IS NULL THEN '' ELSE p.age_band END,
                   CASE WHEN p.finished_at IS NULL THEN '' ELSE p.area END,
                   CASE WHEN p.finished_at IS NULL THEN 0 ELSE COALESCE(
                       (SELECT SUM(CASE g."group" WHEN 'student' THEN %s WHEN 'working' THEN %s
                               WHEN 'older' THEN %s WHEN 'family_with_children' THEN %s END)
                        FROM {SortParticipantTargetGroup._meta.db_table} g
                        WHERE g.participant_id = p.id), 0) END
            FROM {SortParticipant._meta.db_table} p, generate_series(0, {cards - 1}) k, items
            WHERE p.round_id = %s
            """,  # noqa: S608
            [
                round.keyword_list_id,
                *(
                    TARGET_GROUP_BITS[g]
                    for g in ("student", "working", "older", "family_with_children")
                ),
                round.pk,
            ],
        )
    return players
