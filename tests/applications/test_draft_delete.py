"""A never-submitted draft is deleted (删除草稿), not withdrawn; once submitted, an application is withdrawn."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications import services
from applications.models import TRANSITIONS, Application, Status
from audit.models import AuditEvent

from .conftest import valid_submission

pytestmark = pytest.mark.django_db


def test_transitions_delete_a_draft_and_withdraw_only_what_was_submitted():
    assert TRANSITIONS["delete"].sources == {Status.DRAFT}
    assert Status.DRAFT not in TRANSITIONS["withdraw"].sources


def test_application_delete_draft_removes_it_its_files_and_records_it(applicant, ready_draft,
                                                                     django_capture_on_commit_callbacks):
    upload = ready_draft.uploads.get()
    storage, name = upload.file.storage, upload.file.name
    pk, reference = ready_draft.pk, ready_draft.reference
    with django_capture_on_commit_callbacks(execute=True):
        services.application_delete_draft(actor=applicant, application=ready_draft)
    assert not Application.objects.filter(pk=pk).exists()
    assert not storage.exists(name)
    event = AuditEvent.objects.get(action="delete", object_id=str(pk))
    assert event.actor == applicant and event.from_state == Status.DRAFT and event.data["reference"] == reference


def test_application_delete_draft_refused_once_submitted(applicant, officer, submitted):
    with pytest.raises(ValidationError):
        services.application_delete_draft(actor=applicant, application=submitted)
    returned = services.application_return(actor=officer, application=submitted, reason="请补充材料")
    with pytest.raises(ValidationError):
        services.application_delete_draft(actor=applicant, application=returned)
    assert Application.objects.get(pk=submitted.pk).status == Status.RETURNED
    services.application_withdraw(actor=applicant, application=returned)
    assert Application.objects.get(pk=submitted.pk).status == Status.WITHDRAWN


def test_application_withdraw_refuses_a_never_submitted_draft(applicant, draft):
    with pytest.raises(ValidationError):
        services.application_withdraw(actor=applicant, application=draft)
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT


def test_application_delete_draft_only_by_its_applicant(officer, other_applicant, draft):
    for actor in (officer, other_applicant):
        with pytest.raises(PermissionDenied):
            services.application_delete_draft(actor=actor, application=draft)
    assert Application.objects.filter(pk=draft.pk).exists()


def test_detail_page_offers_delete_for_a_draft_and_withdraw_once_submitted(client, applicant, ready_draft, nansha,
                                                                          django_capture_on_commit_callbacks):
    draft = ready_draft
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert reverse("applications:delete", args=[draft.pk]) in page and "删除草稿" in page and "data-confirm" in page
    assert reverse("applications:withdraw", args=[draft.pk]) not in page
    with django_capture_on_commit_callbacks(execute=False):
        submitted = services.application_submit(actor=applicant, application=draft, data=valid_submission(nansha))
    page = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert reverse("applications:withdraw", args=[submitted.pk]) in page
    assert reverse("applications:delete", args=[submitted.pk]) not in page


@pytest.mark.parametrize("role", ["other_applicant", "officer", "reviewer"])
def test_delete_draft_page_404_for_others(client, request, draft, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse("applications:delete", args=[draft.pk])).status_code == 404
    assert Application.objects.filter(pk=draft.pk).exists()


def test_delete_draft_through_the_page(client, applicant, draft):
    client.force_login(applicant)
    assert client.get(reverse("applications:delete", args=[draft.pk])).status_code == 405  # POST only
    response = client.post(reverse("applications:delete", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:mine")
    assert draft.reference in response.content.decode()  # the message names what was deleted
    assert not Application.objects.filter(pk=draft.pk).exists()
