"""Builders for project tests: an approved application's open project, its unit member."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import Role
from milestones.services import project_open
from organisations.models import Membership
from programs.models import Track
from tests.factories import UserFactory
from tests.reviews.conftest import NANSHA, YUEXIU, passed_application, track_of

__all__ = ["NANSHA", "YUEXIU", "open_project", "pdf", "track_of"]


def pdf(name: str = "signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% signed\n%%EOF\n", content_type="application/pdf")


def open_project(officer, *, program: str = NANSHA, code: str = "1", award: str = "300000", organisation=None,
                 starts_on: dt.date = dt.date(2024, 9, 1)):
    track = track_of(program, code)
    if program == NANSHA and track.period_months is None:
        Track.objects.filter(pk=track.pk).update(period_months=12)  # 实施周期：1年
        track.refresh_from_db()
    with transaction.atomic():
        application = passed_application(track, organisation=organisation)
        application.status = "approved"
        application.save(update_fields=["status"])
        return project_open(actor=officer, application=application, award=Decimal(award),
                            starts_on=starts_on)


def recorded_acceptance(officer, project, *, outcome: str = "passed"):
    """The unit requests acceptance and the officer records its outcome; the conclusion is queued on commit."""
    from milestones.services import acceptance_record, acceptance_request

    ready_for_acceptance(project)
    acceptance_request(actor=unit_member(project), project=project, final_report=pdf("report.pdf"),
                       final_accounts=pdf("accounts.pdf"))
    return acceptance_record(actor=officer, project=project, outcome=outcome, mode="on_site",
                             inspected_on=dt.date(2025, 9, 1), expert_opinion="达到任务书要求")


def accept_final_report(officer, project):
    """The unit submits the final KPI report and the officer accepts it: a project closes only once it is."""
    from milestones.services import report_review, report_submit

    final = project.reports.get(kind="final")
    report_submit(actor=unit_member(project), report=final, values={}, narrative="结题报告")
    return report_review(actor=officer, report=final, accept=True)


def accept_rectification_report(officer, project):
    """The unit submits the rectification report a failed acceptance asked for and the officer accepts it:
    acceptance is requested again only once it is submitted, and the project closes only once it is accepted."""
    from milestones.models import ReportKind
    from milestones.services import report_review, report_submit

    report = project.reports.filter(kind=ReportKind.RECTIFICATION).latest("seq")
    report_submit(actor=unit_member(project), report=report, values={}, narrative="整改报告")
    return report_review(actor=officer, report=report, accept=True)


def unit_member(project):
    return Membership.objects.filter(organisation_id=project.application.organisation_id).first().user


@pytest.fixture
def nansha_project(officer):
    return open_project(officer)


@pytest.fixture
def unit(nansha_project):
    return unit_member(nansha_project)


@pytest.fixture
def outsider(db):
    return UserFactory(role=Role.APPLICANT, username="outsider_z")


def ready_for_acceptance(project):
    """What acceptance needs first (issue 16, conditions that hold): the contract recorded; where the guide or the
    office requires one, a mid-term check that found the project on track; and the rectification report the office
    asked for, submitted by the unit and accepted by the officer. Each recorded on the project's first day (by the
    project's officer, or a member of its unit) when missing."""
    from milestones.conditions import midterm_required_by
    from milestones.models import Project, ReportKind
    from milestones.services import contract_record, midterm_record, report_review, report_submit

    project = Project.objects.get(pk=project.pk)
    if project.contract_signed_on is None:
        contract_record(actor=project.officer, project=project, signed_on=project.starts_on, signed_file=pdf())
    latest = project.midterm_checks.order_by("-checked_on", "-pk").values_list("outcome", flat=True).first()
    if midterm_required_by(project) and latest != "on_track":
        midterm_record(actor=project.officer, project=project, outcome="on_track", checked_on=project.starts_on)
    for report in project.reports.filter(kind=ReportKind.RECTIFICATION).exclude(state="accepted"):
        if report.state != "submitted":
            report = report_submit(actor=unit_member(project), report=report, values={}, narrative="整改报告")
        report_review(actor=project.officer, report=report, accept=True)
    return project
