"""The background jobs of projects, registered with the jobs app in ``MilestonesConfig.ready()``: the fund
ledger's and the fund plan's Excel files."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobError, JobKind
from offices.selectors import may_read

LEDGER_XLSX = "milestones.ledger_xlsx"
FUND_PLAN_XLSX = "milestones.fund_plan_xlsx"


def _officer(user, program=None) -> bool:
    """An officer who may read the program's office asks for its files and sees them."""
    return bool(getattr(user, "is_authenticated", False) and user.is_officer) and (
        program is None or may_read(user, program.office_id))


def _program(job):
    if job.target is None:
        raise JobError(_("The program no longer exists."))
    return job.target


def _ledger(job) -> bytes:
    from .exports import ledger_xlsx

    return ledger_xlsx(_program(job))


def _fund_plan(job) -> bytes:
    from .exports import fund_plan_xlsx

    return fund_plan_xlsx(_program(job))


KINDS = (
    JobKind(code=LEDGER_XLSX, label=_("Fund ledger (Excel)"), run=_ledger, may_request=_officer,
            page=lambda program: reverse("milestones:ledger", args=[program.pk]),
            filename=lambda program: f"{program.code}-ledger.xlsx"),
    JobKind(code=FUND_PLAN_XLSX, label=_("Fund plan (Excel)"), run=_fund_plan, may_request=_officer,
            page=lambda program: reverse("milestones:fund_plan", args=[program.pk]),
            filename=lambda program: f"{program.code}-fund-plan.xlsx"),
)
