"""A unit's projects on its dashboard: the newest few, each with the unit's next step. Two queries whatever the
number of projects: the rows (cut on ids, with their count and what the next step needs of their tranches and
mid-term checks as subqueries), then their reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from .models import UNPAID_DUE_STATES, KpiReport, MidtermCheck, Project, ProjectTranche
from .selectors import ProjectAction, project_next_action, projects_for

# What a unit's dashboard shows of each project and reads for its next step (``project_next_action``).
UNIT_PROJECT_COLUMNS = ("application", "award", "state", "created_at", "ends_on", "rectify_by", "contract_signed_on",
                        "application__reference", "application__title", "application__track",
                        "application__track__program", "application__track__program__title",
                        "application__track__program__short_title", "application__organisation",
                        "application__organisation__name")


@dataclass(frozen=True)
class DueTranche:
    seq: int
    due_on: dt.date | None


@dataclass(frozen=True)
class LatestCheck:
    outcome: str
    rectify_by: dt.date | None


def with_next_step_figures(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` with what their next step needs besides their reports, as subqueries on each row: the first
    tranche due and not yet released, the latest mid-term check's outcome and deadline."""
    due = ProjectTranche.objects.filter(project=OuterRef("pk"), state__in=UNPAID_DUE_STATES).order_by("seq")
    check = MidtermCheck.objects.filter(project=OuterRef("pk")).order_by("-checked_on", "-pk")
    return projects.annotate(
        due_seq=Subquery(due.values("seq")[:1]), due_since=Subquery(due.values("due_on")[:1]),
        check_outcome=Subquery(check.values("outcome")[:1]), check_rectify_by=Subquery(check.values("rectify_by")[:1]))


def first_projects(user, n: int) -> tuple[list[Project], int]:
    """The newest ``n`` projects ``user`` may see and how many there are, in one query: cut on the projects' ids,
    then only those rows with the columns a unit's dashboard shows and its next step's figures
    (``core.pagination.first_rows``)."""
    from core.pagination import first_rows

    return first_rows(projects_for(user), n, lambda ids: with_next_step_figures(
        Project.objects.filter(pk__in=ids).select_related("application__track__program", "application__organisation")
        .only(*UNIT_PROJECT_COLUMNS)))


def unit_project_rows(projects) -> list[tuple[Project, ProjectAction | None]]:
    """Each project (from ``with_next_step_figures``) with the unit's next step. One query whatever the number of
    projects: their reports."""
    projects = list(projects)
    reports: dict[int, list] = {}
    if projects:
        for report in (KpiReport.objects.filter(project_id__in=[p.pk for p in projects])
                       .only("project_id", "seq", "kind", "due_on", "state", "submitted_at")
                       .order_by("project_id", "due_on", "seq")):
            reports.setdefault(report.project_id, []).append(report)
    return [(p, project_next_action(
        p, reports.get(p.pk, []), [DueTranche(p.due_seq, p.due_since)] if p.due_seq is not None else [],
        LatestCheck(p.check_outcome, p.check_rectify_by) if p.check_outcome is not None else None))
        for p in projects]
