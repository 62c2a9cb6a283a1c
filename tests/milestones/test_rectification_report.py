"""Issue 16, "rectification as people mean it": after a failed acceptance or a mid-term check that found
rectification required the unit owes a rectification report (KPI values, narrative, evidence) due on the
rectification deadline; acceptance is requested again only once it is submitted; once accepted its values replace
the final report's figures on the completion report, the dashboard and the project page; a project closes only
once its final report and its rectification report are accepted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from milestones.models import Project, ProjectState, ReportKind, ReportState
from milestones.selectors import completion_by_program, program_completion_page
from milestones.services import (
    acceptance_record,
    acceptance_request,
    contract_record,
    midterm_record,
    report_review,
    report_submit,
)
from milestones.unit_rows import unit_project_rows, with_next_step_figures
from tests.factories import pay_tranche
from tests.milestones.conftest import ready_for_acceptance

from .conftest import pdf

pytestmark = pytest.mark.django_db

FAILED_ON = dt.date(2025, 9, 15)
DEADLINE = dt.date(2025, 12, 15)  # three months after the failed inspection


def on_day(monkeypatch, day):
    monkeypatch.setattr("milestones.services.today", lambda: day)
    monkeypatch.setattr("programs.selectors.today", lambda: day)


def ask(project, unit):
    """The unit requests acceptance as it stands (nothing done for it first)."""
    return acceptance_request(actor=unit, project=project, final_report=pdf("final.pdf"),
                              final_accounts=pdf("accounts.pdf"))


def record(project, officer, outcome, on=FAILED_ON):
    return acceptance_record(actor=officer, project=project, outcome=outcome, mode="on_site", inspected_on=on,
                             expert_opinion="专家组意见")


def targets(project, factor=Decimal("1")):
    """Each quantitative KPI's value: its target times ``factor`` (0: nothing reached)."""
    return {k.pk: k.target * factor for k in project.application.track.kpis.all() if k.target is not None}


def unit_rows(project):
    """The project as the unit's dashboard reads it, with its next step."""
    return unit_project_rows(with_next_step_figures(Project.objects.filter(pk=project.pk)))


def rectification_of(project):
    return project.reports.get(kind=ReportKind.RECTIFICATION)


@pytest.fixture
def failed_once(nansha_project, officer, unit):
    ready_for_acceptance(nansha_project)
    ask(nansha_project, unit)
    record(nansha_project, officer, "failed")
    nansha_project.refresh_from_db()
    assert (nansha_project.state, nansha_project.rectify_by) == (ProjectState.RECTIFYING, DEADLINE)
    return nansha_project


# --- scheduled when rectification is asked for ------------------------------------------------------------------


def test_acceptance_record_failure_schedules_the_rectification_report_due_on_the_deadline(failed_once, officer,
                                                                                         unit, monkeypatch):
    report = rectification_of(failed_once)
    assert (report.seq, report.due_on, report.state) == (3, DEADLINE, ReportState.SCHEDULED)
    event = AuditEvent.objects.get(action="schedule_rectification", object_id=str(report.pk))
    assert (event.actor, event.data) == (officer, {"due_on": "2025-12-15", "after": "acceptance"})
    with translation.override("zh-hans"):
        assert report.get_kind_display() == "整改报告"
    on_day(monkeypatch, dt.date(2025, 10, 1))
    report_submit(actor=unit, report=report, values=targets(failed_once), narrative="整改完成")
    ask(failed_once, unit)
    record(failed_once, officer, "failed", on=dt.date(2025, 10, 20))  # a second failure terminates: nothing owed
    failed_once.refresh_from_db()
    assert failed_once.state == ProjectState.TERMINATED
    assert failed_once.reports.filter(kind=ReportKind.RECTIFICATION).count() == 1


def test_midterm_record_rectify_schedules_the_rectification_report_and_a_second_moves_it(nansha_project, officer):
    midterm_record(actor=officer, project=nansha_project, outcome="rectify", checked_on=dt.date(2025, 3, 1))
    report = rectification_of(nansha_project)
    assert (report.due_on, report.state) == (dt.date(2025, 6, 1), ReportState.SCHEDULED)
    assert AuditEvent.objects.get(action="schedule_rectification").data["after"] == "midterm"
    midterm_record(actor=officer, project=nansha_project, outcome="rectify", checked_on=dt.date(2025, 4, 1),
                   rectify_by=dt.date(2025, 5, 15))
    report.refresh_from_db()
    assert nansha_project.reports.filter(kind=ReportKind.RECTIFICATION).count() == 1  # moved, not doubled
    assert report.due_on == dt.date(2025, 5, 15)
    moved = AuditEvent.objects.get(action="move_due_date", object_id=str(report.pk))
    assert moved.data == {"due_on": "2025-05-15", "was": "2025-06-01", "after": "midterm"}
    midterm_record(actor=officer, project=nansha_project, outcome="on_track", checked_on=dt.date(2025, 5, 1))
    assert nansha_project.reports.filter(kind=ReportKind.RECTIFICATION).count() == 1


