"""Paying a tranche, with two people for every payment (四眼): an officer requests the payment of a due tranche
(its amount, the voucher number, the date paid), a second officer confirms it and only then is it released. The
same person cannot do both. The requester or another officer may cancel a request back to due, with a reason.
A single-officer office sets PAYMENT_SECOND_PERSON off and releases a due tranche in one step.

Each step follows services.py: atomic, lock the tranche and its project, check the actor and the state against
TRANCHE_TRANSITIONS, save with update_fields, audit, notify."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from offices.acting import acts_in
from programs.selectors import today

from . import limits, notices
from .models import PAYING_PROJECT_STATES, TRANCHE_TRANSITIONS, ProjectTranche, TrancheState
from .services import _close_when_done, _lock_project, _require_officer, condition_met, project_office


def second_person_required() -> bool:
    """Whether a payment needs a second officer's confirmation (the office's setting)."""
    return bool(getattr(settings, "PAYMENT_SECOND_PERSON", True))


def tranche_steps(project, tranche: ProjectTranche, user) -> frozenset[str]:
    """The payment steps ``user`` may take on ``tranche`` now, by TRANCHE_TRANSITIONS (what the project page offers;
    the services below refuse the rest): none but for an officer on a project that still pays; a due tranche is
    requested for payment (released in one step where the office needs no second person); a requested one is
    confirmed by an officer other than its requester, and may be cancelled back to due."""
    if not getattr(user, "is_officer", False) or project.state not in PAYING_PROJECT_STATES:
        return frozenset()
    if not acts_in(user, project_office(project)):  # the office above reads the payments and takes no step
        return frozenset()
    pay = "request_payment" if second_person_required() else "release"
    steps = {name for name in (pay, "confirm_payment", "cancel_request")
             if tranche.state in TRANCHE_TRANSITIONS[name].sources}
    if tranche.requested_by_id == user.pk:
        steps.discard("confirm_payment")
    return frozenset(steps)


def _clean_reference(payment_reference: str) -> str:
    payment_reference = (payment_reference or "").strip()
    if not payment_reference:
        raise ValidationError({"payment_reference": _("Enter the payment reference of the transfer.")})
    limits.refuse(limits.text_errors(payment_reference=(payment_reference, limits.PAYMENT_REFERENCE_MAX)))
    return payment_reference


def _lock(tranche: ProjectTranche):
    locked = ProjectTranche.objects.select_for_update().get(pk=tranche.pk)
    return locked, _lock_project(locked.project)


def _refuse_released(locked: ProjectTranche) -> None:
    if locked.state == TrancheState.RELEASED:
        raise ValidationError(
            _("Tranche %(seq)s was already released on %(date)s (%(amount)s yuan, reference %(ref)s); "
              "nothing was paid again.")
            % {"seq": locked.seq, "date": locked.released_on, "amount": f"{locked.released_amount:,.2f}",
               "ref": locked.payment_reference}, code="already_released")


def _refuse_ended(project, locked: ProjectTranche) -> None:
    if project.state not in PAYING_PROJECT_STATES:
        raise ValidationError(
            _("This project is “%(state)s”: its tranches are no longer paid; tranche %(seq)s was not released.")
            % {"state": project.get_state_display(), "seq": locked.seq}, code="project_ended")


def _refuse_not_due(project, locked: ProjectTranche, step) -> None:
    if locked.state == TrancheState.REQUESTED and step.name != "confirm_payment":
        raise ValidationError(
            _("The payment of tranche %(seq)s was already requested by %(who)s (reference %(ref)s); it waits for "
              "a second officer's confirmation.")
            % {"seq": locked.seq, "who": locked.requested_by, "ref": locked.payment_reference},
            code="already_requested")
    if locked.state not in step.sources or not condition_met(project, locked.condition):
        raise ValidationError(
            _("Tranche %(seq)s is not due: it is paid “%(condition)s”, and that has not happened yet.")
            % {"seq": locked.seq, "condition": locked.get_condition_display()}, code="not_due")


def _pay(*, actor, project, locked: ProjectTranche, step, before: str, data: dict) -> None:
    """Record the release of a locked tranche (one-step release or confirmation), audit, tell the unit, and close
    the project when it was the last thing missing."""
    locked.state, locked.released_amount, locked.released_by = step.target, locked.amount, actor
    locked.released_at = timezone.now()
    locked.save(update_fields=["state", "released_on", "released_amount", "payment_reference", "released_by",
                               "released_at"])
    record_event(target=locked, actor=actor, action=step.name, from_state=before, to_state=locked.state,
                 data={"amount": f"{locked.amount:.2f}", "payment_reference": locked.payment_reference,
                       "released_on": locked.released_on.isoformat(), **data})
    from .notices import tell_unit

    tell_unit(project, "milestones.tranche_released", target=project, seq=locked.seq,
              amount=f"{locked.amount:,.2f}", date=locked.released_on, reference=project.application.reference)
    _close_when_done(actor=actor, project=project)


def _refuse_unpayable(project, locked: ProjectTranche, step, *, released_on) -> None:
    """What every paying step refuses first: an implausible date, a tranche already paid, an ended project, a
    tranche not yet due."""
    limits.refuse(limits.happened_errors(project, released_on=released_on))
    _refuse_released(locked)
    _refuse_ended(project, locked)
    _refuse_not_due(project, locked, step)


def tranche_request_payment(*, actor, tranche: ProjectTranche, payment_reference: str,
                            released_on: dt.date | None = None) -> ProjectTranche:
    """An officer records the payment request of a due tranche: its whole amount, the voucher number and the date
    paid (today when empty). Nothing is released until a second officer confirms."""
    step = TRANCHE_TRANSITIONS["request_payment"]
    _require_officer(actor, tranche.project)
    payment_reference = _clean_reference(payment_reference)
    with transaction.atomic():
        locked, project = _lock(tranche)
        _refuse_unpayable(project, locked, step, released_on=released_on)
        before = locked.state
        locked.state, locked.payment_reference, locked.released_on = step.target, payment_reference, (
            released_on or today())
        locked.requested_by, locked.requested_at = actor, timezone.now()
        locked.save(update_fields=["state", "payment_reference", "released_on", "requested_by", "requested_at"])
        record_event(target=locked, actor=actor, action=step.name, from_state=before, to_state=locked.state,
                     data={"amount": f"{locked.amount:.2f}", "payment_reference": payment_reference,
                           "released_on": locked.released_on.isoformat()})
        notices.payment_requested(project, locked, actor)
    return locked


def tranche_confirm_payment(*, actor, tranche: ProjectTranche) -> ProjectTranche:
    """A second officer confirms a requested payment: the tranche is released, once, for exactly its amount. The
    officer who requested it is refused; a second confirmation (later, or racing this one) finds the tranche
    released under the lock and pays nothing."""
    step = TRANCHE_TRANSITIONS["confirm_payment"]
    _require_officer(actor, tranche.project)
    with transaction.atomic():
        locked, project = _lock(tranche)
        _refuse_released(locked)
        _refuse_ended(project, locked)
        if locked.state not in step.sources:
            raise ValidationError(
                _("No payment of tranche %(seq)s has been requested yet: an officer records the payment request "
                  "first, then a second officer confirms it.") % {"seq": locked.seq}, code="not_requested")
        if locked.requested_by_id == actor.pk:
            raise ValidationError(
                _("You requested the payment of tranche %(seq)s yourself: a second officer must confirm it "
                  "(two people for every payment).") % {"seq": locked.seq}, code="same_person")
        _pay(actor=actor, project=project, locked=locked, step=step, before=locked.state,
             data={"requested_by": locked.requested_by_id})
    return locked


def tranche_cancel_request(*, actor, tranche: ProjectTranche, reason: str) -> ProjectTranche:
    """The requester or another officer cancels a payment request, with a reason: the tranche is due again."""
    step = TRANCHE_TRANSITIONS["cancel_request"]
    _require_officer(actor, tranche.project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment request is cancelled.")})
    limits.refuse(limits.text_errors(reason=(reason, limits.COMMENTS_MAX)))
    with transaction.atomic():
        locked, _project = _lock(tranche)
        _refuse_released(locked)
        if locked.state not in step.sources:
            raise ValidationError(
                _("No payment of tranche %(seq)s is waiting for confirmation; nothing was cancelled.")
                % {"seq": locked.seq}, code="not_requested")
        before, reference = locked.state, locked.payment_reference
        locked.state, locked.payment_reference, locked.released_on = step.target, "", None
        locked.requested_by, locked.requested_at = None, None
        locked.save(update_fields=["state", "payment_reference", "released_on", "requested_by", "requested_at"])
        record_event(target=locked, actor=actor, action=step.name, from_state=before, to_state=locked.state,
                     data={"reason": reason, "payment_reference": reference})
    return locked


def tranche_release(*, actor, tranche: ProjectTranche, payment_reference: str,
                    released_on: dt.date | None = None) -> ProjectTranche:
    """A single-officer office (PAYMENT_SECOND_PERSON off) records the payment of a due tranche in one step: once,
    for exactly its amount. Releasing the last tranche of an accepted project closes it (结项). Refused while the
    office asks for two people."""
    step = TRANCHE_TRANSITIONS["release"]
    _require_officer(actor, tranche.project)
    if second_person_required():
        raise ValidationError(
            _("Payments here need two people: record the payment request, and a second officer confirms it."),
            code="second_person_required")
    payment_reference = _clean_reference(payment_reference)
    with transaction.atomic():
        locked, project = _lock(tranche)
        _refuse_unpayable(project, locked, step, released_on=released_on)
        before = locked.state
        locked.payment_reference, locked.released_on = payment_reference, released_on or today()
        _pay(actor=actor, project=project, locked=locked, step=step, before=before, data={})
    return locked
