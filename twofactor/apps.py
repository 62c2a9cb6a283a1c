from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    """Two-factor sign-in (TOTP and backup codes, through django-otp): required of staff when
    ``REQUIRE_STAFF_2FA`` is on, optional for applicants and experts."""

    name = "twofactor"
    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .selectors import remember_devices_at_sign_in

        user_logged_in.connect(remember_devices_at_sign_in, dispatch_uid="twofactor.remember_devices")