# --- the re-request waits for the rectification report ----------------------------------------------------------


def test_acceptance_request_after_a_failure_refused_until_the_rectification_report_is_submitted(failed_once, officer,
                                                                                               unit, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 10, 1))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ask(failed_once, unit)
    assert refused.value.code == "no_rectification_report"
    assert "Submit the rectification report first (due 2025-12-15)" in refused.value.messages[0]
    report = rectification_of(failed_once)
    report_submit(actor=unit, report=report, values=targets(failed_once), narrative="整改完成")
    report_review(actor=officer, report=report, accept=False, comments="请补充佐证材料")
    with pytest.raises(ValidationError) as returned:  # returned for revision: it is owed again
        ask(failed_once, unit)
    assert returned.value.code == "no_rectification_report"
    failed_once.refresh_from_db()
    assert failed_once.state == ProjectState.RECTIFYING and failed_once.acceptances.count() == 1
    report_submit(actor=unit, report=report, values=targets(failed_once), narrative="已补充佐证材料")
    second = ask(failed_once, unit)  # submitted is enough: the office reviews it before recording a pass
    failed_once.refresh_from_db()
    assert second.seq == 2 and failed_once.state == ProjectState.ACCEPTANCE_REQUESTED


def test_acceptance_record_pass_refused_while_the_rectification_report_waits_for_review(failed_once, officer, unit,
                                                                                       monkeypatch):
    on_day(monkeypatch, dt.date(2025, 10, 1))
    report = rectification_of(failed_once)
    report_submit(actor=unit, report=report, values=targets(failed_once), narrative="整改完成")
    ask(failed_once, unit)
    with pytest.raises(ValidationError) as refused:
        record(failed_once, officer, "passed", on=dt.date(2025, 10, 10))
    assert refused.value.code == "rectification_report_unreviewed"
    failed_once.refresh_from_db()
    assert failed_once.state == ProjectState.ACCEPTANCE_REQUESTED
    report_review(actor=officer, report=report, accept=True)
    record(failed_once, officer, "passed", on=dt.date(2025, 10, 10))
    failed_once.refresh_from_db()
    assert failed_once.state == ProjectState.ACCEPTED


def test_project_next_action_during_rectification_is_the_rectification_report(failed_once, officer, unit,
                                                                              monkeypatch):
    on_day(monkeypatch, dt.date(2025, 10, 1))
    report = rectification_of(failed_once)
    with translation.override("en"):
        [(_project, action)] = unit_rows(failed_once)
    assert (action.code, action.report, action.deadline) == ("submit_report", report, DEADLINE)
    assert "rectification report" in action.label and "2025-12-15" in action.label
    report_submit(actor=unit, report=report, values=targets(failed_once), narrative="整改完成")
    report_review(actor=officer, report=report, accept=False, comments="请补充")
    [(_project, action)] = unit_rows(failed_once)
    assert (action.code, action.report) == ("revise_report", report)
    report_submit(actor=unit, report=report, values=targets(failed_once), narrative="已补充")
    [(_project, action)] = unit_rows(failed_once)
    assert (action.code, action.deadline) == ("request_acceptance", DEADLINE)


def test_report_page_unit_submits_the_rectification_report_with_values_and_evidence(client, failed_once, officer,
                                                                                    unit):
    report = rectification_of(failed_once)
    url = reverse("milestones:report", args=[failed_once.pk, report.pk])
    client.force_login(unit)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="report-form"' in page and "整改报告" in page
    values = targets(failed_once)
    data = {f"kpi_{pk}": str(v) for pk, v in values.items()} | {
        "narrative": "整改后全部达标", "evidence": SimpleUploadedFile("整改佐证.pdf", b"%PDF-1.4\n%%EOF\n",
                                                                "application/pdf")}
    client.post(url, data)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.narrative == "整改后全部达标"
    assert dict(report.values.values_list("kpi_id", "value")) == values
    assert list(report.evidence.values_list("original_name", flat=True)) == ["整改佐证.pdf"]
    client.force_login(officer)
    assert 'id="report-review-form"' in client.get(url).content.decode()


# --- the rectified figures replace the final report's -------------------------------------------------------------


def final_accepted_short_of_targets(project, officer, unit):
    """The final report, accepted with nothing reached; then the failed acceptance."""
    final = project.reports.get(kind=ReportKind.FINAL)
    report_submit(actor=unit, report=final, values=targets(project, Decimal("0")), narrative="未达标")
    report_review(actor=officer, report=final, accept=True)
    ready_for_acceptance(project)
    ask(project, unit)
    record(project, officer, "failed")
    return final


