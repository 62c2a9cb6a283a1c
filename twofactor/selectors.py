"""Who must, who may and who did turn on two-factor sign-in; read by the middleware, the views and the menu."""

from __future__ import annotations

from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from accounts.models import Role

# The session remembers, from the password sign-in on, whether the user has a confirmed device: the middleware
# then reads the session, never the device tables, on every request.
HAS_DEVICE_SESSION_KEY = "twofactor_has_device"
STAFF_ROLES = (Role.OFFICER, Role.ADMIN)


def is_staff_role(user) -> bool:
    """Officers and administrators, and any account that can open the admin: the accounts that can move money."""
    return user.role in STAFF_ROLES or user.is_staff or user.is_superuser


def two_factor_required(user) -> bool:
    return bool(getattr(settings, "REQUIRE_STAFF_2FA", False)) and is_staff_role(user)


def has_two_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remember_devices_at_sign_in(sender, request, user, **kwargs) -> None:
    """On every sign-in (password, set-password link, registration): whether a second step is due."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_SESSION_KEY] = has_two_factor(user)
