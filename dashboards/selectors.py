"""The reads behind each role's dashboard; each runs a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role, User
from applications.models import TRANSITIONS, Actor, Application, Status
from applications.selectors import applications_visible_to, in_offices_of, my_applications
from audit.models import AuditEvent
from core.pagination import first_rows, paginate_ids
from offices.selectors import office_scope
from programs.models import Program
from programs.selectors import program_list, today

# What the applicant does next in each state without a step of their own (the steps come from TRANSITIONS).
WAITING = {
    Status.SUBMITTED: _("Wait for formal review"),
    Status.PASSED: _("Wait for expert review"),
    Status.APPROVED: _("Carry out the project (see My projects)"),
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


# What the applicant's dashboard shows of each application (and of its track's program, for the next action).
APPLICANT_ROW_COLUMNS = ("reference", "title", "status", "updated_at", "track", "track__program",
                         "track__program__title", "track__program__short_title", "track__program__call_closes",
                         "organisation", "organisation__name")


def applicant_application_page(request, per_page: int = 20):
    """A page of the applicant's organisations' applications (and nobody else's), most recently changed first:
    cut on their ids, then only that page's rows with the columns the dashboard shows, the total a subquery of
    the same query (``paginate_ids``: one query)."""
    return paginate_ids(request, my_applications(request.user).order_by("-updated_at", "-pk"), lambda ids: (
        Application.objects.filter(pk__in=ids).select_related("track__program", "organisation")
        .only(*APPLICANT_ROW_COLUMNS)), per_page=per_page)


# The formal-review queue's states, in the order the dashboard shows them.
QUEUE_STATES = (Status.SUBMITTED, Status.RETURNED, Status.PASSED, Status.REFUSED, Status.WITHDRAWN)
FUNNEL_STATES = (Status.DRAFT, *QUEUE_STATES, Status.APPROVED, Status.NOT_FUNDED)  # every state, so rows add up


def queue_counts(user) -> list[tuple[str, str, int]]:
    """(state, label, count) of the submitted applications the officer sees (its offices' programs) in each state:
    one query."""
    totals = applications_visible_to(user).aggregate(
        **{state: Count("pk", filter=Q(status=state)) for state in QUEUE_STATES}
    )
    return [(state, Status(state).label, totals[state]) for state in QUEUE_STATES]


def state_counts(queryset: QuerySet, choices) -> list[tuple[str, str, int]]:
    """(state, label, count) for every state of ``choices`` (a TextChoices), in one aggregate query."""
    totals = queryset.order_by().aggregate(**{f"n_{value}": Count("pk", filter=Q(state=value))
                                              for value in choices.values})
    return [(value, label, totals[f"n_{value}"]) for value, label in choices.choices]


def round_counts(user) -> list[tuple[str, str, int]]:
    """Expert-review rounds of the officer's offices' programs in each state: one query."""
    from reviews.models import ReviewRound, RoundState

    return state_counts(ReviewRound.objects.filter(office_scope(user, "track__program__office")), RoundState)


def project_counts(user) -> list[tuple[str, str, int]]:
    """Projects of the officer's offices' programs in each state: one query."""
    from milestones.models import Project, ProjectState

    return state_counts(Project.objects.filter(office_scope(user, "application__track__program__office")),
                        ProjectState)


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


def funnel(user) -> list[FunnelRow]:
    """Per program of the officer's offices (those it works for or reads), how many applications stand in each
    state (drafts included): two queries, one GROUP BY."""
    counts: dict[int, dict[str, int]] = {}
    grouped = (Application.objects.filter(in_offices_of(user)).order_by().values_list("track__program_id", "status")
               .annotate(n=Count("pk")))
    for program_id, status, n in grouped:
        counts.setdefault(program_id, {})[status] = n
    programs = Program.objects.filter(office_scope(user, "office"), archived_at__isnull=True).only(
        "title", "short_title", "year", "code")
    return [FunnelRow(p, counts.get(p.pk, {})) for p in programs.order_by("-year", "code")]


def guides_loaded():
    return program_list()


def users_per_role() -> list[tuple[str, str, int]]:
    totals = dict(User.objects.filter(is_active=True).order_by().values_list("role").annotate(n=Count("pk")))
    return [(role, label, totals.get(role, 0)) for role, label in Role.choices]


def audit_object_types():
    """The kinds of object the audit trail holds, for the search form: one index probe per content type (a DISTINCT
    over the trail would read all of it)."""
    return ContentType.objects.filter(Exists(AuditEvent.objects.filter(content_type=OuterRef("pk"))))


def application_pk_for_reference(reference: str) -> int | None:
    return Application.objects.filter(reference=reference.strip()).values_list("pk", flat=True).first()


# --- the reviewer ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    total: int  # assignments the office confirmed (conflicts declared excluded)
    submitted: int
    to_declare: int
    conflicts: int

    @property
    def to_score(self) -> int:
        return self.total - self.submitted - self.to_declare

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def reviewer_progress(user) -> Progress:
    """The reviewer's own assignments counted by where they stand: one aggregate."""
    from reviews.models import Assignment, AssignmentState, ReviewState

    live = Q(state__in=[AssignmentState.CONFIRMED, AssignmentState.ACCEPTED])
    totals = Assignment.objects.filter(reviewer__user=user).aggregate(
        total=Count("pk", filter=live),
        submitted=Count("pk", filter=live & Q(state=AssignmentState.ACCEPTED, review__state=ReviewState.SUBMITTED)),
        to_declare=Count("pk", filter=Q(state=AssignmentState.CONFIRMED)),
        conflicts=Count("pk", filter=Q(state=AssignmentState.CONFLICT)))
    return Progress(**totals)


@dataclass(frozen=True)
class AssignmentStep:
    code: str
    label: str
    overdue: bool = False


def assignment_step(assignment) -> AssignmentStep:
    """Where one of the reviewer's assignments stands, from the assignment, review and round states and the
    round's deadline."""
    from reviews.models import ASSIGNMENT_TRANSITIONS, AssignmentState, ReviewState, RoundState

    review = getattr(assignment, "review", None)
    if review is not None and review.state == ReviewState.SUBMITTED:
        return AssignmentStep("submitted", pgettext_lazy("state", "Submitted"))
    if assignment.round.state not in (RoundState.ASSIGNING, RoundState.REVIEWING):
        return AssignmentStep("closed", _("Review closed"))
    overdue = bool(assignment.round.deadline and assignment.round.deadline < today())
    if assignment.state in ASSIGNMENT_TRANSITIONS["accept"].sources:
        return AssignmentStep("declare", _("Declare conflicts first"), overdue)
    if assignment.state == AssignmentState.ACCEPTED:
        return AssignmentStep("score", _("To score"), overdue)
    return AssignmentStep(assignment.state, assignment.get_state_display())


def reviewer_conflicts(user, n: int = 20) -> tuple[list, int]:
    """The conflicts of interest the reviewer declared, newest first (at most ``n``), and how many in all."""
    from reviews.models import DeclaredConflict

    return first_rows(DeclaredConflict.objects.filter(reviewer__user=user).select_related("application")
                      .only("uscc", "reason", "declared_at", "application__reference")
                      .order_by("-declared_at", "-pk"), n)


# --- the office --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disbursement:
    program: Program | None  # None on the totals row
    projects: int
    planned: Decimal
    due: Decimal
    released: Decimal

    @property
    def approved(self) -> Decimal:
        """The awards: every tranche, whatever its state (they add up to the awards exactly)."""
        return self.planned + self.due + self.released

    @property
    def released_percent(self) -> Decimal | None:
        approved = self.approved
        return (self.released * 100 / approved).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if approved else None


def disbursement(programs) -> tuple[list[Disbursement], Disbursement]:
    """Per program with projects (rows of milestones' ``programs_with_projects``), the yuan approved, released,
    due and planned, and the totals: exact Decimal sums, no query."""
    rows = [Disbursement(p, p.projects, p.planned, p.due, p.released) for p in programs if p.projects]
    zero = Decimal("0.00")
    total = Disbursement(None, sum(r.projects for r in rows), sum((r.planned for r in rows), zero),
                         sum((r.due for r in rows), zero), sum((r.released for r in rows), zero))
    return rows, total


def completion_chart(rows) -> dict:
    """Average KPI completion per program (rows of milestones' ``completion_by_program``), for
    static/js/completion-chart.js."""
    shown = [r for r in rows if r.average is not None]
    return {"title": _("Average KPI completion by program (%)"), "label": _("Completion (%)"),
            "labels": [r.program.short_title or r.program.code for r in shown],
            "data": [float(r.average) for r in shown]}


# --- the audit log -----------------------------------------------------------------------------------------------


def _lifecycles() -> dict[tuple[str, str], tuple[dict, dict]]:
    """Per kind of object, its transitions table and its states' labels: the audit log names each step and state
    in words, from the same tables the services read."""
    from applications.models import ConditionDecision
    from milestones import models as m
    from reviews import models as r

    submitted = {"submitted": pgettext_lazy("state", "Submitted")}  # the bare msgid names a column of times
    return {
        ("applications", "application"): (TRANSITIONS, {**dict(Status.choices),
                                                         **dict(ConditionDecision.Decision.choices)}),
        ("milestones", "project"): (m.PROJECT_TRANSITIONS, dict(m.ProjectState.choices)),
        ("milestones", "projecttranche"): (m.TRANCHE_TRANSITIONS, dict(m.TrancheState.choices)),
        ("milestones", "kpireport"): (m.REPORT_TRANSITIONS, {**dict(m.ReportState.choices), **submitted}),
        ("reviews", "reviewround"): (r.ROUND_TRANSITIONS, dict(r.RoundState.choices)),
        ("reviews", "assignment"): (r.ASSIGNMENT_TRANSITIONS, dict(r.AssignmentState.choices)),
        ("reviews", "review"): (r.REVIEW_TRANSITIONS, {**dict(r.ReviewState.choices), **submitted}),
        ("reviews", "award"): (r.AWARD_TRANSITIONS, dict(r.AwardState.choices)),
        ("reviews", "objection"): (r.OBJECTION_TRANSITIONS, dict(r.ObjectionState.choices)),
    }


# Recorded actions that are no step of a lifecycle table, per kind of object.
OTHER_STEPS = {
    ("milestones", "project"): {"open": _("Opened the project (立项)")},
    ("milestones", "kpireport"): {"add": _("Ask for another report"),
                                  "schedule_rectification": _("Scheduled the rectification report"),
                                  "move_due_date": _("Moved the rectification report's due date")},
    ("reviews", "reviewround"): {"open": _("Opened the review round"),
                                 "propose_assignment": _("Proposed the assignment")},
    ("programs", "program"): {"set_call_window": _("Set the call window"), "publish": _("Open for applications")},
    ("reviews", "assignment"): {"add": _("Add a reviewer")},
    ("reviews", "reviewerprofile"): {"declare_standing_conflict": _("Declared a standing conflict")},
    ("offices", "office"): {"office_create": _("Added the office"), "office_update": _("Changed the office"),
                            "office_staff_add": _("Added an officer to the staff"),
                            "office_staff_invite": _("Invited a new officer"),
                            "office_staff_role": _("Changed a staff member's role"),
                            "office_staff_remove": _("Took an officer off the staff")},
}


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    action: str
    from_state: str
    to_state: str
    url: str = ""


def audit_rows(events) -> list[AuditRow]:
    """The page's events with their step and states in words for the object's own lifecycle (an unknown action is
    shown as recorded), and a link to the object's page where it has one. No query."""
    from django.urls import reverse

    from applications.templatetags.application_tags import OTHER_ACTIONS

    tables = _lifecycles()
    pages = {("applications", "application"): "applications:detail", ("milestones", "project"): "milestones:project"}
    rows = []
    for event in events:
        kind = (event.content_type.app_label, event.content_type.model)
        steps, states = tables.get(kind, ({}, {}))
        if event.action in steps:
            action = str(steps[event.action].label)
        else:
            others = OTHER_ACTIONS if kind[0] == "applications" else OTHER_STEPS.get(kind, {})
            action = str(others.get(event.action, event.action))
        url = reverse(pages[kind], args=[event.object_id]) if kind in pages and event.object_id.isdigit() else ""
        rows.append(AuditRow(event, action, str(states.get(event.from_state, event.from_state or "")),
                             str(states.get(event.to_state, event.to_state or "")), url))
    return rows
