"""The second step after the password: a signed-in user with a device is sent to type a code before anything else;
a staff user without one (when ``REQUIRE_STAFF_2FA`` is on) is sent to set it up. Reads the session only (the
sign-in noted whether the user has a device), so no page pays a query for it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import HAS_DEVICE_SESSION_KEY, two_factor_required

# Pages a half-signed-in user may still open: the two steps themselves, signing out, the language switch.
OPEN_URL_NAMES = ("twofactor:verify", "twofactor:enrol", "accounts:logout", "set_language")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self._second_step(request)
        if target is not None:
            return target
        return self.get_response(request)

    def _second_step(self, request):
        path = request.path_info
        # Health checks and static files never touch the session.
        if path == "/healthz" or path.startswith(settings.STATIC_URL):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.session.get(HAS_DEVICE_SESSION_KEY):
            return self._to("twofactor:verify", request)
        if two_factor_required(user):
            return self._to("twofactor:enrol", request)
        return None

    @staticmethod
    def _to(name: str, request):
        if request.path_info in {reverse(open_name) for open_name in OPEN_URL_NAMES}:
            return None
        url = reverse(name)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(url)
