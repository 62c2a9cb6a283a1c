import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from notifications import services
from notifications.models import EmailStatus, Notification, NotificationPreference
from notifications.tasks import send_notification_email
from tests.factories import UserFactory

from .conftest import FORMAL, HELLO, OFFICERS_ONLY, FlakyBackend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inline_tasks")]


def test_notify_stores_the_figures_and_emails_after_commit(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="张三",
                                       day=dt.date(2025, 3, 31))
        assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.values == {"name": "张三", "day": "2025-03-31"}
    assert (notification.content_type.model, notification.object_id) == ("user", str(applicant.pk))
    assert notification.email_status == EmailStatus.SENT and notification.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert mail.outbox[0].subject.endswith("Hello 张三")
    assert "Body for 张三 on 2025-03-31" in mail.outbox[0].body


def test_notify_rolled_back_with_its_change_sends_nothing(applicant, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="x", day="")
            raise RuntimeError
    assert callbacks == [] and not Notification.objects.exists() and mail.outbox == []


def test_notify_unknown_kind_refused(applicant):
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify(recipient=applicant, kind="nope", target=applicant)


def test_notify_inactive_user_gets_nothing(applicant):
    applicant.is_active = False
    applicant.save()
    assert services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="x", day="") is None
    assert not Notification.objects.exists()


def test_notify_email_turned_off_keeps_the_inbox(applicant, django_capture_on_commit_callbacks):
    services.preferences_save(actor=applicant, email_off={HELLO.code})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="x", day="")
    assert callbacks == [] and mail.outbox == []
    assert notification.email_status == EmailStatus.NONE
    assert Notification.objects.filter(recipient=applicant).count() == 1


def test_notify_without_address_sends_no_email(django_capture_on_commit_callbacks):
    user = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient=user, kind=HELLO.code, target=user, name="x", day="")
    assert notification.email_status == EmailStatus.NONE and mail.outbox == []


def test_preferences_save_formal_kind_cannot_be_turned_off(applicant, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        services.preferences_save(actor=applicant, email_off={FORMAL.code})
    assert not NotificationPreference.objects.filter(user=applicant, kind=FORMAL.code).exists()
    # even a preference row written by hand does not silence a formal notice
    NotificationPreference.objects.create(user=applicant, kind=FORMAL.code, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=applicant, kind=FORMAL.code, target=applicant, name="x")
    assert len(mail.outbox) == 1


def test_preferences_save_opt_out_depends_on_role(applicant, officer):
    with pytest.raises(ValidationError):
        services.preferences_save(actor=applicant, email_off={OFFICERS_ONLY.code})
    services.preferences_save(actor=officer, email_off={OFFICERS_ONLY.code})
    assert NotificationPreference.objects.get(user=officer, kind=OFFICERS_ONLY.code).email is False
    services.preferences_save(actor=officer, email_off=set())  # and back on
    assert NotificationPreference.objects.get(user=officer, kind=OFFICERS_ONLY.code).email is True


def test_preferences_save_unknown_kind_refused(applicant):
    with pytest.raises(ValidationError):
        services.preferences_save(actor=applicant, email_off={"nope"})


def test_send_email_retries_transient_smtp_errors(applicant, flaky_mail, django_capture_on_commit_callbacks):
    FlakyBackend.failures = 2
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="x", day="")
    send_notification_email.apply(kwargs={"notification_id": notification.pk}, throw=False)
    notification.refresh_from_db()
    assert FlakyBackend.attempts == 3 and len(mail.outbox) == 1
    assert notification.email_status == EmailStatus.SENT


def test_send_email_gives_up_after_the_retries(applicant, flaky_mail, django_capture_on_commit_callbacks):
    FlakyBackend.failures = 100
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="x", day="")
    result = send_notification_email.apply(kwargs={"notification_id": notification.pk}, throw=False)
    notification.refresh_from_db()
    assert result.failed() and mail.outbox == []
    assert FlakyBackend.attempts == send_notification_email.max_retries + 1
    assert notification.email_status == EmailStatus.FAILED


def test_send_email_refused_address_is_not_retried(applicant, settings, eager_retries,
                                                   django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="x", day="")
    result = send_notification_email.apply(kwargs={"notification_id": notification.pk}, throw=False)
    notification.refresh_from_db()
    assert result.failed() and notification.email_status == EmailStatus.FAILED


def test_send_email_runs_once_per_notification(applicant, eager_retries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name="x", day="")
    send_notification_email.apply(kwargs={"notification_id": notification.pk}, throw=False)  # a duplicate delivery
    assert len(mail.outbox) == 1


def test_mark_read_and_all_read(applicant, other_applicant):
    mine = [services.notify(recipient=applicant, kind=HELLO.code, target=applicant, name=str(i), day="")
            for i in range(3)]
    theirs = services.notify(recipient=other_applicant, kind=HELLO.code, target=other_applicant, name="o", day="")
    services.notification_mark_read(actor=applicant, notification=mine[0])
    assert Notification.objects.filter(recipient=applicant, read_at__isnull=True).count() == 2
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=applicant, notification=theirs)
    assert services.notification_mark_all_read(actor=applicant) == 2
    assert not Notification.objects.filter(recipient=applicant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_render_uses_the_requested_language(applicant):
    from applications.notices import PASSED
    from notifications.registry import register_kind

    register_kind(PASSED)
    notification = services.notify(recipient=applicant, kind=PASSED.code, target=applicant, reference="NS-01-0001",
                                   title="项目")
    assert services.render(notification, "en")[0] == "Application NS-01-0001 passed formal review"
    assert services.render(notification, "zh-hans")[0] == "申报 NS-01-0001 已通过形式审查"


def test_user_language_defaults_to_chinese():
    assert UserFactory(role=Role.OFFICER).language == "zh-hans"
