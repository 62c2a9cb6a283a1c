"""Indexes for the formal-review queue: its order (a partial index over submitted applications only) and, on
PostgreSQL, trigram indexes so the queue's search (``icontains``, i.e. ``UPPER(col) LIKE UPPER('%term%')``) stays
an index scan at a million rows. SQLite gets the queue-order index only; its search gives the same results."""

from django.db import migrations

QUEUE_ORDER = {
    "postgresql": "CREATE INDEX IF NOT EXISTS application_queue_order ON applications_application "
                  "(submitted_at DESC NULLS LAST, id DESC) WHERE submitted_at IS NOT NULL",
    "sqlite": "CREATE INDEX IF NOT EXISTS application_queue_order ON applications_application "
              "(submitted_at DESC, id DESC) WHERE submitted_at IS NOT NULL",
}
TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS application_reference_trgm ON applications_application "
    "USING gin (UPPER(reference::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS application_title_trgm ON applications_application "
    "USING gin (UPPER(title::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS application_queue_order", "DROP INDEX IF EXISTS application_reference_trgm",
        "DROP INDEX IF EXISTS application_title_trgm"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in QUEUE_ORDER:
        schema_editor.execute(QUEUE_ORDER[vendor])
    if vendor == "postgresql":
        for sql in TRIGRAM:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
