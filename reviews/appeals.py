"""Appeals (复审): an applicant refused in formal review, or not funded, asks the office for a second look within
the track's appeal period; an officer upholds it (the application goes back to the stage that refused it) or
dismisses it, with reasons. Each transition: atomic, lock, role and state check, update_fields, audit event,
notices with the transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.services import application_conclude
from audit.services import record_event
from programs.selectors import today

from . import appeal_notices
from .appeal_selectors import appeal_window
from .models import (
    APPEAL_TRANSITIONS,
    ROUND_TRANSITIONS,
    Appeal,
    AppealStage,
    Award,
    AwardState,
    ReviewRound,
    RoundState,
)
from .rounds import lock_round, require_officer
from .services import check_state, checked_reason


def _is_member(actor, application: Application) -> bool:
    return (actor.is_authenticated and actor.is_applicant
            and actor.memberships.filter(organisation_id=application.organisation_id).exists())


@transaction.atomic
def appeal_lodge(*, actor, application: Application, reasons: str) -> Appeal:
    """A member of the applicant organisation appeals the refusal within the period; one appeal per decision."""
    if not _is_member(actor, application):
        raise PermissionDenied(_("Only the applicant organisation's members may appeal."))
    locked = Application.objects.select_for_update().select_related("track__program").get(pk=application.pk)
    window = appeal_window(locked)
    if window is None:
        raise ValidationError(
            _("Only an application refused in formal review or not funded can be appealed; this one is "
              "“%(status)s”.") % {"status": locked.get_status_display()}, code="wrong_state")
    earlier = Appeal.objects.filter(decision=window.decision).first()
    if earlier is not None:
        raise ValidationError(_("An appeal against this decision was already lodged on %(day)s; each decision "
                                "takes one appeal.") % {"day": timezone.localdate(earlier.lodged_at).isoformat()},
                              code="already_lodged")
    if today() > window.ends_on:
        raise ValidationError(_("The appeal period ended on %(day)s (%(days)s days from the notice of %(notice)s); "
                                "an appeal can no longer be lodged.")
                              % {"day": window.ends_on.isoformat(), "days": window.days,
                                 "notice": window.notice_day.isoformat()}, code="late")
    reasons = checked_reason(APPEAL_TRANSITIONS["lodge"], reasons)
    appeal = Appeal.objects.create(application=locked, decision=window.decision, stage=window.stage,
                                   period_ends=window.ends_on, reasons=reasons, lodged_by=actor)
    record_event(target=appeal, actor=actor, action="lodge", to_state=appeal.state, reason=reasons,
                 data={"application": locked.reference, "stage": appeal.stage,
                       "period_ends": window.ends_on.isoformat(), "decision_event": window.decision.pk})
    appeal_notices.lodged(appeal)
    return appeal


def _lock_appeal(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("application").get(pk=appeal.pk)


def _reinstate(*, actor, appeal: Appeal, resolution: str) -> dict:
    """Take the application back to the stage that refused it; what changed, for the audit event."""
    application = appeal.application
    if appeal.stage == AppealStage.FORMAL:
        application = Application.objects.select_for_update().get(pk=application.pk)
        application_conclude(actor=actor, application=application, step="reopen", reason=resolution)
        return {}
    review_round = ReviewRound.objects.filter(track_id=application.track_id).first()
    if review_round is None:
        raise ValidationError(_("This track has no review round; there is no ranking to go back to."))
    locked_round = lock_round(review_round)
    if locked_round.state != RoundState.DECIDED:
        raise ValidationError(
            _("The round is still “%(state)s”: decide every proposed award and close the round first; upholding "
              "then reopens it, with this application a candidate again.")
            % {"state": locked_round.get_state_display()}, code="round_open")
    application = Application.objects.select_for_update().get(pk=application.pk)
    application_conclude(actor=actor, application=application, step="reinstate", reason=resolution)
    # The award marked not funded goes: the application is proposed afresh from the ranking (the audit keeps it).
    removed = [{"award": a.pk, "amount": f"{a.amount:.2f}"} for a in
               Award.objects.select_for_update().filter(application=application, state=AwardState.NOT_FUNDED)]
    Award.objects.filter(pk__in=[r["award"] for r in removed]).delete()
    transition = check_state(ROUND_TRANSITIONS, "reopen", locked_round.state, locked_round.get_state_display())
    before, locked_round.state = locked_round.state, transition.target
    locked_round.save(update_fields=["state"])
    record_event(target=locked_round, actor=actor, action="reopen", from_state=before, to_state=locked_round.state,
                 reason=resolution, data={"appeal": appeal.pk, "application": application.reference})
    return {"round": locked_round.pk, "awards_removed": removed}


def _decide(step: str, *, actor, appeal: Appeal, resolution: str) -> Appeal:
    require_officer(actor, appeal.application.track.program.office_id)
    locked = _lock_appeal(appeal)
    transition = check_state(APPEAL_TRANSITIONS, step, locked.state, locked.get_state_display())
    resolution = checked_reason(transition, resolution)
    data = _reinstate(actor=actor, appeal=locked, resolution=resolution) if step == "uphold" else {}
    before = locked.state
    locked.state, locked.resolution, locked.decided_by, locked.decided_at = (
        transition.target, resolution, actor, timezone.now())
    locked.save(update_fields=["state", "resolution", "decided_by", "decided_at"])
    record_event(target=locked, actor=actor, action=step, from_state=before, to_state=locked.state,
                 reason=resolution, data={"application": locked.application.reference, **data})
    appeal_notices.decided(locked)
    return locked


@transaction.atomic
def appeal_uphold(*, actor, appeal: Appeal, resolution: str) -> Appeal:
    """Upheld: back to formal review (refused there) or back to the ranking as a candidate (not funded; the closed
    round reopens for a proposal)."""
    return _decide("uphold", actor=actor, appeal=appeal, resolution=resolution)


@transaction.atomic
def appeal_dismiss(*, actor, appeal: Appeal, resolution: str) -> Appeal:
    """Dismissed, with the reasons the applicant is told; the refusal stands."""
    return _decide("dismiss", actor=actor, appeal=appeal, resolution=resolution)
