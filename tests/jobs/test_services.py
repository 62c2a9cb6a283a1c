"""Each transition of a job: success, wrong state, wrong role; a failure is shown to the requester in their
language and its traceback logged; a retry after a failure runs again and succeeds; audit rows for each change."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.utils import translation

from audit.models import AuditEvent
from jobs import services
from jobs.models import Job, JobState
from jobs.registry import JobError
from jobs.tasks import run_job

from .conftest import DEMO

pytestmark = pytest.mark.django_db


def actions(job) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(job.pk), action__startswith="job_")
                .order_by("pk").values_list("action", flat=True))


def request(officer, program, capture, *, execute=True, language="en") -> Job:
    with translation.override(language), capture(execute=execute):
        job = services.job_request(actor=officer, kind=DEMO, target=program)
    job.refresh_from_db()
    return job


def test_job_request_queues_the_job_on_commit_and_audits(officer, program, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.job_request(actor=officer, kind=DEMO, target=program)
    assert job.state == JobState.QUEUED and job.target == program and job.requested_by == officer
    assert len(callbacks) == 1 and demo.runs == 0  # nothing runs before the commit
    event = AuditEvent.objects.get(action="job_request", object_id=str(job.pk))
    assert event.actor == officer and event.to_state == JobState.QUEUED and event.data == {"kind": DEMO}


def test_job_request_wrong_role(applicant, reviewer, program, demo):
    for user in (applicant, reviewer):
        with pytest.raises(PermissionDenied):
            services.job_request(actor=user, kind=DEMO, target=program)
    assert not Job.objects.exists() and not AuditEvent.objects.filter(action="job_request").exists()


def test_job_request_gives_back_the_job_still_waiting(officer, program, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.job_request(actor=officer, kind=DEMO, target=program)
        again = services.job_request(actor=officer, kind=DEMO, target=program)
    assert again.pk == first.pk and Job.objects.count() == 1 and len(callbacks) == 1


def test_job_run_makes_the_file_in_the_requesters_language(officer, program, demo, inline_tasks,
                                                            django_capture_on_commit_callbacks):
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        job = services.job_request(actor=officer, kind=DEMO, target=program)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1 and job.error == ""
    assert job.result_file.read() == f"{program.code}:zh-hans".encode()
    assert job.result_filename == f"{program.code}.txt" and job.started_at <= job.finished_at
    assert actions(job) == ["job_request", "job_start", "job_finish"]


def test_job_run_failure_is_failed_with_a_message_and_the_traceback_logged(officer, program, demo, inline_tasks,
                                                                            caplog, django_capture_on_commit_callbacks):
    demo.errors = [RuntimeError("renderer crashed")]
    with caplog.at_level(logging.ERROR, logger="jobs.services"):
        job = request(officer, program, django_capture_on_commit_callbacks, language="zh-hans")
    assert job.state == JobState.FAILED and job.attempts == 1 and not job.result_file
    assert job.error == "生成失败。请重试；如再次失败，请联系平台管理员。"  # the requester's language
    assert "renderer crashed" in caplog.text and "Traceback" in caplog.text
    assert actions(job) == ["job_request", "job_start", "job_fail"]


def test_job_run_job_error_shows_its_own_message(officer, program, demo, inline_tasks,
                                                 django_capture_on_commit_callbacks):
    demo.errors = [JobError("The program no longer exists.")]
    job = request(officer, program, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED and job.error == "The program no longer exists."


def test_job_run_wrong_state_changes_nothing(officer, program, demo, inline_tasks,
                                             django_capture_on_commit_callbacks):
    job = request(officer, program, django_capture_on_commit_callbacks)
    assert services.job_run(job_id=job.pk) is None  # a duplicate message: the job is done already
    assert services.job_run(job_id=10**9) is None  # gone
    for step in (lambda: services.job_finish(job_id=job.pk, output=b"x"), lambda: services.job_fail(job_id=job.pk),
                 lambda: services.job_requeue(job_id=job.pk)):
        with pytest.raises(ValidationError) as caught:
            step()
        assert caught.value.code == "wrong_state"
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1 and demo.runs == 1


def test_job_retry_after_a_failure_runs_again_and_succeeds(officer, program, demo, inline_tasks,
                                                           django_capture_on_commit_callbacks):
    demo.errors = [RuntimeError("once")]
    job = request(officer, program, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        retried = services.job_retry(actor=officer, job=job)
    assert retried.state == JobState.QUEUED and retried.error == "" and len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    assert actions(job) == ["job_request", "job_start", "job_fail", "job_retry", "job_start", "job_finish"]
    assert AuditEvent.objects.get(action="job_retry").actor == officer


def test_job_retry_wrong_state(officer, program, demo, inline_tasks, django_capture_on_commit_callbacks):
    queued = request(officer, program, django_capture_on_commit_callbacks, execute=False)
    with pytest.raises(ValidationError) as caught:
        services.job_retry(actor=officer, job=queued)
    assert caught.value.code == "wrong_state"
    done = request(officer, program, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.job_retry(actor=officer, job=done)
    assert not AuditEvent.objects.filter(action="job_retry").exists()


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_job_retry_wrong_role(request, role, officer, program, demo):
    job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, state=JobState.FAILED, error="x")
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=request.getfixturevalue(role), job=job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and not AuditEvent.objects.filter(action="job_retry").exists()


def test_job_retry_by_another_officer_is_refused(officer, other_officer, program, demo):
    """A job is private to whoever asked for it, in its pages and in its service alike."""
    job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, state=JobState.FAILED, error="x")
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=other_officer, job=job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and not AuditEvent.objects.filter(action="job_retry").exists()


def test_job_retry_by_a_requester_who_lost_the_role_is_refused(officer, program, demo):
    from accounts.models import Role

    job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, state=JobState.FAILED, error="x")
    officer.role = Role.APPLICANT
    officer.save(update_fields=["role"])
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=officer, job=job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_run_job_task_tries_a_passing_error_again(officer, program, demo, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, language="en")
    demo.errors = [OperationalError("server closed the connection unexpectedly")]
    run_job.apply(kwargs={"job_id": job.pk}, throw=False)  # eager: the retry runs at once
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2 and demo.runs == 2
    assert actions(job) == ["job_start", "job_requeue", "job_start", "job_finish"]


def test_run_job_task_fails_the_job_after_its_last_try(officer, program, demo, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setitem(run_job.app.conf, "task_eager_propagates", False)  # each eager retry runs in the last
    job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, language="en")
    demo.errors = [OperationalError("down")] * (run_job.max_retries + 1)
    run_job.apply(kwargs={"job_id": job.pk}, throw=False)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == run_job.max_retries + 1 and job.error


def test_run_job_called_directly_fails_at_once_on_a_passing_error(officer, program, demo):
    """Without a broker (the background thread) there is no later try: the job fails and may be retried."""
    job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, language="en")
    demo.errors = [OperationalError("down")]
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == 1
