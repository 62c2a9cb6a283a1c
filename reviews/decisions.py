"""The funding decision: proposal from the ranking, adjustment, publicity (公示), objections, approval (立项) or
not funded, closing the round. Each transition: atomic, lock, role and state check, update_fields, audit event,
on-commit work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Status
from applications.services import application_conclude
from audit.services import record_event
from core.dispatch import queue
from core.money import to_yuan
from milestones.services import project_open
from offices.selectors import may_act_in
from programs.models import AwardMode
from programs.procedure import procedure_for
from programs.selectors import today
from programs.workdays import period_end

from . import notices
from .allocation import Candidate, amount_problems, award_count_problem, propose_amounts, request_problem
from .models import (
    AWARD_TRANSITIONS,
    NOTICE_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    ROUND_TRANSITIONS,
    ROUND_WORK,
    Award,
    AwardState,
    Dossier,
    Objection,
    ObjectionState,
    ReviewRound,
    RoundState,
    TieOrder,
)
from .offers import takes_objections
from .rounds import round_office
from .selectors import default_proposal, may_see_notice, ranking
from .services import check_state, checked_reason, lock_round, require_officer
from .ties import members_key


def _lock_award(award: Award) -> Award:
    return Award.objects.select_for_update().select_related("round__track__program").get(pk=award.pk)


@transaction.atomic
def round_propose(*, actor, review_round: ReviewRound, application_ids: list[int] | None = None,
                  shown: list[int] | None = None) -> list[Award]:
    """Propose awards from the ranking: the chosen applications (the best ranked, up to the track's number of
    awards, by default), with amounts by the track's money rule (a pool by score to the yuan). With ``shown`` (the
    applications on the page of the ranking the officer chose from), ``application_ids`` decide among those and
    the default choice stands for the others."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    check_state(ROUND_TRANSITIONS, "propose", locked.state, locked.get_state_display())
    track = locked.track
    ranked = ranking(locked)
    rows = [r for r in ranked if r.application.status == Status.PASSED]
    default = default_proposal(ranked, track)
    if application_ids is None and shown is None:
        chosen = default
    else:
        wanted = set(application_ids or [])
        if shown is not None:
            wanted |= {r.application.pk for r in default} - set(shown)
            if not wanted:
                raise ValidationError(_("Tick at least one application to propose."))
        chosen = [r for r in rows if r.application.pk in wanted]
        if len(chosen) != len(wanted):
            raise ValidationError(_("Choose only applications of this round that are in expert review."))
        if any(r.aggregate is None for r in chosen):
            raise ValidationError(_("An application without a submitted review cannot be proposed."))
    if not chosen:
        raise ValidationError(_("No application has a submitted review yet; nothing can be proposed."))
    _refuse_cut_ties(chosen)
    problem = award_count_problem(track, len(chosen))
    if problem:
        raise ValidationError(problem)
    amounts = propose_amounts(track, [Candidate(r.application.pk, r.aggregate, r.application.requested_amount)
                                      for r in chosen])
    problems = amount_problems(track, {r.application.pk: a for r, a in zip(chosen, amounts, strict=True)})
    if problems:
        raise ValidationError(problems)
    awards = Award.objects.bulk_create(
        Award(round=locked, application_id=r.application.pk, rank=i, score=r.aggregate, proposed_amount=amount,
              amount=amount)
        for i, (r, amount) in enumerate(zip(chosen, amounts, strict=True), 1)
    )
    before, locked.state = locked.state, RoundState.PROPOSED
    locked.save(update_fields=["state"])
    record_event(target=locked, actor=actor, action="propose", from_state=before, to_state=locked.state, data={
        "awards": [{"application": a.application_id, "amount": f"{a.amount:.2f}", "score": f"{a.score}"}
                   for a in awards],
        "total": f"{sum((a.amount for a in awards), Decimal('0')):.2f}"})
    return awards


