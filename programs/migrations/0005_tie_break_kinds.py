"""Tie-breaks are stored with their kind: ``["member_mix"]`` becomes ``[{"key": "member_mix", "kind": "judged"}]``
(each key's default kind: computed where the portal reads the application's data)."""

from django.db import migrations

COMPUTED = {"matching_funds", "requested_amount_low"}


def forwards(apps, schema_editor):
    Track = apps.get_model("programs", "Track")
    for track in Track.objects.exclude(tie_breaks=[]).only("pk", "tie_breaks"):
        value = [item if isinstance(item, dict) else
                 {"key": item, "kind": "computed" if item in COMPUTED else "judged"} for item in track.tie_breaks or []]
        if value != track.tie_breaks:
            Track.objects.filter(pk=track.pk).update(tie_breaks=value)


def backwards(apps, schema_editor):
    Track = apps.get_model("programs", "Track")
    for track in Track.objects.exclude(tie_breaks=[]).only("pk", "tie_breaks"):
        value = [item.get("key") if isinstance(item, dict) else item for item in track.tie_breaks or []]
        Track.objects.filter(pk=track.pk).update(tie_breaks=value)


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_calendar")]

    operations = [migrations.RunPython(forwards, backwards)]
