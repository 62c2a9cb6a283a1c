"""Opening a project. Called by the funding decision (reviews) inside its transaction; milestones never
imports reviews."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from programs.models import TrancheTrigger
from programs.money import split_remainder_last, to_yuan

from .models import Project, ProjectTranche, TrancheState

WHOLE = Decimal("100")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def project_open(*, actor, application, award: Decimal, starts_on: dt.date, officer=None) -> Project:
    """Create the project of an approved application with its tranche schedule from the track's plan.

    The tranches split ``award`` by the plan's shares, every one but the last rounded down to the cent and the
    remainder on the last, so they add up to the award exactly. A track without a plan pays in one tranche
    after approval. The end date is the start plus the track's period (none when the guide states no period).
    """
    if not getattr(actor, "is_officer", False):
        raise PermissionDenied(_("Only program officers may do this."))
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("project_open runs inside the approval's transaction")
    award = to_yuan(award)
    if award <= 0:
        raise ValidationError(_("An award must be more than zero yuan."))
    if Project.objects.filter(application=application).exists():
        raise ValidationError(_("This application already has a project."), code="exists")
    track = application.track
    plan = list(track.tranches.order_by("seq"))
    shares = [t.share_percent for t in plan] or [WHOLE]
    conditions = [t.trigger for t in plan] or [TrancheTrigger.ON_APPROVAL]
    amounts = split_remainder_last(award, shares)
    ends_on = add_months(starts_on, track.period_months) - dt.timedelta(days=1) if track.period_months else None
    project = Project.objects.create(
        application=application, award=award, starts_on=starts_on, ends_on=ends_on, officer=officer or actor,
    )
    ProjectTranche.objects.bulk_create(
        ProjectTranche(project=project, seq=i, amount=amount, share_percent=share, condition=condition,
                       state=TrancheState.PLANNED)
        for i, (amount, share, condition) in enumerate(zip(amounts, shares, conditions, strict=True), 1)
    )
    record_event(target=project, actor=actor, action="open", to_state="open",
                 data={"award": f"{award:.2f}", "tranches": [f"{a:.2f}" for a in amounts]})
    return project
