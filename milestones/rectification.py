"""The rectification report (整改报告, issue 16): after a failed acceptance, or a mid-term check that found
rectification required, the unit reports the KPI values it reached after rectifying, with evidence and a narrative,
by the rectification deadline. It is a KPI report like the others (the unit submits it, the office accepts it or
returns it); acceptance is requested again only once it is submitted (milestones.conditions); once accepted its
values are the project's figures (the report accepted last, milestones.selectors); a project closes only once it
is accepted, like the final report.

Called by the step that asks for the rectification (services.midterm_record, services.acceptance_record) inside its
transaction, on the locked project."""

from __future__ import annotations

import datetime as dt

from audit.services import record_event

from .models import REPORT_TRANSITIONS, KpiReport, Project, ReportKind

SCHEDULE, MOVE = "schedule_rectification", "move_due_date"


def rectification_report_schedule(*, actor, project: Project, due_on: dt.date, after: str) -> KpiReport:
    """The rectification report due on ``due_on`` (the rectification deadline); ``after`` says what asked for it
    (``acceptance`` or ``midterm``). One not yet submitted (or returned) is moved to the new deadline rather than
    doubled: the unit has one rectification report to write at a time."""
    waiting = (KpiReport.objects.select_for_update()
               .filter(project=project, kind=ReportKind.RECTIFICATION, state__in=REPORT_TRANSITIONS["submit"].sources)
               .order_by("seq").first())
    if waiting is not None:
        if waiting.due_on != due_on:
            before = waiting.due_on
            waiting.due_on = due_on
            waiting.save(update_fields=["due_on"])
            record_event(target=waiting, actor=actor, action=MOVE, from_state=waiting.state, to_state=waiting.state,
                         data={"due_on": due_on.isoformat(), "was": before.isoformat(), "after": after})
        return waiting
    seq = (KpiReport.objects.filter(project=project).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    report = KpiReport.objects.create(project=project, seq=seq, kind=ReportKind.RECTIFICATION, due_on=due_on)
    record_event(target=report, actor=actor, action=SCHEDULE, to_state=report.state,
                 data={"due_on": due_on.isoformat(), "after": after})
    return report
