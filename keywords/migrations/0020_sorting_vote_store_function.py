# ruff: noqa: S608 (the SQL is built from the table names below only)

from django.db import migrations

# One call per vote on PostgreSQL (keywords.sorting.services._store_vote): find the player
# by their token or id, the card's position in their deck, refuse a finished play or a
# closed round, insert the answer or replace a different earlier one (the same answer
# again writes nothing), and return what the next card needs. A player of another round
# or channel returns no row; each refusal shows as a false or NULL column, so the caller
# can say which.
#
# Why a function and not one statement from Python: Django's client-side binding sends
# every statement as new text, and PostgreSQL planned the vote's statement (four CTEs)
# anew each time, 0.4 ms of a ~1 ms vote. PL/pgSQL keeps its statements' plans for the
# connection's life, and a pooler in front of PostgreSQL does not break it as prepared
# statements would.
#
# The player is found by their unique key alone: filtering by round or channel in the
# same search let the planner take the (round, channel, ...) index with the statistics of
# a round that has just opened (no players) and compare every player's token.
#
# The vote carries its player's device class from the start (the rest of the profile is
# copied at the finish), so the results count it without a join to the players.
VOTES = "keywords_sortvote"
PLAYERS = "keywords_sortparticipant"
ROUNDS = "keywords_sortinground"

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
        ON CONFLICT ON CONSTRAINT sort_vote_one_per_participant_item DO UPDATE
            SET choice = EXCLUDED.choice, cast_at = EXCLUDED.cast_at
            WHERE v.choice <> EXCLUDED.choice
        RETURNING v.id, v.cast_at INTO vote_id, cast_at;
    END IF;
    answered := ARRAY(SELECT s.item_id FROM {VOTES} s WHERE s.participant_id = player.id);
    RETURN NEXT;
END
$$;
"""

REVERSE = """
DROP FUNCTION IF EXISTS sort_vote_store(
    bigint, text, uuid, bigint, bigint, integer, timestamptz, bigint
);
"""


def install_function(apps, schema_editor):
    """PostgreSQL only: elsewhere (the SQLite demo) the services store a vote in steps."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def remove_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("keywords", "0019_sorting_votes_carry_device_class"),
    ]

    operations = [
        migrations.RunPython(install_function, remove_function),
    ]
