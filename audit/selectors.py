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
    date_from: dt.date | None = None, date_to: dt.date | None = None, office: str = "",
) -> QuerySet[AuditEvent]:
    """The audit trail narrowed by object (type and id), actor and local date range, newest first. Each filter
    reads an index (object, actor, office, time). ``actor`` is a user name, which picks that user alone, or else part of
    user names or full names (``actor_ids``): the events are filtered on the actor's id, so one actor's page reads
    the first rows of the (actor, time) index whatever the number of their events."""
    events = AuditEvent.objects.all()
    if office:
        events = events.filter(office=office)
    if content_type is not None:
        events = events.filter(content_type=content_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor:
        events = events.filter(actor_id__in=actor_ids(actor))
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return events.order_by("-at", "-pk")


def actor_ids(term: str):
    """The users an audit search by ``term`` means: the user whose user name is ``term`` (any case; one query, and
    the events are then filtered on that one id); else every user whose user name or full name contains it (a
    subquery of the events query)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    exact = users.filter(username__iexact=term).values_list("pk", flat=True).first()
    if exact is not None:
        return [exact]
    return users.filter(Q(username__icontains=term) | Q(full_name__icontains=term)).values("pk")


def audit_page_rows(ids) -> QuerySet[AuditEvent]:
    """The events of one page of the audit log, with what the page shows of their actor and object type."""
    return AuditEvent.objects.filter(pk__in=ids).select_related("actor", "content_type").only(
        "content_type", "object_id", "actor", "at", "action", "from_state", "to_state", "reason",
        "content_type__app_label", "content_type__model", "actor__username", "actor__full_name")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
