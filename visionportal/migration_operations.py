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


def trigram_index(
    *, table: str, column: str, name: str, concurrently: bool = False
) -> list[PostgreSQLOnly]:
    """Operations for a case-insensitive substring index (``ILIKE '%...%'`` and
    ``icontains``) on one text column: the pg_trgm extension, then a GIN index on the
    column's upper-cased value, which is what Django's icontains compares.

    `concurrently` builds it without blocking writes (residents keep submitting while a
    large table is indexed); the migration must then say ``atomic = False``."""
    how = "CONCURRENTLY " if concurrently else ""
    return [
        PostgreSQLOnly(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            reverse_sql=migrations.RunSQL.noop,
        ),
        PostgreSQLOnly(
            f'CREATE INDEX {how}IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)',
            reverse_sql=f'DROP INDEX {how}IF EXISTS "{name}"',
        ),
    ]
