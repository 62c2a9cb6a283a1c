"""What the funded unit and the officer are told as a project moves: the kinds, and the two recipients' calls the
services make inside their transaction."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.recipients import active_officers, in_charge, notify_each
from notifications.registry import Kind
from organisations.selectors import active_members


def _link(target) -> str:
    """The project page, of a project or of one of its rows (a mid-term check, an acceptance, a tranche)."""
    return reverse("milestones:project", args=[getattr(target, "project_id", None) or target.pk])


TRANCHE_RELEASED = Kind(
    "milestones.tranche_released", _("Tranche released"),
    _("Project %(reference)s: tranche %(seq)s released"),
    _("Tranche %(seq)s of project %(reference)s, %(amount)s yuan, was released on %(date)s."),
    link=_link,
)
PAYMENT_REQUESTED = Kind(
    "milestones.payment_requested", _("Payment waiting for your confirmation"),
    _("Project %(reference)s: confirm the payment of tranche %(seq)s"),
    _("%(requester)s requested the payment of tranche %(seq)s of project %(reference)s, %(amount)s yuan (reference "
      "%(payment_reference)s). A second officer confirms it on the project page; nothing is paid until then."),
    link=_link,
)
MIDTERM_RECORDED = Kind(  # written before issue 18; kept so that stored notifications still read
    "milestones.midterm_recorded", _("Mid-term check recorded"),
    _("Project %(reference)s: mid-term check"),
    _("The program office recorded the mid-term check of project %(reference)s: %(outcome)s. "
      "Rectification deadline, if any: %(rectify_by)s."),
    link=_link,
)
MIDTERM_ON_TRACK = Kind(
    "milestones.midterm_on_track", _("Mid-term check: on track"),
    _("Project %(reference)s: mid-term check found it on track"),
    _("The program office recorded the mid-term check (中期检查) of project %(reference)s on %(date)s: the project "
      "is on track. The office's comments: %(comments)s"),
    link=_link,
)
MIDTERM_RECTIFY = Kind(
    "milestones.midterm_rectify", _("Mid-term check: rectification required"),
    _("Project %(reference)s: rectification required by %(rectify_by)s"),
    _("The program office recorded the mid-term check (中期检查) of project %(reference)s on %(date)s: "
      "rectification is required. The office's comments: %(comments)s\n\nSubmit the rectification report, with "
      "the KPI values reached after rectifying, by %(rectify_by)s."),
    link=_link,
)
MIDTERM_REQUIRED = Kind(
    "milestones.midterm_required", _("Mid-term check required"),
    _("Project %(reference)s: the program office requires a mid-term check"),
    _("The program office requires a mid-term check (中期检查) of project %(reference)s: acceptance can be "
      "requested once the office has recorded a check that found the project on track. Reason: %(reason)s"),
    link=_link,
)
MIDTERM_NOT_REQUIRED = Kind(
    "milestones.midterm_not_required", _("Mid-term check no longer required"),
    _("Project %(reference)s: the program office no longer requires a mid-term check"),
    _("The program office no longer requires a mid-term check (中期检查) of project %(reference)s. Reason: "
      "%(reason)s"),
    link=_link,
)
ACCEPTANCE_REQUESTED = Kind(
    "milestones.acceptance_requested", _("Acceptance requested"),
    _("Project %(reference)s: acceptance requested"),
    _("%(organisation)s requested acceptance of project %(reference)s."),
    link=_link,
)
ACCEPTANCE_REQUESTED_LATE = Kind(
    "milestones.acceptance_requested_late", _("Acceptance requested after the rectification deadline"),
    _("Project %(reference)s: acceptance requested after the rectification deadline"),
    _("%(organisation)s requested acceptance of project %(reference)s again after its rectification deadline "
      "%(date)s. Decide at the inspection: record it passed, or failed, which terminates the project."),
    link=_link,
)
ACCEPTANCE_REQUESTED_EARLY = Kind(
    "milestones.acceptance_requested_early", _("Acceptance requested before the period ends"),
    _("Project %(reference)s: acceptance requested before its period ends"),
    _("%(organisation)s requested acceptance of project %(reference)s before its period ends on %(date)s, and "
      "confirmed it asks early. Check that the targets are met before the inspection."),
    link=_link,
)
ACCEPTANCE_RECORDED = Kind(  # written before issue 18; kept so that stored notifications still read
    "milestones.acceptance_recorded", _("Acceptance recorded"),
    _("Project %(reference)s: acceptance %(outcome)s"),
    _("The program office recorded the acceptance of project %(reference)s: %(outcome)s. "
      "Rectification deadline, if any: %(rectify_by)s."),
    link=_link,
)
ACCEPTANCE_PASSED = Kind(
    "milestones.acceptance_passed", _("Acceptance passed"),
    _("Project %(reference)s passed acceptance"),
    _("The program office recorded the acceptance (验收) of project %(reference)s “%(title)s”, inspected on "
      "%(date)s: passed. The experts' opinion:\n%(opinion)s"),
    link=_link,
)
ACCEPTANCE_FAILED = Kind(
    "milestones.acceptance_failed", _("Acceptance failed"),
    _("Project %(reference)s failed acceptance: rectify by %(rectify_by)s"),
    _("The program office recorded the acceptance (验收) of project %(reference)s “%(title)s”, inspected on "
      "%(date)s: failed. The reasons, in the experts' opinion:\n%(opinion)s\n\nRectify by %(rectify_by)s: submit "
      "the rectification report, then request acceptance again. A second failure terminates the project."),
    link=_link,
)
ACCEPTANCE_TERMINATED = Kind(
    "milestones.acceptance_terminated", _("Acceptance failed again: project terminated"),
    _("Project %(reference)s failed acceptance again and is terminated"),
    _("The program office recorded the acceptance (验收) of project %(reference)s “%(title)s”, inspected on "
      "%(date)s: failed a second time. The project is terminated and its remaining tranches are not paid. The "
      "reasons, in the experts' opinion:\n%(opinion)s"),
    link=_link,
)
REPORT_SUBMITTED = Kind(
    "milestones.report_submitted", _("KPI report submitted"),
    _("Project %(reference)s: %(report)s submitted"),
    _("%(organisation)s submitted the %(report)s of project %(reference)s on %(date)s (due %(due)s). Review it on "
      "the project page: accept it, or return it with what to revise."),
    link=_link,
)
REPORT_DUE = Kind(
    "milestones.report_due", _("Reminder: a KPI report is due"),
    _("Project %(reference)s: %(report)s due on %(date)s"),
    _("The %(report)s of project %(reference)s is due on %(date)s. Submit it on the project page: the value "
      "reached for each KPI, evidence files and a narrative."),
    link=_link,
)
REPORT_OVERDUE = Kind(
    "milestones.report_overdue", _("Reminder: a KPI report is overdue"),
    _("Project %(reference)s: %(report)s was due on %(date)s"),
    _("The %(report)s of project %(reference)s was due on %(date)s and has not been submitted. Submit it on the "
      "project page (the value reached for each KPI, evidence files and a narrative), or tell the program office "
      "why not."),
    link=_link,
)
REPORT_REVIEWED = Kind(
    "milestones.report_reviewed", _("KPI report reviewed"),
    _("Project %(reference)s: %(report)s %(outcome)s"),
    _("The program office reviewed the %(report)s of project %(reference)s: %(outcome)s. Comments: %(comments)s"),
    link=_link,
)
CONTRACT_READY = Kind(
    "milestones.contract_ready", _("Task book ready to sign"),
    _("Project %(reference)s: the task book is ready"),
    _("The task book (任务书) of project %(reference)s “%(title)s”, award %(amount)s yuan, is ready. Download it "
      "from the project page, sign and seal it, and give the signed copy to the program office, which records the "
      "contract."),
    link=_link,
)
TRANCHE_DUE = Kind(
    "milestones.tranche_due", _("Tranche due for release"),
    _("Project %(reference)s: tranche %(seq)s due for release"),
    _("Tranche %(seq)s of project %(reference)s (%(organisation)s), %(amount)s yuan, became due for release on "
      "%(date)s. Record the payment on the project page once it is made."),
    link=_link,
)
TRANCHE_UNRELEASED = Kind(
    "milestones.tranche_unreleased", _("Reminder: a due tranche is not released"),
    _("Project %(reference)s: tranche %(seq)s due since %(date)s"),
    _("Tranche %(seq)s of project %(reference)s (%(organisation)s), %(amount)s yuan, has been due for release "
      "since %(date)s (days: %(days)s) and is not released yet. Record the payment on the project page once it is "
      "made."),
    link=_link,
)
ACCEPTANCE_DUE = Kind(
    "milestones.acceptance_due", _("Reminder: request acceptance"),
    _("Project %(reference)s ends on %(date)s: request acceptance"),
    _("Project %(reference)s “%(title)s” ends on %(date)s (days left: %(days)s). Request acceptance (验收) on the "
      "project page with the final report and the final accounts."),
    link=_link,
)
ACCEPTANCE_OVERDUE = Kind(
    "milestones.acceptance_overdue", _("Reminder: acceptance not requested"),
    _("Project %(reference)s ended on %(date)s: acceptance not requested"),
    _("Project %(reference)s “%(title)s” ended on %(date)s and its acceptance (验收) has not been requested. "
      "Request it on the project page with the final report and the final accounts, or tell the program office "
      "why not."),
    link=_link,
)
RECTIFICATION_DUE = Kind(
    "milestones.rectification_due", _("Reminder: a rectification period ends"),
    _("Project %(reference)s: rectification due by %(date)s"),
    _("The rectification (整改) the program office asked of project %(reference)s is due by "
      "%(date)s (days left: %(days)s). After a failed acceptance, request acceptance again by that day, as soon as "
      "you have rectified."),
    link=_link,
)
RECTIFICATION_OVERDUE = Kind(
    "milestones.rectification_overdue", _("Reminder: a rectification period has ended"),
    _("Project %(reference)s: rectification was due by %(date)s"),
    _("The rectification (整改) the program office asked of project %(reference)s was due by "
      "%(date)s. After a failed acceptance, request acceptance again now; a second failure terminates the "
      "project."),
    link=_link,
)
KINDS = (TRANCHE_RELEASED, MIDTERM_RECORDED, MIDTERM_ON_TRACK, MIDTERM_RECTIFY, MIDTERM_REQUIRED,
         MIDTERM_NOT_REQUIRED, ACCEPTANCE_REQUESTED, ACCEPTANCE_REQUESTED_LATE, ACCEPTANCE_REQUESTED_EARLY,
         ACCEPTANCE_RECORDED, ACCEPTANCE_PASSED, ACCEPTANCE_FAILED, ACCEPTANCE_TERMINATED, REPORT_SUBMITTED,
         REPORT_DUE, REPORT_OVERDUE, REPORT_REVIEWED, CONTRACT_READY, TRANCHE_DUE, TRANCHE_UNRELEASED, ACCEPTANCE_DUE,
         ACCEPTANCE_OVERDUE, RECTIFICATION_DUE, RECTIFICATION_OVERDUE, PAYMENT_REQUESTED)


def tell_unit(project, kind: str, *, target, **values) -> None:
    """Every active member of the funded unit."""
    organisation_id = project.application.organisation_id
    notify_each(active_members([organisation_id])[organisation_id], kind=kind, target=target, **values)


def tell_officer(project, kind: str, *, target, **values) -> None:
    """The project's officer; every active officer of the program's office when that officer has left (the portal or
    the office), so nothing goes untold."""
    notify_each(in_charge([project.officer], office=office_of(project)), kind=kind, target=target, **values)


def office_of(project) -> str:
    """The code of the office whose program funds the project: only its officers hear of the project."""
    return project.application.track.program.office_id


def project_figures(project) -> dict:
    application = project.application
    return {"reference": application.reference, "title": application.title or application.reference}


def contract_ready(project) -> None:
    """Every member of the unit, once the task book they are to sign has been rendered."""
    tell_unit(project, CONTRACT_READY.code, target=project, amount=f"{project.award:,.2f}",
              **project_figures(project))


def acceptance_requested(project, *, late: bool, early: bool = False) -> None:
    """The project's officer, when the unit requests acceptance; told apart when it comes after the rectification
    deadline, or before the project's period ends (the unit confirmed it asks early)."""
    values = {"reference": project.application.reference, "organisation": project.application.organisation.name}
    if early:
        tell_officer(project, ACCEPTANCE_REQUESTED_EARLY.code, target=project, date=project.ends_on, **values)
    elif late:
        tell_officer(project, ACCEPTANCE_REQUESTED_LATE.code, target=project, date=project.rectify_by, **values)
    else:
        tell_officer(project, ACCEPTANCE_REQUESTED.code, target=project, **values)


