"""Old job results: a daily task deletes the result files of jobs finished more than JOB_RESULT_DAYS ago; the row
stays, marked expired, and the page that asked says the file has expired and offers to ask again."""

import datetime as dt
import os

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from jobs import services
from jobs.models import Job, JobState
from jobs.status import EXPIRED, job_box
from jobs.tasks import expire_results
from milestones.jobs import LEDGER_XLSX
from programs.models import Program
from tests.conftest import client_for

from .conftest import DEMO
from .helpers import ask

pytestmark = pytest.mark.django_db


def finished(officer, program, *, days_ago: int) -> Job:
    job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, language="en")
    services.job_run(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days_ago))
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result_file
    return job


def test_jobs_expire_results_deletes_old_files_and_keeps_the_rows(officer, program, demo, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.JOB_RESULT_DAYS = 30
    old, recent = finished(officer, program, days_ago=31), finished(officer, program, days_ago=29)
    path = old.result_file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_expire_results() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == JobState.DONE and old.expired and not old.result_file and not os.path.exists(path)
    assert old.result_filename  # still named on the page's history
    assert recent.result_file and not recent.expired and os.path.exists(recent.result_file.path)
    event = AuditEvent.objects.get(action="job_expire")
    assert event.object_id == str(old.pk) and event.actor is None and event.data["days"] == 30


def test_jobs_expire_results_is_idempotent(officer, program, demo, django_capture_on_commit_callbacks):
    old = finished(officer, program, days_ago=40)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_expire_results() == 1
        assert services.jobs_expire_results() == 0
    old.refresh_from_db()
    assert AuditEvent.objects.filter(action="job_expire").count() == 1 and old.expired


def test_jobs_expire_results_leaves_failed_and_running_jobs(officer, program, demo):
    long_ago = timezone.now() - dt.timedelta(days=90)
    for state in (JobState.FAILED, JobState.RUNNING, JobState.QUEUED):
        Job.objects.create(kind=DEMO, requested_by=officer, target=program, state=state, finished_at=long_ago)
    assert services.jobs_expire_results() == 0 and not Job.objects.filter(expired_at__isnull=False).exists()


def test_jobs_expire_results_reads_the_setting(officer, program, demo, settings):
    settings.JOB_RESULT_DAYS = 7
    finished(officer, program, days_ago=8)
    assert services.jobs_expire_results() == 1


def test_expire_results_task_runs_daily_on_beat(officer, program, demo):
    finished(officer, program, days_ago=31)
    assert expire_results() == 1
    schedule = django_settings.CELERY_BEAT_SCHEDULE["jobs-expire-results"]
    assert schedule["task"] == expire_results.name == "jobs.expire_results"
    assert django_settings.JOB_RESULT_DAYS == 30  # the default


def test_expired_job_status_and_download(client, officer, program, demo):
    job = finished(officer, program, days_ago=31)
    services.jobs_expire_results()
    job.refresh_from_db()
    box = job_box(job, prefix="job", title="Demo")
    assert box.state == EXPIRED and not box.download_url and not box.in_progress
    client_for(client, officer)
    assert client.get(reverse("jobs:status", args=[job.pk])).json()["state"] == EXPIRED
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_ledger_page_says_the_file_expired_and_asks_again(client, officer, inline_tasks,
                                                           django_capture_on_commit_callbacks):
    program = Program.objects.get(code="yuexiu-2018-ip-operation-fund-plan")
    client_for(client, officer)
    export, page_url = (reverse("milestones:ledger_export", args=[program.pk]),
                        reverse("milestones:ledger", args=[program.pk]))
    job = ask(client, export, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        services.jobs_expire_results()
    page = client.get(page_url).content.decode()
    assert 'data-job-state="expired"' in page and f'href="{reverse("jobs:download", args=[job.pk])}"' not in page
    assert f'action="{export}"' in page  # the ask button, to make it again
    again = ask(client, export, django_capture_on_commit_callbacks)
    assert again.pk != job.pk and again.kind == LEDGER_XLSX and again.state == JobState.DONE and again.result_file
    assert 'data-job-state="done"' in client.get(page_url).content.decode()


def test_jobs_expire_results_deletes_old_failed_uploads_and_refuses_their_retry(
        officer, program, demo, settings, django_capture_on_commit_callbacks):
    """A failed job keeps its upload to be tried again, for JOB_RESULT_DAYS; then the upload is deleted too, and
    trying again is refused with what to do instead."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    settings.JOB_RESULT_DAYS = 30

    def failed_upload(days_ago: int) -> Job:
        job = Job.objects.create(kind=DEMO, requested_by=officer, target=program, state=JobState.FAILED,
                                 finished_at=timezone.now() - dt.timedelta(days=days_ago), error="bad")
        job.input_file.save("pool.xlsx", ContentFile(b"experts"), save=True)
        return job

    old, recent = failed_upload(31), failed_upload(29)
    path = old.input_file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_expire_results() == 1
        assert services.jobs_expire_results() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.expired and not old.input_file and not os.path.exists(path)
    assert recent.input_file and not recent.expired
    with pytest.raises(ValidationError) as refused:
        services.job_retry(actor=officer, job=old)
    assert refused.value.code == "expired"
    old.refresh_from_db()
    assert old.state == JobState.FAILED and not AuditEvent.objects.filter(action="job_retry").exists()
    box = job_box(old, prefix="job", title="Demo")
    assert box.state == EXPIRED and not box.retry_url
    assert AuditEvent.objects.get(action="job_expire").data["upload"] is True
