"""The formal-review queue filtered by track: a partial index over submitted applications in the queue's order
within each track, so the page is an index scan that stops after its rows (as 0002's index does unfiltered)."""

from django.db import migrations

TRACK_ORDER = {
    "postgresql": "CREATE INDEX IF NOT EXISTS application_queue_track_order ON applications_application "
                  "(track_id, submitted_at DESC NULLS LAST, id DESC) WHERE submitted_at IS NOT NULL",
    "sqlite": "CREATE INDEX IF NOT EXISTS application_queue_track_order ON applications_application "
              "(track_id, submitted_at DESC, id DESC) WHERE submitted_at IS NOT NULL",
}


def forwards(apps, schema_editor):
    sql = TRACK_ORDER.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS application_queue_track_order")


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_merge_0002_guides_v2_0003_admin_labels")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
