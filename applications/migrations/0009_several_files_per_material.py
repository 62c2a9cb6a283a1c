"""A material may take several files: the one-file constraint goes, and each submitted version's snapshot lists
every file of a material (``{material id: [{"name", "sha256"}, ...]}``) where it held one dict."""

from django.db import migrations


def files_as_lists(snapshot: dict) -> dict:
    """The snapshot with each material's single file dict turned into a one-item list (lists kept as they are)."""
    materials = snapshot.get("materials")
    if not isinstance(materials, dict):
        return snapshot
    return {**snapshot, "materials": {mid: [entry] if isinstance(entry, dict) else entry
                                      for mid, entry in materials.items()}}


def forwards(apps, schema_editor):
    ApplicationVersion = apps.get_model("applications", "ApplicationVersion")
    for version in ApplicationVersion.objects.only("pk", "snapshot").iterator(chunk_size=500):
        converted = files_as_lists(version.snapshot or {})
        if converted != (version.snapshot or {}):
            ApplicationVersion.objects.filter(pk=version.pk).update(snapshot=converted)


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0008_merge_0005_pdf_running_0007_merge_20261201_1559"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="materialupload", name="one_upload_per_material"),
        migrations.AlterModelOptions(
            name="materialupload",
            options={"ordering": ["application", "material__seq", "uploaded_at", "pk"],
                     "verbose_name": "uploaded material", "verbose_name_plural": "uploaded materials"},
        ),
        # Backwards the snapshots are left as lists: every reader takes both forms.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
