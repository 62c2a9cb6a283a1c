"""``manage.py send_reminders``: the sweep for a portal without a broker; sends each reminder once; a bad date is
refused by name and sends nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Notification, SentReminder
from notifications.registry import Reminder
from tests.factories import UserFactory

from .conftest import HELLO

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inline_tasks")]
DAY = dt.date(2026, 12, 1)


def _run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_send_reminders_sends_each_once_for_the_given_day(reminder_source):
    users = [UserFactory(language="en") for _ in range(3)]
    seen = []

    def due(today):
        seen.append(today)
        return [Reminder(recipient=u, kind=HELLO.code, target=u, due_date=today + dt.timedelta(days=3), lead_days=3,
                         values={"name": u.username, "day": "x"}) for u in users]

    reminder_source.reminders = due
    assert "3" in _run("--date", DAY.isoformat())
    assert "0" in _run("--date", DAY.isoformat())
    assert seen == [DAY, DAY]
    assert Notification.objects.filter(kind=HELLO.code).count() == 3 and SentReminder.objects.count() == 3


def test_send_reminders_bad_date_names_the_option_and_sends_nothing(reminder_source):
    user = UserFactory()
    reminder_source.reminders = lambda today: [Reminder(recipient=user, kind=HELLO.code, target=user,
                                                        due_date=today, values={"name": "x", "day": "y"})]
    with pytest.raises(CommandError) as caught:
        call_command("send_reminders", "--date", "2026-13-01", stdout=StringIO())
    assert "--date" in str(caught.value) and "2026-13-01" in str(caught.value)
    assert not Notification.objects.exists() and not SentReminder.objects.exists()
