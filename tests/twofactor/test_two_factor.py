"""Two-factor sign-in: enrolment with a QR code and a first code, backup codes shown once and each usable once, the
code asked after every password sign-in, staff required to enrol when REQUIRE_STAFF_2FA is on, wrong codes refused
with a message and throttled like wrong passwords, turning it off only with a code."""

from __future__ import annotations

import datetime as dt
from binascii import unhexlify

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.factories import PASSWORD
from twofactor.views import ENROL_KEY_SESSION_KEY

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(settings):
    settings.REQUIRE_STAFF_2FA = True


def code(key_hex: str) -> str:
    return f"{TOTP(unhexlify(key_hex)).token():06d}"


def sign_in(client, user, ip="10.0.0.1", next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data, REMOTE_ADDR=ip)


def verify(client, token, ip="10.0.0.1", next_url=""):
    return client.post(reverse("twofactor:verify"), {"token": token, "next": next_url}, REMOTE_ADDR=ip)


def enrol(client, user, clock) -> tuple[str, list[str]]:
    """Turn it on for ``user`` through the pages; the clock moves past the enrolment code's time step."""
    client.force_login(user)
    client.get(reverse("twofactor:enrol"))
    key = client.session[ENROL_KEY_SESSION_KEY]
    response = client.post(reverse("twofactor:enrol"), {"token": code(key)})
    assert response.status_code == 302 and response["Location"] == reverse("twofactor:backup_codes")
    codes = [token for token in client.session["twofactor_new_codes"]]
    client.logout()
    clock.shift(dt.timedelta(seconds=31))
    return key, codes


def verified(client) -> bool:
    return "otp_device_id" in client.session


def test_two_factor_enrol_from_the_menu_with_qr_code_and_first_code(client, officer, clock):
    client.force_login(officer)
    menu = client.get(reverse("notifications:inbox")).content.decode()
    assert reverse("twofactor:overview") in menu
    page = client.get(reverse("twofactor:enrol")).content.decode()
    assert "<svg" in page and 'id="two-factor-secret"' in page
    key = client.session[ENROL_KEY_SESSION_KEY]
    # The same key is shown again until it is confirmed (a reload does not change what was scanned).
    client.get(reverse("twofactor:enrol"))
    assert client.session[ENROL_KEY_SESSION_KEY] == key

    response = client.post(reverse("twofactor:enrol"), {"token": code(key)}, follow=True)

    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.key == key
    codes = list(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(codes) == 10
    body = response.content.decode()
    assert all(token in body for token in codes), "every backup code shown"
    assert verified(client)
    event = AuditEvent.objects.get(action="two_factor_enrolled")
    assert event.actor == officer and event.object_id == str(officer.pk)
    # Shown once: the page does not show them again.
    again = client.get(reverse("twofactor:backup_codes"), follow=True).content.decode()
    assert not any(token in again for token in codes)
    assert ENROL_KEY_SESSION_KEY not in client.session


def test_two_factor_enrol_wrong_code_refused_with_message(client, applicant, clock):
    client.cookies.load({"django_language": "en"})
    client.force_login(applicant)
    client.get(reverse("twofactor:enrol"))
    key = client.session[ENROL_KEY_SESSION_KEY]
    wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("twofactor:enrol"), {"token": wrong})
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    assert not AuditEvent.objects.filter(action="two_factor_enrolled").exists()


@pytest.mark.parametrize(("role", "must_enrol"), [("officer", True), ("admin", True), ("applicant", False),
                                                  ("reviewer", False)])
def test_two_factor_required_for_staff_only(client, request, required, role, must_enrol):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("notifications:inbox"))
    if must_enrol:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("twofactor:enrol"))
        # The admin too, and anything else but signing out and the set-up itself.
        assert client.get(reverse("admin:index"))["Location"].startswith(reverse("twofactor:enrol"))
        assert client.get(reverse("twofactor:enrol")).status_code == 200
    else:
        assert response.status_code == 200


def test_two_factor_not_required_when_the_setting_is_off(client, officer, settings):
    settings.REQUIRE_STAFF_2FA = False
    client.force_login(officer)
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_two_factor_setting_defaults_on_in_production_only():
    import os
    import subprocess
    import sys

    script = "from django.conf import settings; print(settings.REQUIRE_STAFF_2FA)"
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REQUIRE_STAFF_2FA"}}
    production = dict(base, IPGRANTS_PROFILE="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="grants.example.org")
    development = dict(base, IPGRANTS_PROFILE="development")
    answers = [subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=django_settings.BASE_DIR,
                              env=env, capture_output=True, text=True, timeout=120).stdout.split()[-1]
               for env in (production, development)]
    assert answers == ["True", "False"]


@pytest.mark.parametrize("role", ["officer", "applicant", "reviewer"])
def test_two_factor_code_asked_after_password_per_role(client, request, required, clock, role):
    """Staff must, applicants and experts may: once on, every password sign-in is followed by the code."""
    user = request.getfixturevalue(role)
    key, _codes = enrol(client, user, clock)
    target = reverse("notifications:settings")

    response = sign_in(client, user, next_url=target)
    assert response.status_code == 302
    # Signed in with the password only: every page leads to the second step, which keeps where the user was going.
    page = client.get(response["Location"])
    assert page.status_code == 302 and page["Location"].startswith(reverse("twofactor:verify"))
    assert client.get(target)["Location"] == f"{reverse('twofactor:verify')}?next=%2Fnotifications%2Fsettings%2F"
    assert not verified(client)

    response = verify(client, code(key), next_url=target)
    assert response.status_code == 302 and response["Location"] == target
    assert verified(client)
    assert client.get(target).status_code == 200


