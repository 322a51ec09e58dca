from django.db import migrations, models

# The staff answers list searches answer text by substring, case-insensitively
# (`text__icontains`, which PostgreSQL runs as UPPER(text) LIKE UPPER('%...%')). A trigram
# GIN index on that very expression serves it for any language and for partial words.
# PostgreSQL only: SQLite (the demo, quick tests) searches the same way without an index.
ANSWER_TEXT_INDEX = "answer_text_trgm"


def create_answer_text_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # CONCURRENTLY: residents keep submitting while a large table is indexed.
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {ANSWER_TEXT_INDEX} "
        "ON consultations_answer USING gin (UPPER(text) gin_trgm_ops)"
    )


def drop_answer_text_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {ANSWER_TEXT_INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("consultations", "0004_response_keywords_extracted_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=["consultation", "submitted_at", "id"], name="response_consultation_time"
            ),
        ),
        migrations.RunPython(create_answer_text_index, drop_answer_text_index, elidable=False),
    ]
