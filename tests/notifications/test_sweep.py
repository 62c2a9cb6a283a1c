"""The daily sweep sends each due reminder once: run twice, on two threads at once, or on a Celery worker."""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connections

from notifications import services
from notifications.models import Notification, SentReminder
from notifications.registry import Reminder, lead_step
from tests.factories import UserFactory

from .conftest import HELLO

DAY = dt.date(2025, 3, 24)


def _reminders_for(users, due=DAY + dt.timedelta(days=3)):
    def source(today):
        step = lead_step((due - today).days, (7, 3, 1))
        if step is None:
            return []
        return [Reminder(recipient=u, kind=HELLO.code, target=u, due_date=due, lead_days=step,
                         values={"name": u.username, "day": due}) for u in users]
    return source


@pytest.mark.django_db
def test_sweep_run_twice_sends_each_reminder_once(reminder_source, inline_tasks, django_capture_on_commit_callbacks):
    users = [UserFactory() for _ in range(3)]
    reminder_source.reminders = _reminders_for(users)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminder_sweep(today=DAY) == 3
        assert services.reminder_sweep(today=DAY) == 0
    assert Notification.objects.filter(kind=HELLO.code).count() == 3 and SentReminder.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    sent = SentReminder.objects.select_related("notification").first()
    assert sent.notification.kind == HELLO.code and sent.lead_days == 3


@pytest.mark.django_db
def test_sweep_sends_each_step_before_a_due_date_once(reminder_source):
    user = UserFactory()
    due = DAY + dt.timedelta(days=7)
    reminder_source.reminders = _reminders_for([user], due=due)
    sent = [services.reminder_sweep(today=due - dt.timedelta(days=d)) for d in range(8, -1, -1)]
    # 8 days before: nothing; 7 (step 7); 6..4 nothing; 3 (step 3); 2 nothing; 1 (step 1); on the day nothing new
    assert sent == [0, 1, 0, 0, 0, 1, 0, 1, 0]
    assert sorted(SentReminder.objects.values_list("lead_days", flat=True)) == [1, 3, 7]


@pytest.mark.django_db
def test_sweep_catches_up_a_missed_day_once(reminder_source):
    user = UserFactory()
    due = DAY + dt.timedelta(days=7)
    reminder_source.reminders = _reminders_for([user], due=due)
    assert services.reminder_sweep(today=due - dt.timedelta(days=2)) == 1  # the 3-day sweep did not run
    assert services.reminder_sweep(today=due - dt.timedelta(days=2)) == 0
    assert list(SentReminder.objects.values_list("lead_days", flat=True)) == [3]


@pytest.mark.django_db
def test_sweep_a_failing_source_does_not_stop_the_others(reminder_source, caplog):
    from notifications import registry

    def broken(today):
        raise RuntimeError("source down")

    registry.register_reminder_source(broken)
    try:
        reminder_source.reminders = _reminders_for([UserFactory()])
        registry.REMINDER_SOURCES.reverse()  # the broken one first
        assert services.reminder_sweep(today=DAY) == 1
    finally:
        registry.REMINDER_SOURCES.remove(broken)
    assert "source down" in caplog.text


def test_two_sweeps_at_once_send_each_reminder_once(transactional_db, reminder_source, inline_tasks):
    """Two workers sweeping at the same moment: the unique key lets one of them send each reminder."""
    users = [UserFactory() for _ in range(5)]
    make = _reminders_for(users)
    barrier = threading.Barrier(2)

    def source(today):
        reminders = make(today)
        barrier.wait(timeout=10)  # both sweeps hold their lists before either inserts
        return reminders

    reminder_source.reminders = source
    counts, errors = [], []

    def run():
        try:
            counts.append(services.reminder_sweep(today=DAY))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(counts) in ([0, 5], [1, 4], [2, 3]) and sum(counts) == 5
    assert Notification.objects.filter(kind=HELLO.code).count() == 5
    assert SentReminder.objects.count() == 5


def test_daily_sweep_runs_on_a_celery_worker(celery_worker_thread, reminder_source, settings):
    """The beat's task, sent through the broker (the real Redis in CI) and run by a worker, twice."""
    from notifications.tasks import daily_sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users = [UserFactory() for _ in range(2)]
    today = dt.date.today()
    reminder_source.reminders = _reminders_for(users, due=today + dt.timedelta(days=1))
    sent = [daily_sweep.apply_async(ignore_result=False).get(timeout=60) for _ in range(2)]
    assert sent == [2, 0]
    assert SentReminder.objects.count() == 2
    notifications = Notification.objects.filter(kind=HELLO.code)
    assert notifications.count() == 2
    if celery_worker_thread is not None:  # the email tasks went through the broker too
        deadline = time.monotonic() + 30
        while notifications.filter(email_status="sent").count() < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert notifications.filter(email_status="sent").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def test_daily_sweep_sent_twice_at_once_to_two_workers_sends_each_reminder_once(two_celery_workers,
                                                                                reminder_source, settings):
    """Two sweeps queued at the same moment and taken by two workers (the real Redis in CI): both hold their lists
    before either sends (a barrier both must reach), and the unique key lets one of them send each reminder."""
    from notifications.tasks import daily_sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users = [UserFactory() for _ in range(4)]
    make = _reminders_for(users, due=dt.date.today() + dt.timedelta(days=3))
    barrier = threading.Barrier(2)
    sweepers = set()

    def source(today):
        reminders = make(today)
        sweepers.add(threading.get_ident())
        barrier.wait(timeout=30)  # raises (and the sweep sends nothing) unless the other sweep runs meanwhile
        return reminders

    reminder_source.reminders = source
    if two_celery_workers is not None:
        pending = [daily_sweep.apply_async(ignore_result=False) for _ in range(2)]
        counts = [result.get(timeout=90) for result in pending]
    else:  # eager: each sweep runs where it is sent, so send them from two threads at once
        counts, errors = [], []

        def send():
            try:
                counts.append(daily_sweep.apply_async(ignore_result=False).result)  # run here, result at hand
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        assert not errors, errors
    assert len(sweepers) == 2 and not barrier.broken  # two sweeps really ran at the same time
    assert sum(counts) == 4 and len(counts) == 2
    assert SentReminder.objects.count() == 4
    notifications = Notification.objects.filter(kind=HELLO.code)
    assert sorted(notifications.values_list("recipient_id", flat=True)) == sorted(u.pk for u in users)
    deadline = time.monotonic() + 30
    while notifications.filter(email_status="sent").count() < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
