"""The portal's side of login throttling (django-axes, configured in settings): which address a request comes
from, and the lock-out page in the user's language."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` proxies in front, the address the
    outermost of them saw (X-Forwarded-For read from the right, so a client cannot choose it)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (HTTP 429), saying for how long and who can unlock it."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(request, "accounts/locked_out.html", {
        "username": username, "failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes,
    }, status=429)
