"""What applicants and officers are told when an application changes state: the kinds, and one call per step
that the services make inside their transaction (the inbox row commits with the change; the email follows it)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from audit.models import AuditEvent
from notifications.recipients import active_officers, notify_each
from notifications.registry import Kind
from organisations.selectors import active_members

from .eligibility import Overall
from .models import Application

FORMAL = frozenset()  # formal decisions are always emailed


def _link(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


SUBMITTED = Kind(
    "applications.submitted", _("Application received"),
    _("Application %(reference)s received"),
    _("Your application %(reference)s “%(title)s” (version %(version)s) was submitted on %(submitted)s. "
      "It now waits for formal review by the program office; you will be told the result."),
    link=_link,
)
RETURNED = Kind(
    "applications.returned", _("Application returned for revision"),
    _("Application %(reference)s returned for revision"),
    _("The program office returned your application %(reference)s “%(title)s” for revision. Its comment:\n"
      "%(reason)s\n\nRevise the application and submit it again before the call closes on %(deadline)s."),
    link=_link, opt_out=FORMAL,
)
REFUSED = Kind(
    "applications.refused", _("Application refused"),
    _("Application %(reference)s refused"),
    _("Your application %(reference)s “%(title)s” was refused in formal review. The program office's reason:\n"
      "%(reason)s"),
    link=_link, opt_out=FORMAL,
)
PASSED = Kind(
    "applications.passed", _("Application passed formal review"),
    _("Application %(reference)s passed formal review"),
    _("Your application %(reference)s “%(title)s” passed formal review and goes on to expert review. "
      "You will be told the outcome."),
    link=_link,
)
WITHDRAWN = Kind(
    "applications.withdrawn", _("Application withdrawn"),
    _("Application %(reference)s withdrawn"),
    _("Application %(reference)s “%(title)s” of %(organisation)s was withdrawn by %(actor)s on %(date)s. "
      "Reason given: %(reason)s"),
    link=_link,
)
CALL_CLOSING = Kind(
    "applications.call_closing", _("Reminder: the call closes soon"),
    _("The call closes on %(deadline)s: application %(reference)s is not submitted"),
    _("Application %(reference)s “%(title)s” to %(program)s still waits for you to submit it. The call closes "
      "on %(deadline)s (days left: %(days)s); after that it can no longer be submitted."),
    link=_link,
)
RECEIVED = Kind(
    "applications.received", _("Application submitted for formal review"),
    _("Application %(reference)s submitted for formal review"),
    _("%(organisation)s submitted application %(reference)s “%(title)s” to %(program)s on %(submitted)s. "
      "Eligibility check: %(eligibility)s. It waits for formal review in your queue."),
    link=_link,
)
RESUBMITTED = Kind(
    "applications.resubmitted", _("Application resubmitted after revision"),
    _("Application %(reference)s resubmitted (version %(version)s)"),
    _("%(organisation)s revised application %(reference)s “%(title)s” to %(program)s and submitted it again on "
      "%(submitted)s (version %(version)s). Eligibility check: %(eligibility)s. It waits for formal review in your "
      "queue; the versions page shows what changed."),
    link=_link,
)
KINDS = (SUBMITTED, RECEIVED, RESUBMITTED, RETURNED, REFUSED, PASSED, WITHDRAWN, CALL_CLOSING)
DECISIONS = {"return": RETURNED, "refuse": REFUSED, "pass": PASSED}


def members_of(application: Application) -> list[User]:
    return active_members([application.organisation_id])[application.organisation_id]


def figures(application: Application) -> dict:
    program = application.track.program
    return {
        "reference": application.reference,
        "title": application.title or application.draft.get("title") or "—",
        "program": str(program),
        "deadline": program.call_closes or "—",
    }


def worked_on(application: Application):
    """The active officers (and administrators) who have taken a step on the application, by its audit trail, and
    still work for its program's office (administrators work for every office)."""
    return User.objects.filter(
        Q(role=Role.ADMIN) | Q(office_memberships__office_id=application.track.program.office_id),
        pk__in=AuditEvent.objects.filter(
            content_type__app_label="applications", content_type__model="application",
            object_id=str(application.pk), actor__role__in=(Role.OFFICER, Role.ADMIN),
        ).values("actor_id"),
        is_active=True,
    ).distinct().order_by("pk")


def officers_of(application: Application) -> list[User]:
    """The program's officers for this application: those of its office who have worked on it (the officer who
    returned it, for a resubmission); where none has yet, every active officer of the program's office, so that
    no submission goes untold."""
    worked = list(worked_on(application))
    return worked or active_officers(application.track.program.office_id)


def submitted(application: Application) -> None:
    """A confirmation to every member of the applicant organisation, the submitter included; and the program's
    officers, told apart when the application comes back after revision, with its eligibility verdict."""
    values = {**figures(application), "version": application.version, "submitted": application.submitted_at}
    notify_each(members_of(application), kind=SUBMITTED.code, target=application, **values)
    kind = RESUBMITTED if application.version > 1 else RECEIVED
    eligibility = dict(Overall.choices).get(application.verdict_overall, application.verdict_overall or "—")
    notify_each(officers_of(application), kind=kind.code, target=application, eligibility=eligibility,
                organisation=application.organisation.name, **values)


def decided(step: str, application: Application, reason: str) -> None:
    """Formal review's decision (return, refuse, pass) to every member of the applicant organisation."""
    kind = DECISIONS.get(step)
    if kind is None:
        return
    notify_each(members_of(application), kind=kind.code, target=application, reason=reason or "—",
                **figures(application))


def withdrawn(application: Application, actor, reason: str) -> None:
    """To the organisation's members (a confirmation, and news to the others) and to the officers who have
    already worked on the application (they would otherwise find it gone from their queue without a word)."""
    recipients = {u.pk: u for u in [*members_of(application), *worked_on(application)]}
    values = {**figures(application), "organisation": application.organisation.name, "actor": str(actor),
              "date": timezone.localdate(), "reason": reason or "—"}
    notify_each(recipients.values(), kind=WITHDRAWN.code, target=application, **values)
