from django.db import migrations, models

from visionportal.migration_operations import trigram_index

# The staff answers list searches answer text by substring, case-insensitively
# (`text__icontains`, which PostgreSQL runs as UPPER(text) LIKE UPPER('%...%')). A trigram
# GIN index on that very expression serves it for any language and for partial words.
# PostgreSQL only: SQLite (the demo, quick tests) searches the same way without an index.


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("consultations", "0005_consultation_settings_are_versioned"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=["consultation", "submitted_at", "id"], name="response_consultation_time"
            ),
        ),
        *trigram_index(
            table="consultations_answer", column="text", name="answer_text_trgm", concurrently=True
        ),
    ]