def _refuse_cut_ties(chosen: list) -> None:
    """A proposal may take all of a tie the officer has still to order, or none of it, but not part: which of the
    tied applications comes first is the officer's judgment (the guide's tie-break), made with a reason."""
    ids = {r.application.pk for r in chosen}
    for row in chosen:
        tie = row.tie
        if tie is not None and tie.open and not set(tie.ids) <= ids:
            raise ValidationError(_("%(references)s are tied on “%(preference)s”, which the officer judges, and the "
                                    "proposal takes only some of them: order the tie on the ranking first.") % {
                "references": ", ".join(r.application.reference for r in tie.rows),
                "preference": tie.tie_break.label})


@transaction.atomic
def round_withdraw_proposal(*, actor, review_round: ReviewRound, reason: str) -> ReviewRound:
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    transition = check_state(ROUND_TRANSITIONS, "withdraw_proposal", locked.state, locked.get_state_display())
    reason = checked_reason(transition, reason)
    Award.objects.filter(round=locked).delete()
    before, locked.state = locked.state, RoundState.REVIEWING
    locked.save(update_fields=["state"])
    record_event(target=locked, actor=actor, action="withdraw_proposal", from_state=before, to_state=locked.state,
                 reason=reason)
    return locked


@transaction.atomic
def round_order_tie(*, actor, review_round: ReviewRound, order: list[int], reason: str) -> TieOrder:
    """The officer orders applications tied where the guide's tie-break is one an officer judges (成员结构更完善 …),
    best first, with the reason: the ranking then lists them in that order, and the workbook prints it. The order
    must name exactly the applications of one such tie as the ranking shows it now; ordering it again replaces the
    earlier order (both audited)."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    transition = check_state(ROUND_TRANSITIONS, "order_tie", locked.state, locked.get_state_display())
    reason = checked_reason(transition, reason)
    ids = [int(pk) for pk in order]
    tie = next((row.tie for row in ranking(locked) if row.tie is not None
                and row.tie.members == members_key(ids)), None)
    if tie is None or len(set(ids)) != len(ids):
        raise ValidationError({"order": _("These applications are not tied on the ranking (any more); open the "
                                          "ranking again and order the tie it shows.")})
    stored = TieOrder.objects.select_for_update().filter(round=locked, members=tie.members).first()
    before = (stored.order if stored and stored.tie_break == tie.tie_break.key and stored.score == tie.score
              else [])
    values = {"order": ids, "tie_break": tie.tie_break.key, "score": tie.score, "reason": reason,
              "ordered_by": actor, "ordered_at": timezone.now()}
    if stored is None:
        stored = TieOrder.objects.create(round=locked, members=tie.members, **values)
    else:
        for name, value in values.items():
            setattr(stored, name, value)
        stored.save(update_fields=list(values))
    references = dict(Application.objects.filter(pk__in=ids).values_list("pk", "reference"))
    record_event(target=locked, actor=actor, action="order_tie", from_state=locked.state, to_state=locked.state,
                 reason=reason, data={"tie_break": tie.tie_break.key, "score": f"{tie.score}",
                                      "order": [references[pk] for pk in ids],
                                      "before": [references[pk] for pk in before if pk in references]})
    return stored


@transaction.atomic
def award_adjust(*, actor, award: Award, amount: Decimal, reason: str) -> Award:
    """The officer changes a proposed amount, never past the request, the pool or the cap; audited with the
    reason."""
    require_officer(actor, round_office(award.round))
    lock_round(award.round)
    locked = _lock_award(award)
    transition = check_state(AWARD_TRANSITIONS, "adjust", locked.state, locked.get_state_display())
    if locked.round.state not in ROUND_WORK["adjust_award"]:
        raise ValidationError(_("Amounts can change only before the list is published."), code="wrong_state")
    reason = checked_reason(transition, reason)
    amount = to_yuan(amount)
    amounts = dict(Award.objects.filter(round=locked.round).exclude(state=AwardState.NOT_FUNDED)
                   .values_list("application_id", "amount"))
    amounts[locked.application_id] = amount
    application = locked.application
    over = request_problem(reference=application.reference, amount=amount, requested=application.requested_amount)
    problems = [p for p in [over, *amount_problems(locked.round.track, amounts)] if p]
    if problems:
        raise ValidationError({"amount": problems})
    before = locked.amount
    locked.amount = amount
    locked.save(update_fields=["amount"])
    record_event(target=locked, actor=actor, action="adjust", from_state=locked.state, to_state=locked.state,
                 reason=reason, data={"from": f"{before:.2f}", "to": f"{amount:.2f}"})
    return locked


@transaction.atomic
def round_start_publicity(*, actor, review_round: ReviewRound, starts_on: dt.date | None = None) -> ReviewRound:
    """Publish the proposed list for the guide's period (working days on the PRC calendar where it says 工作日)."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    check_state(ROUND_TRANSITIONS, "start_publicity", locked.state, locked.get_state_display())
    starts_on = starts_on or today()
    procedure = procedure_for(locked.track)
    ends = period_end(starts_on, procedure.publicity_days, procedure.publicity_day_kind)
    before = locked.state
    locked.state, locked.publicity_starts, locked.publicity_ends = RoundState.PUBLICITY, starts_on, ends.day
    locked.publicity_ends_provisional = ends.provisional
    locked.save(update_fields=["state", "publicity_starts", "publicity_ends", "publicity_ends_provisional"])
    record_event(target=locked, actor=actor, action="start_publicity", from_state=before, to_state=locked.state,
                 data={"starts": starts_on.isoformat(), "ends": ends.day.isoformat(),
                       "days": procedure.publicity_days, "kind": procedure.publicity_day_kind,
                       "provisional": ends.provisional})
    notices.publicity_started(locked)
    return locked


