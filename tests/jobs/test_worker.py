"""A job runs off the request: on the real Celery worker when a broker is configured (PostgreSQL + Redis in CI),
else on the background thread; either way the page sees it queued, then done."""

import time

import pytest
from django.urls import reverse

from core import background
from jobs import services
from jobs.models import Job, JobState
from milestones.jobs import LEDGER_XLSX
from programs.models import Program


def wait_for(job_id: int, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if job.state in (JobState.DONE, JobState.FAILED) or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def test_job_on_the_worker_completes(guides_loaded, celery_worker_thread, officer, client, settings,
                                     services_required):
    if services_required:
        assert celery_worker_thread is not None, "CI runs the job on the real Celery worker"
    program = Program.objects.order_by("pk").first()
    client.force_login(officer)
    response = client.post(reverse("milestones:ledger_export", args=[program.pk]))
    assert response.status_code == 302
    job = wait_for(Job.objects.get(kind=LEDGER_XLSX).pk)
    assert job.state == JobState.DONE and job.attempts == 1 and job.result_filename == f"{program.code}-ledger.xlsx"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an xlsx is a zip


def test_job_on_the_background_thread_is_queued_then_done(guides_loaded, officer, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker: the embedded default
    settings.BACKGROUND_TASKS_INLINE = False
    program = Program.objects.order_by("pk").first()
    with background.held():
        job = services.job_request(actor=officer, kind=LEDGER_XLSX, target=program)
        client.force_login(officer)
        page = client.get(reverse("milestones:ledger", args=[program.pk])).content.decode()
        assert 'id="xlsx-export-box"' in page and 'data-job-state="queued"' in page
    assert background.wait(timeout=60)
    assert Job.objects.get(pk=job.pk).state == JobState.DONE
    page = client.get(reverse("milestones:ledger", args=[program.pk])).content.decode()
    assert 'data-job-state="done"' in page and reverse("jobs:download", args=[job.pk]) in page


@pytest.mark.django_db
def test_job_kinds_of_the_apps_are_registered():
    from jobs.registry import job_kinds

    assert {"reviews.ranking_xlsx", "reviews.pool_import", "milestones.ledger_xlsx",
            "milestones.fund_plan_xlsx"} <= set(job_kinds())
