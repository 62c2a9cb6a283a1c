"""Two partial indexes over submitted applications for the formal-review queue: its order within each track, so
the track filter is an index scan that stops after the page's rows (as 0002's index does unfiltered), and
(organisation, track), so each row's "second application to this track" check is one index probe."""

from django.db import migrations

TRACK_ORDER = {
    "postgresql": "CREATE INDEX IF NOT EXISTS application_queue_track_order ON applications_application "
                  "(track_id, submitted_at DESC NULLS LAST, id DESC) WHERE submitted_at IS NOT NULL",
    "sqlite": "CREATE INDEX IF NOT EXISTS application_queue_track_order ON applications_application "
              "(track_id, submitted_at DESC, id DESC) WHERE submitted_at IS NOT NULL",
}
SIBLINGS = ("CREATE INDEX IF NOT EXISTS application_queue_siblings ON applications_application "
            "(organisation_id, track_id) WHERE submitted_at IS NOT NULL")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in TRACK_ORDER:
        schema_editor.execute(TRACK_ORDER[vendor])
        schema_editor.execute(SIBLINGS)


def backwards(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS application_queue_track_order")
    schema_editor.execute("DROP INDEX IF EXISTS application_queue_siblings")


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_merge_0002_guides_v2_0003_admin_labels")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
