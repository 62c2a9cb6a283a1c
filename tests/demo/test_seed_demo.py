import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from applications.models import Application, ApplicationVersion, ConditionDecision, Status
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "applications": Application.objects.count(), "versions": ApplicationVersion.objects.count(),
        "events": AuditEvent.objects.count(), "decisions": ConditionDecision.objects.count(),
        "users": User.objects.count(),
        "passwords": tuple(User.objects.order_by("username").values_list("password", flat=True)),
    }


def test_seed_demo_holds_applications_in_every_state(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        seed()
    states = set(Application.objects.filter(title__startswith="【演示】").values_list("status", flat=True))
    assert states == set(Status.values)
    passed = Application.objects.get(status=Status.PASSED)
    assert passed.versions.get().snapshot["decisions"]  # the officer decided each condition
    assert passed.versions.get().snapshot["declaration"]["text"]


def test_seed_demo_twice_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        seed()
        before = counts()
        output = seed()
    assert counts() == before and "0 demo applications created" in output


def test_seed_demo_officer_queue_shows_the_demo(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        seed()
    client.force_login(User.objects.get(username="officer"))
    body = client.get(reverse("applications:officer_queue")).content.decode()
    for status in (Status.SUBMITTED, Status.RETURNED, Status.PASSED, Status.REFUSED):
        assert Application.objects.get(status=status).reference in body