def test_program_completion_page_follows_the_accepted_rectification_report(client, nansha_project, officer, unit,
                                                                          monkeypatch):
    final = final_accepted_short_of_targets(nansha_project, officer, unit)
    only = Project.objects.filter(pk=nansha_project.pk).select_related("application")
    (row,) = program_completion_page(None, only)
    assert row.report == final and row.result.overall == Decimal("0.0")
    report = rectification_of(nansha_project)
    report_submit(actor=unit, report=report, values=targets(nansha_project), narrative="整改后全部达标")
    (row,) = program_completion_page(None, only)
    assert row.report == final  # submitted, not yet accepted: the accepted figures stand
    report_review(actor=officer, report=report, accept=True)
    (row,) = program_completion_page(None, only)
    assert row.report == report and row.result.overall == Decimal("100.0")
    (program_row,) = completion_by_program()
    assert program_row.average == Decimal("100.0")
    client.force_login(officer)
    program = nansha_project.application.track.program
    page = client.get(reverse("milestones:completion", args=[program.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert f'data-project="{nansha_project.pk}" data-overall="100.0"' in body and "Rectification report" in body


def test_project_page_shows_the_rectified_figures(client, nansha_project, officer, unit):
    final_accepted_short_of_targets(nansha_project, officer, unit)
    url = reverse("milestones:project", args=[nansha_project.pk])
    client.force_login(unit)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="project-figures" data-report-kind="final" data-overall="0.0"' in page
    report = rectification_of(nansha_project)
    report_submit(actor=unit, report=report, values=targets(nansha_project), narrative="整改后全部达标")
    report_review(actor=officer, report=report, accept=True)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="project-figures" data-report-kind="rectification" data-overall="100.0"' in page
    assert "整改报告" in page and "以最近审核通过的报告为准" in page


def test_program_completion_page_follows_the_report_accepted_last(nansha_project, officer, unit):
    """A mid-term rectification report accepted before the final report does not shadow it: the figures follow
    the report the office accepted last, not the one scheduled last."""
    midterm_record(actor=officer, project=nansha_project, outcome="rectify", checked_on=dt.date(2025, 3, 1))
    report = rectification_of(nansha_project)
    report_submit(actor=unit, report=report, values=targets(nansha_project, Decimal("0")), narrative="整改中")
    report_review(actor=officer, report=report, accept=True)
    final = nansha_project.reports.get(kind=ReportKind.FINAL)
    report_submit(actor=unit, report=final, values=targets(nansha_project), narrative="结题")
    report_review(actor=officer, report=final, accept=True)
    (row,) = program_completion_page(None, Project.objects.filter(pk=nansha_project.pk)
                                     .select_related("application"))
    assert row.report == final and row.result.overall == Decimal("100.0")
    assert report.seq > final.seq


# --- closing waits for it -------------------------------------------------------------------------------------------


def test_project_closes_only_once_the_rectification_report_is_accepted(nansha_project, officer, unit, monkeypatch):
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    pay_tranche(actor=officer, tranche=nansha_project.tranches.get(seq=1), payment_reference="P1")
    final_accepted_short_of_targets(nansha_project, officer, unit)
    on_day(monkeypatch, dt.date(2025, 10, 1))
    report = rectification_of(nansha_project)
    report_submit(actor=unit, report=report, values=targets(nansha_project), narrative="整改完成")
    ask(nansha_project, unit)
    report_review(actor=officer, report=report, accept=False, comments="佐证不足")  # returned: the pass may go on
    record(nansha_project, officer, "passed", on=dt.date(2025, 10, 10))
    pay_tranche(actor=officer, tranche=nansha_project.tranches.get(seq=2), payment_reference="P2")
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTED  # paid and passed; the rectification report is not in
    [(_project, action)] = unit_rows(nansha_project)
    assert (action.code, action.report) == ("revise_report", report)
    report_submit(actor=unit, report=report, values=targets(nansha_project), narrative="已补充佐证")
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTED
    report_review(actor=officer, report=report, accept=True)
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.CLOSED
    close = AuditEvent.objects.get(object_id=str(nansha_project.pk), action="close")
    assert close.actor == officer


def test_project_page_says_closing_waits_for_the_rectification_report(client, nansha_project, officer, unit,
                                                                      monkeypatch):
    final_accepted_short_of_targets(nansha_project, officer, unit)
    on_day(monkeypatch, dt.date(2025, 10, 1))
    report = rectification_of(nansha_project)
    report_submit(actor=unit, report=report, values=targets(nansha_project), narrative="整改完成")
    ask(nansha_project, unit)
    report_review(actor=officer, report=report, accept=False, comments="佐证不足")
    record(nansha_project, officer, "passed", on=dt.date(2025, 10, 10))
    client.force_login(unit)
    page = client.get(reverse("milestones:project", args=[nansha_project.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert 'id="closing-note"' in body and "Its rectification report must be accepted too." in body
