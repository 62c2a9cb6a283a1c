from django.utils.functional import SimpleLazyObject

from .selectors import request_unread_count


def inbox(request):
    """``inbox_unread`` for the header: one COUNT query, only if a template reads it and no page read it already
    (``selectors.recent_unread``), once per request."""
    return {"inbox_unread": SimpleLazyObject(lambda: request_unread_count(request))}
