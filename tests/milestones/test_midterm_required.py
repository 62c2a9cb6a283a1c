"""Issue 16, "conditions that hold": acceptance is requested only after the mid-term check where the guide *or the
officer* requires one. The office requires a check of a project whose guide states none (or lifts it), with a
reason, audited and told to the unit; both project pages say who requires it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from milestones.midterm import project_require_midterm
from milestones.models import Project, ProjectState
from milestones.services import acceptance_request, contract_record, midterm_record, report_submit
from notifications.models import Notification
from notifications.services import render
from tests.milestones.conftest import YUEXIU, open_project, pdf, unit_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def yuexiu_project(officer):
    """A Yuexiu project: its guide states no mid-term check."""
    project = open_project(officer, program=YUEXIU, code="1")
    assert not project.application.track.midterm_check
    return project


def require(officer, project, required=True, reason="进度报告显示资金使用滞后"):
    return project_require_midterm(actor=officer, project=project, required=required, reason=reason)


def request(project):
    return acceptance_request(actor=unit_member(project), project=project, final_report=pdf("final.pdf"),
                              final_accounts=pdf("accounts.pdf"))


def test_project_require_midterm_sets_the_flag_audits_the_reason_and_tells_the_unit(officer, yuexiu_project):
    require(officer, yuexiu_project)
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.midterm_required is True
    event = AuditEvent.objects.get(object_id=str(yuexiu_project.pk), action="require_midterm")
    assert (event.actor, event.reason, event.data) == (officer, "进度报告显示资金使用滞后", {"required": True})
    notice = Notification.objects.get(recipient=unit_member(yuexiu_project), kind="milestones.midterm_required")
    title, body = render(notice, "zh-hans")
    assert "主管部门要求" in title and "进度报告显示资金使用滞后" in body
    assert "on track" in render(notice, "en")[1]


def test_project_require_midterm_lifted_tells_the_unit_and_acceptance_no_longer_waits(officer, yuexiu_project):
    contract_record(actor=officer, project=yuexiu_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    require(officer, yuexiu_project)
    require(officer, yuexiu_project, required=False, reason="已现场核查")
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.midterm_required is False
    assert Notification.objects.filter(kind="milestones.midterm_not_required").count() == 1
    request(yuexiu_project)
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.state == ProjectState.ACCEPTANCE_REQUESTED


def test_project_require_midterm_refused_on_a_project_not_in_progress(officer, yuexiu_project):
    contract_record(actor=officer, project=yuexiu_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    request(yuexiu_project)  # acceptance requested: too late to ask for a mid-term check
    with pytest.raises(ValidationError) as refused:
        require(officer, yuexiu_project)
    assert refused.value.code == "wrong_state"
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.midterm_required is False
    assert not AuditEvent.objects.filter(action="require_midterm").exists()


def test_project_require_midterm_refused_for_the_unit_and_an_outsider(officer, yuexiu_project, outsider):
    for actor in (unit_member(yuexiu_project), outsider):
        with pytest.raises(PermissionDenied):
            require(actor, yuexiu_project)
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.midterm_required is False
    assert not Notification.objects.filter(kind="milestones.midterm_required").exists()


def test_project_require_midterm_refuses_no_reason_an_unchanged_value_and_a_guide_requirement(officer,
                                                                                            yuexiu_project):
    with pytest.raises(ValidationError) as no_reason:
        require(officer, yuexiu_project, reason="  ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as unchanged:
        require(officer, yuexiu_project, required=False)
    assert unchanged.value.code == "unchanged"
    nansha = open_project(officer)  # the guide requires a check: not the office's to lift
    with pytest.raises(ValidationError) as guide:
        require(officer, nansha, required=False)
    assert guide.value.code == "guide_requires"
    assert not Project.objects.filter(midterm_required=True).exists()
    assert not AuditEvent.objects.filter(action="require_midterm").exists()


def test_acceptance_request_refused_until_an_on_track_check_where_the_office_requires_one(officer,
                                                                                         yuexiu_project):
    contract_record(actor=officer, project=yuexiu_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    require(officer, yuexiu_project)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        request(yuexiu_project)
    assert refused.value.code == "no_midterm"
    assert "The program office requires" in refused.value.messages[0]  # the office's, not the guide's
    midterm_record(actor=officer, project=yuexiu_project, outcome="rectify", checked_on=dt.date(2025, 3, 1))
    rectification = yuexiu_project.reports.get(kind="rectification")
    report_submit(actor=unit_member(yuexiu_project), report=rectification, values={}, narrative="已整改")
    with pytest.raises(ValidationError) as still:  # a check that found rectification required is not enough
        request(yuexiu_project)
    assert still.value.code == "no_midterm"
    assert not yuexiu_project.acceptances.exists()
    midterm_record(actor=officer, project=yuexiu_project, outcome="on_track", checked_on=dt.date(2025, 5, 1))
    request(yuexiu_project)
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.state == ProjectState.ACCEPTANCE_REQUESTED


# --- the pages -----------------------------------------------------------------------------------------------------


def test_require_midterm_view_officer_requires_it_and_both_pages_say_so(client, officer, yuexiu_project):
    page_url = reverse("milestones:project", args=[yuexiu_project.pk])
    client.force_login(officer)
    page = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="require-midterm-form"' in page and "Require a mid-term check" in page
    assert 'id="midterm-requirement"' not in page
    response = client.post(reverse("milestones:require_midterm", args=[yuexiu_project.pk]),
                           {"required": "1", "reason": "资金使用滞后"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.midterm_required is True
    page = response.content.decode()
    assert 'data-required-by="office"' in page and "Required by the program office" in page
    assert "No longer require the mid-term check" in page  # the officer may lift it again
    client.force_login(unit_member(yuexiu_project))
    page = client.get(page_url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-required-by="office"' in page and "主管部门要求" in page
    assert "主管部门要求对本项目进行中期检查" in page  # no check recorded yet
    assert 'id="require-midterm-form"' not in page


def test_require_midterm_view_page_says_the_guide_requires_it_and_offers_no_button(client, officer):
    project = open_project(officer)  # Nansha: the guide requires a mid-term check
    client.force_login(officer)
    page = client.get(reverse("milestones:project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert 'data-required-by="guide"' in body and "申报指南要求" in body
    assert 'id="require-midterm-form"' not in body


def test_require_midterm_view_answers_404_to_the_unit_and_an_outsider(client, officer, yuexiu_project, outsider):
    url = reverse("milestones:require_midterm", args=[yuexiu_project.pk])
    for user in (unit_member(yuexiu_project), outsider):
        client.force_login(user)
        assert client.post(url, {"required": "1", "reason": "x"}).status_code == 404
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.midterm_required is False
    assert not AuditEvent.objects.filter(action="require_midterm").exists()


def test_require_midterm_view_without_a_reason_names_the_field_and_changes_nothing(client, officer,
                                                                                  yuexiu_project):
    client.force_login(officer)
    response = client.post(reverse("milestones:require_midterm", args=[yuexiu_project.pk]),
                           {"required": "1", "reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Reason" in response.content.decode()
    yuexiu_project.refresh_from_db()
    assert yuexiu_project.midterm_required is False
