"""What the funded unit and the officer are told as a project moves: the kinds, and the two recipients' calls the
services make inside their transaction."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind
from notifications.services import notify


def _link(project) -> str:
    return reverse("milestones:project", args=[project.pk])


TRANCHE_RELEASED = Kind(
    "milestones.tranche_released", _("Tranche released"),
    _("Project %(reference)s: tranche %(seq)s released"),
    _("Tranche %(seq)s of project %(reference)s, %(amount)s yuan, was released on %(date)s."),
    link=_link,
)
MIDTERM_RECORDED = Kind(
    "milestones.midterm_recorded", _("Mid-term check recorded"),
    _("Project %(reference)s: mid-term check"),
    _("The program office recorded the mid-term check of project %(reference)s: %(outcome)s. "
      "Rectification deadline, if any: %(rectify_by)s."),
    link=_link,
)
ACCEPTANCE_REQUESTED = Kind(
    "milestones.acceptance_requested", _("Acceptance requested"),
    _("Project %(reference)s: acceptance requested"),
    _("%(organisation)s requested acceptance of project %(reference)s."),
    link=_link,
)
ACCEPTANCE_RECORDED = Kind(
    "milestones.acceptance_recorded", _("Acceptance recorded"),
    _("Project %(reference)s: acceptance %(outcome)s"),
    _("The program office recorded the acceptance of project %(reference)s: %(outcome)s. "
      "Rectification deadline, if any: %(rectify_by)s."),
    link=_link,
)
REPORT_DUE = Kind(
    "milestones.report_due", _("Reminder: a KPI report is due"),
    _("Project %(reference)s: %(report)s due on %(date)s"),
    _("The %(report)s of project %(reference)s is due on %(date)s. Submit it on the project page: the value "
      "reached for each KPI, evidence files and a narrative."),
    link=_link,
)
REPORT_REVIEWED = Kind(
    "milestones.report_reviewed", _("KPI report reviewed"),
    _("Project %(reference)s: %(report)s %(outcome)s"),
    _("The program office reviewed the %(report)s of project %(reference)s: %(outcome)s. Comments: %(comments)s"),
    link=_link,
)
KINDS = (TRANCHE_RELEASED, MIDTERM_RECORDED, ACCEPTANCE_REQUESTED, ACCEPTANCE_RECORDED, REPORT_DUE, REPORT_REVIEWED)


def tell_unit(project, kind: str, *, target, **values) -> None:
    from organisations.models import Membership

    for membership in Membership.objects.filter(organisation_id=project.application.organisation_id
                                                ).select_related("user"):
        notify(recipient=membership.user, kind=kind, target=target, **values)


def tell_officer(project, kind: str, *, target, **values) -> None:
    notify(recipient=project.officer, kind=kind, target=target, **values)
