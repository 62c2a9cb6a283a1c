"""What reviewers, objectors and applicants are told as expert review moves on: the kinds, and one call per step
that the services make inside their transaction (the inbox row commits with the change; the email follows it)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.notices import figures, members_of
from notifications.recipients import Notice, in_charge_each, notify_all, notify_each
from notifications.registry import Kind
from notifications.services import choice_label, notify
from organisations.selectors import active_members

FORMAL = frozenset()  # the funding decision is always emailed


def _assignment_link(assignment) -> str:
    return reverse("reviews:assignment", args=[assignment.pk])


def _application_link(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def _publicity_link(objection) -> str:
    return reverse("reviews:publicity", args=[objection.round_id])


def _publicity_round_link(award) -> str:
    return reverse("reviews:publicity", args=[award.round_id])


def _round_link(assignment) -> str:
    return reverse("reviews:round", args=[assignment.round.track_id])


def _reviewer_queue_link(assignment) -> str:
    """A released assignment's page is no longer the reviewer's (404): their queue."""
    return reverse("reviews:queue")


def _decision_link(target) -> str:
    """The officer's decision page of the round (an objection's or the round itself)."""
    review_round = getattr(target, "round", target)
    return reverse("reviews:decision", args=[review_round.track_id])


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
OBJECTION_LODGED = Kind(
    "reviews.objection_lodged", _("Objection lodged during publicity"),
    _("Objection to the publicity list of %(track)s"),
    _("%(objector)s lodged an objection on %(date)s to the publicity list of %(track)s (%(program)s). "
      "Application objected to: %(reference)s. Reason:\n%(reason)s\n\nUphold or dismiss it, with your reasons, "
      "before the awards it concerns are decided; the publicity period ends on %(ends)s."),
    link=_decision_link,
)
PUBLICITY_ENDING = Kind(
    "reviews.publicity_ending", _("Reminder: a publicity period ends"),
    _("Publicity of %(track)s ends on %(ends)s"),
    _("The publicity period (公示) of the proposed awards of %(track)s (%(program)s) ends on %(ends)s "
      "(days left: %(days)s). Open objections: %(objections)s. From the next day, approve each award or mark it "
      "not funded, once the objections it concerns are resolved."),
    link=_decision_link,
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
CONFLICT_DECLARED = Kind(
    "reviews.conflict_declared", _("A reviewer declared a conflict of interest"),
    _("Application %(reference)s: a reviewer declared a conflict of interest"),
    _("%(reviewer)s declared a conflict of interest with application %(reference)s (%(track)s) on %(date)s and "
      "will not review it. Reason given:\n%(reason)s\n\nThe round waits for a replacement: assign another "
      "reviewer to this application on the round's assignment page."),
    link=_round_link,
)
CONFLICT_ACCEPTED = Kind(
    "reviews.conflict_accepted", _("Your declared conflict of interest was accepted"),
    _("Your conflict of interest with %(reference)s was accepted"),
    _("Your declaration of a conflict of interest with application %(reference)s was accepted on %(date)s: you "
      "will not review it, and the program office assigns another reviewer. The reason you gave:\n%(reason)s"),
    link=_reviewer_queue_link,
)
IN_PUBLICITY = Kind(
    "reviews.in_publicity", _("Your application is in publicity"),
    _("Application %(reference)s is in publicity until %(ends)s"),
    _("Application %(reference)s “%(title)s” is on the publicity list (公示) of %(track)s with a proposed award of "
      "%(amount)s yuan, from %(starts)s to %(ends)s. Anyone may object during this period; the award is decided "
      "after it ends."),
    link=_publicity_round_link, opt_out=FORMAL,
)
OBJECTION_AGAINST = Kind(
    "reviews.objection_against", _("An objection concerns your application"),
    _("Objection lodged: application %(reference)s"),
    _("An objection was lodged on %(date)s during the publicity of %(track)s, concerning application "
      "%(reference)s “%(title)s”. Its grounds:\n%(reason)s\n\nThe program office examines it and may ask you "
      "for information; the award is decided once it is resolved. You will be told the outcome."),
    link=_publicity_link, opt_out=FORMAL,
)
OBJECTION_AGAINST_RESOLVED = Kind(
    "reviews.objection_against_resolved", _("An objection concerning your application was resolved"),
    _("Objection resolved: application %(reference)s"),
    _("The program office resolved the objection lodged on %(date)s concerning application %(reference)s "
      "“%(title)s”: %(outcome)s. Its reasons:\n%(resolution)s"),
    link=_publicity_link, opt_out=FORMAL,
)
KINDS = (ASSIGNED, REOPENED, REVIEW_DUE, REVIEW_OVERDUE, CONFLICT_DECLARED, CONFLICT_ACCEPTED, IN_PUBLICITY,
         OBJECTION_LODGED, OBJECTION_AGAINST, OBJECTION_RESOLVED, OBJECTION_AGAINST_RESOLVED, PUBLICITY_ENDING,
         APPROVED, NOT_FUNDED)


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


def round_officers(round_ids) -> dict[int, list]:
    """The officers of each round: whoever opened it and every officer who took a step on it (assignment, proposal,
    publicity), if still active and still working for the program's office; where none is, every active officer of
    that office, so that no round goes untold. Four queries whatever the number of rounds (a fifth when one needs
    the fallback)."""
    from accounts.models import Role, User
    from audit.models import AuditEvent

    from .models import ReviewRound

    round_ids = list(round_ids)
    people: dict[int, set[int]] = {pk: set() for pk in round_ids}
    offices: dict[int, str] = {}
    for pk, creator, office in ReviewRound.objects.filter(pk__in=round_ids).values_list(
            "pk", "created_by_id", "track__program__office_id"):
        people[pk].add(creator)
        offices[pk] = office
    for object_id, actor in AuditEvent.objects.filter(
            content_type__app_label="reviews", content_type__model="reviewround",
            object_id__in=[str(pk) for pk in round_ids], actor__role__in=(Role.OFFICER, Role.ADMIN),
    ).values_list("object_id", "actor_id").distinct():
        people[int(object_id)].add(actor)
    everyone = {pk for ids in people.values() for pk in ids}
    users = {u.pk: u for u in User.objects.filter(pk__in=everyone, role__in=(Role.OFFICER, Role.ADMIN),
                                                  is_active=True)}
    return in_charge_each({pk: [users[i] for i in sorted(ids) if i in users] for pk, ids in people.items()},
                          offices=offices)


def objection_lodged(objection) -> None:
    """The round's officers, with what is objected to and why (the objection must be resolved before the awards it
    concerns are decided)."""
    review_round = objection.round
    track = review_round.track
    values = {"objector": str(objection.raised_by), "date": objection.created_at, "track": str(track),
              "program": str(track.program), "ends": review_round.publicity_ends,
              "reference": objection.award.application.reference if objection.award_id else "—",
              "reason": objection.reason}
    notify_each(round_officers([review_round.pk])[review_round.pk], kind=OBJECTION_LODGED.code, target=objection,
                **values)
    _tell_objected(objection, OBJECTION_AGAINST, reason=objection.reason)


def objection_resolved(objection) -> None:
    """The objector, and the applicants the objection concerns, with the office's reasons."""
    notify(recipient=objection.raised_by, kind=OBJECTION_RESOLVED.code, target=objection,
           outcome=choice_label(objection, "state"), resolution=objection.resolution)
    _tell_objected(objection, OBJECTION_AGAINST_RESOLVED, outcome=choice_label(objection, "state"),
                   resolution=objection.resolution)