def test_two_factor_wrong_code_refused_with_message(client, officer, required, clock):
    key, _codes = enrol(client, officer, clock)
    client.cookies.load({"django_language": "en"})  # signing out (in enrol) cleared the cookies
    sign_in(client, officer)
    wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"
    response = verify(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not verified(client)
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_two_factor_wrong_code_message_in_chinese(client, officer, required, clock):
    enrol(client, officer, clock)
    sign_in(client, officer)
    body = verify(client, "000000").content.decode()
    assert "验证码不正确" in body


def test_two_factor_backup_code_works_once(client, officer, required, clock):
    _key, codes = enrol(client, officer, clock)
    sign_in(client, officer)
    assert verify(client, codes[0].upper()).status_code == 302 and verified(client)
    assert StaticToken.objects.filter(device__user=officer).count() == 9
    client.logout()

    clock.shift(dt.timedelta(seconds=60))
    sign_in(client, officer)
    response = verify(client, codes[0])
    assert response.status_code == 200 and not verified(client)
    clock.shift(dt.timedelta(seconds=60))
    assert verify(client, codes[1]).status_code == 302 and verified(client)


def test_two_factor_device_waits_longer_after_each_wrong_code(client, officer, required, clock):
    key, _codes = enrol(client, officer, clock)
    client.cookies.load({"django_language": "en"})  # signing out (in enrol) cleared the cookies
    sign_in(client, officer)
    verify(client, "000000")
    verify(client, "111111")  # refused unchecked: the device waits 1 s after the first wrong code
    response = verify(client, code(key))
    assert "Too many wrong codes: wait" in response.content.decode() and not verified(client)
    clock.shift(dt.timedelta(seconds=3))
    assert verify(client, code(key)).status_code == 302 and verified(client)


def test_two_factor_wrong_codes_lock_out_like_passwords(client, officer, required, clock):
    """AXES_FAILURE_LIMIT wrong codes: the lock-out page, signed out, and the password alone no longer signs in."""
    _key, codes = enrol(client, officer, clock)
    sign_in(client, officer)
    for _attempt in range(django_settings.AXES_FAILURE_LIMIT - 1):
        clock.shift(dt.timedelta(minutes=2))
        assert verify(client, "000000").status_code == 200
    clock.shift(dt.timedelta(minutes=2))
    response = verify(client, "000000")
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client, officer).status_code == 429
    # From another address the pair is not locked, but the code is still asked.
    clock.shift(dt.timedelta(minutes=2))
    assert sign_in(client, officer, ip="10.0.0.2").status_code == 302
    assert verify(client, codes[0], ip="10.0.0.2").status_code == 302 and verified(client)


def test_two_factor_disable_needs_a_code(client, applicant, clock):
    key, _codes = enrol(client, applicant, clock)
    client.cookies.load({"django_language": "en"})  # signing out (in enrol) cleared the cookies
    sign_in(client, applicant)
    verify(client, code(key))
    clock.shift(dt.timedelta(seconds=31))

    response = client.post(reverse("twofactor:disable"), {"disable-token": "000000"})
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=applicant).exists()
    assert not AuditEvent.objects.filter(action="two_factor_disabled").exists()

    clock.shift(dt.timedelta(seconds=31))
    response = client.post(reverse("twofactor:disable"), {"disable-token": code(key)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    assert not StaticToken.objects.filter(device__user=applicant).exists()
    assert AuditEvent.objects.get(action="two_factor_disabled").actor == applicant
    # The next sign-in asks for the password only.
    client.logout()
    sign_in(client, applicant)
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_two_factor_staff_who_turn_it_off_are_asked_to_set_it_up_again(client, officer, required, clock):
    key, _codes = enrol(client, officer, clock)
    sign_in(client, officer)
    verify(client, code(key))
    clock.shift(dt.timedelta(seconds=31))
    client.post(reverse("twofactor:disable"), {"disable-token": code(key)})
    assert client.get(reverse("notifications:inbox"))["Location"].startswith(reverse("twofactor:enrol"))


def test_two_factor_new_backup_codes_replace_the_old_ones(client, applicant, clock):
    key, old_codes = enrol(client, applicant, clock)
    sign_in(client, applicant)
    verify(client, code(key))
    clock.shift(dt.timedelta(seconds=31))
    refused = client.post(reverse("twofactor:backup_codes_renew"), {"renew-token": "000000"})
    assert refused.status_code == 400
    assert sorted(StaticToken.objects.filter(device__user=applicant).values_list("token", flat=True)) == sorted(
        old_codes)

    clock.shift(dt.timedelta(seconds=31))
    response = client.post(reverse("twofactor:backup_codes_renew"), {"renew-token": code(key)}, follow=True)
    new_codes = list(StaticToken.objects.filter(device__user=applicant).values_list("token", flat=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert all(token in response.content.decode() for token in new_codes)
    assert AuditEvent.objects.filter(action="two_factor_backup_codes_renewed", actor=applicant).count() == 1
