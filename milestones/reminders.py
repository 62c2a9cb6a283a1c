"""Deadlines of projects that the daily sweep reminds of (registered in MilestonesConfig.ready()): KPI reports
falling due, and once when one is overdue; the acceptance request due when a project ends; the end of a
rectification period (after a mid-term check or a failed acceptance); and, to the officer, a due tranche not yet
released."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Exists, F, OuterRef, Q

from notifications.recipients import in_charge_each
from notifications.registry import Reminder, lead_step
from notifications.services import choice_label
from organisations.selectors import active_members

from .models import (
    UNPAID_DUE_STATES,
    Acceptance,
    AcceptanceOutcomeChoice,
    KpiReport,
    MidtermCheck,
    MidtermOutcome,
    Project,
    ProjectState,
    ProjectTranche,
    ReportState,
)
from .notices import (
    ACCEPTANCE_DUE,
    ACCEPTANCE_OVERDUE,
    RECTIFICATION_DUE,
    RECTIFICATION_OVERDUE,
    REPORT_DUE,
    REPORT_OVERDUE,
    TRANCHE_UNRELEASED,
    project_figures,
)

REPORT_STEPS = (14, 7, 1)
ACCEPTANCE_STEPS = (14, 3)  # before the project's end, and before a rectification deadline
OVERDUE = -1  # the step of the one overdue reminder
TRANCHE_WEEK = 7  # a due tranche not released: the officer is reminded once a week after it fell due
FINISHED = (ProjectState.CLOSED, ProjectState.TERMINATED)


def due(today: dt.date) -> Iterator[Reminder]:
    """Every member of the unit, 14, 7 and 1 days before a report not yet submitted (or returned) is due. Two
    queries whatever the number of projects."""
    horizon = today + dt.timedelta(days=max(REPORT_STEPS))
    reports = list(
        KpiReport.objects.filter(state__in=[ReportState.SCHEDULED, ReportState.RETURNED],
                                 due_on__range=(today, horizon))
        .exclude(project__state__in=FINISHED)
        .select_related("project__application").order_by("pk"))
    members = active_members(r.project.application.organisation_id for r in reports)
    for report in reports:
        step = lead_step((report.due_on - today).days, REPORT_STEPS)
        if step is None:
            continue
        application = report.project.application
        for user in members[application.organisation_id]:
            yield Reminder(recipient=user, kind=REPORT_DUE.code, target=report.project, due_date=report.due_on,
                           lead_days=step, values={"reference": application.reference,
                                                   "report": choice_label(report, "kind"), "date": report.due_on})


def report_overdue(today: dt.date) -> Iterator[Reminder]:
    """Every member of the unit, once per report and due date, when a report not yet submitted (or returned) is
    past its due date while the project has not ended. Two queries whatever the number of projects."""
    reports = list(
        KpiReport.objects.filter(state__in=[ReportState.SCHEDULED, ReportState.RETURNED], due_on__lt=today)
        .exclude(project__state__in=FINISHED)
        .select_related("project__application").order_by("pk"))
    members = active_members(r.project.application.organisation_id for r in reports)
    for report in reports:
        application = report.project.application
        for user in members[application.organisation_id]:
            yield Reminder(recipient=user, kind=REPORT_OVERDUE.code, target=report, due_date=report.due_on,
                           lead_days=OVERDUE, values={"reference": application.reference,
                                                      "report": choice_label(report, "kind"), "date": report.due_on})


def _deadline(today: dt.date, deadline: dt.date, due_kind: str, overdue_kind: str) -> tuple[str, int] | None:
    """The kind and step of a reminder of ``deadline``: 14 and 3 days before, once when it has passed."""
    days_left = (deadline - today).days
    if days_left < 0:
        return overdue_kind, OVERDUE
    step = lead_step(days_left, ACCEPTANCE_STEPS)
    return (due_kind, step) if step is not None else None


def acceptance_due(today: dt.date) -> Iterator[Reminder]:
    """Every member of the unit of a project still in progress (no acceptance requested, none failed) 14 and 3
    days before its end, and once when it has ended. Two queries whatever the number of projects."""
    projects = list(
        Project.objects.filter(state=ProjectState.IN_PROGRESS, ends_on__isnull=False,
                               ends_on__lte=today + dt.timedelta(days=max(ACCEPTANCE_STEPS)))
        .select_related("application").order_by("pk"))
    members = active_members(p.application.organisation_id for p in projects)
    for project in projects:
        found = _deadline(today, project.ends_on, ACCEPTANCE_DUE.code, ACCEPTANCE_OVERDUE.code)
        if found is None:
            continue
        kind, step = found
        values = {**project_figures(project), "date": project.ends_on, "days": (project.ends_on - today).days}
        for user in members[project.application.organisation_id]:
            yield Reminder(recipient=user, kind=kind, target=project, due_date=project.ends_on, lead_days=step,
                           values=values)


def rectification_due(today: dt.date) -> Iterator[Reminder]:
    """Every member of the unit 14 and 3 days before a rectification deadline, and once when it has passed: after a
    failed acceptance while the project waits to request it again, and after a mid-term check asking for
    rectification while the project is in progress and no later check was recorded. Three queries whatever the
    number of projects."""
    horizon = today + dt.timedelta(days=max(ACCEPTANCE_STEPS))
    failed = Acceptance.objects.filter(
        project__state=ProjectState.RECTIFYING, outcome=AcceptanceOutcomeChoice.FAILED,
        rectify_by__isnull=False, rectify_by=F("project__rectify_by"), rectify_by__lte=horizon,
    ).select_related("project__application").order_by("pk")
    later = MidtermCheck.objects.filter(project=OuterRef("project")).filter(
        Q(checked_on__gt=OuterRef("checked_on")) | Q(checked_on=OuterRef("checked_on"), pk__gt=OuterRef("pk")))
    checks = MidtermCheck.objects.filter(
        project__state=ProjectState.IN_PROGRESS, outcome=MidtermOutcome.RECTIFY, rectify_by__isnull=False,
        rectify_by__lte=horizon,
    ).exclude(Exists(later)).select_related("project__application").order_by("pk")
    targets = [*failed, *checks]
    members = active_members(t.project.application.organisation_id for t in targets)
    for target in targets:
        found = _deadline(today, target.rectify_by, RECTIFICATION_DUE.code, RECTIFICATION_OVERDUE.code)
        if found is None:
            continue
        kind, step = found
        project = target.project
        values = {**project_figures(project), "date": target.rectify_by, "days": (target.rectify_by - today).days}
        for user in members[project.application.organisation_id]:
            yield Reminder(recipient=user, kind=kind, target=target, due_date=target.rectify_by, lead_days=step,
                           values=values)


def tranche_unreleased(today: dt.date) -> Iterator[Reminder]:
    """The project's officer, once a week after a tranche fell due while it is not released (the day it fell due
    the officer was told by the step that made it due); every active officer when the project's has left. Two
    queries at most whatever the number of tranches."""
    tranches = list(
        ProjectTranche.objects.filter(state__in=UNPAID_DUE_STATES, due_on__isnull=False,
                                      due_on__lte=today - dt.timedelta(days=TRANCHE_WEEK))
        .exclude(project__state__in=FINISHED)
        .select_related("project__application__organisation", "project__officer",
                        "project__application__track__program").order_by("pk"))
    officers = in_charge_each({tranche.pk: [tranche.project.officer] for tranche in tranches},
                              offices={t.pk: t.project.application.track.program.office_id for t in tranches})
    for tranche in tranches:
        days = (today - tranche.due_on).days
        project = tranche.project
        for officer in officers[tranche.pk]:
            yield Reminder(
                recipient=officer, kind=TRANCHE_UNRELEASED.code, target=tranche, due_date=tranche.due_on,
                lead_days=-(days // TRANCHE_WEEK) * TRANCHE_WEEK,
                values={"reference": project.application.reference,
                        "organisation": project.application.organisation.name, "seq": tranche.seq,
                        "amount": f"{tranche.amount:,.2f}", "date": tranche.due_on, "days": days})


SOURCES = (due, report_overdue, acceptance_due, rectification_due, tranche_unreleased)
