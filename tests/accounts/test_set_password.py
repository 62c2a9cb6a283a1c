"""The set-password link an expert gets by mail: the page names the account, setting the password signs the
expert in and opens their start page, and the mail says how long the link is valid."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from reviews import services
from reviews.welcome import link_validity, password_link
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-pass-phrase-42"


def _expert():
    user = UserFactory(role=Role.REVIEWER, username="expert@example.org", email="expert@example.org")
    user.set_unusable_password()
    user.save()
    return user


def test_set_password_page_shows_the_username(client):
    user = _expert()
    response = client.get(password_link(user), follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    assert 'value="expert@example.org"' in response.content.decode()


def test_set_password_signs_the_expert_in_and_opens_their_start_page(client):
    user = _expert()
    form_url = client.get(password_link(user), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:reviewer")
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_link_validity_in_days_or_hours(settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    assert link_validity("en") == "3 days" and link_validity("zh-hans") == "3 天"
    settings.PASSWORD_RESET_TIMEOUT = 36 * 3600
    assert link_validity("en") == "36 hours" and link_validity("zh-hans") == "36 小时"
    settings.PASSWORD_RESET_TIMEOUT = 3600
    assert link_validity("en") == "1 hour"


def test_welcome_mail_says_how_long_the_link_is_valid_in_the_recipients_language(
        officer, settings, django_capture_on_commit_callbacks, inline_tasks):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 24 * 3600
    with django_capture_on_commit_callbacks(execute=True):
        services.reviewer_add(actor=officer, office="gd",
                              data=services.ReviewerData(name="赵专家", email="zhao@example.org"))
    (message,) = mail.outbox
    assert "2 天" in message.body and "zhao@example.org" in message.body
    assert re.search(r"/experts/set-password/\S+/\S+/", message.body)
