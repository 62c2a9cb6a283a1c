"""Reads of the inbox."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification, NotificationPreference
from .registry import KINDS


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first; rows carry their text's figures, so a page needs no joins."""
    rows = Notification.objects.filter(recipient=user).only(
        "kind", "values", "link", "created_at", "read_at", "recipient_id"
    )
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def notification_for(user, pk: int) -> Notification:
    """The user's own notification, or 404 (someone else's looks like one that does not exist)."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first() if user.is_authenticated else None
    if notification is None:
        raise Http404
    return notification


def email_choices(user) -> list[tuple]:
    """(kind, may turn off, email on) for every registered kind, in registration order."""
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    return [(kind, kind.may_opt_out(user), not (kind.may_opt_out(user) and code in off))
            for code, kind in KINDS.items()]
