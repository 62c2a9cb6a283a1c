"""Turning two-factor sign-in on and off, and checking a code. Each change is one transaction with its audit
event; a wrong code is counted by the device's throttle (kept even though the code is refused)."""

from __future__ import annotations

import datetime as dt
import math
import time
from binascii import unhexlify
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.models import User
from audit.services import record_event

BACKUP_CODE_COUNT = 10
TOTP_STEP, TOTP_DIGITS, TOTP_TOLERANCE = 30, 6, 1


def new_secret() -> str:
    """A fresh TOTP key (hex, 20 random bytes), kept in the session until the first code confirms it."""
    return default_key()


def normalise(token: str) -> str:
    """What was typed, as the devices compare it: no spaces or dashes, lower case (backup codes)."""
    return "".join(token.split()).replace("-", "").lower()


def _totp_matching(key_hex: str, token: str) -> TOTP | None:
    """The TOTP state that ``token`` matched (its time step and drift), or None."""
    if not token.isdigit() or len(token) != TOTP_DIGITS:
        return None
    totp = TOTP(unhexlify(key_hex), step=TOTP_STEP, digits=TOTP_DIGITS)
    totp.time = time.time()
    return totp if totp.verify(int(token), tolerance=TOTP_TOLERANCE) else None


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]


@transaction.atomic
def two_factor_enrol(*, user: User, key_hex: str, token: str) -> Enrolment:
    """Confirm the key shown as a QR code with its first code: the authenticator device is saved with ten backup
    codes, which are returned to be shown once (only their use is stored afterwards)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if any(devices_for_user(user, confirmed=True)):
        raise ValidationError({"token": _("Two-factor sign-in is already on for your account.")})
    matched = _totp_matching(key_hex, normalise(token))
    if matched is None:
        raise ValidationError({"token": _(
            "That code does not match: type the 6 digits your authenticator app shows now for this account.")})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), key=key_hex, step=TOTP_STEP,
                              digits=TOTP_DIGITS, tolerance=TOTP_TOLERANCE, last_t=matched.t(), drift=matched.drift,
                              confirmed=True)
    backup = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    record_event(target=user, actor=user, action="two_factor_enrolled", data={"backup_codes": len(codes)})
    return Enrolment(device=device, backup_codes=codes)


@dataclass(frozen=True)
class Verification:
    device: object | None  # the device that accepted the code
    wait_seconds: int = 0  # > 0: refused unchecked, too many wrong codes lately


def two_factor_check(*, user: User, token: str) -> Verification:
    """Check a code against the user's authenticator and backup codes (a backup code works once). After a wrong
    code each device waits 1, 2, 4, 8… seconds before it checks another (django-otp's throttle); while it waits,
    the code is refused unchecked. The wrong code's count is committed: do not call this inside a transaction
    that will be rolled back."""
    token = normalise(token)
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        waits = []
        for device in devices:
            allowed, data = device.verify_is_allowed()
            if not allowed and data and data.get("locked_until"):
                waits.append((data["locked_until"] - timezone.now()) / dt.timedelta(seconds=1))
        if waits:
            return Verification(None, wait_seconds=max(1, math.ceil(max(waits))))
        for device in devices:
            if device.verify_token(token):
                return Verification(device)
    return Verification(None)


def two_factor_disable(*, user: User, token: str) -> None:
    """Turn two-factor sign-in off: only with a valid code (authenticator or backup), so that a session left open
    cannot remove the second step. Every device and backup code goes; the audit trail keeps the step."""
    verification = two_factor_check(user=user, token=token)
    if verification.device is None:
        raise ValidationError({"token": refusal(verification)})
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_event(target=user, actor=user, action="two_factor_disabled")


def backup_codes_renew(*, user: User, token: str) -> list[str]:
    """Ten new backup codes in place of the old ones (used up, or seen by someone else), for a valid code."""
    verification = two_factor_check(user=user, token=token)
    if verification.device is None:
        raise ValidationError({"token": refusal(verification)})
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        backup = StaticDevice.objects.filter(user=user).first() or StaticDevice.objects.create(
            user=user, name=_("Backup codes"), confirmed=True)
        backup.token_set.all().delete()
        codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
        record_event(target=user, actor=user, action="two_factor_backup_codes_renewed",
                     data={"backup_codes": len(codes)})
    return codes


def refusal(verification: Verification) -> str:
    if verification.wait_seconds:
        return _("Too many wrong codes: wait %(seconds)s seconds, then type the code your app shows.") % {
            "seconds": verification.wait_seconds}
    return _("That code is not right: type the 6 digits your authenticator app shows now, or one of your "
             "unused backup codes.")


def base32_secret(key_hex: str) -> str:
    """The key as an authenticator app asks for it when typed instead of scanned (groups of four)."""
    from base64 import b32encode

    text = b32encode(unhexlify(key_hex)).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))
