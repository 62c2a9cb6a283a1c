"""The acceptance conclusion (验收结论) shows its status on the project page once the outcome is recorded; a failed
one shows the message and "try again" to officers and the funded unit: audited, made again on commit. Everyone
else gets 404 from its status and retry URLs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from milestones import pdfs
from milestones.models import Acceptance, PdfStatus
from tests.conftest import client_for
from tests.milestones.conftest import ready_for_acceptance

from .conftest import recorded_acceptance

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(nansha_project, officer, inline_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        acceptance = recorded_acceptance(officer, nansha_project)
    acceptance.refresh_from_db()
    assert acceptance.conclusion_status == PdfStatus.READY and acceptance.conclusion
    return acceptance


@pytest.fixture
def failed(recorded):
    Acceptance.objects.filter(pk=recorded.pk).update(conclusion_status=PdfStatus.FAILED)
    recorded.refresh_from_db()
    return recorded


def test_acceptance_record_queues_the_conclusion(nansha_project, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        acceptance = recorded_acceptance(officer, nansha_project)
    acceptance.refresh_from_db()
    assert acceptance.conclusion_status == PdfStatus.PENDING and not acceptance.conclusion


@pytest.mark.parametrize("who", ["unit", "officer"])
def test_conclusion_retry_makes_it_again(request, who, failed, django_capture_on_commit_callbacks):
    actor = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        acceptance = pdfs.conclusion_retry(actor=actor, acceptance=failed)
    assert acceptance.conclusion_status == PdfStatus.PENDING and len(callbacks) == 1  # made after the commit
    callbacks[0]()
    failed.refresh_from_db()
    assert failed.conclusion_status == PdfStatus.READY and failed.conclusion
    event = AuditEvent.objects.get(action="retry_conclusion")
    assert event.actor == actor and (event.from_state, event.to_state) == ("failed", "pending")
    assert event.data == {"project": failed.project_id, "request": 1}


def test_conclusion_retry_wrong_state(recorded, officer):
    with pytest.raises(ValidationError) as caught:
        pdfs.conclusion_retry(actor=officer, acceptance=recorded)  # ready, not failed
    assert caught.value.code == "wrong_state" and not AuditEvent.objects.filter(action="retry_conclusion").exists()


@pytest.mark.parametrize("who", ["outsider", "reviewer"])
def test_conclusion_retry_wrong_role(request, who, failed):
    with pytest.raises(PermissionDenied):
        pdfs.conclusion_retry(actor=request.getfixturevalue(who), acceptance=failed)
    failed.refresh_from_db()
    assert failed.conclusion_status == PdfStatus.FAILED


def test_project_page_shows_the_failed_conclusion_with_its_message_and_retry(client, failed, unit,
                                                                             django_capture_on_commit_callbacks):
    client_for(client, unit)
    project_url = reverse("milestones:project", args=[failed.project_id])
    page = client.get(project_url).content.decode()
    box = page.split('id="conclusion-1-box"')[1]
    assert 'data-job-state="failed"' in box.split(">")[0]
    assert 'class="d-none"' not in page.split('id="conclusion-1-retry"')[1].split(">")[0]
    message = box.split('id="conclusion-1-message"')[1].split("</div>")[0]
    assert "d-none" not in message.split(">")[0] and message.split(">", 1)[1].strip()
    args = [failed.project_id, 1]
    assert client.get(reverse("milestones:conclusion_status", args=args)).json()["state"] == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("milestones:conclusion_retry", args=args))
    assert response.status_code == 302 and response["Location"] == project_url
    page = client.get(project_url).content.decode()
    assert 'data-job-state="done"' in page.split('id="conclusion-1-box"')[1].split(">")[0]
    assert f'href="{reverse("milestones:conclusion", args=args)}"' in page
    data = client.get(reverse("milestones:conclusion_status", args=args)).json()
    assert data["state"] == "done" and data["download_url"] == reverse("milestones:conclusion", args=args)


@pytest.mark.parametrize("who", ["outsider", "reviewer"])
def test_conclusion_status_and_retry_are_404_to_others(client, request, who, failed):
    client_for(client, request.getfixturevalue(who))
    args = [failed.project_id, 1]
    assert client.get(reverse("milestones:conclusion_status", args=args)).status_code == 404
    assert client.post(reverse("milestones:conclusion_retry", args=args)).status_code == 404
    failed.refresh_from_db()
    assert failed.conclusion_status == PdfStatus.FAILED


def test_conclusion_status_is_404_before_the_outcome(client, nansha_project, officer):
    from milestones.services import acceptance_request

    from .conftest import pdf, unit_member

    ready_for_acceptance(nansha_project)
    acceptance_request(actor=unit_member(nansha_project), project=nansha_project, final_report=pdf("r.pdf"),
                       final_accounts=pdf("a.pdf"))
    client_for(client, officer)
    assert client.get(reverse("milestones:conclusion_status", args=[nansha_project.pk, 1])).status_code == 404
    assert client.post(reverse("milestones:conclusion_retry", args=[nansha_project.pk, 1])).status_code == 404
