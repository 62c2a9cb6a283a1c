"""Rectification as people mean it (issue 16): the re-request of acceptance any time up to the rectification
deadline, completion from the latest accepted report, "at most" KPIs, closure only once the final report is accepted,
and the reminder of an overdue KPI report."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditEvent
from milestones.completion import completion
from milestones.models import Project, ProjectState, TrancheState
from milestones.selectors import program_completion_page, project_next_action, projects_waiting, reports_waiting
from milestones.services import (
    acceptance_record,
    acceptance_request,
    contract_record,
    report_review,
    report_submit,
)
from notifications.models import Notification
from notifications.services import reminder_sweep, render
from programs.models import Comparator
from tests.factories import pay_tranche
from tests.milestones.conftest import ready_for_acceptance

from .conftest import pdf

pytestmark = pytest.mark.django_db

FAILED_ON = dt.date(2025, 9, 15)

DEADLINE = dt.date(2025, 12, 15)  # three months after the failed inspection


def request(project, user):
    ready_for_acceptance(project)
    return acceptance_request(actor=user, project=project, final_report=pdf("final.pdf"),
                              final_accounts=pdf("accounts.pdf"))


def record(project, officer, outcome, on=FAILED_ON):
    return acceptance_record(actor=officer, project=project, outcome=outcome, mode="on_site", inspected_on=on,
                             expert_opinion="专家组意见")


def on_day(monkeypatch, day):
    monkeypatch.setattr("milestones.services.today", lambda: day)
    monkeypatch.setattr("programs.selectors.today", lambda: day)


@pytest.fixture
def failed_once(nansha_project, officer, unit):
    request(nansha_project, unit)
    record(nansha_project, officer, "failed")
    nansha_project.refresh_from_db()
    assert (nansha_project.state, nansha_project.rectify_by) == (ProjectState.RECTIFYING, DEADLINE)
    return nansha_project


# --- the re-request during rectification ----------------------------------------------------------------------


def test_acceptance_request_allowed_from_the_day_after_the_failure_until_the_deadline(failed_once, unit,
                                                                                      monkeypatch):
    on_day(monkeypatch, FAILED_ON)
    with pytest.raises(ValidationError) as same_day:
        request(failed_once, unit)
    assert same_day.value.code == "rectifying" and "2025-09-16" in same_day.value.messages[0]
    on_day(monkeypatch, FAILED_ON + dt.timedelta(days=1))  # fixed early: no need to wait for the deadline
    second = request(failed_once, unit)
    failed_once.refresh_from_db()
    assert second.seq == 2 and failed_once.state == ProjectState.ACCEPTANCE_REQUESTED
    event = AuditEvent.objects.filter(object_id=str(failed_once.pk), action="request_acceptance").last()
    assert event.data["late"] is False


def test_acceptance_request_on_the_deadline_day_is_in_time(failed_once, unit, monkeypatch):
    on_day(monkeypatch, DEADLINE)
    request(failed_once, unit)
    event = AuditEvent.objects.filter(object_id=str(failed_once.pk), action="request_acceptance").last()
    assert event.data["late"] is False


def test_acceptance_request_after_the_deadline_is_late_and_the_officer_is_told(failed_once, unit, officer,
                                                                               monkeypatch):
    on_day(monkeypatch, DEADLINE + dt.timedelta(days=1))
    request(failed_once, unit)
    event = AuditEvent.objects.filter(object_id=str(failed_once.pk), action="request_acceptance").last()
    assert event.data["late"] is True and event.data["rectify_by"] == "2025-12-15"
    notice = Notification.objects.filter(kind="milestones.acceptance_requested_late", recipient=officer).get()
    assert "2025-12-15" in render(notice, "en")[1] and "terminates" in render(notice, "en")[1]


def test_project_next_action_during_rectification_is_request_again_by_the_deadline(failed_once, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 10, 1))
    action = project_next_action(failed_once, [], [], None)
    assert (action.code, action.deadline, action.overdue) == ("request_acceptance", DEADLINE, False)
    assert "2025-12-15" in action.label
    on_day(monkeypatch, dt.date(2025, 12, 16))
    with translation.override("en"):
        late = project_next_action(failed_once, [], [], None)
    assert (late.code, late.deadline, late.overdue) == ("request_acceptance", DEADLINE, True)
    assert "2025-12-15 has passed" in late.label and "terminates" in late.label


def test_rectification_due_notice_says_request_again_by_the_deadline(failed_once, unit):
    reminder_sweep(today=DEADLINE - dt.timedelta(days=14))
    notice = Notification.objects.filter(kind="milestones.rectification_due", recipient=unit).get()
    body = render(notice, "en")[1]
    assert "from that day" not in body and "by 2025-12-15" in body
    assert "自该日起" not in render(notice, "zh-hans")[1]


# --- completion -------------------------------------------------------------------------------------------------


def kpi(pk, comparator, target):
    return SimpleNamespace(pk=pk, seq=pk, metric=f"m{pk}", unit="", qualitative=False, group_id=None,
                           target=Decimal(target), comparator=comparator)


def test_completion_at_most_kpi_met_counts_100_percent():
    kpis = [kpi(1, Comparator.LTE, "10"), kpi(2, Comparator.LTE, "10")]
    result = completion(kpis, {"1": ["8", ""]}, {1: Decimal("4"), 2: Decimal("20")}, {})
    met, missed = result.lines
    assert (met.of_commitment, met.commitment_met, met.target_met) == (Decimal("100.0"), True, True)
    assert (missed.of_commitment, missed.commitment_met) == (Decimal("50.0"), False)  # 20 where at most 10
    assert (result.satisfied, result.requirements, result.overall) == (1, 2, Decimal("50.0"))


def test_program_completion_page_follows_the_latest_accepted_report(nansha_project, officer, unit):
    midterm, final = nansha_project.reports.order_by("seq")
    values = {k.pk: k.target for k in nansha_project.application.track.kpis.all() if k.target is not None}
    report_submit(actor=unit, report=midterm, values=values, narrative="整改后达标")
    report_review(actor=officer, report=midterm, accept=True)
    report_submit(actor=unit, report=final, values={pk: Decimal("0") for pk in values}, narrative="未达标")
    (row,) = program_completion_page(None, Project.objects.filter(pk=nansha_project.pk)
                                     .select_related("application"))
    assert row.report == midterm and row.result.overall == Decimal("100.0")
    report_review(actor=officer, report=final, accept=False, comments="请补充")
    report_submit(actor=unit, report=final, values=values, narrative="整改后达标")
    report_review(actor=officer, report=final, accept=True)
    (row,) = program_completion_page(None, Project.objects.filter(pk=nansha_project.pk)
                                     .select_related("application"))
    assert row.report == final


# --- closure only once the final report is accepted -------------------------------------------------------------


def paid_first_tranche(project, officer):
    contract_record(actor=officer, project=project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    pay_tranche(actor=officer, tranche=project.tranches.get(seq=1), payment_reference="P1")


def test_acceptance_record_pass_refused_while_the_final_report_waits_for_review(nansha_project, officer, unit):
    final = nansha_project.reports.get(kind="final")
    report_submit(actor=unit, report=final, values={}, narrative="结题")
    request(nansha_project, unit)
    with pytest.raises(ValidationError) as refused:
        record(nansha_project, officer, "passed")
    assert refused.value.code == "final_report_unreviewed"
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTANCE_REQUESTED
    report_review(actor=officer, report=final, accept=True)
    record(nansha_project, officer, "passed")
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTED


def test_project_closes_only_once_its_final_report_is_accepted(nansha_project, officer, unit):
    paid_first_tranche(nansha_project, officer)
    request(nansha_project, unit)
    record(nansha_project, officer, "passed")
    pay_tranche(actor=officer, tranche=nansha_project.tranches.get(seq=2), payment_reference="P2")
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTED  # every tranche paid, the final report not yet in
    assert not nansha_project.tranches.exclude(state=TrancheState.RELEASED).exists()
    action = project_next_action(nansha_project, list(nansha_project.reports.order_by("due_on")), [], None)
    assert action.code == "submit_report" and action.report.kind == "final"
    final = nansha_project.reports.get(kind="final")
    report_submit(actor=unit, report=final, values={}, narrative="结题")
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTED
    report_review(actor=officer, report=final, accept=True)
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.CLOSED and nansha_project.closed_on is not None
    close = AuditEvent.objects.get(object_id=str(nansha_project.pk), action="close")
    assert close.actor == officer and close.from_state == ProjectState.ACCEPTED


def test_reports_waiting_leave_out_closed_projects(nansha_project, unit):
    report_submit(actor=unit, report=nansha_project.reports.get(kind="final"), values={}, narrative="结题")
    assert reports_waiting().count() == 1
    Project.objects.filter(pk=nansha_project.pk).update(state=ProjectState.CLOSED)  # closed before the rule
    assert reports_waiting().count() == 0
    assert not projects_waiting(Project.objects.all(), "reports").exists()


# --- an overdue KPI report ----------------------------------------------------------------------------------------


def test_report_overdue_reminded_once_per_report_and_due_date(nansha_project, unit, officer):
    midterm = nansha_project.reports.get(kind="midterm")  # due 2025-02-28
    reminder_sweep(today=dt.date(2025, 2, 28))
    assert not Notification.objects.filter(kind="milestones.report_overdue").exists()
    reminder_sweep(today=dt.date(2025, 3, 1))
    reminder_sweep(today=dt.date(2025, 3, 8))
    overdue = Notification.objects.filter(kind="milestones.report_overdue", recipient=unit)
    assert overdue.count() == 1 and overdue.get().values["date"] == "2025-02-28"
    assert "2025-02-28" in render(overdue.get(), "zh-hans")[0]
    report_submit(actor=unit, report=midterm, values={}, narrative="迟交")
    report_review(actor=officer, report=midterm, accept=False, comments="请补充证据")
    reminder_sweep(today=dt.date(2025, 3, 10))  # returned after its date: the same due date, not again
    assert overdue.count() == 1
    assert not Notification.objects.filter(kind="milestones.report_overdue", recipient=officer).exists()


def test_report_overdue_skips_submitted_reports_and_ended_projects(nansha_project, unit):
    report_submit(actor=unit, report=nansha_project.reports.get(kind="midterm"), values={}, narrative="按期")
    Project.objects.filter(pk=nansha_project.pk).update(state=ProjectState.TERMINATED)
    reminder_sweep(today=dt.date(2025, 9, 10))  # the final report is overdue, but the project has ended
    assert not Notification.objects.filter(kind="milestones.report_overdue").exists()


# --- the project page says it -----------------------------------------------------------------------------------


def test_project_page_says_until_when_to_request_again_and_what_closing_waits_for(client, failed_once, unit,
                                                                                 officer, monkeypatch):
    from django.urls import reverse

    url = reverse("milestones:project", args=[failed_once.pk])
    client.force_login(unit)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="rectify-note"' in page and "up to this date (inclusive)" in page
    assert 'id="closing-note"' not in page
    on_day(monkeypatch, DEADLINE)
    request(failed_once, unit)
    record(failed_once, officer, "passed", on=DEADLINE)
    client.force_login(officer)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="closing-note"' in page and "once its final report is accepted" in page
