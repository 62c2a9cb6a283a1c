"""Changes to programs made in the portal (guides themselves are loaded by fixture)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from offices.selectors import may_act_in

from .models import GuideStatus, Program, Track, Tranche, TrancheTrigger
from .selectors import track_has_projects


def _officer_of(actor, office_code: str) -> bool:
    """An officer who works for the program's office (an officer of the office above only reads it)."""
    return bool(getattr(actor, "is_officer", False) and may_act_in(actor, office_code))


@transaction.atomic
def program_set_call_window(*, actor, program: Program, opens: dt.date, closes: dt.date, reason: str = "") -> Program:
    """An officer opens (or moves) a program's call window."""
    if not _officer_of(actor, program.office_id):
        raise PermissionDenied(_("Only program officers may set a call window."))
    if closes < opens:
        raise ValidationError({"closes": _("The call must close on or after the day it opens.")})
    locked = Program.objects.select_for_update().get(pk=program.pk)
    before = f"{locked.call_opens or ''}–{locked.call_closes or ''}"
    locked.call_opens, locked.call_closes = opens, closes
    locked.save(update_fields=["call_opens", "call_closes"])
    record_event(
        target=locked, actor=actor, action="set_call_window", from_state=before[:30],
        to_state=f"{opens}–{closes}"[:30], reason=reason,
    )
    return locked


@transaction.atomic
def program_publish(*, actor, program: Program, reason: str = "") -> Program:
    """An officer opens a draft for comment (征求意见稿) for applications, once the office has decided to."""
    if not _officer_of(actor, program.office_id):
        raise PermissionDenied(_("Only program officers may publish a guide for applications."))
    locked = Program.objects.select_for_update().get(pk=program.pk)
    if not locked.is_draft_for_comment:
        raise ValidationError(_("This guide is not a draft for comment; it takes applications already."),
                              code="not_draft")
    if locked.published_at is not None:
        raise ValidationError(_("This draft for comment was already published for applications."),
                              code="already_published")
    if not reason.strip():
        raise ValidationError({"reason": _("Say on what basis the draft is opened for applications "
                                           "(for example the office's decision and its date).")})
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.save(update_fields=["published_at", "published_by"])
    record_event(target=locked, actor=actor, action="publish", from_state=GuideStatus.DRAFT_FOR_COMMENT,
                 to_state="published", reason=reason)
    return locked


HUNDRED = Decimal("100")


@dataclass(frozen=True)
class PlanRow:
    """One tranche of a plan as the officer enters it: its share of the award and when it is paid."""

    share_percent: Decimal
    trigger: str
    text: str = ""


def guide_pays_on_acceptance(track: Track) -> bool:
    """Whether the guide pays (part of) the award after acceptance: a guide-stated tranche paid after acceptance, or
    funding text that names acceptance (验收)."""
    stated = track.tranches.exclude(text="").filter(trigger=TrancheTrigger.ON_ACCEPTANCE).exists()
    return stated or "验收" in (track.funding_text or "")


def plan_problems(track: Track, rows: list[PlanRow]) -> list[str]:
    """Why a tranche plan cannot be used, in words for the officer (empty when it can)."""
    problems = []
    if not rows:
        return [_("Enter at least one tranche: its share of the award and when it is paid.")]
    for seq, row in enumerate(rows, 1):
        if row.share_percent <= 0:
            problems.append(_("Tranche %(seq)s: a share must be more than 0 %%.") % {"seq": seq})
        if row.trigger not in TrancheTrigger.values:
            problems.append(_("Tranche %(seq)s: choose when it is paid.") % {"seq": seq})
    total = sum((row.share_percent for row in rows), Decimal("0"))
    if total != HUNDRED:
        problems.append(_("The shares add up to %(total)s %%; they must add up to 100 %%.")
                        % {"total": f"{total.normalize():f}"})
    if guide_pays_on_acceptance(track) and not any(r.trigger == TrancheTrigger.ON_ACCEPTANCE for r in rows):
        problems.append(_("The guide pays on acceptance: at least one tranche must be paid after acceptance."))
    return problems


@transaction.atomic
def track_plan_set(*, actor, track: Track, rows: list[PlanRow], reason: str = "") -> Track:
    """An officer sets (or replaces) a track's tranche plan before any of its projects is opened: shares adding up
    to 100 %, and a tranche after acceptance where the guide pays on acceptance. The guide's own sentences stay
    beside the rows; audited with the old and the new plan."""
    if not _officer_of(actor, track.program.office_id):
        raise PermissionDenied(_("Only program officers may set a tranche plan."))
    locked = Track.objects.select_for_update().get(pk=track.pk)
    if locked.archived_at is not None:
        raise ValidationError(_("This track is archived; its plan cannot change."), code="archived")
    if track_has_projects(locked):
        raise ValidationError(_("Projects of this track are already open with the current plan; it cannot change."),
                              code="projects_open")
    problems = plan_problems(locked, rows)
    if problems:
        raise ValidationError([ValidationError(p, code="plan") for p in problems])
    before = [[f"{t.share_percent:.2f}", t.trigger] for t in locked.tranches.order_by("seq")]
    locked.tranches.all().delete()
    Tranche.objects.bulk_create(
        Tranche(track=locked, seq=seq, share_percent=row.share_percent, trigger=row.trigger, text=row.text[:300])
        for seq, row in enumerate(rows, 1)
    )
    record_event(target=locked, actor=actor, action="set_tranche_plan", reason=reason, data={
        "before": before, "after": [[f"{r.share_percent:.2f}", r.trigger] for r in rows]})
    return locked
