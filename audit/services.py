from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Subquery

from .models import AuditEvent

# Where each model finds the office of its program: a path of foreign keys ending at the office (``track__program
# __office``), registered by the app that owns the model in its ``AppConfig.ready()`` (audit imports none of them).
OFFICE_PATHS: dict[type[models.Model], str] = {}


def register_office_path(model: type[models.Model], path: str) -> None:
    OFFICE_PATHS[model] = path


def office_of(target: models.Model):
    """The office code of ``target``'s program, read from the foreign keys already loaded on it (no query), or
    else a subquery of the insert that writes the event (still no query of its own); None for a model of no
    office."""
    path = next((OFFICE_PATHS[cls] for cls in type(target).__mro__ if cls in OFFICE_PATHS), None)
    if path is None:
        return None
    if path == "pk":
        return str(target.pk)
    *hops, last = path.split("__")
    obj = target
    for hop in hops:
        field = obj._meta.get_field(hop)
        if not field.is_cached(obj):
            return Subquery(type(target)._default_manager.filter(pk=target.pk).values(path)[:1])
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, obj._meta.get_field(last).attname)


def record_event(
    *, target: models.Model, actor, action: str, from_state: str = "", to_state: str = "", reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Write one audit row; call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
        office=office_of(target),
    )
