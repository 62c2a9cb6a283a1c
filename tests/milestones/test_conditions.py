"""Issue 16, "conditions that hold": a tranche paid after the contract is due only once the contract is recorded;
acceptance is requested only after the contract (and the mid-term check where the guide requires one), so no
tranche is stranded; early acceptance asks the unit to confirm and tells the officer."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from milestones.models import ProjectState
from milestones.services import acceptance_request, contract_record, midterm_record, report_submit
from notifications.models import Notification
from tests.milestones.conftest import YUEXIU, open_project, pdf, unit_member

pytestmark = pytest.mark.django_db


def request(project, **kw):
    return acceptance_request(actor=unit_member(project), project=project, final_report=pdf("final.pdf"),
                              final_accounts=pdf("accounts.pdf"), **kw)


def sign(officer, project):
    signed_on = min(project.starts_on + dt.timedelta(days=9), timezone.localdate())
    return contract_record(actor=officer, project=project, signed_on=signed_on, signed_file=pdf())


def early_project(officer):
    """A Nansha project (12 months, mid-term check required) begun last week: signed and checked, not ended."""
    project = open_project(officer, starts_on=timezone.localdate() - dt.timedelta(days=7))
    sign(officer, project)
    midterm_record(actor=officer, project=project, outcome="on_track", checked_on=timezone.localdate())
    return project



def test_contract_tranche_due_only_once_contract_recorded(officer):
    project = open_project(officer)  # Nansha: 50 % after the contract, 50 % after acceptance
    assert list(project.tranches.values_list("condition", "state")) == [
        ("on_contract", "planned"), ("on_acceptance", "planned")]
    sign(officer, project)
    assert list(project.tranches.values_list("state", flat=True)) == ["due", "planned"]


def test_acceptance_request_refused_before_contract(officer):
    project = open_project(officer, program=YUEXIU, code="1")
    with pytest.raises(ValidationError) as exc:
        request(project)
    assert exc.value.error_list[0].code == "no_contract"
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS and not project.acceptances.exists()


def test_acceptance_request_refused_without_midterm_where_guide_requires(officer):
    project = open_project(officer)  # Nansha requires a mid-term check
    sign(officer, project)
    with pytest.raises(ValidationError) as exc:
        request(project)
    assert exc.value.error_list[0].code == "no_midterm"
    midterm_record(actor=officer, project=project, outcome="rectify", checked_on=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        request(project)
    rectification = project.reports.get(kind="rectification")  # the unit reports the rectified figures
    report_submit(actor=unit_member(project), report=rectification, values={}, narrative="整改完成")
    midterm_record(actor=officer, project=project, outcome="on_track", checked_on=dt.date(2025, 4, 1))
    request(project)
    project.refresh_from_db()
    assert project.state == ProjectState.ACCEPTANCE_REQUESTED


def test_acceptance_request_wrong_role(officer, other_applicant):
    project = open_project(officer, program=YUEXIU, code="1")
    sign(officer, project)
    for actor in (officer, other_applicant):
        with pytest.raises(PermissionDenied):
            acceptance_request(actor=actor, project=project, final_report=pdf(), final_accounts=pdf())


def test_acceptance_request_early_needs_confirmation_and_tells_officer(officer):
    project = early_project(officer)
    assert project.ends_on > timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        request(project)
    assert "confirm_early" in exc.value.error_dict
    assert not project.acceptances.exists()
    request(project, confirm_early=True)
    event = AuditEvent.objects.get(action="request_acceptance", object_id=str(project.pk))
    assert event.data["early"] is True
    assert Notification.objects.filter(recipient=officer, kind="milestones.acceptance_requested_early").exists()


def test_acceptance_request_page_offers_early_confirmation(client, officer, other_applicant):
    project = early_project(officer)
    url = reverse("milestones:project", args=[project.pk])
    client.force_login(unit_member(project))
    assert 'name="confirm_early"' in client.get(url).content.decode()
    response = client.post(reverse("milestones:acceptance_request", args=[project.pk]),
                           {"final_report": pdf("f.pdf"), "final_accounts": pdf("a.pdf")}, follow=True)
    assert not project.acceptances.exists()
    assert str(project.ends_on) in response.content.decode()
    client.force_login(other_applicant)
    assert client.get(url).status_code == 404
    assert client.post(reverse("milestones:acceptance_request", args=[project.pk]),
                       {"final_report": pdf("f.pdf"), "final_accounts": pdf("a.pdf"),
                        "confirm_early": "on"}).status_code == 404
    assert not project.acceptances.exists()


