"""Conditions that hold (issue 16): a step that would strand a tranche is refused with what must happen first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import REPORT_TRANSITIONS, MidtermOutcome, Project, ReportKind

GUIDE, OFFICE = "guide", "office"


def midterm_required_by(project: Project) -> str | None:
    """Who requires a mid-term check of the project: the guide (the track's procedure), else the office (set on the
    project by an officer), else nobody."""
    if project.application.track.midterm_check:
        return GUIDE
    return OFFICE if project.midterm_required else None


def refuse_stranding_acceptance(project: Project) -> None:
    """Acceptance comes after the contract, after a mid-term check found the project on track where the guide or
    the office requires one, and after the unit submitted the rectification report the office asked for: accepting
    before would leave a tranche paid after the contract never due, skip the check, or inspect figures nobody
    reported."""
    if project.contract_signed_on is None:
        raise ValidationError(
            _("Acceptance can be requested only after the contract is recorded: the office records the signed "
              "contract first (tranches paid after the contract depend on it)."), code="no_contract")
    required_by = midterm_required_by(project)
    if required_by is not None:
        latest = project.midterm_checks.order_by("-checked_on", "-pk").values_list("outcome", flat=True).first()
        if latest != MidtermOutcome.ON_TRACK:
            raise ValidationError(
                _("This guide requires a mid-term check: acceptance can be requested once the office has recorded "
                  "one that found the project on track.") if required_by == GUIDE else
                _("The program office requires a mid-term check of this project: acceptance can be requested once "
                  "the office has recorded one that found the project on track."), code="no_midterm")
    refuse_unsubmitted_rectification(project)


def refuse_unsubmitted_rectification(project: Project) -> None:
    """After a failed acceptance (or a mid-term check that found rectification required) acceptance is requested
    again with the rectified figures: the rectification report is submitted first (the office reviews it before it
    records a pass), so the inspection reads the KPI values reached after rectifying, not the old final report's."""
    open_report = (project.reports.filter(kind=ReportKind.RECTIFICATION,
                                          state__in=REPORT_TRANSITIONS["submit"].sources)
                   .order_by("due_on", "seq").first())
    if open_report is not None:
        raise ValidationError(
            _("Submit the rectification report first (due %(date)s): the KPI values reached after rectifying, with "
              "evidence, on the report's page (revise and resubmit it if the office returned it); then request "
              "acceptance.") % {"date": open_report.due_on}, code="no_rectification_report")