def tranche_due(project, tranche) -> None:
    """The project's officer, when a tranche's condition is met and it may be paid."""
    tell_officer(project, TRANCHE_DUE.code, target=tranche, seq=tranche.seq, amount=f"{tranche.amount:,.2f}",
                 date=tranche.due_on, organisation=project.application.organisation.name,
                 reference=project.application.reference)


def payment_requested(project, tranche, requester) -> None:
    """Every other active program officer, when an officer requests a tranche's payment: one of them confirms it
    (two people for every payment)."""
    notify_each([user for user in active_officers(office_of(project)) if user.pk != requester.pk],
                kind=PAYMENT_REQUESTED.code,
                target=tranche, seq=tranche.seq, amount=f"{tranche.amount:,.2f}", requester=str(requester),
                payment_reference=tranche.payment_reference, reference=project.application.reference)


NONE_GIVEN = _("none given")  # stored as its msgid: read in the reader's language, never an empty field


def midterm_recorded(project, check) -> None:
    """Every member of the unit: on track, or rectification by a deadline, with the office's comments."""
    values = {**project_figures(project), "date": check.checked_on, "comments": check.comments or NONE_GIVEN}
    if check.rectify_by is not None:
        tell_unit(project, MIDTERM_RECTIFY.code, target=project, rectify_by=check.rectify_by, **values)
    else:
        tell_unit(project, MIDTERM_ON_TRACK.code, target=project, **values)


def acceptance_recorded(project, acceptance, *, terminated: bool) -> None:
    """Every member of the unit: passed, failed with the rectification deadline, or failed again and terminated;
    each with the experts' opinion (the reasons of a failure)."""
    from .models import AcceptanceOutcomeChoice

    values = {**project_figures(project), "date": acceptance.inspected_on, "opinion": acceptance.expert_opinion}
    if acceptance.outcome == AcceptanceOutcomeChoice.PASSED:
        tell_unit(project, ACCEPTANCE_PASSED.code, target=project, **values)
    elif terminated:
        tell_unit(project, ACCEPTANCE_TERMINATED.code, target=project, **values)
    else:
        tell_unit(project, ACCEPTANCE_FAILED.code, target=project, rectify_by=acceptance.rectify_by, **values)


def report_submitted(report) -> None:
    """The project's officer, when the unit submits a KPI report (mid-term, final, additional, rectification)."""
    from notifications.services import choice_label

    project = report.project
    tell_officer(project, REPORT_SUBMITTED.code, target=report, report=choice_label(report, "kind"),
                 organisation=project.application.organisation.name, date=timezone.localdate(report.submitted_at),
                 due=report.due_on or NONE_GIVEN, reference=project.application.reference)