def _tell_objected(objection, kind: Kind, **values) -> None:
    """The members of each applicant the objection concerns: the award's, or every award's on the list when it
    objects to the list as a whole. The objector is not named. Three queries whatever the number of applicants."""
    from .models import Award

    awards = (Award.objects.filter(round_id=objection.round_id)
              .select_related("application__track__program", "round__track"))
    if objection.award_id:
        awards = awards.filter(pk=objection.award_id)
    awards = list(awards)
    members = active_members([a.application.organisation_id for a in awards])
    notify_all(
        Notice(recipient=member, kind=kind.code, target=objection,
               values={**figures(award.application), "track": str(award.round.track), "date": objection.created_at,
                       **values})
        for award in awards for member in members[award.application.organisation_id]
        if member.pk != objection.raised_by_id)


def conflict_declared(assignment, reason: str, on) -> None:
    """The round's officers (the round waits for a replacement) and the reviewer (the conflict is accepted: the
    assignment is released at once), each with the reason the reviewer gave."""
    values = {"reference": assignment.application.reference, "reason": reason, "date": on}
    review_round = assignment.round
    notify_each(round_officers([review_round.pk])[review_round.pk], kind=CONFLICT_DECLARED.code, target=assignment,
                reviewer=str(assignment.reviewer), track=str(review_round.track), **values)
    notify(recipient=assignment.reviewer.user, kind=CONFLICT_ACCEPTED.code, target=assignment, **values)


def publicity_started(review_round) -> None:
    """The members of every applicant on the published list, with its proposed award and the period."""
    from .models import Award

    awards = list(Award.objects.filter(round=review_round).select_related("application__track__program"))
    members = active_members([a.application.organisation_id for a in awards])
    values = {"track": str(review_round.track), "starts": review_round.publicity_starts,
              "ends": review_round.publicity_ends}
    notify_all(
        Notice(recipient=member, kind=IN_PUBLICITY.code, target=award,
               values={**figures(award.application), "amount": f"{award.amount:,.2f}", **values})
        for award in awards for member in members[award.application.organisation_id])


def decided(award, *, approved: bool, reason: str = "") -> None:
    application = award.application
    kind = APPROVED if approved else NOT_FUNDED
    notify_each(members_of(application), kind=kind.code, target=application, amount=f"{award.amount:,.2f}",
                reason=reason or "—", **figures(application))
