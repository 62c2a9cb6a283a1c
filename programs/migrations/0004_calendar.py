import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def load_package_years(apps, schema_editor):
    """The years the installed chinese-calendar knows; later releases are added by ``load_prc_calendar``."""
    from programs.calendar_package import package_years

    CalendarYear = apps.get_model("programs", "CalendarYear")
    CalendarDay = apps.get_model("programs", "CalendarDay")
    years = package_years()
    made = {y.year: y for y in CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source="package") for year in years])}
    if not all(y.pk for y in made.values()):
        made = {y.year: y for y in CalendarYear.objects.filter(year__in=years)}
    CalendarDay.objects.bulk_create([CalendarDay(year=made[year], date=d.date, kind=d.kind, name=d.name)
                                     for year, rows in years.items() for d in rows], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0003_rubric_in_english"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="year")),
                ("source", models.CharField(choices=[("package", "chinese-calendar package"),
                                                     ("office", "Entered by the office")],
                                            max_length=10, verbose_name="source")),
                ("notice_title", models.CharField(blank=True, max_length=300, verbose_name="State Council notice")),
                ("entered_at", models.DateTimeField(auto_now=True, verbose_name="entered")),
                ("entered_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL,
                                                 verbose_name="entered by")),
            ],
            options={"verbose_name": "calendar year", "verbose_name_plural": "calendar years", "ordering": ["-year"]},
        ),
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("kind", models.CharField(choices=[("holiday", "holiday (day off)"),
                                                   ("workday", "adjusted working day (调休上班)")],
                                          max_length=10, verbose_name="kind")),
                ("name", models.CharField(blank=True, max_length=60, verbose_name="name")),
                ("year", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="days",
                                           to="programs.calendaryear", verbose_name="year")),
            ],
            options={"verbose_name": "calendar day", "verbose_name_plural": "calendar days", "ordering": ["date"]},
        ),
        migrations.RunPython(load_package_years, migrations.RunPython.noop),
    ]
