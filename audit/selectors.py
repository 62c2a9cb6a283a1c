import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def history_for(target: models.Model) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False), object_id=str(target.pk)
    ).select_related("actor")


def audit_search(
    *, content_type: ContentType | None = None, object_id: str = "", actor: str = "",
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail narrowed by object (type and id), actor (user name or full name contains) and local date
    range, newest first. Each filter reads an index (object, actor, time)."""
    events = AuditEvent.objects.all()
    if content_type is not None:
        events = events.filter(content_type=content_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor:
        events = events.filter(Q(actor__username__icontains=actor) | Q(actor__full_name__icontains=actor))
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return events.select_related("actor", "content_type").order_by("-at", "-pk")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
