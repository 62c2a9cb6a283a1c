import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organisations', '0005_merge_20261201_1528'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Office',
            fields=[
                ('code', models.SlugField(help_text='Short and stable, for example gz-nansha; guides name their office by it.', max_length=40, primary_key=True, serialize=False, verbose_name='code')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('parent_reads', models.BooleanField(default=True, help_text="Staff of the office above see this office's programs, figures and files, and take no steps.", verbose_name='the parent office may read its programs')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='added')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='offices.office', verbose_name='parent office')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offices', to='organisations.region', verbose_name='region')),
            ],
            options={
                'verbose_name': 'office',
                'verbose_name_plural': 'offices',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='OfficeMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('officer', 'Officer'), ('admin', 'Office administrator')], default='officer', max_length=10, verbose_name='role in the office')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='added')),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='offices.office', verbose_name='office')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='office_memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'office membership',
                'verbose_name_plural': 'office memberships',
                'ordering': ['office', 'user'],
                'indexes': [models.Index(fields=['user', 'office'], name='office_member_user_idx')],
                'constraints': [models.UniqueConstraint(fields=('office', 'user'), name='office_membership_once')],
            },
        ),
    ]
