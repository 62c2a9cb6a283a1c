"""Every program gets its office, and every officer becomes a member of every office.

So nothing an installation has changes behaviour until an admin narrows who works for which office. The five
seed guides' issuers become the offices of fixtures/offices.yaml (same codes, names and parents); any other
issuer becomes an office of its own in the program's region.
"""

import django.db.models.deletion
from django.db import migrations, models

# The seed guides' issuers, as fixtures/offices.yaml has them: code, name, region, parent.
KNOWN = [
    ("gd", "广东省市场监督管理局（知识产权局）", "440000", None),
    ("gz", "广州市市场监督管理局", "440100", "gd"),
    ("gz-yuexiu", "广州市越秀区市场监督管理局", "440104", "gz"),
    ("gz-nansha", "广州市南沙区市场监督管理局", "440115", "gz"),
    ("qingyuan", "清远市知识产权局", "441800", "gd"),
    ("fangchenggang", "防城港市知识产权局", "450600", None),
]


def give_offices(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Office = apps.get_model("offices", "Office")
    Membership = apps.get_model("offices", "OfficeMembership")
    Region = apps.get_model("organisations", "Region")
    User = apps.get_model("accounts", "User")
    programs = list(Program.objects.all())
    if not programs:
        return
    by_name = {}
    # The known tree comes whole (parents first), where its regions are loaded.
    for code, name, region, parent in KNOWN:
        if Region.objects.filter(code=region).exists():
            by_name[name] = Office.objects.get_or_create(
                code=code, defaults={"name": name, "region_id": region,
                                     "parent": Office.objects.filter(code=parent).first()})[0]
    for program in programs:
        office = by_name.get(program.issuer)
        if office is None:
            office = Office.objects.filter(name=program.issuer).first()
        if office is None:
            code = f"office-{program.region_id}"
            n = 1
            while Office.objects.filter(code=code).exists():
                n += 1
                code = f"office-{program.region_id}-{n}"
            office = Office.objects.create(code=code, name=program.issuer or code, region_id=program.region_id)
        by_name[program.issuer] = office
        program.office = office
        program.save(update_fields=["office"])
    offices = list(Office.objects.all())
    for user in User.objects.filter(role="officer"):
        for office in offices:
            Membership.objects.get_or_create(office=office, user=user)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('offices', '0001_offices'),
        ('organisations', '0005_merge_20261201_1528'),
        ('programs', '0006_track_appeal_days'),
    ]

    operations = [
        migrations.AddField(
            model_name='program',
            name='office',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='programs',
                                    to='offices.office', verbose_name='office'),
        ),
        migrations.RunPython(give_offices, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='program',
            name='office',
            field=models.ForeignKey(help_text='The office that publishes the call, pays and whose staff run it.',
                                    on_delete=django.db.models.deletion.PROTECT, related_name='programs',
                                    to='offices.office', verbose_name='office'),
        ),
    ]
