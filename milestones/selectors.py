"""Reads: which projects a user may see, a program's fund ledger and its fund plan from the guide fixture.

Every list here runs a fixed number of queries whatever the number of projects: amounts are summed per project in
one annotated query, totals in one aggregate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core.money import split_remainder_last
from offices.selectors import office_scope
from programs.models import Program

from .models import UNPAID_DUE_STATES, Project, ProjectTranche, TrancheState

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _sum(*states: str):
    """The project's tranches in ``states``, summed in a correlated subquery (no join before the page is cut)."""
    return Coalesce(Subquery(
        ProjectTranche.objects.filter(project=OuterRef("pk"), state__in=states).order_by().values("project")
        .annotate(s=Sum("amount")).values("s")), ZERO)


def projects_for(user) -> QuerySet[Project]:
    """Officers see the projects of the programs their offices may read (``offices.selectors.office_scope``, a
    subquery); a unit's members see their organisations' projects; others none."""
    qs = Project.objects.select_related("application__organisation", "application__track__program", "officer")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_officer:
        return qs.filter(office_scope(user, "application__track__program__office"))
    from organisations.models import Membership

    return qs.filter(Exists(Membership.objects.filter(organisation_id=OuterRef("application__organisation_id"),
                                                      user=user)))


PROJECT_LIST_COLUMNS = ("application", "award", "state", "created_at", "application__reference",
                        "application__title", "application__organisation", "application__organisation__name")


def project_list_page(request, projects: QuerySet[Project]):
    """A page of ``projects`` (a filtered ``projects_for``), newest first: cut on the projects' ids alone (the cut
    and the total are subqueries of the rows query: one round trip), then only that page's rows, with the columns
    the list shows and their money."""
    from core.pagination import paginate_ids

    ids = projects.order_by("-created_at", "pk")
    return paginate_ids(request, ids, lambda page_ids: with_money(
        Project.objects.filter(pk__in=page_ids).select_related("application__organisation")
        .only(*PROJECT_LIST_COLUMNS)))


