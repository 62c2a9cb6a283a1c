import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import Role
from notifications import registry
from notifications.registry import Kind, register_kind

HELLO = Kind("tests.hello", "Hello", "Hello %(name)s", "Body for %(name)s on %(day)s")
FORMAL = Kind("tests.formal", "Formal", "Formal %(name)s", "A formal notice", opt_out=frozenset())
OFFICERS_ONLY = Kind("tests.officers", "Officers may opt out", "Heads-up %(name)s", "Body",
                     opt_out=frozenset({Role.OFFICER}))


@pytest.fixture(autouse=True)
def test_kinds():
    for kind in (HELLO, FORMAL, OFFICERS_ONLY):
        register_kind(kind)
    yield
    for kind in (HELLO, FORMAL, OFFICERS_ONLY):
        registry.KINDS.pop(kind.code, None)


@pytest.fixture
def reminder_source():
    """Register a reminder source for the test; the test sets ``source.reminders`` (a callable of today)."""

    class Source:
        reminders = staticmethod(lambda today: [])

        def __call__(self, today):
            return self.reminders(today)

    source = Source()
    registry.register_reminder_source(source)
    yield source
    registry.REMINDER_SOURCES.remove(source)


class FlakyBackend(EmailBackend):
    """Refuses the first ``failures`` messages as a disconnected server would, then delivers to mail.outbox."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})


@pytest.fixture
def eager_retries(monkeypatch):
    """``task.apply()`` runs a task and its retries here, one after the other (retries would otherwise raise)."""
    from ipgrants.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def flaky_mail(settings, eager_retries):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.FlakyBackend"
    FlakyBackend.attempts = 0
    mail.outbox = []
    return FlakyBackend
