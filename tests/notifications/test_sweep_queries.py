"""The sweep sends a source's reminders in bulk: the same few queries for 1 reminder and for 100, a second run
sends nothing in fewer still, and every reminder reaches its recipient (inbox row, mail after commit, an email
turned off respected)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import EmailStatus, Notification, NotificationPreference, SentReminder
from notifications.registry import Reminder
from tests.factories import UserFactory

from .conftest import HELLO

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 24)


def _reminders(users, due):
    return lambda today: [Reminder(recipient=u, kind=HELLO.code, target=u, due_date=due, lead_days=3,
                                   values={"name": u.username, "day": due}) for u in users]


def _sweep(capture_callbacks) -> tuple[int, int]:
    """Reminders sent and queries made by one sweep; the mail queued after commit is sent once it is counted."""
    with capture_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        sent = services.reminder_sweep(today=DAY)
    return sent, len(queries)


def test_reminder_sweep_query_count_is_fixed_with_1_and_100_reminders(
        reminder_source, monkeypatch, inline_tasks, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "REMINDER_SOURCES", [reminder_source])  # the test's source alone
    one, many = [UserFactory()], [UserFactory() for _ in range(100)]
    quiet = many[7]
    NotificationPreference.objects.create(user=quiet, kind=HELLO.code, email=False)
    first, second = DAY + dt.timedelta(days=3), DAY + dt.timedelta(days=2)
    ContentType.objects.get_for_model(quiet)  # the content type as a running worker has it cached

    reminder_source.reminders = _reminders(one, first)
    # savepoint, the reminders sent before, the email opt-outs, one INSERT of inbox rows, one of claims, release
    assert _sweep(django_capture_on_commit_callbacks) == (1, 6)
    reminder_source.reminders = _reminders(many, second)
    assert _sweep(django_capture_on_commit_callbacks) == (100, 6)

    # run again: nothing is sent, in three queries (savepoint, the reminders sent before, release) for 1 or 100
    reminder_source.reminders = _reminders(one, first)
    assert _sweep(django_capture_on_commit_callbacks) == (0, 3)
    reminder_source.reminders = _reminders(many, second)
    assert _sweep(django_capture_on_commit_callbacks) == (0, 3)

    for user, due in [(one[0], first), *((u, second) for u in many)]:
        notification = Notification.objects.get(recipient=user, kind=HELLO.code)
        assert notification.values == {"name": user.username, "day": due.isoformat()}
        assert notification.object_id == str(user.pk)
        assert SentReminder.objects.get(recipient=user, kind=HELLO.code, due_date=due,
                                        lead_days=3).notification == notification
    assert Notification.objects.get(recipient=quiet).email_status == EmailStatus.NONE
    emailed = sorted(u.email for u in [*one, *many] if u != quiet)
    assert sorted(m.to[0] for m in mail.outbox) == emailed and len(emailed) == 100
    assert Notification.objects.filter(kind=HELLO.code, email_status=EmailStatus.SENT).count() == 100


def test_reminder_sweep_a_source_naming_a_reminder_twice_sends_it_once(reminder_source, monkeypatch):
    monkeypatch.setattr(services, "REMINDER_SOURCES", [reminder_source])
    user = UserFactory()
    make = _reminders([user], DAY + dt.timedelta(days=3))
    reminder_source.reminders = lambda today: make(today) * 2
    assert services.reminder_sweep(today=DAY) == 1
    assert Notification.objects.filter(recipient=user).count() == 1 and SentReminder.objects.count() == 1


def test_reminder_sweep_inactive_recipient_is_claimed_but_not_told(reminder_source, monkeypatch):
    """As before the sweep went in bulk: the reminder counts as sent (once), with no inbox row."""
    monkeypatch.setattr(services, "REMINDER_SOURCES", [reminder_source])
    gone, present = UserFactory(is_active=False), UserFactory()
    reminder_source.reminders = _reminders([gone, present], DAY + dt.timedelta(days=3))
    assert services.reminder_sweep(today=DAY) == 2
    assert services.reminder_sweep(today=DAY) == 0
    assert not Notification.objects.filter(recipient=gone).exists()
    assert SentReminder.objects.get(recipient=gone).notification is None
    assert SentReminder.objects.get(recipient=present).notification.recipient == present
