"""A submitted application whose only failures are soft conditions (原则上) reads ``soft_fail``, not ``fail``."""

from django.db import migrations


def _soft_only(verdict: dict) -> bool:
    failed = [r for r in verdict.get("results") or [] if r.get("outcome") == "fail"]
    return bool(failed) and all(r.get("soft") for r in failed)


def forwards(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    changed = []
    for application in Application.objects.filter(verdict_overall="fail").only("pk", "verdict").iterator():
        if _soft_only(application.verdict or {}):
            application.verdict = {**application.verdict, "overall": "soft_fail"}
            application.verdict_overall = "soft_fail"
            changed.append(application)
    Application.objects.bulk_update(changed, ["verdict", "verdict_overall"], batch_size=500)


def backwards(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    for application in Application.objects.filter(verdict_overall="soft_fail").only("pk", "verdict").iterator():
        application.verdict = {**application.verdict, "overall": "fail"}
        application.verdict_overall = "fail"
        application.save(update_fields=["verdict", "verdict_overall"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0011_track_covering_index")]
    operations = [migrations.RunPython(forwards, backwards)]
