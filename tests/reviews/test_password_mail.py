"""A mail outage while experts are added: the accounts stay, the page says the link could not be sent, an import
ends done, and an officer can resend the link (audited; 404 for everyone else)."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from jobs import services as job_services
from jobs.models import Job, JobState
from reviews import services, welcome
from reviews.jobs import POOL_IMPORT
from reviews.models import PasswordMail, ReviewerProfile
from reviews.tasks import send_password_mail
from tests.notifications.conftest import FlakyBackend
from tests.reviews.test_pool import good_rows, workbook

# The mail is queued work: run it in the test's thread even where a broker is configured (as in CI).
pytestmark = pytest.mark.usefixtures("inline_tasks")

MAIL_DOWN = "tests.reviews.mail_down.EmailBackend"


@pytest.fixture
def flaky_mail(settings, monkeypatch):
    """The mail server drops the first ``FlakyBackend.failures`` connections; ``task.apply()`` runs the retries."""
    from ipgrants.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    settings.EMAIL_BACKEND = "tests.notifications.conftest.FlakyBackend"
    FlakyBackend.attempts = 0
    mail.outbox = []
    return FlakyBackend


@pytest.mark.django_db(transaction=True)
def test_reviewer_add_during_a_mail_outage_keeps_the_account_and_says_so(guides_loaded, client, officer, settings):
    """Transactional: the mail goes out on the real commit, inside the request, as it does on a server. The guides
    (and their offices) come first, so the officer works for an office whose pool it adds to."""
    settings.EMAIL_BACKEND = MAIL_DOWN
    client.force_login(officer)
    response = client.post(reverse("reviews:pool_add"), {"action": "add", "name": "赵专家", "email": "zhao@example.org",
                                                     "load_limit": 10}, follow=True)
    assert response.status_code == 200
    profile = ReviewerProfile.objects.get(user__username="zhao@example.org")
    assert profile.password_mail == PasswordMail.FAILED
    body = response.content.decode()
    assert "邮件未能发送" in body and 'data-mail="failed"' in body and f'data-resend="{profile.pk}"' in body


@pytest.mark.django_db
def test_pool_import_during_a_mail_outage_ends_done_with_the_accounts(
        officer, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = MAIL_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        job = job_services.job_request(actor=officer, kind=POOL_IMPORT, upload=workbook(good_rows()),
                                       upload_name="pool.xlsx", asked={"pool": "gd"})
    job = Job.objects.get(pk=job.pk)
    assert job.state == JobState.DONE and job.summary == {"imported": 2}
    assert set(ReviewerProfile.objects.values_list("password_mail", flat=True)) == {PasswordMail.FAILED}


@pytest.mark.django_db
def test_password_mail_sent_is_recorded(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.reviewer_add(actor=officer, office="gd",
                                        data=services.ReviewerData(name="钱", email="q@example.org"))
    profile.refresh_from_db()
    assert profile.password_mail == PasswordMail.SENT and profile.password_mail_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_resend_link_sends_a_new_link_and_is_audited(client, officer, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = MAIL_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.reviewer_add(actor=officer, office="gd",
                                        data=services.ReviewerData(name="孙", email="s@example.org"))
    profile.refresh_from_db()
    assert profile.password_mail == PasswordMail.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:pool_resend_link", args=[profile.pk]))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.password_mail == PasswordMail.SENT
    (message,) = mail.outbox
    assert message.to == ["s@example.org"] and "/experts/set-password/" in message.body
    event = AuditEvent.objects.get(action="resend_password_link", object_id=str(profile.pk))
    assert (event.actor, event.from_state, event.to_state) == (officer, PasswordMail.FAILED, PasswordMail.QUEUED)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_resend_link_is_404_for_non_officers(client, request, officer, role):
    profile = services.reviewer_add(actor=officer, office="gd",
                                    data=services.ReviewerData(name="周", email="z@example.org"))
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse("reviews:pool_resend_link", args=[profile.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="resend_password_link").exists()


@pytest.mark.django_db
def test_resend_link_refused_once_the_password_is_set(officer):
    profile = services.reviewer_add(actor=officer, office="gd",
                                    data=services.ReviewerData(name="吴", email="w@example.org"))
    profile.user.set_password("a-long-pass-phrase-42")
    profile.user.save()
    with pytest.raises(Exception, match="already set a password"):
        welcome.reviewer_resend_link(actor=officer, profile=profile)


@pytest.mark.django_db
def test_password_mail_task_retries_a_passing_smtp_error(officer, flaky_mail, django_capture_on_commit_callbacks):
    FlakyBackend.failures = 2
    with django_capture_on_commit_callbacks(execute=False):
        profile = services.reviewer_add(actor=officer, office="gd",
                                        data=services.ReviewerData(name="郑", email="zh@example.org"))
    send_password_mail.apply(kwargs={"profile_id": profile.pk}, throw=False)
    profile.refresh_from_db()
    assert FlakyBackend.attempts == 3 and len(mail.outbox) == 1 and profile.password_mail == PasswordMail.SENT


@pytest.mark.django_db
def test_password_mail_task_gives_up_after_the_retries(officer, flaky_mail, django_capture_on_commit_callbacks):
    FlakyBackend.failures = 100
    with django_capture_on_commit_callbacks(execute=False):
        profile = services.reviewer_add(actor=officer, office="gd",
                                        data=services.ReviewerData(name="冯", email="f@example.org"))
    send_password_mail.apply(kwargs={"profile_id": profile.pk}, throw=False)
    profile.refresh_from_db()
    assert FlakyBackend.attempts == send_password_mail.max_retries + 1 and mail.outbox == []
    assert profile.password_mail == PasswordMail.FAILED
