"""Reads of one KPI report: the report with its project (one query, what the pages show of both), its KPIs with
the values reached (one query) and its completion. The report page runs these and the evidence: each table read
once, whatever the number of KPIs or files."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.http import Http404

from .completion import Completion, completion
from .models import REPORT_TRANSITIONS, KpiReport, KpiValue, Project
from .selectors import projects_for

_READ = object()  # report_figures: read the application's snapshot itself
APPLICATION_BULK = ("draft", "verdict", "explanations")  # JSON the report views never read


def report_for(user, project_pk: int, report_pk: int, *, with_snapshot: bool = False) -> tuple[Project, KpiReport]:
    """The report and its project as ``user`` may see them (``projects_for``), in one query: the project with its
    application (without its bulky fields, which no report view reads). ``with_snapshot``: the application's last
    submitted snapshot too (``report.snapshot``, a subquery), for ``report_figures``. 404 for a report the user may
    not see, or of another project."""
    from applications.models import ApplicationVersion

    visible = projects_for(user).filter(pk=project_pk).order_by().values("pk")
    reports = (KpiReport.objects.filter(pk=report_pk, project_id__in=visible).order_by()
               .select_related("project__application")
               .defer(*(f"project__application__{name}" for name in APPLICATION_BULK))
               .annotate(program_office=F("project__application__track__program__office")))
    if with_snapshot:
        reports = reports.annotate(snapshot=Subquery(
            ApplicationVersion.objects.filter(application_id=OuterRef("project__application_id"))
            .order_by("-number").values("snapshot")[:1]))
    report = reports.first()
    if report is None:
        raise Http404
    report.project.program_office = report.program_office  # which office's steps (services.project_office)
    return report.project, report


@dataclass(frozen=True)
class ReportFigures:
    kpis: list  # the track's current KPIs in order, each with its group
    values: dict[int, Decimal | None]  # the values reached, by KPI id
    result: Completion


def report_figures(report: KpiReport, snapshot=_READ) -> ReportFigures:
    """The report's KPIs, the values reached and its completion per KPI, per group and overall: one query for the
    KPIs with their groups and values, and one for the application's last snapshot (what it committed) unless
    ``snapshot`` is given (``report_for(..., with_snapshot=True)`` reads it with the report)."""
    from applications.models import ApplicationVersion
    from programs.models import KPI

    track_id = report.project.application.track_id
    kpis = list(KPI.objects.filter(track_id=track_id, archived_at__isnull=True).select_related("group")
                .annotate(reached=Subquery(KpiValue.objects.filter(report=report, kpi=OuterRef("pk"))
                                           .values("value")[:1]))
                .order_by("seq"))
    if snapshot is _READ:
        snapshot = (ApplicationVersion.objects.filter(application_id=report.project.application_id)
                    .order_by("-number").values_list("snapshot", flat=True).first())
    committed = (snapshot or {}).get("kpis") or {}
    values = {k.pk: k.reached for k in kpis}
    groups = {k.group_id: k.group for k in kpis if k.group_id is not None}
    return ReportFigures(kpis, values, completion(kpis, committed, values, groups))


def report_completion(report: KpiReport) -> Completion:
    """The report's completion per KPI, per group and overall (two queries; the report's project and application
    from its cache if loaded)."""
    return report_figures(report).result


def completion_chart(result, *, title: str, label: str) -> dict:
    lines = [line for line in result.lines if not line.qualitative]
    return {"title": title, "label": label, "labels": [line.metric[:30] for line in lines],
            "data": [float(line.of_commitment or 0) for line in lines]}


def allowed_report_steps(report: KpiReport, role: str) -> frozenset[str]:
    """The report steps a user of ``role`` on the project (``services.role_of``) may take now, as the services
    check them: the page offers exactly these (``submit`` for the unit while the report is asked for; ``accept``
    and ``return`` for the officer)."""
    names = {t.name for t in REPORT_TRANSITIONS.values() if report.state in t.sources and t.actor == role}
    if report.not_required:
        names.discard("submit")
    return frozenset(names)
