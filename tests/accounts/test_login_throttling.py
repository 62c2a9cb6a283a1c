"""Login throttling (django-axes): a user and IP pair is locked after AXES_FAILURE_LIMIT wrong passwords, even
against the right one; it unlocks after AXES_COOLOFF_TIME or when an administrator resets it; other users from the
same address, and the same user elsewhere, are not locked."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def lock(client, user, times=django_settings.AXES_FAILURE_LIMIT, ip="10.0.0.1"):
    for _ in range(times):
        sign_in(client, user.username, "wrong-password", ip=ip)


def test_login_100_wrong_passwords_then_the_right_one_does_not_sign_in(client, applicant):
    lock(client, applicant, times=100)
    response = sign_in(client, applicant.username, PASSWORD)
    assert response.status_code == 429 and not signed_in_as(client, applicant)
    body = response.content.decode()
    assert "登录失败次数过多" in body and applicant.username in body


def test_login_lock_out_page_in_english(client, applicant, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    client.cookies.load({"django_language": "en"})
    lock(client, applicant)
    body = sign_in(client, applicant.username, PASSWORD).content.decode()
    assert "Too many failed sign-ins" in body and "30 minutes" in body


def test_login_unlocks_after_the_cool_off(client, applicant):
    lock(client, applicant)
    assert not signed_in_as(client, applicant) and sign_in(client, applicant.username, PASSWORD).status_code == 429
    # Time passes: every attempt is now older than the cool-off.
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - django_settings.AXES_COOLOFF_TIME
                                 - dt.timedelta(minutes=1))
    response = sign_in(client, applicant.username, PASSWORD)
    assert response.status_code == 302 and signed_in_as(client, applicant)


def test_login_unlocked_by_an_administrator(client, applicant):
    lock(client, applicant)
    call_command("axes_reset_username", applicant.username, verbosity=0)
    assert sign_in(client, applicant.username, PASSWORD).status_code == 302 and signed_in_as(client, applicant)


def test_login_locked_pair_shown_in_the_admin(client, applicant, admin):
    lock(client, applicant)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    body = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert applicant.username in body and "10.0.0.1" in body


def test_login_lock_is_per_user_and_address(client, applicant, other_applicant):
    lock(client, applicant)
    assert sign_in(client, other_applicant.username, PASSWORD).status_code == 302
    assert signed_in_as(client, other_applicant)
    client.logout()
    assert sign_in(client, applicant.username, PASSWORD, ip="10.0.0.2").status_code == 302
    assert signed_in_as(client, applicant)


def test_login_lock_not_escaped_by_a_made_up_forwarded_for(client, applicant):
    lock(client, applicant)
    response = client.post(reverse("accounts:login"), {"username": applicant.username, "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429 and not signed_in_as(client, applicant)


def test_login_behind_a_trusted_proxy_locks_the_forwarded_address(client, applicant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": applicant.username, "password": "wrong"},
                    REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    other_client = client.post(reverse("accounts:login"), {"username": applicant.username, "password": PASSWORD},
                               REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other_client.status_code == 302 and signed_in_as(client, applicant)
