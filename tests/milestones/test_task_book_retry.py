"""The task book (任务书) shows its status on the project page; a failed one offers "try again" to the funded
unit and officers: audited, made again on commit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from milestones import pdfs as services
from milestones.models import PdfStatus, Project
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(nansha_project):
    Project.objects.filter(pk=nansha_project.pk).update(task_book_status=PdfStatus.FAILED)
    nansha_project.refresh_from_db()
    return nansha_project


@pytest.mark.parametrize("who", ["unit", "officer"])
def test_task_book_retry_makes_it_again(request, who, failed, inline_tasks, django_capture_on_commit_callbacks):
    actor = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project = services.task_book_retry(actor=actor, project=failed)
    assert project.task_book_status == PdfStatus.PENDING and len(callbacks) == 1  # made after the commit
    callbacks[0]()
    failed.refresh_from_db()
    assert failed.task_book_status == PdfStatus.READY and failed.task_book
    from notifications.models import Notification  # once made, the unit is told the task book is ready

    assert Notification.objects.filter(kind="milestones.contract_ready", object_id=str(failed.pk)).exists()
    event = AuditEvent.objects.get(action="retry_task_book")
    assert event.actor == actor and (event.from_state, event.to_state) == ("failed", "pending")


def test_task_book_retry_wrong_state(nansha_project, officer):
    with pytest.raises(ValidationError) as caught:
        services.task_book_retry(actor=officer, project=nansha_project)  # pending, not failed
    assert caught.value.code == "wrong_state" and not AuditEvent.objects.filter(action="retry_task_book").exists()


@pytest.mark.parametrize("who", ["outsider", "reviewer"])
def test_task_book_retry_wrong_role(request, who, failed):
    with pytest.raises(PermissionDenied):
        services.task_book_retry(actor=request.getfixturevalue(who), project=failed)
    failed.refresh_from_db()
    assert failed.task_book_status == PdfStatus.FAILED


def test_project_page_shows_the_task_book_status_and_retry(client, failed, unit, outsider, inline_tasks,
                                                           django_capture_on_commit_callbacks):
    client_for(client, unit)
    page = client.get(reverse("milestones:project", args=[failed.pk])).content.decode()
    assert 'id="task-book-box"' in page and 'data-job-state="failed"' in page
    assert 'class="d-none"' not in page.split('id="task-book-retry"')[1].split(">")[0]
    assert client.get(reverse("milestones:task_book_status", args=[failed.pk])).json()["state"] == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("milestones:task_book_retry", args=[failed.pk])).status_code == 302
    page = client.get(reverse("milestones:project", args=[failed.pk])).content.decode()
    assert 'data-job-state="done"' in page and f'href="{reverse("milestones:task_book", args=[failed.pk])}"' in page
    client_for(client, outsider)
    assert client.get(reverse("milestones:task_book_status", args=[failed.pk])).status_code == 404
    assert client.post(reverse("milestones:task_book_retry", args=[failed.pk])).status_code == 404