def project_for(user, pk: int) -> Project:
    project = projects_for(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def with_money(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.annotate(planned=_sum(TrancheState.PLANNED), due=_sum(*UNPAID_DUE_STATES),
                       released=_sum(TrancheState.RELEASED))


def program_for_officer(user, program_id: int) -> Program:
    """A program whose office the officer may read (its ledger, fund plan, KPI report and exports); else 404."""
    if not (getattr(user, "is_authenticated", False) and user.is_officer):
        raise Http404
    program = Program.objects.filter(office_scope(user, "office"), pk=program_id).first()
    if program is None:
        raise Http404
    return program


def programs_with_projects(user=None) -> list[Program]:
    """Every program (with ``user``: every program of the offices the user works for or reads) with its number of
    projects and the money planned, due and released, for the officer's overview of disbursement and links to
    ledgers and plans: two queries, the programs and one GROUP BY over the tranches (every project has at least
    one tranche: ``project_open`` writes its schedule). A correlated count per program would scan every
    application once per program."""
    zero = Decimal("0.00")
    figures = {
        row["program"]: row for row in ProjectTranche.objects.filter(
            office_scope(user, "project__application__track__program__office")).order_by().values(
            program=F("project__application__track__program")).annotate(
            projects=Count("project", distinct=True),
            planned=Coalesce(Sum("amount", filter=Q(state=TrancheState.PLANNED)), ZERO),
            due=Coalesce(Sum("amount", filter=Q(state__in=UNPAID_DUE_STATES)), ZERO),
            released=Coalesce(Sum("amount", filter=Q(state=TrancheState.RELEASED)), ZERO))
    }
    programs = Program.objects.only("code", "title", "short_title", "year").order_by("-year", "code")
    programs = list(programs if user is None else programs.filter(office_scope(user, "office")))
    for program in programs:
        row = figures.get(program.pk, {})
        program.projects = row.get("projects", 0)
        program.planned, program.due, program.released = (row.get(k, zero) for k in ("planned", "due", "released"))
    return programs


LEDGER_ORDER = ("application__track__position", "application__reference")


def ledger_projects(program: Program) -> QuerySet[Project]:
    """The program's projects in ledger order, each with its money and only the columns the ledger shows (an
    application's JSON columns are never read)."""
    return with_money(Project.objects.filter(application__track__program=program)
                      .select_related("application__organisation", "application__track")
                      .only(*LEDGER_COLUMNS).order_by(*LEDGER_ORDER))


LEDGER_COLUMNS = ("application", "award", "state", "application__reference", "application__title",
                  "application__track", "application__organisation", "application__track__code",
                  "application__track__position", "application__organisation__name")


def ledger_page(request, program: Program, per_page: int = 50, *, total: int | None = None):
    """One page of the ledger, cut on the projects' ids first (the cut is a subquery of the rows query: one round
    trip), then only that page's rows with their money. ``total``, the number of the program's projects when the
    caller has it (``ledger_totals``), is not counted again."""
    from core.pagination import paginate_ids

    ids = Project.objects.filter(application__track__program=program).order_by(*LEDGER_ORDER)
    return paginate_ids(request, ids, lambda page_ids: ledger_projects(program).filter(pk__in=page_ids),
                        per_page=per_page, total=total)


def ledger_lines(program: Program):
    """The Excel ledger's lines as tuples (track code, reference, title, organisation, award, planned, due,
    released), in ledger order: one query, the tranches summed per project in one GROUP BY."""
    sums = {"planned": Coalesce(Sum("tranches__amount", filter=Q(tranches__state=TrancheState.PLANNED)), ZERO),
            "due": Coalesce(Sum("tranches__amount", filter=Q(tranches__state__in=UNPAID_DUE_STATES)), ZERO),
            "released": Coalesce(Sum("tranches__amount", filter=Q(tranches__state=TrancheState.RELEASED)), ZERO)}
    return (Project.objects.filter(application__track__program=program).order_by(*LEDGER_ORDER)
            .values_list("application__track__code", "application__reference", "application__title",
                         "application__organisation__name", "award")  # a reference is unique: a group per project
            .annotate(**sums).iterator(chunk_size=2000))


def ledger_totals(program: Program) -> dict:
    """Planned, due and released per track, and for the program as the tracks' exact sums, with the number of
    projects (every project has its tranches: ``project_open`` writes the schedule). One query."""
    tranches = ProjectTranche.objects.filter(project__application__track__program=program)
    sums = {"planned": Coalesce(Sum("amount", filter=Q(state=TrancheState.PLANNED)), ZERO),
            "due": Coalesce(Sum("amount", filter=Q(state__in=UNPAID_DUE_STATES)), ZERO),
            "released": Coalesce(Sum("amount", filter=Q(state=TrancheState.RELEASED)), ZERO),
            "award": Coalesce(Sum("amount"), ZERO)}
    by_track = list(tranches.values("project__application__track__code", "project__application__track__title",
                                    "project__application__track__position")
                    .annotate(projects=Count("project", distinct=True), **sums)
                    .order_by("project__application__track__position"))
    tracks = [{"code": row["project__application__track__code"], "title": row["project__application__track__title"],
               "projects": row["projects"], **{key: row[key] for key in sums}} for row in by_track]
    return {"tracks": tracks, "projects": sum(row["projects"] for row in tracks),
            "total": {key: sum((row[key] for row in tracks), Decimal("0.00")) for key in sums}}


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


def programs_disbursement_chart(programs) -> dict:
    """Released, due and planned yuan of each program with projects (rows of ``programs_with_projects``) as
    static/js/disbursement-chart.js reads them: floats for the chart, the pages' tables keep the exact Decimals."""
    from django.utils.translation import gettext as _

    funded = [p for p in programs if p.projects]
    return {"title": _("Disbursement by program (yuan)"), "labels": [p.short_title or p.code for p in funded],
            "released": [float(p.released) for p in funded], "due": [float(p.due) for p in funded],
            "planned": [float(p.planned) for p in funded],
            "names": {"released": _("Released"), "due": _("Due"), "planned": _("Planned")}}


__all__ = ["disbursement_chart", "fund_plan", "ledger_lines", "ledger_page", "ledger_projects", "ledger_totals",
           "program_for_officer", "project_for", "project_list_page", "projects_for", "with_money"]


# The files of an acceptance request, by the name its download URL carries.
ACCEPTANCE_FILES = ("final_report", "final_accounts")


@dataclass(frozen=True)
class SubmittedFile:
    key: str  # what the page marks the link with: contract, final_report-1, evidence-<pk>
    label: str
    name: str
    submitted: dt.date | None
    url: str


def submitted_files(project: Project) -> list[SubmittedFile]:
    """Every file submitted for the project, for its page: the signed contract, each acceptance request's final
    report and final accounts, each KPI report's evidence, with links to the views that check who may download
    them. Two queries, whatever the number of files."""
    import os

    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import KpiEvidence

    files = []
    if project.contract_file:
        files.append(SubmittedFile("contract", _("Signed contract"), os.path.basename(project.contract_file.name),
                                   project.contract_signed_on,
                                   reverse("milestones:contract_file", args=[project.pk])))
    labels = {"final_report": _("Final report"), "final_accounts": _("Final accounts")}
    for acceptance in project.acceptances.order_by("seq"):
        for kind in ACCEPTANCE_FILES:
            field = getattr(acceptance, kind)
            if field:
                files.append(SubmittedFile(
                    f"{kind}-{acceptance.seq}",
                    _("%(document)s (acceptance request %(n)s)") % {"document": labels[kind], "n": acceptance.seq},
                    os.path.basename(field.name), timezone.localdate(acceptance.requested_at),
                    reverse("milestones:acceptance_file", args=[project.pk, acceptance.seq, kind])))
    evidence = KpiEvidence.objects.filter(report__project=project).select_related("report").order_by(
        "report__seq", "pk")
    for item in evidence:
        report = item.report
        files.append(SubmittedFile(
            f"evidence-{item.pk}", _("Evidence (%(report)s)") % {"report": report.get_kind_display()},
            item.original_name, report.submitted_at and timezone.localdate(report.submitted_at),
            reverse("milestones:evidence", args=[project.pk, report.pk, item.pk])))
    return files


@dataclass(frozen=True)
class CompletionRow:
    project: Project
    report: object | None
    result: object | None


def program_completion_page(program: Program, page_projects) -> list[CompletionRow]:
    """KPI completion of each project on the page, from the report the office accepted last (the latest submitted
    one while none is accepted), so a report the office returned is not shadowed by an unreviewed one, and the
    rectification report accepted after a failed acceptance replaces the final report's figures. Four queries
    whatever the page size: the reports, the tracks' KPIs, the reports' values, the applications' versions."""
    from applications.models import ApplicationVersion
    from programs.models import KPI

    from .completion import completion
    from .models import KpiReport, KpiValue, ReportState

    projects = list(page_projects)
    reports: dict[int, KpiReport] = {}
    for report in (KpiReport.objects.filter(project__in=[p.pk for p in projects],
                                            state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED])
                   .order_by("project_id", F("accepted_at").desc(nulls_last=True), "-seq")):
        known = reports.get(report.project_id)
        if known is None or (report.state == ReportState.ACCEPTED and known.state != ReportState.ACCEPTED):
            reports[report.project_id] = report
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


# --- dashboards: the unit's next step on each project, the office's queues, completion per program ---------------


@dataclass(frozen=True)
class ProjectAction:
    """What the funded unit does next on a project (or waits for), and by when. ``report`` is the KPI report the
    step concerns; ``waiting`` marks a step the office takes (``since`` then says since when it is pending)."""

    code: str
    label: str
    deadline: object | None = None  # a date
    report: object | None = None
    waiting: bool = False
    since: object | None = None

    @property
    def overdue(self) -> bool:
        from programs.selectors import today

        return not self.waiting and self.deadline is not None and self.deadline < today()


def _report_step(report) -> ProjectAction:
    from django.utils.translation import gettext as _

    from .models import ReportState

    if report.state == ReportState.RETURNED:
        return ProjectAction("revise_report", _("Revise and resubmit the %(report)s")
                             % {"report": report.get_kind_display()}, report.due_on, report)
    return ProjectAction("submit_report", _("Submit the %(report)s") % {"report": report.get_kind_display()},
                         report.due_on, report)


def project_next_action(project, reports, due_tranches, check) -> ProjectAction | None:
    """The unit's next step on ``project`` from its state and the transitions tables, given its KPI reports, its
    tranches due and its latest mid-term check. The contract comes first; then the unit's steps, the earliest
    deadline first; then what it waits for (the office's review of a report, the acceptance inspection, a
    tranche's release)."""
    from django.utils.translation import gettext as _

    from programs.selectors import today

    from .models import (
        PROJECT_TRANSITIONS,
        REPORT_TRANSITIONS,
        MidtermOutcome,
        ProjectState,
        ReportKind,
        ReportState,
    )

    request = PROJECT_TRANSITIONS["request_acceptance"]
    submit = REPORT_TRANSITIONS["submit"].sources
    state = project.state
    if state in (ProjectState.CLOSED, ProjectState.TERMINATED):
        return None
    if state == ProjectState.ACCEPTANCE_REQUESTED:
        return ProjectAction("wait_acceptance", _("Wait for the acceptance inspection"), waiting=True)
    rectification = next((r for r in reports if r.kind == ReportKind.RECTIFICATION and r.state in submit), None)
    if state == ProjectState.RECTIFYING:
        if rectification is not None:  # acceptance is asked again once the rectification report is submitted
            step = _report_step(rectification)
            label = (_("Revise and resubmit the rectification report, then request acceptance again by %(date)s")
                     if step.code == "revise_report" else
                     _("Submit the rectification report, then request acceptance again by %(date)s"))
            return ProjectAction(step.code, label % {"date": rectification.due_on}, rectification.due_on,
                                 rectification)
        if project.rectify_by is None:
            return ProjectAction(request.name, _("Rectify, then request acceptance again"))
        if today() <= project.rectify_by:
            return ProjectAction(request.name, _("Rectify, then request acceptance again by %(date)s")
                                 % {"date": project.rectify_by}, project.rectify_by)
        return ProjectAction(request.name, _("The rectification deadline %(date)s has passed: request acceptance "
                                             "now; the office decides, and a second failure terminates the project")
                             % {"date": project.rectify_by}, project.rectify_by)
    if state == ProjectState.IN_PROGRESS and project.contract_signed_on is None:
        return ProjectAction("sign_contract", _("Sign the contract with the program office"))  # it comes first
    steps: list[ProjectAction] = []
    midterm_rectifying = (check is not None and check.outcome == MidtermOutcome.RECTIFY and check.rectify_by
                          and today() <= check.rectify_by)
    if state == ProjectState.IN_PROGRESS:  # the rectification report of a mid-term check is that step's own
        steps += [_report_step(r) for r in reports
                  if r.state in submit and not (midterm_rectifying and r is rectification)]
    elif state == ProjectState.ACCEPTED:  # the project closes once its final (and rectification) report is accepted
        steps += [_report_step(r) for r in reports
                  if r.kind in (ReportKind.FINAL, ReportKind.RECTIFICATION) and r.state in submit]
    if midterm_rectifying:
        steps.append(ProjectAction(
            "rectify_midterm", _("Rectify after the mid-term check and submit the rectification report")
            if rectification is not None else _("Rectify after the mid-term check"), check.rectify_by,
            rectification))
    if steps:
        return min(steps, key=lambda s: (s.deadline is None, s.deadline or today()))
    submitted = [r for r in reports if r.state == ReportState.SUBMITTED]
    if submitted:
        return ProjectAction("wait_report", _("Wait for the office to review the %(report)s")
                             % {"report": submitted[0].get_kind_display()}, report=submitted[0], waiting=True,
                             since=timezone.localdate(submitted[0].submitted_at) if submitted[0].submitted_at else None)
    if state in request.sources:
        return ProjectAction(request.name, request.label, project.ends_on)
    if due_tranches:
        first = due_tranches[0]
        return ProjectAction("wait_tranche", _("Wait for the release of tranche %(seq)s") % {"seq": first.seq},
                             waiting=True, since=first.due_on)
    return None


def final_report_pending(project, reports) -> bool:
    """Whether an accepted project waits for its final report (or its rectification report) to be accepted before
    it closes (``reports`` are the project's KPI reports, already read)."""
    from .models import ProjectState, ReportKind, ReportState

    return project.state == ProjectState.ACCEPTED and any(
        r.kind in (ReportKind.FINAL, ReportKind.RECTIFICATION) and r.state != ReportState.ACCEPTED for r in reports)


def project_figures(project) -> CompletionRow:
    """The project's KPI figures as its page shows them: from the report the office accepted last (the
    rectification report once accepted after a failed acceptance), as the program's completion report computes
    them. Four queries."""
    (row,) = program_completion_page(None, [project])
    return row


def _scope(user, path: str) -> Q:
    """Rows of the programs ``user`` may read; every row when no user is given (the daily sweeps)."""
    return Q() if user is None else office_scope(user, path)


def tranches_due(user=None) -> QuerySet[ProjectTranche]:
    """Tranches due and not yet released (a payment request waiting for confirmation included), the longest waiting
    first; of the programs ``user`` may read when given."""
    return (ProjectTranche.objects.filter(_scope(user, "project__application__track__program__office"),
                                          state__in=UNPAID_DUE_STATES)
            .select_related("project__application__organisation")
            .only("seq", "amount", "due_on", "state", "project__application__reference", "project__application__title",
                  "project__application__organisation__name")
            .order_by("due_on", "project_id", "seq"))


def reports_waiting(user=None) -> QuerySet:
    """KPI reports submitted and waiting for the office's review, the longest waiting first; not those of a project
    that has ended (closed before its final report had to be accepted, or terminated); of the programs ``user``
    may read when given."""
    from .models import ENDED_PROJECT_STATES, KpiReport, ReportState

    return (KpiReport.objects.filter(_scope(user, "project__application__track__program__office"),
                                     state=ReportState.SUBMITTED).exclude(project__state__in=ENDED_PROJECT_STATES)
            .select_related("project__application__organisation")
            .only("seq", "kind", "due_on", "submitted_at", "project__application__reference",
                  "project__application__title", "project__application__organisation__name")
            .order_by("submitted_at", "pk"))


@dataclass(frozen=True)
class ProgramCompletion:
    program: Program
    projects: int  # projects with a submitted or accepted report
    average: Decimal | None  # mean of the projects' overall completion (%)
    satisfied: int  # KPI requirements met, over all those projects
    requirements: int


def completion_by_program(user=None) -> list[ProgramCompletion]:
    """KPI completion per current program, from the report the office accepted last on each project (else its
    latest submitted one), as the program's completion page chooses it: the projects reporting, their average
    completion and the requirements met, summed from the figures each report keeps (milestones.completion.store).
    Two queries whatever the number of projects: one GROUP BY track over the chosen reports (no join beyond the
    application), the tracks' programs. Of the programs ``user`` may read when given."""
    from programs.models import Track

    from .models import KpiReport, ReportState

    reported = [ReportState.SUBMITTED, ReportState.ACCEPTED]
    chosen = (KpiReport.objects.filter(project=OuterRef("project"), state__in=reported)
              .order_by(Case(When(state=ReportState.ACCEPTED, then=0), default=1),
                        F("accepted_at").desc(nulls_last=True), "-seq").values("pk")[:1])
    per_track = list(KpiReport.objects.filter(_scope(user, "project__application__track__program__office"),
                                              state__in=reported, pk=Subquery(chosen))
                     .order_by().values_list("project__application__track_id")
                     .annotate(Count("pk"), Sum("completion_percent"), Count("completion_percent"),
                               Sum("kpi_satisfied"), Sum("kpi_requirements")))
    scope = Q() if user is None else office_scope(user, "program__office")  # the user's offices' programs only
    programs = {track.pk: track.program for track in Track.objects.filter(
        scope, pk__in=[row[0] for row in per_track], program__archived_at__isnull=True).select_related("program").only(
        "program", "program__code", "program__title", "program__short_title", "program__year")}
    sums: dict[Program, list] = {}
    for track_id, projects, total, counted, satisfied, requirements in per_track:
        if track_id not in programs:
            continue  # an archived program
        row = sums.setdefault(programs[track_id], [0, Decimal("0"), 0, 0, 0])
        for i, value in enumerate((projects, total or 0, counted, satisfied or 0, requirements or 0)):
            row[i] += value
    out = []
    for program, (projects, total, counted, satisfied, requirements) in sums.items():
        average = (Decimal(total) / counted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if counted else None
        out.append(ProgramCompletion(program, projects, average, satisfied, requirements))
    return sorted(out, key=lambda c: (-c.program.year, c.program.code))


def projects_waiting(qs: QuerySet[Project], waiting: str) -> QuerySet[Project]:
    """Projects waiting for the office: with a tranche due and not released (``tranches``), or with a KPI report
    submitted and not yet reviewed, of a project that has not ended (``reports``). Each is one EXISTS on an indexed
    column."""
    from .models import ENDED_PROJECT_STATES, KpiReport, ReportState

    if waiting == WAITING_TRANCHES:
        return qs.filter(Exists(ProjectTranche.objects.filter(project=OuterRef("pk"), state__in=UNPAID_DUE_STATES)))
    if waiting == WAITING_REPORTS:
        return qs.exclude(state__in=ENDED_PROJECT_STATES).filter(
            Exists(KpiReport.objects.filter(project=OuterRef("pk"), state=ReportState.SUBMITTED)))
    return qs


WAITING_TRANCHES, WAITING_REPORTS = "tranches", "reports"
