"""Migration operations for what only PostgreSQL has (trigram indexes for search as you
type). The demo runs on SQLite, where these do nothing and searches fall back to a scan of
a bounded table; production and CI run PostgreSQL, where they apply."""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that applies on PostgreSQL only, and is skipped elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(*, table: str, column: str, name: str) -> list[PostgreSQLOnly]:
    """Operations for a case-insensitive substring index (``ILIKE '%...%'`` and
    ``icontains``) on one text column: the pg_trgm extension, then a GIN index on the
    column's upper-cased value, which is what Django's icontains compares."""
    return [
        PostgreSQLOnly(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            reverse_sql=migrations.RunSQL.noop,
        ),
        PostgreSQLOnly(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '  # noqa: S608
            f'USING gin (UPPER("{column}") gin_trgm_ops)',
            reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
        ),
    ]
