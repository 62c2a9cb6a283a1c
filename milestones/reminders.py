"""Deadlines of projects that the daily sweep reminds of (registered in MilestonesConfig.ready()): KPI reports
falling due, and the end of a rectification period (the unit may request acceptance again)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from notifications.registry import Reminder, lead_step
from organisations.models import Membership

from .models import KpiReport, ProjectState, ReportState
from .notices import REPORT_DUE

REPORT_STEPS = (14, 7, 1)


def due(today: dt.date) -> Iterator[Reminder]:
    """Every member of the unit, 14, 7 and 1 days before a report not yet submitted (or returned) is due. Two
    queries whatever the number of projects."""
    horizon = today + dt.timedelta(days=max(REPORT_STEPS))
    reports = list(
        KpiReport.objects.filter(state__in=[ReportState.SCHEDULED, ReportState.RETURNED],
                                 due_on__range=(today, horizon))
        .exclude(project__state__in=[ProjectState.CLOSED, ProjectState.TERMINATED])
        .select_related("project__application").order_by("pk"))
    members = defaultdict(list)
    for membership in Membership.objects.filter(
            organisation_id__in={r.project.application.organisation_id for r in reports}, user__is_active=True
    ).select_related("user").order_by("user_id"):
        members[membership.organisation_id].append(membership.user)
    for report in reports:
        step = lead_step((report.due_on - today).days, REPORT_STEPS)
        if step is None:
            continue
        application = report.project.application
        for user in members[application.organisation_id]:
            yield Reminder(recipient=user, kind=REPORT_DUE.code, target=report.project, due_date=report.due_on,
                           lead_days=step, values={"reference": application.reference,
                                                   "report": report.get_kind_display(), "date": report.due_on})
