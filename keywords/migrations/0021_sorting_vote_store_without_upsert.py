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

VOTES = previous.VOTES
PLAYERS = previous.PLAYERS
ROUNDS = previous.ROUNDS

FUNCTION = f"""
CREATE OR REPLACE FUNCTION sort_vote_store(
    p_round bigint, p_channel text, p_token uuid, p_player bigint, p_item bigint,
    p_choice integer, p_at timestamptz, p_batch bigint
) RETURNS TABLE (
    participant_id bigint, deck jsonb, finished boolean, round_open boolean,
    card_position integer, answered bigint[], vote_id bigint, cast_at timestamptz
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    player record;
BEGIN
    IF p_token IS NOT NULL THEN
        SELECT p.id, p.deck, p.finished_at, p.device_class, p.round_id, p.channel
        INTO player FROM {PLAYERS} p WHERE p.token = p_token;
    ELSE
        SELECT p.id, p.deck, p.finished_at, p.device_class, p.round_id, p.channel
        INTO player FROM {PLAYERS} p WHERE p.id = p_player;
    END IF;
    IF player.id IS NULL OR player.round_id <> p_round OR player.channel <> p_channel THEN
        RETURN;
    END IF;
    participant_id := player.id;
    deck := player.deck;
    finished := player.finished_at IS NOT NULL;
    round_open := EXISTS (
        SELECT 1 FROM {ROUNDS} r WHERE r.id = p_round AND r.closed_at IS NULL
    );
    SELECT d.position INTO card_position
    FROM jsonb_array_elements(player.deck) WITH ORDINALITY AS d (item, position)
    WHERE d.item = to_jsonb(p_item)
    LIMIT 1;
    IF NOT finished AND round_open AND card_position IS NOT NULL THEN
        INSERT INTO {VOTES} AS v
            (round_id, participant_id, item_id, channel, choice, position, cast_at,
             batch_id, excluded, device_class)
        VALUES (p_round, player.id, p_item, p_channel, p_choice, card_position, p_at,
                p_batch, false, player.device_class)
        ON CONFLICT ON CONSTRAINT sort_vote_one_per_participant_item DO NOTHING
        RETURNING v.id, v.cast_at INTO vote_id, cast_at;
        IF vote_id IS NULL THEN
            UPDATE {VOTES} AS v SET choice = p_choice, cast_at = p_at
            WHERE v.participant_id = player.id AND v.item_id = p_item
                AND v.choice <> p_choice
            RETURNING v.id, v.cast_at INTO vote_id, cast_at;
        END IF;
    END IF;
    answered := ARRAY(SELECT s.item_id FROM {VOTES} s WHERE s.participant_id = player.id);
    RETURN NEXT;
END
$$;
"""


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
