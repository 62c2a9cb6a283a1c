"""The reads behind each role's dashboard; each runs a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from applications.models import TRANSITIONS, Actor, Application, Status
from applications.selectors import my_applications, submitted_applications
from audit.models import AuditEvent
from programs.models import Program
from programs.selectors import program_list

# What the applicant does next in each state without a step of their own (the steps come from TRANSITIONS).
WAITING = {
    Status.SUBMITTED: _("Wait for formal review"),
    Status.PASSED: _("Wait for expert review"),
}
CALL_STEPS = frozenset({"submit", "resubmit"})  # steps that must be taken before the call closes


@dataclass
class NextAction:
    label: str
    deadline: dt.date | None = None
    edit: bool = False


def next_action(application: Application) -> NextAction | None:
    """The applicant's next action on the application and its deadline (None when nothing is left to do)."""
    for step in TRANSITIONS.values():
        if step.actor == Actor.APPLICANT and step.name in CALL_STEPS and application.status in step.sources:
            return NextAction(step.label, application.track.program.call_closes, edit=True)
    if application.status in WAITING:
        return NextAction(WAITING[application.status])
    return None


def applicant_applications(user):
    """The applicant's organisations' applications (and nobody else's), most recently changed first."""
    return my_applications(user).defer("draft", "verdict", "explanations")


# The formal-review queue's states, in the order the dashboard shows them.
QUEUE_STATES = (Status.SUBMITTED, Status.RETURNED, Status.PASSED, Status.REFUSED, Status.WITHDRAWN)
FUNNEL_STATES = (Status.DRAFT, *QUEUE_STATES)


def queue_counts() -> list[tuple[str, str, int]]:
    """(state, label, count) of submitted applications in each state: one query."""
    totals = submitted_applications().aggregate(
        **{state: Count("pk", filter=Q(status=state)) for state in QUEUE_STATES}
    )
    return [(state, Status(state).label, totals[state]) for state in QUEUE_STATES]


@dataclass
class FunnelRow:
    program: Program
    counts: dict[str, int]

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in FUNNEL_STATES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def funnel() -> list[FunnelRow]:
    """Per program, how many applications stand in each state (drafts included): two queries, one GROUP BY."""
    counts: dict[int, dict[str, int]] = {}
    grouped = (Application.objects.order_by().values_list("track__program_id", "status")
               .annotate(n=Count("pk")))
    for program_id, status, n in grouped:
        counts.setdefault(program_id, {})[status] = n
    programs = Program.objects.filter(archived_at__isnull=True).only("title", "short_title", "year", "code")
    return [FunnelRow(p, counts.get(p.pk, {})) for p in programs.order_by("-year", "code")]


def guides_loaded():
    return program_list()


def users_per_role() -> list[tuple[str, str, int]]:
    totals = dict(User.objects.filter(is_active=True).order_by().values_list("role").annotate(n=Count("pk")))
    return [(role, label, totals.get(role, 0)) for role, label in Role.choices]


def audit_object_types():
    """The kinds of object the audit trail holds, for the search form."""
    return ContentType.objects.filter(pk__in=AuditEvent.objects.order_by().values("content_type_id").distinct())


def application_pk_for_reference(reference: str) -> int | None:
    return Application.objects.filter(reference=reference.strip()).values_list("pk", flat=True).first()
