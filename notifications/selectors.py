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


_UNREAD = "_inbox_unread"  # the request's unread count, once read: the header shows it (context_processors.inbox)


def request_unread_count(request) -> int:
    """The user's unread count for the header, read once per request (none if a page read it already)."""
    if not hasattr(request, _UNREAD):
        setattr(request, _UNREAD, unread_count(request.user))
    return getattr(request, _UNREAD)


def recent_unread(request, n: int) -> list[Notification]:
    """The user's ``n`` newest unread notifications for a dashboard, in one query that counts them all too (a
    subquery), kept for the header's count: the page reads the inbox once."""
    from core.pagination import first_rows

    rows, total = first_rows(inbox(request.user, unread_only=True), n)
    setattr(request, _UNREAD, total)
    return rows


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
