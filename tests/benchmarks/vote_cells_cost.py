"""Benchmark: what the vote cells' triggers (keywords migrations 0018 and 0022: each change
appended as a delta row, folded into the cells later) cost each vote write, and what the
fold of those deltas costs (not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vp_sortresults_bench SECRET_KEY=bench \\
        .venv/bin/python tests/benchmarks/vote_cells_cost.py [ROUNDS]

Runs on the round tests/benchmarks/sorting_results.py built (a million votes, so the
cells and players tables are full size). Interleaved ROUNDS times (default 5), with the
triggers enabled and then disabled (ALTER TABLE … DISABLE TRIGGER), each write its own
transaction with its commit, as in production:
- 300 single online votes: the game's INSERT … ON CONFLICT (participant, item) DO NOTHING
  on unfinished players' unanswered cards;
- 20 kiosk batches: one INSERT of 100 votes each (five plays of 20 cards);
- 20 profile copies: one UPDATE of a finished player's 20 votes' profile columns.
Every row it writes is deleted afterwards with the triggers as they were when it was
written, so the cells stay exact. Prints the medians per write, the ratios enabled /
disabled, the time of the one fold of all the deltas written (as the beat's fold each
minute) and the load average: the machine is shared, and the ratio is what compares.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visionportal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from keywords.sorting.models import SortingRound  # noqa: E402
from keywords.sorting.result_models import SortVoteDelta  # noqa: E402
from keywords.sorting.vote_cells import vote_cells_fold  # noqa: E402

TRIGGERS = ("sort_vote_cells_insert", "sort_vote_cells_update", "sort_vote_cells_delete")
SINGLE, BATCHES, BATCH_SIZE, COPIES = 300, 20, 100, 20

SINGLE_SQL = """
INSERT INTO keywords_sortvote AS v
    (round_id, participant_id, item_id, channel, choice, position, cast_at, excluded)
VALUES (%s, %s, %s, 'online', 1, 1, now(), false)
ON CONFLICT (participant_id, item_id) DO NOTHING
RETURNING v.id
"""


def set_triggers(cursor, enabled: bool) -> None:
    for name in TRIGGERS:
        verb = "ENABLE" if enabled else "DISABLE"
        cursor.execute(f"ALTER TABLE keywords_sortvote {verb} TRIGGER {name}")


def unanswered(cursor, round_id, players, per_player):
    """(player, item) pairs the players have not answered: `per_player` each."""
    cursor.execute(
        "SELECT p.id, i.id FROM keywords_sortparticipant p "
        "CROSS JOIN LATERAL (SELECT li.id FROM keywords_keywordlistitem li "
        "JOIN keywords_sortinground r ON r.keyword_list_id = li.keyword_list_id "
        "WHERE r.id = p.round_id AND NOT EXISTS (SELECT 1 FROM keywords_sortvote v "
        "WHERE v.participant_id = p.id AND v.item_id = li.id) ORDER BY li.id LIMIT %s) i "
        "WHERE p.round_id = %s AND p.finished_at IS NULL ORDER BY p.id LIMIT %s",
        [per_player, round_id, players * per_player],
    )
    return cursor.fetchall()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    round = SortingRound.objects.get(title="Sortera nyckelorden")
    connection.set_autocommit(True)
    times = {(kind, on): [] for kind in ("single", "batch", "copy") for on in (True, False)}
    loads = []
    with connection.cursor() as cursor:
        pairs = unanswered(cursor, round.pk, SINGLE // 5 + BATCHES * BATCH_SIZE // 5, 5)
        cursor.execute(
            "SELECT participant_id FROM keywords_sortvote WHERE round_id = %s "
            "AND device_class <> '' GROUP BY 1 ORDER BY 1 LIMIT %s",
            [round.pk, COPIES],
        )
        finished = [row[0] for row in cursor.fetchall()]
        for _ in range(rounds):
            for on in (True, False):
                set_triggers(cursor, on)
                written = []
                started = time.perf_counter()
                for player, item in pairs[:SINGLE]:
                    cursor.execute(SINGLE_SQL, [round.pk, player, item])
                    written.append(cursor.fetchone()[0])
                times[("single", on)].append((time.perf_counter() - started) / SINGLE)
                rest = pairs[SINGLE : SINGLE + BATCHES * BATCH_SIZE]
                started = time.perf_counter()
                for b in range(BATCHES):
                    chunk = rest[b * BATCH_SIZE : (b + 1) * BATCH_SIZE]
                    cursor.execute(
                        "INSERT INTO keywords_sortvote (round_id, participant_id, item_id, "
                        "channel, choice, position, cast_at, excluded) "
                        "SELECT %s, p, i, 'kiosk', 1, 1, now(), false "
                        "FROM unnest(%s::bigint[], %s::bigint[]) AS t(p, i) RETURNING id",
                        [round.pk, [p for p, _ in chunk], [i for _, i in chunk]],
                    )
                    written += [row[0] for row in cursor.fetchall()]
                times[("batch", on)].append((time.perf_counter() - started) / BATCHES)
                started = time.perf_counter()
                for player in finished:
                    # Flip the area and back in two copies: the cells end as they began.
                    cursor.execute(
                        "UPDATE keywords_sortvote SET area = area || '·' WHERE participant_id = %s",
                        [player],
                    )
                times[("copy", on)].append((time.perf_counter() - started) / COPIES)
                for player in finished:
                    cursor.execute(
                        "UPDATE keywords_sortvote SET area = left(area, -1) "
                        "WHERE participant_id = %s",
                        [player],
                    )
                cursor.execute("DELETE FROM keywords_sortvote WHERE id = ANY(%s)", [written])
            set_triggers(cursor, True)
            loads.append(os.getloadavg()[0])
    pending = SortVoteDelta.objects.count()
    started = time.perf_counter()
    vote_cells_fold()
    fold = time.perf_counter() - started
    print(f"load average (1 min) per round: {', '.join(f'{x:.2f}' for x in loads)}")
    print("\n| write | with the triggers | without | ratio |")
    print("|---|---|---|---|")
    for kind, label in (
        ("single", "single online vote (a first answer)"),
        ("batch", f"kiosk batch of {BATCH_SIZE} votes"),
        ("copy", "profile copy onto a player's 20 votes"),
    ):
        on, off = (statistics.median(times[(kind, flag)]) for flag in (True, False))
        extra = f" ({BATCH_SIZE / on:,.0f} votes/s)" if kind == "batch" else ""
        print(f"| {label} | {on * 1000:.2f} ms{extra} | {off * 1000:.2f} ms | {on / off:.2f} |")
    print(f"\nthe fold of the {pending:,} deltas written (they cancel out): {fold * 1000:.0f} ms")


if __name__ == "__main__":
    main()
