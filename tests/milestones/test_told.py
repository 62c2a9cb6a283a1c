"""Issue 18, "who was not told": the officer hears of each KPI report submitted; the unit hears of the mid-term
check and of the acceptance with the reasons, and no notice prints an empty field ("整改期限（如有）：。")."""

import datetime as dt

import pytest
from django.core import mail

from milestones.services import acceptance_record, acceptance_request, midterm_record, report_submit
from notifications.models import Notification
from notifications.services import render

from .conftest import open_project, pdf, ready_for_acceptance, recorded_acceptance, unit_member

pytestmark = pytest.mark.usefixtures("inline_tasks")


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def _no_empty_field(text: str) -> None:
    assert "：。" not in text and ": ." not in text and "（如有）" not in text and "if any" not in text


def test_report_submitted_tells_the_projects_officer(officer, django_capture_on_commit_callbacks):
    project = open_project(officer)
    report = project.reports.get(kind="midterm")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=unit_member(project), report=report, values={}, narrative="进展顺利")
    notice = Notification.objects.get(kind="milestones.report_submitted")
    assert notice.recipient == officer and notice.target == report
    [message] = _mail_to(officer)
    assert project.application.reference in message.subject and "中期报告" in message.subject
    assert project.application.organisation.name in message.body and report.due_on.isoformat() in message.body
    _no_empty_field(message.body)
    assert not Notification.objects.filter(kind="milestones.report_submitted", recipient=unit_member(project))


def test_midterm_on_track_tells_the_unit_without_an_empty_deadline(officer, django_capture_on_commit_callbacks):
    project = open_project(officer)
    member = unit_member(project)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        midterm_record(actor=officer, project=project, outcome="on_track", checked_on=dt.date(2025, 3, 1))
    notice = Notification.objects.get(kind="milestones.midterm_on_track")
    assert notice.recipient == member
    [message] = _mail_to(member)
    assert "进展正常" in message.body and "主管部门意见：无" in message.body and "2025-03-01" in message.body
    _no_empty_field(message.body)
    assert "The office's comments: none given" in render(notice, "en")[1]
    assert not Notification.objects.filter(kind="milestones.midterm_recorded").exists()


def test_midterm_rectify_tells_the_unit_the_deadline_and_the_comments(officer, django_capture_on_commit_callbacks):
    project = open_project(officer)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        midterm_record(actor=officer, project=project, outcome="rectify", checked_on=dt.date(2025, 3, 1),
                       comments="资金使用进度滞后", rectify_by=dt.date(2025, 5, 1))
    notice = Notification.objects.get(kind="milestones.midterm_rectify")
    assert notice.values["rectify_by"] == "2025-05-01"
    [message] = _mail_to(unit_member(project))
    assert "资金使用进度滞后" in message.body and "2025-05-01" in message.subject
    _no_empty_field(message.body)


def test_acceptance_passed_tells_the_unit_the_opinion_and_no_empty_deadline(officer,
                                                                              django_capture_on_commit_callbacks):
    project = open_project(officer)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        recorded_acceptance(officer, project)
    notice = Notification.objects.get(kind="milestones.acceptance_passed")
    assert notice.recipient == unit_member(project)
    [message] = [m for m in _mail_to(unit_member(project)) if "验收通过" in m.subject]
    assert "达到任务书要求" in message.body and "2025-09-01" in message.body
    _no_empty_field(message.body)
    assert not Notification.objects.filter(kind="milestones.acceptance_recorded").exists()


def test_acceptance_failed_tells_the_unit_the_reasons_and_the_deadline(officer, django_capture_on_commit_callbacks):
    project = open_project(officer)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        ready_for_acceptance(project)
        acceptance_request(actor=unit_member(project), project=project, final_report=pdf("report.pdf"),
                           final_accounts=pdf("accounts.pdf"))
        acceptance = acceptance_record(actor=officer, project=project, outcome="failed", mode="on_site",
                                       inspected_on=dt.date(2025, 9, 1), expert_opinion="专利转化指标未完成")
    notice = Notification.objects.get(kind="milestones.acceptance_failed")
    assert notice.values["opinion"] == "专利转化指标未完成"
    assert notice.values["rectify_by"] == acceptance.rectify_by.isoformat()
    [message] = [m for m in _mail_to(unit_member(project)) if "验收未通过" in m.subject]
    assert "专利转化指标未完成" in message.body and acceptance.rectify_by.isoformat() in message.body
    _no_empty_field(message.body)
    title, body = render(notice, "en")
    assert "The reasons, in the experts' opinion:\n专利转化指标未完成" in body


def test_second_failed_acceptance_tells_the_unit_the_project_is_terminated_and_why(officer):
    project = open_project(officer)
    recorded_acceptance(officer, project, outcome="failed")
    ready_for_acceptance(project)  # the rectification report, submitted and accepted
    acceptance_request(actor=unit_member(project), project=project, final_report=pdf("report.pdf"),
                       final_accounts=pdf("accounts.pdf"))
    acceptance_record(actor=officer, project=project, outcome="failed", mode="written",
                      inspected_on=dt.date(2025, 10, 1), expert_opinion="整改后仍未达到任务书要求")
    notice = Notification.objects.get(kind="milestones.acceptance_terminated")
    title, body = render(notice, "zh-hans")
    assert "项目终止" in title and "整改后仍未达到任务书要求" in body
    _no_empty_field(body)
