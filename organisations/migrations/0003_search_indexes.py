"""On PostgreSQL, trigram indexes for searching organisations by name (``icontains``) and credit code
(``contains``), used by the organisation list and the formal-review queue. Nothing to do on SQLite."""

from django.db import migrations

TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS organisation_name_trgm ON organisations_organisation "
    "USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS organisation_uscc_trgm ON organisations_organisation USING gin (uscc gin_trgm_ops)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in TRIGRAM:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS organisation_name_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS organisation_uscc_trgm")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_membership_organisation_membership_organisation_and_more")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
