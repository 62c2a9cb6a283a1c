import pytest
from django.urls import reverse
from django.utils import translation

from jobs import registry
from jobs.registry import JobKind
from programs.models import Program

DEMO = "tests.demo"


class Behaviour:
    """What the demo job does when it runs: make a file, or raise the queued errors one by one first."""

    def __init__(self):
        self.errors: list[Exception] = []
        self.runs = 0

    def __call__(self, job) -> bytes:
        self.runs += 1
        if self.errors:
            raise self.errors.pop(0)
        return f"{job.target.code}:{translation.get_language()}".encode()


@pytest.fixture
def demo(db):
    """A job kind of the tests' own, on a program, for officers; its behaviour is set by the test."""
    behaviour = Behaviour()
    registry.register_job_kind(JobKind(
        code=DEMO, label="Demo", run=behaviour, may_request=lambda user, target: user.is_officer,
        page=lambda program: reverse("programs:catalogue"), filename=lambda program: f"{program.code}.txt",
        content_type="text/plain"))
    yield behaviour
    registry._KINDS.pop(DEMO, None)


@pytest.fixture
def program(db) -> Program:
    return Program.objects.order_by("pk").first()


@pytest.fixture
def other_officer(db):
    from accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.OFFICER, username="officer_p")
