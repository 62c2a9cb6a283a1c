"""The approval notice (立项通知书) shows its status on the decision page and on the application's page (to its
applicant); a failed one shows the message and "try again" to officers and the applicant's members: audited,
made again on commit. Everyone else gets 404 from its status and retry URLs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from organisations.models import Membership
from reviews import decisions
from reviews.models import Award, Dossier
from tests.conftest import client_for

from .conftest import approved_award

pytestmark = pytest.mark.django_db
FAILED, PENDING, READY = Dossier.Status.FAILED, Dossier.Status.PENDING, Dossier.Status.READY


@pytest.fixture
def award(officer, applicant, pool_track, inline_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = approved_award(officer, pool_track)
    Membership.objects.create(organisation_id=made.application.organisation_id, user=applicant)
    made.refresh_from_db()
    assert made.notice_status == READY and made.notice_file
    return made


@pytest.fixture
def failed(award):
    Award.objects.filter(pk=award.pk).update(notice_status=FAILED)
    award.refresh_from_db()
    return award


@pytest.mark.parametrize("who", ["applicant", "officer"])
def test_award_retry_notice_makes_it_again(request, who, failed, django_capture_on_commit_callbacks):
    actor = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        award = decisions.award_retry_notice(actor=actor, award=failed)
    assert award.notice_status == PENDING and len(callbacks) == 1  # made after the commit
    callbacks[0]()
    failed.refresh_from_db()
    assert failed.notice_status == READY and failed.notice_file
    event = AuditEvent.objects.get(action="retry_notice")
    assert event.actor == actor and (event.from_state, event.to_state) == ("failed", "pending")


def test_award_retry_notice_wrong_state(award, officer):
    with pytest.raises(ValidationError) as caught:
        decisions.award_retry_notice(actor=officer, award=award)  # ready, not failed
    assert caught.value.code == "wrong_state" and not AuditEvent.objects.filter(action="retry_notice").exists()


@pytest.mark.parametrize("who", ["other_applicant", "reviewer"])
def test_award_retry_notice_wrong_role(request, who, failed):
    with pytest.raises(PermissionDenied):
        decisions.award_retry_notice(actor=request.getfixturevalue(who), award=failed)
    failed.refresh_from_db()
    assert failed.notice_status == FAILED and not AuditEvent.objects.filter(action="retry_notice").exists()


def _retry_hidden(page: str, pk: int) -> bool:
    return 'class="d-none"' in page.split(f'id="notice-{pk}-retry"')[1].split(">")[0]


def test_decision_page_shows_the_failed_notice_with_its_message_and_retry(client, failed, officer,
                                                                          django_capture_on_commit_callbacks):
    client_for(client, officer)
    decision = reverse("reviews:decision", args=[failed.round.track_id])
    page = client.get(decision).content.decode()
    box = page.split(f'id="notice-{failed.pk}-box"')[1]
    assert 'data-job-state="failed"' in page and not _retry_hidden(page, failed.pk)
    message = box.split(f'id="notice-{failed.pk}-message"')[1].split("</div>")[0]
    assert "d-none" not in message.split(">")[0] and message.split(">", 1)[1].strip()  # the message is shown
    status = client.get(reverse("reviews:notice_status", args=[failed.pk])).json()
    assert status["state"] == "failed" and status["message"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:notice_retry", args=[failed.pk]))
    assert response.status_code == 302 and response["Location"] == decision
    page = client.get(decision).content.decode()
    assert 'data-job-state="done"' in page and _retry_hidden(page, failed.pk)
    assert f'href="{reverse("reviews:notice_pdf", args=[failed.pk])}"' in page


def test_application_page_shows_the_notice_to_its_applicant(client, failed, applicant,
                                                            django_capture_on_commit_callbacks):
    client_for(client, applicant)
    detail = reverse("applications:detail", args=[failed.application_id])
    page = client.get(detail).content.decode()
    assert 'id="approval-notice"' in page and 'data-job-state="failed"' in page and not _retry_hidden(page, failed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:notice_retry", args=[failed.pk]))
    assert response.status_code == 302 and response["Location"] == detail
    data = client.get(reverse("reviews:notice_status", args=[failed.pk])).json()
    assert data["state"] == "done" and data["download_url"] == reverse("reviews:notice_pdf", args=[failed.pk])
    assert client.get(reverse("reviews:notice_pdf", args=[failed.pk])).status_code == 200


@pytest.mark.parametrize("who", ["other_applicant", "reviewer"])
def test_notice_status_and_retry_are_404_to_others(client, request, who, failed):
    client_for(client, request.getfixturevalue(who))
    assert client.get(reverse("reviews:notice_status", args=[failed.pk])).status_code == 404
    assert client.post(reverse("reviews:notice_retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.notice_status == FAILED


def test_notice_status_is_404_before_approval(client, officer, pool_track):
    from .conftest import passed_application

    application = passed_application(pool_track)
    proposed = Award.objects.create(round=_round(officer, pool_track), application=application, rank=1,
                                    proposed_amount="1000.00", amount="1000.00")
    client_for(client, officer)
    assert client.get(reverse("reviews:notice_status", args=[proposed.pk])).status_code == 404
    assert client.post(reverse("reviews:notice_retry", args=[proposed.pk])).status_code == 404


def _round(officer, track):
    from reviews import services

    return services.round_open(actor=officer, track=track, reviewers_per_application=1)
