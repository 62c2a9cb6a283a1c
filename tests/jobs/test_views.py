"""A job's status, file and retry: for its requester; 404 for an outsider and for another officer (a job is its
requester's own: colleagues make their own export); a retry from the page runs the job again."""

import pytest
from django.urls import reverse

from jobs import services
from jobs.models import Job, JobState
from tests.conftest import client_for

from .conftest import DEMO

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(officer, program, demo, inline_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_request(actor=officer, kind=DEMO, target=program)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    return job


@pytest.fixture
def failed(officer, program, demo):
    return Job.objects.create(kind=DEMO, requested_by=officer, target=program, state=JobState.FAILED,
                              error="它没能生成。", attempts=1)


def test_job_status_tells_the_requester_and_hides_the_job_from_everyone_else(client, done, officer, other_officer,
                                                                             applicant, reviewer):
    url = reverse("jobs:status", args=[done.pk])
    assert client.get(url).status_code == 302  # sign in first
    for outsider in (other_officer, applicant, reviewer):
        assert client_for(client, outsider).get(url).status_code == 404
    data = client_for(client, officer).get(url).json()
    assert data.pop("label")  # the state in the reader's language
    assert data == {"state": "done", "download_url": reverse("jobs:download", args=[done.pk]), "message": ""}


def test_job_status_of_a_failed_job_has_its_message(client, failed, officer):
    data = client_for(client, officer).get(reverse("jobs:status", args=[failed.pk])).json()
    assert data["state"] == "failed" and data["message"] == "它没能生成。" and data["download_url"] == ""


def test_job_download_serves_the_file_to_the_requester_only(client, done, officer, other_officer, applicant, program):
    url = reverse("jobs:download", args=[done.pk])
    for outsider in (other_officer, applicant):
        assert client_for(client, outsider).get(url).status_code == 404
    response = client_for(client, officer).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(program.code.encode())
    assert f'filename="{program.code}.txt"' in response["Content-Disposition"]


def test_job_download_is_404_until_done(client, failed, officer):
    assert client_for(client, officer).get(reverse("jobs:download", args=[failed.pk])).status_code == 404


def test_job_download_is_404_when_the_requester_may_no_longer_ask(client, done, officer):
    from accounts.models import Role

    officer.role = Role.APPLICANT
    officer.save(update_fields=["role"])
    assert client_for(client, officer).get(reverse("jobs:download", args=[done.pk])).status_code == 404


def test_job_retry_view_runs_it_again_and_returns_to_the_page(client, failed, officer, other_officer, demo,
                                                              inline_tasks, django_capture_on_commit_callbacks):
    url = reverse("jobs:retry", args=[failed.pk])
    assert client_for(client, other_officer).post(url).status_code == 404
    assert client_for(client, officer).get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("programs:catalogue")
    failed.refresh_from_db()
    assert failed.state == JobState.DONE and failed.attempts == 2 and demo.runs == 1


def test_job_retry_view_of_a_done_job_says_so_and_changes_nothing(client, done, officer):
    response = client_for(client, officer).post(reverse("jobs:retry", args=[done.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    done.refresh_from_db()
    assert done.state == JobState.DONE and done.attempts == 1
