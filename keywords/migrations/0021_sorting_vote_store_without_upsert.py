# ruff: noqa: S608 (the SQL is built from the table names below only)

from importlib import import_module

from django.db import migrations

# sort_vote_store (migration 0020) stored a vote with INSERT ... ON CONFLICT DO UPDATE.
# PostgreSQL runs such a statement's UPDATE statement triggers too, with transition
# tables, whether or not a row conflicted: every first answer paid for the vote cells'
# update trigger (migration 0018) on top of its insert trigger, 0.06-0.08 ms of a vote of
# about 0.75 ms in pgbench. Now a first answer is a plain insert (ON CONFLICT DO NOTHING,
# which fires no update trigger) and only a changed answer is an UPDATE. A concurrent
# submit of the same card still ends with one vote: DO NOTHING waits for the other insert
# and yields to it, and the UPDATE then sets this answer if it differs, as before.
previous = import_module("keywords.migrations.0020_sorting_vote_store_function")

# The statement that stored the answer in 0020's function, and what replaces it; the rest
# of the function is as 0020 wrote it.
CONFLICT = "        ON CONFLICT ON CONSTRAINT sort_vote_one_per_participant_item"
UPSERT = f"""{CONFLICT} DO UPDATE
            SET choice = EXCLUDED.choice, cast_at = EXCLUDED.cast_at
            WHERE v.choice <> EXCLUDED.choice
        RETURNING v.id, v.cast_at INTO vote_id, cast_at;
"""
INSERT_THEN_UPDATE = f"""{CONFLICT} DO NOTHING
        RETURNING v.id, v.cast_at INTO vote_id, cast_at;
        IF vote_id IS NULL THEN
            UPDATE {previous.VOTES} AS v SET choice = p_choice, cast_at = p_at
            WHERE v.participant_id = player.id AND v.item_id = p_item
                AND v.choice <> p_choice
            RETURNING v.id, v.cast_at INTO vote_id, cast_at;
        END IF;
"""
if previous.FUNCTION.count(UPSERT) != 1:
    raise RuntimeError("0020's vote statement is not where this migration replaces it")
FUNCTION = previous.FUNCTION.replace(UPSERT, INSERT_THEN_UPDATE)


def install_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def restore_previous(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(previous.FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("keywords", "0020_sorting_vote_store_function"),
    ]

    operations = [
        migrations.RunPython(install_function, restore_previous),
    ]
