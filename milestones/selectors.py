"""Reads: which projects a user may see, a program's fund ledger and its fund plan from the guide fixture.

Every list here runs a fixed number of queries whatever the number of projects: amounts are summed per project in
one annotated query, totals in one aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from programs.models import Program
from programs.money import split_remainder_last

from .models import Project, ProjectTranche, TrancheState

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _sum(state: str):
    """The project's tranches in ``state``, summed in a correlated subquery (no join before the page is cut)."""
    return Coalesce(Subquery(
        ProjectTranche.objects.filter(project=OuterRef("pk"), state=state).values("project")
        .annotate(s=Sum("amount")).values("s")), ZERO)


def projects_for(user) -> QuerySet[Project]:
    """Officers see every project; a unit's members see their organisations' projects; others none."""
    qs = Project.objects.select_related("application__organisation", "application__track__program", "officer")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_officer:
        return qs
    from organisations.models import Membership

    return qs.filter(Exists(Membership.objects.filter(organisation_id=OuterRef("application__organisation_id"),
                                                      user=user)))


def project_for(user, pk: int) -> Project:
    project = projects_for(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def with_money(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.annotate(planned=_sum(TrancheState.PLANNED), due=_sum(TrancheState.DUE),
                       released=_sum(TrancheState.RELEASED))


def program_for_officer(user, program_id: int) -> Program:
    if not (getattr(user, "is_authenticated", False) and user.is_officer):
        raise Http404
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def programs_with_projects() -> list[Program]:
    """Every program with its number of projects and the money planned, due and released (one query, each figure
    a subquery), for the officer's overview of disbursement and links to ledgers and plans."""
    count = Project.objects.filter(application__track__program=OuterRef("pk")).values(
        "application__track__program").annotate(n=Count("pk")).values("n")

    def money(state: str):
        return Coalesce(Subquery(
            ProjectTranche.objects.filter(project__application__track__program=OuterRef("pk"), state=state)
            .values("project__application__track__program").annotate(s=Sum("amount")).values("s")), ZERO)

    return list(Program.objects.annotate(
        projects=Coalesce(Subquery(count), 0), planned=money(TrancheState.PLANNED), due=money(TrancheState.DUE),
        released=money(TrancheState.RELEASED)).order_by("-year", "code"))


def ledger_projects(program: Program) -> QuerySet[Project]:
    return with_money(Project.objects.filter(application__track__program=program)
                      .select_related("application__organisation", "application__track")
                      .order_by("application__track__position", "application__reference"))


def ledger_totals(program: Program) -> dict:
    """Planned, due and released per track and for the program (two queries)."""
    tranches = ProjectTranche.objects.filter(project__application__track__program=program)
    sums = {"planned": Coalesce(Sum("amount", filter=Q(state=TrancheState.PLANNED)), ZERO),
            "due": Coalesce(Sum("amount", filter=Q(state=TrancheState.DUE)), ZERO),
            "released": Coalesce(Sum("amount", filter=Q(state=TrancheState.RELEASED)), ZERO),
            "award": Coalesce(Sum("amount"), ZERO)}
    by_track = list(tranches.values("project__application__track__code", "project__application__track__title",
                                    "project__application__track__position")
                    .annotate(**sums).order_by("project__application__track__position"))
    return {"tracks": [{"code": row["project__application__track__code"],
                        "title": row["project__application__track__title"],
                        **{key: row[key] for key in sums}} for row in by_track],
            "total": tranches.aggregate(**sums)}


@dataclass(frozen=True)
class PlanRow:
    code: str
    title: str
    awards: int | None
    awards_is_maximum: bool
    total: Decimal
    first: Decimal
    second: Decimal


def fund_plan(program: Program) -> tuple[list[PlanRow], PlanRow]:
    """For each track with a budget (in guide order): its number of awards, total, first and second tranche, as
    the guide fixture states them (a tranche's stated amount, else its share of the budget, the remainder on the
    last); then the totals. Two queries."""
    rows = []
    tracks = program.tracks.filter(budget__isnull=False).prefetch_related("tranches").order_by("position")
    for track in tracks:
        plan = sorted(track.tranches.all(), key=lambda t: t.seq)
        if plan and all(t.amount is not None for t in plan):
            amounts = [t.amount for t in plan]
        elif plan:
            amounts = split_remainder_last(track.budget, [t.share_percent for t in plan])
        else:
            amounts = [track.budget]
        first = amounts[0]
        rows.append(PlanRow(track.code, track.title, track.max_awards, track.awards_is_maximum, track.budget, first,
                            sum(amounts[1:], Decimal("0.00"))))
    # The guide's total row leaves the number of awards empty: one track states a maximum, not a count.
    total = PlanRow("", "", None, False, sum((r.total for r in rows), Decimal("0")),
                    sum((r.first for r in rows), Decimal("0")), sum((r.second for r in rows), Decimal("0")))
    return rows, total


def disbursement_chart(totals: dict) -> dict:
    """The ledger's per-track figures as a chart's data (yuan)."""
    return {"labels": [row["code"] for row in totals["tracks"]],
            "released": [float(row["released"]) for row in totals["tracks"]],
            "due": [float(row["due"]) for row in totals["tracks"]],
            "planned": [float(row["planned"]) for row in totals["tracks"]]}


__all__ = ["disbursement_chart", "fund_plan", "ledger_projects", "ledger_totals",
           "program_for_officer", "project_for", "projects_for", "with_money"]


def report_for(user, project_pk: int, report_pk: int):
    from .models import KpiReport

    project = project_for(user, project_pk)
    report = KpiReport.objects.filter(project=project, pk=report_pk).first()
    if report is None:
        raise Http404
    return project, report


def report_completion(report):
    """The report's completion per KPI, per group and overall (three queries)."""
    from .completion import completion

    track = report.project.application.track
    kpis = [k for k in track.kpis.select_related("group") if k.archived_at is None]
    snapshot = report.project.application.versions.order_by("-number").values_list("snapshot", flat=True).first()
    committed = (snapshot or {}).get("kpis") or {}
    reached = dict(report.values.values_list("kpi_id", "value"))
    groups = {k.group_id: k.group for k in kpis if k.group_id is not None}
    return completion(kpis, committed, reached, groups)


def completion_chart(result, *, title: str, label: str) -> dict:
    lines = [line for line in result.lines if not line.qualitative]
    return {"title": title, "label": label, "labels": [line.metric[:30] for line in lines],
            "data": [float(line.of_commitment or 0) for line in lines]}


@dataclass(frozen=True)
class CompletionRow:
    project: Project
    report: object | None
    result: object | None


def program_completion_page(program: Program, page_projects) -> list[CompletionRow]:
    """KPI completion of each project on the page, from its latest submitted or accepted report. Four queries
    whatever the page size: the reports, the tracks' KPIs, the reports' values, the applications' versions."""
    from applications.models import ApplicationVersion
    from programs.models import KPI

    from .completion import completion
    from .models import KpiReport, KpiValue, ReportState

    projects = list(page_projects)
    reports: dict[int, KpiReport] = {}
    for report in (KpiReport.objects.filter(project__in=[p.pk for p in projects],
                                            state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED])
                   .order_by("project_id", "-seq")):
        reports.setdefault(report.project_id, report)
    track_ids = {p.application.track_id for p in projects}
    kpis: dict[int, list] = {}
    for kpi in KPI.objects.filter(track_id__in=track_ids, archived_at__isnull=True).select_related("group"):
        kpis.setdefault(kpi.track_id, []).append(kpi)
    values: dict[int, dict] = {}
    for report_id, kpi_id, value in KpiValue.objects.filter(report__in=list(reports.values())).values_list(
            "report_id", "kpi_id", "value"):
        values.setdefault(report_id, {})[kpi_id] = value
    snapshots: dict[int, dict] = {}
    for application_id, snapshot in (ApplicationVersion.objects
                                     .filter(application_id__in=[p.application_id for p in projects])
                                     .order_by("application_id", "-number").values_list("application_id", "snapshot")):
        snapshots.setdefault(application_id, snapshot or {})
    rows = []
    for project in projects:
        report = reports.get(project.pk)
        result = None
        if report is not None:
            track_kpis = kpis.get(project.application.track_id, [])
            groups = {k.group_id: k.group for k in track_kpis if k.group_id is not None}
            result = completion(track_kpis, snapshots.get(project.application_id, {}).get("kpis") or {},
                                values.get(report.pk, {}), groups)
        rows.append(CompletionRow(project, report, result))
    return rows
