"""What applicants and officers are told about an appeal (复审): the receipt, the officers' notice of a new appeal,
and the decision with the office's reasons. One call per step, made inside the service's transaction."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.notices import figures, members_of
from notifications.recipients import in_charge, notify_each
from notifications.registry import Kind
from notifications.services import choice_label

FORMAL = frozenset()  # decisions on an appeal are always emailed


def _application_link(appeal) -> str:
    return reverse("applications:detail", args=[appeal.application_id])


def _queue_link(appeal) -> str:
    return reverse("reviews:appeals")


LODGED = Kind(
    "reviews.appeal_lodged", _("Appeal received"),
    _("Appeal for %(reference)s received"),
    _("Your appeal (复审) against the decision on application %(reference)s “%(title)s” (%(stage)s) was received "
      "on %(date)s. The program office will decide it and tell you its reasons."),
    link=_application_link, opt_out=FORMAL,
)
NEW_APPEAL = Kind(
    "reviews.appeal_new", _("New appeal to decide"),
    _("Appeal against the decision on %(reference)s"),
    _("%(organisation)s appealed (复审) on %(date)s against the decision on application %(reference)s "
      "(%(stage)s). Its reasons:\n%(reasons)s\n\nUphold it (the application goes back to that stage) or dismiss "
      "it, with your reasons."),
    link=_queue_link,
)
DECIDED = Kind(
    "reviews.appeal_decided", _("Appeal decided"),
    _("Your appeal for %(reference)s was %(outcome)s"),
    _("The program office decided your appeal (复审) on application %(reference)s “%(title)s”: %(outcome)s. Its "
      "reasons:\n%(resolution)s"),
    link=_application_link, opt_out=FORMAL,
)
KINDS = (LODGED, NEW_APPEAL, DECIDED)


def lodged(appeal) -> None:
    """A receipt to the applicant organisation's members; a notice to the officer who took the refusal (every
    active officer if that one has left)."""
    application = appeal.application
    values = {**figures(application), "stage": choice_label(appeal, "stage"), "date": appeal.lodged_at}
    notify_each(members_of(application), kind=LODGED.code, target=appeal, **values)
    officers = in_charge([appeal.decision.actor] if appeal.decision.actor_id else [],
                         office=application.track.program.office_id)
    notify_each(officers, kind=NEW_APPEAL.code, target=appeal, organisation=str(application.organisation),
                reasons=appeal.reasons, **values)


def decided(appeal) -> None:
    application = appeal.application
    notify_each(members_of(application), kind=DECIDED.code, target=appeal, outcome=choice_label(appeal, "state"),
                resolution=appeal.resolution, **figures(application))
