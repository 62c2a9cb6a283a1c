"""Give the audit events written before offices existed the office of their target: one UPDATE per registered model
(``audit.services.OFFICE_PATHS``), each reading the office through the target's foreign keys in a subquery. Events
that have an office keep it; running it again changes nothing."""

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import BigIntegerField, F, OuterRef, Subquery
from django.db.models.functions import Cast

from audit.models import AuditEvent
from audit.services import OFFICE_PATHS


class Command(BaseCommand):
    help = "Fill the office of audit events recorded before offices existed (idempotent)."

    def handle(self, *args, **options):
        total = 0
        with transaction.atomic():
            for model, path in OFFICE_PATHS.items():
                events = AuditEvent.objects.filter(
                    content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
                    office__isnull=True)
                if path == "pk":
                    total += events.update(office=F("object_id"))
                    continue
                # The registered models have integer keys: the cast lets each subquery read the primary key index.
                office = model._default_manager.filter(
                    pk=Cast(OuterRef("object_id"), output_field=BigIntegerField())).values(path)[:1]
                total += events.update(office=Subquery(office))
        self.stdout.write(f"{total} audit events given their office")