def publicity_recount(review_round: ReviewRound):
    """The publicity's end counted again on today's calendar (an entered schedule replaces the provisional one)."""
    procedure = procedure_for(review_round.track)
    return period_end(review_round.publicity_starts, procedure.publicity_days, procedure.publicity_day_kind)


@transaction.atomic
def round_confirm_publicity_end(*, actor, review_round: ReviewRound, ends_on: dt.date, reason: str = "") -> ReviewRound:
    """The officer confirms (or corrects) an end of publicity counted through a year whose holiday schedule was
    not entered: the awards can be decided only after this."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    check_state(ROUND_TRANSITIONS, "confirm_publicity_end", locked.state, locked.get_state_display())
    if not locked.publicity_ends_provisional:
        raise ValidationError(_("The end of this publicity is already confirmed."), code="confirmed")
    if ends_on < locked.publicity_starts:
        raise ValidationError({"ends_on": _("The publicity cannot end before it starts (%(day)s).")
                               % {"day": locked.publicity_starts.isoformat()}})
    before = locked.publicity_ends
    locked.publicity_ends, locked.publicity_ends_provisional = ends_on, False
    locked.save(update_fields=["publicity_ends", "publicity_ends_provisional"])
    record_event(target=locked, actor=actor, action="confirm_publicity_end", from_state=locked.state,
                 to_state=locked.state, reason=(reason or "").strip(),
                 data={"from": before.isoformat(), "to": ends_on.isoformat()})
    return locked


@transaction.atomic
def objection_lodge(*, actor, review_round: ReviewRound, reason: str, award: Award | None = None) -> Objection:
    """Any signed-in user objects during the publicity period, with a reason."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to lodge an objection."))
    locked = lock_round(review_round)
    if not takes_objections(locked):
        raise ValidationError(_("Objections are taken only during the publicity period."), code="wrong_state")
    if award is not None and award.round_id != locked.pk:
        raise ValidationError(_("This award is not on this list."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what you object to and why.")})
    objection = Objection.objects.create(round=locked, award=award, raised_by=actor, reason=reason)
    record_event(target=objection, actor=actor, action="lodge", to_state=objection.state, reason=reason)
    notices.objection_lodged(objection)
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, step: str, resolution: str) -> Objection:
    """The officer records how an objection was resolved: upheld or dismissed, with the reasons."""
    require_officer(actor, round_office(objection.round))
    if step not in OBJECTION_TRANSITIONS:
        raise ValueError(step)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    transition = check_state(OBJECTION_TRANSITIONS, step, locked.state, locked.get_state_display())
    resolution = checked_reason(transition, resolution)
    before = locked.state
    locked.state, locked.resolution = transition.target, resolution
    locked.resolved_by, locked.resolved_at = actor, timezone.now()
    locked.save(update_fields=["state", "resolution", "resolved_by", "resolved_at"])
    record_event(target=locked, actor=actor, action=step, from_state=before, to_state=locked.state, reason=resolution)
    notices.objection_resolved(locked)
    return locked


def _check_decidable(award: Award) -> None:
    review_round = award.round
    if review_round.state not in ROUND_WORK["decide_award"]:
        raise ValidationError(_("Awards are decided after the publicity period."), code="wrong_state")
    if review_round.publicity_ends_provisional:
        raise ValidationError(_("Confirm the provisional end of the publicity first."), code="provisional")
    if today() <= review_round.publicity_ends:
        raise ValidationError(_("The publicity period runs until %(day)s; decide after it.")
                              % {"day": review_round.publicity_ends.isoformat()}, code="publicity_running")
    open_objections = Objection.objects.filter(round=review_round, state=ObjectionState.OPEN)
    if open_objections.filter(award=award).exists() or open_objections.filter(award__isnull=True).exists():
        raise ValidationError(_("Resolve the open objections first."), code="objections_open")


def _lock_application(award: Award) -> Application:
    return Application.objects.select_for_update().get(pk=award.application_id)


@transaction.atomic
def award_approve(*, actor, award: Award, starts_on: dt.date | None = None) -> Award:
    """立项: fix the award, end the application's expert review as approved and open its project with the
    tranche schedule, all in this transaction; the approval notice PDF follows in the background."""
    require_officer(actor, round_office(award.round))
    lock_round(award.round)
    locked = _lock_award(award)
    check_state(AWARD_TRANSITIONS, "approve", locked.state, locked.get_state_display())
    _check_decidable(locked)
    if not locked.round.track.tranches.exists():
        raise ValidationError([ValidationError(
            _("The guide states no tranche plan for this track: set the plan (shares and when each is paid) on the "
              "decision page before approving."), code="no_plan")])
    application = _lock_application(locked)
    over = request_problem(reference=application.reference, amount=locked.amount,
                           requested=application.requested_amount)
    problems = [p for p in [over, *amount_problems(locked.round.track, dict(
        Award.objects.filter(round=locked.round).exclude(state=AwardState.NOT_FUNDED)
        .values_list("application_id", "amount")))] if p]
    if problems:
        raise ValidationError(problems)
    application = application_conclude(actor=actor, application=application, step="approve")
    project_open(actor=actor, application=application, award=locked.amount, starts_on=starts_on or today())
    before = locked.state
    locked.state, locked.decided_at, locked.notice_status = AwardState.APPROVED, timezone.now(), Dossier.Status.PENDING
    locked.save(update_fields=["state", "decided_at", "notice_status"])
    record_event(target=locked, actor=actor, action="approve", from_state=before, to_state=locked.state,
                 data={"amount": f"{locked.amount:.2f}"})
    notices.decided(locked, approved=True)
    _queue_notice(locked.pk)
    return locked


def _queue_notice(award_id: int) -> None:
    queue("reviews.generate_notice", award_id=award_id)


@transaction.atomic
def award_not_fund(*, actor, award: Award, reason: str) -> Award:
    require_officer(actor, round_office(award.round))
    lock_round(award.round)
    locked = _lock_award(award)
    transition = check_state(AWARD_TRANSITIONS, "not_fund", locked.state, locked.get_state_display())
    reason = checked_reason(transition, reason)
    _check_decidable(locked)
    application_conclude(actor=actor, application=_lock_application(locked), step="not_fund", reason=reason)
    before = locked.state
    locked.state, locked.decided_at = AwardState.NOT_FUNDED, timezone.now()
    locked.save(update_fields=["state", "decided_at"])
    record_event(target=locked, actor=actor, action="not_fund", from_state=before, to_state=locked.state,
                 reason=reason)
    notices.decided(locked, approved=False, reason=reason)
    return locked


@transaction.atomic
def round_close(*, actor, review_round: ReviewRound) -> ReviewRound:
    """Once every proposed award is decided, the applications not proposed are marked not funded."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    check_state(ROUND_TRANSITIONS, "close", locked.state, locked.get_state_display())
    if Award.objects.filter(round=locked, state=AwardState.PROPOSED).exists():
        raise ValidationError(_("Approve each proposed award or mark it not funded first."), code="undecided")
    rest = list(Application.objects.select_for_update().filter(track_id=locked.track_id, status=Status.PASSED))
    for application in rest:
        application_conclude(actor=actor, application=application, step="not_fund",
                             reason=_("Not among the awards of the expert review."))
    before, locked.state = locked.state, RoundState.DECIDED
    locked.save(update_fields=["state"])
    record_event(target=locked, actor=actor, action="close", from_state=before, to_state=locked.state,
                 data={"not_funded": len(rest), "pool": locked.track.award_mode == AwardMode.POOL})
    return locked


def award_render_notice(*, award_id: int, final: bool = True) -> None:
    """Render and store the approval notice of an approved award (background work; a passing error is tried
    again by the task, see ``jobs.retrying``)."""
    from django.core.files.base import ContentFile

    from jobs.retrying import pdf_attempt

    from .exports import approval_notice_pdf

    award = Award.objects.filter(pk=award_id).select_related("application").first()
    if award is None or award.state != AwardState.APPROVED:
        return

    def make() -> None:
        content = approval_notice_pdf(award)
        with transaction.atomic():
            locked = Award.objects.select_for_update().get(pk=award_id)
            old = locked.notice_file.name if locked.notice_file else None
            locked.notice_file.save(f"{award.application.reference}-notice.pdf", ContentFile(content), save=False)
            locked.notice_status = Dossier.Status.READY
            locked.save(update_fields=["notice_file", "notice_status"])
            if old and old != locked.notice_file.name:
                storage = locked.notice_file.storage
                transaction.on_commit(lambda: storage.delete(old))

    pdf_attempt(rows=Award.objects.filter(pk=award_id), field="notice_status", final=final, make=make)


@transaction.atomic
def award_retry_notice(*, actor, award: Award) -> Award:
    """Make the approval notice again after it failed: an officer or a member of the applicant organisation."""
    if not may_see_notice(actor, award) or (
            getattr(actor, "is_officer", False) and not may_act_in(actor, round_office(award.round))):
        raise PermissionDenied(_("Only officers and the applicant organisation's members may do this."))
    locked = _lock_award(award)
    transition = NOTICE_TRANSITIONS["retry"]
    if locked.state != AwardState.APPROVED or locked.notice_status not in transition.sources:
        raise ValidationError(_("The approval notice has not failed; there is nothing to retry."),
                              code="wrong_state")
    before, locked.notice_status = locked.notice_status, transition.target
    locked.save(update_fields=["notice_status"])
    record_event(target=locked, actor=actor, action="retry_notice", from_state=before, to_state=locked.notice_status)
    _queue_notice(locked.pk)
    return locked
