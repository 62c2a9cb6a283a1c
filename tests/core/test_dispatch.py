"""Work queued by name (core.dispatch): the service names the task, the task runs after the commit."""

import pytest
from celery import shared_task

from core.dispatch import queue, task_named

seen = []


@shared_task(name="tests.core.record")
def record(**kwargs) -> None:
    seen.append(kwargs)


@pytest.mark.django_db
def test_dispatch_queue_runs_the_named_task_after_commit(django_capture_on_commit_callbacks, inline_tasks):
    seen.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        queue("tests.core.record", job_id=7)
        assert seen == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert seen == [{"job_id": 7}]


@pytest.mark.django_db
def test_dispatch_queue_refuses_an_unknown_task_in_the_caller():
    with pytest.raises(KeyError):
        queue("applications.no_such_task", application_id=1)


def test_dispatch_task_named_finds_every_app_task():
    for name in ("applications.generate_application_pdf", "jobs.run_job", "milestones.generate_task_book",
                 "milestones.generate_conclusion", "notifications.send_email", "reviews.generate_dossier",
                 "reviews.generate_notice"):
        assert task_named(name).name == name
