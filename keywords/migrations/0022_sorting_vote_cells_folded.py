# ruff: noqa: S608 (the SQL is built from the table and column names below only)

from importlib import import_module

from django.db import migrations, models

# The vote cells (migration 0018) were updated by the votes' triggers in the statement
# that changed the votes: each online vote updated its player's row and three cells, and
# concurrent votes for the same keyword and answer queued on the same cell row until each
# committed. That was a quarter of a vote's time in the database (pgbench, one client:
# 0.70 ms a vote with it, 0.54 ms with the deltas below, 0.53 ms with no counting at all).
# Now the triggers only append the change to keywords_sortvotedelta (+1 for a vote as it
# is, -1 for it as it was), and sort_vote_cells_fold() moves the appended rows into the
# cells and the players' included votes in one statement: a Celery beat task each
# minute, and the aggregation before it counts (keywords.sorting.vote_cells). The
# aggregation also adds the rows not folded yet, so its counts stay exact.
cells_0018 = import_module("keywords.migrations.0018_sorting_vote_cells")

CELLS = cells_0018.CELLS
PLAYERS = cells_0018.PLAYERS
KEY = cells_0018.KEY
DELTAS = "keywords_sortvotedelta"
ROUNDS = "keywords_sortinground"
ITEMS = "keywords_keywordlistitem"
_COLUMNS = (
    "round_id, participant_id, item_id, choice, channel, device_class, target_groups, "
    "age_band, area, position"
)
# One fold at a time (an arbitrary key of this migration's own): two folds of different
# deltas would otherwise lock the same players and cells in different orders.
FOLD_LOCK = 20_350_022

TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sort_vote_cells_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO {DELTAS} ({_COLUMNS}, n)
        SELECT {_COLUMNS}, -1 FROM old_votes WHERE NOT excluded;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {DELTAS} ({_COLUMNS}, n)
        SELECT {_COLUMNS}, 1 FROM new_votes WHERE NOT excluded;
    END IF;
    RETURN NULL;
END
$$;
"""

# The deltas taken, less those of a round or keyword deleted since (their cells went with
# them), as rows of 0018's cells query (which reads an `excluded` column).
_LIVE = f"""
    SELECT t.*, false AS excluded FROM taken t
    WHERE EXISTS (SELECT 1 FROM {ROUNDS} r WHERE r.id = t.round_id)
        AND EXISTS (SELECT 1 FROM {ITEMS} i WHERE i.id = t.item_id)"""

FOLD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sort_vote_cells_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    PERFORM pg_advisory_xact_lock({FOLD_LOCK});
    WITH taken AS (
        DELETE FROM {DELTAS} RETURNING {_COLUMNS}, n
    ), live AS ({_LIVE}
    ), players AS (
        UPDATE {PLAYERS} p SET included_votes = p.included_votes + d.n
        FROM (
            SELECT participant_id, SUM(n) AS n FROM live GROUP BY 1 HAVING SUM(n) <> 0
        ) d
        WHERE p.id = d.participant_id
    )
    INSERT INTO {CELLS} ({KEY}, votes)
    {cells_0018._cells("SELECT * FROM live")}
    ON CONFLICT ({KEY}) DO UPDATE SET votes = {CELLS}.votes + EXCLUDED.votes;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$;
"""

# Back to 0018's triggers, which update the cells themselves: what is pending is folded
# first.
PREVIOUS_TRIGGER_FUNCTION = cells_0018.FUNCTION.split("CREATE TRIGGER")[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)


def install(apps, schema_editor):
    """PostgreSQL only: elsewhere there are no triggers and the aggregation scans."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOLD_FUNCTION)
        schema_editor.execute(TRIGGER_FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_TRIGGER_FUNCTION)
        schema_editor.execute("SELECT sort_vote_cells_fold()")
        schema_editor.execute("DROP FUNCTION IF EXISTS sort_vote_cells_fold()")


class Migration(migrations.Migration):
    dependencies = [
        ("keywords", "0021_sorting_vote_store_without_upsert"),
    ]

    operations = [
        migrations.CreateModel(
            name="SortVoteDelta",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("round_id", models.BigIntegerField()),
                ("participant_id", models.BigIntegerField()),
                ("item_id", models.BigIntegerField()),
                ("choice", models.SmallIntegerField()),
                ("channel", models.CharField(max_length=20)),
                ("device_class", models.CharField(max_length=10)),
                ("target_groups", models.PositiveSmallIntegerField()),
                ("age_band", models.CharField(max_length=12)),
                ("area", models.CharField(max_length=120)),
                ("position", models.PositiveSmallIntegerField()),
                ("n", models.SmallIntegerField()),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
