"""KPI completion kept on each report: the fields, then the figures of every report already submitted or accepted,
computed as milestones.completion.store computes them for new ones (a few queries per thousand reports)."""

from django.db import migrations, models

BATCH = 1000


def fill(apps, schema_editor):
    from milestones.completion import completion, figures

    KpiReport = apps.get_model("milestones", "KpiReport")
    KpiValue = apps.get_model("milestones", "KpiValue")
    KPI = apps.get_model("programs", "KPI")
    ApplicationVersion = apps.get_model("applications", "ApplicationVersion")
    reports = (KpiReport.objects.filter(state__in=["submitted", "accepted"])
               .select_related("project__application").order_by("pk"))
    kpis: dict[int, list] = {}
    for kpi in KPI.objects.filter(archived_at__isnull=True).select_related("group"):
        kpis.setdefault(kpi.track_id, []).append(kpi)
    last = 0
    while True:
        batch = list(reports.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        values: dict[int, dict] = {}
        for report_id, kpi_id, value in KpiValue.objects.filter(report__in=batch).values_list(
                "report_id", "kpi_id", "value"):
            values.setdefault(report_id, {})[kpi_id] = value
        snapshots: dict[int, dict] = {}
        for application_id, snapshot in (ApplicationVersion.objects
                                         .filter(application_id__in={r.project.application_id for r in batch})
                                         .order_by("application_id", "-number")
                                         .values_list("application_id", "snapshot")):
            snapshots.setdefault(application_id, snapshot or {})
        for report in batch:
            application = report.project.application
            track_kpis = kpis.get(application.track_id, [])
            groups = {k.group_id: k.group for k in track_kpis if k.group_id is not None}
            result = completion(track_kpis, snapshots.get(application.pk, {}).get("kpis") or {},
                                values.get(report.pk, {}), groups)
            for name, value in figures(result).items():
                setattr(report, name, value)
        KpiReport.objects.bulk_update(batch, ["completion_percent", "kpi_satisfied", "kpi_requirements"])


class Migration(migrations.Migration):

    dependencies = [
        ('milestones', '0006_tranche_cancelled_state'),
        ('applications', '0010_partner_share_percent'),
        ('programs', '0003_rubric_in_english'),
    ]

    operations = [
        migrations.AddField(
            model_name='kpireport',
            name='completion_percent',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=4, null=True, verbose_name='KPI completion (%)'),
        ),
        migrations.AddField(
            model_name='kpireport',
            name='kpi_requirements',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='KPI requirements'),
        ),
        migrations.AddField(
            model_name='kpireport',
            name='kpi_satisfied',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='KPI requirements met'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
