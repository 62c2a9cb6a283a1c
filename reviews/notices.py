"""What reviewers, objectors and applicants are told as expert review moves on: the kinds, and one call per step
that the services make inside their transaction (the inbox row commits with the change; the email follows it)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.notices import figures, members_of
from notifications.registry import Kind
from notifications.services import notify

FORMAL = frozenset()  # the funding decision is always emailed


def _assignment_link(assignment) -> str:
    return reverse("reviews:assignment", args=[assignment.pk])


def _application_link(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def _publicity_link(objection) -> str:
    return reverse("reviews:publicity", args=[objection.round_id])


ASSIGNED = Kind(
    "reviews.assigned", _("Application assigned to you for review"),
    _("Application %(reference)s assigned to you for review"),
    _("The program office assigned you application %(reference)s of %(program)s to score. Declare any conflict "
      "of interest first; the review is due on %(deadline)s."),
    link=_assignment_link,
)
REOPENED = Kind(
    "reviews.reopened", _("Your review was reopened"),
    _("Your review of %(reference)s was reopened"),
    _("The program office reopened your review of application %(reference)s. Its reason:\n%(reason)s\n\n"
      "Change it and submit it again by %(deadline)s."),
    link=_assignment_link,
)
REVIEW_DUE = Kind(
    "reviews.due", _("Reminder: a review is due"),
    _("Review of %(reference)s due on %(deadline)s"),
    _("Your review of application %(reference)s is due on %(deadline)s (days left: %(days)s)."),
    link=_assignment_link,
)
REVIEW_OVERDUE = Kind(
    "reviews.overdue", _("Reminder: a review is overdue"),
    _("Review of %(reference)s is overdue"),
    _("Your review of application %(reference)s was due on %(deadline)s. Submit it, or tell the program office."),
    link=_assignment_link,
)
OBJECTION_RESOLVED = Kind(
    "reviews.objection_resolved", _("Your objection was resolved"),
    _("Your objection to the publicity list was resolved"),
    _("The program office resolved your objection (%(outcome)s). Its reasons:\n%(resolution)s"),
    link=_publicity_link, opt_out=FORMAL,
)
APPROVED = Kind(
    "reviews.approved", _("Application approved for funding"),
    _("Application %(reference)s approved: %(amount)s yuan"),
    _("Application %(reference)s “%(title)s” was approved for funding (立项) with an award of %(amount)s yuan. "
      "The approval notice and the project follow."),
    link=_application_link, opt_out=FORMAL,
)
NOT_FUNDED = Kind(
    "reviews.not_funded", _("Application not funded"),
    _("Application %(reference)s not funded"),
    _("Application %(reference)s “%(title)s” was not funded after expert review. The office's reason:\n%(reason)s"),
    link=_application_link, opt_out=FORMAL,
)
KINDS = (ASSIGNED, REOPENED, REVIEW_DUE, REVIEW_OVERDUE, OBJECTION_RESOLVED, APPROVED, NOT_FUNDED)


def _review_figures(assignment) -> dict:
    review_round = assignment.round
    return {"reference": assignment.application.reference, "program": str(review_round.track.program),
            "deadline": review_round.deadline or "—"}


def assigned(assignments) -> None:
    """Each reviewer whose assignment was confirmed (the application's identity is never in the message)."""
    for assignment in assignments:
        notify(recipient=assignment.reviewer.user, kind=ASSIGNED.code, target=assignment,
               **_review_figures(assignment))


def reopened(review, reason: str) -> None:
    assignment = review.assignment
    notify(recipient=assignment.reviewer.user, kind=REOPENED.code, target=assignment, reason=reason,
           **_review_figures(assignment))


def objection_resolved(objection) -> None:
    notify(recipient=objection.raised_by, kind=OBJECTION_RESOLVED.code, target=objection,
           outcome=objection.get_state_display(), resolution=objection.resolution)


def decided(award, *, approved: bool, reason: str = "") -> None:
    application = award.application
    kind = APPROVED if approved else NOT_FUNDED
    for member in members_of(application):
        notify(recipient=member, kind=kind.code, target=application, amount=f"{award.amount:,.2f}",
               reason=reason or "—", **figures(application))
