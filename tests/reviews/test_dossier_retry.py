"""The reviewer's PDF (redacted for blind review) shows its status on the assignment page; a failed one offers
"try again", which the assigned reviewer (or an officer) uses: audited, made again on commit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from reviews import services
from reviews.models import Assignment, Dossier
from tests.conftest import client_for

from .conftest import make_reviewer, passed_application, run_to_reviewing

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(officer, pool_track, inline_tasks, django_capture_on_commit_callbacks):
    passed_application(pool_track)
    make_reviewer()
    with django_capture_on_commit_callbacks(execute=True):
        review_round = run_to_reviewing(officer, pool_track, per_application=1)
    assignment = Assignment.objects.get(round=review_round)
    services.assignment_accept(actor=assignment.reviewer.user, assignment=assignment)
    return assignment


@pytest.fixture
def failed(accepted):
    Dossier.objects.filter(application_id=accepted.application_id).update(status=Dossier.Status.FAILED)
    return accepted


def dossier(assignment) -> Dossier:
    return Dossier.objects.get(application_id=assignment.application_id)


@pytest.mark.parametrize("who", ["reviewer", "officer"])
def test_dossier_retry_makes_the_pdf_again(who, failed, officer, django_capture_on_commit_callbacks):
    actor = failed.reviewer.user if who == "reviewer" else officer
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dossier_retry(actor=actor, assignment=failed)
    assert dossier(failed).status == Dossier.Status.PENDING and len(callbacks) == 1  # made after the commit
    callbacks[0]()
    made = dossier(failed)
    assert made.status == Dossier.Status.READY and made.pdf_file
    event = AuditEvent.objects.get(action="retry_dossier")
    assert event.actor == actor and (event.from_state, event.to_state) == ("failed", "pending")


def test_dossier_retry_wrong_state(accepted):
    with pytest.raises(ValidationError) as caught:
        services.dossier_retry(actor=accepted.reviewer.user, assignment=accepted)  # ready, not failed
    assert caught.value.code == "wrong_state" and not AuditEvent.objects.filter(action="retry_dossier").exists()


@pytest.mark.parametrize("who", ["applicant", "reviewer"])
def test_dossier_retry_wrong_role(request, who, failed):
    with pytest.raises(PermissionDenied):
        services.dossier_retry(actor=request.getfixturevalue(who), assignment=failed)  # reviewer: not assigned
    assert dossier(failed).status == Dossier.Status.FAILED


def test_assignment_page_shows_the_pdf_status_and_the_retry_button_when_failed(client, failed,
                                                                               django_capture_on_commit_callbacks):
    client_for(client, failed.reviewer.user)
    page = client.get(reverse("reviews:assignment", args=[failed.pk])).content.decode()
    assert 'id="dossier-box"' in page and 'data-job-state="failed"' in page
    assert 'class="d-none"' not in page.split('id="dossier-retry"')[1].split(">")[0]
    assert client.get(reverse("reviews:dossier_status", args=[failed.pk])).json()["state"] == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:dossier_retry", args=[failed.pk]))
    assert response.status_code == 302 and dossier(failed).status == Dossier.Status.READY
    page = client.get(reverse("reviews:assignment", args=[failed.pk])).content.decode()
    assert 'data-job-state="done"' in page and f'href="{reverse("reviews:dossier_pdf", args=[failed.pk])}"' in page
    assert 'class="d-none"' in page.split('id="dossier-retry"')[1].split(">")[0]
    data = client.get(reverse("reviews:dossier_status", args=[failed.pk])).json()
    assert data["state"] == "done" and data["download_url"] == reverse("reviews:dossier_pdf", args=[failed.pk])
