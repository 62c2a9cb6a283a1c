from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def inbox(request):
    """``inbox_unread`` for the header: one COUNT query, only if a template reads it, once per request."""

    def count() -> int:
        if not hasattr(request, "_inbox_unread"):
            request._inbox_unread = unread_count(request.user)
        return request._inbox_unread

    return {"inbox_unread": SimpleLazyObject(count)}
