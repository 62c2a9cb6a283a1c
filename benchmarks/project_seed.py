"""Projects for the benchmark: every seeded approved application becomes a project with its tranche schedule and
its two KPI reports, written in bulk (the projects' own services are exercised by the test suite).

Projects of earlier editions are further on: their mid-term report accepted, most final reports submitted or
accepted, most tranches paid. Current projects have their mid-term report due or submitted. Reports carry a
value per KPI; a submitted or accepted report also gets the completion the services store when it is submitted
and accepted (``milestones.completion.STORED_FIELDS``, filled by ``store_completion``)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from applications.models import Application, Status
from core.money import split_remainder_last
from milestones.completion import STORED_FIELDS, completion, figures
from milestones.models import (
    KpiReport,
    KpiValue,
    Project,
    ProjectState,
    ProjectTranche,
    ReportKind,
    ReportState,
    TrancheState,
)
from programs.models import KPI, KPIGroup, Tranche, TrancheTrigger

from . import bulk

BATCH = 2000
HUNDRED = Decimal("100")

@dataclass
class Projects:
    projects: int = 0
    submitted: int = 0
    accepted: int = 0


def clear(reference_prefix: str) -> None:
    Project.objects.filter(application__reference__startswith=reference_prefix).delete()


def committed_kpis(track_kpis: list) -> dict[str, list]:
    """What the seeded application versions commit to (benchmarks.seed: each KPI's target), as a snapshot's
    ``kpis``."""
    return {str(k.pk): [None if k.target is None else f"{k.target.normalize():f}", "按期完成"] for k in track_kpis}


def store_completion(reports: list[tuple[KpiReport, list, dict]], groups: dict) -> list[str]:
    """Fill the stored completion of submitted and accepted reports (each with its track's KPIs and its values by
    KPI id) as the submitting and accepting services do (``milestones.completion.store`` of the completion against
    the application's committed values); return the fields set (``STORED_FIELDS``)."""
    for report, track_kpis, reached in reports:
        if report.state not in (ReportState.SUBMITTED, ReportState.ACCEPTED):
            continue
        for name, value in figures(completion(track_kpis, committed_kpis(track_kpis), reached, groups)).items():
            setattr(report, name, value)
    return list(STORED_FIELDS)


def seed_projects(rng: random.Random, *, officer, reference_prefix: str) -> Projects:
    approved = list(Application.objects.filter(reference__startswith=reference_prefix, status=Status.APPROVED)
                    .order_by("pk").values_list("pk", "track_id", "requested_amount", "reference", "created_by_id"))
    plans: dict[int, list] = {}
    for tranche in Tranche.objects.order_by("track_id", "seq"):
        plans.setdefault(tranche.track_id, []).append((tranche.share_percent, tranche.trigger))
    kpis: dict[int, list] = {}
    for kpi in KPI.objects.filter(archived_at__isnull=True).order_by("seq"):
        kpis.setdefault(kpi.track_id, []).append(kpi)
    groups = {g.pk: g for g in KPIGroup.objects.all()}
    today = timezone.localdate()
    rows = []
    for pk, _track, amount, reference, _by in approved:
        past = reference.startswith(f"{reference_prefix}H")
        start = dt.date(today.year - (2 if past else 0), 1, 1)
        rows.append(Project(application_id=pk, award=amount or Decimal("100000.00"), starts_on=start,
                            ends_on=start + dt.timedelta(days=364 if past else 729), officer=officer,
                            contract_signed_on=start,
                            state=ProjectState.ACCEPTANCE_REQUESTED if past and rng.random() < 0.3
                            else ProjectState.IN_PROGRESS))
    projects = Project.objects.bulk_create(rows, batch_size=BATCH)
    tranches, reports, report_track = [], [], []
    for project, (_pk, track_id, _amount, reference, author) in zip(projects, approved, strict=True):
        past = reference.startswith(f"{reference_prefix}H")
        plan = plans.get(track_id) or [(HUNDRED, TrancheTrigger.ON_APPROVAL)]
        amounts = split_remainder_last(project.award, [share for share, _trigger in plan])
        released = past or rng.random() < 0.5
        for seq, ((share, trigger), amount) in enumerate(zip(plan, amounts, strict=True), 1):
            state = TrancheState.PLANNED
            if trigger in (TrancheTrigger.ON_APPROVAL, TrancheTrigger.ON_CONTRACT) or (past and seq < len(plan)):
                state = TrancheState.RELEASED if released else TrancheState.DUE
            tranches.append(ProjectTranche(
                project=project, seq=seq, amount=amount, share_percent=share, condition=trigger, state=state,
                released_amount=amount if state == TrancheState.RELEASED else None,
                released_on=project.starts_on if state == TrancheState.RELEASED else None,
                due_on=project.starts_on + dt.timedelta(days=30) if state != TrancheState.PLANNED else None,
                payment_reference=f"BENCH-{project.pk}-{seq}" if state == TrancheState.RELEASED else ""))
        midterm = project.starts_on + dt.timedelta(days=180 if past else 300)
        if past:
            states = (ReportState.ACCEPTED, rng.choice([ReportState.ACCEPTED, ReportState.ACCEPTED,
                                                        ReportState.SUBMITTED, ReportState.SCHEDULED]))
        else:
            states = (rng.choice([ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.SCHEDULED]),
                      ReportState.SCHEDULED)
        for seq, (kind, due, state) in enumerate(zip((ReportKind.MIDTERM, ReportKind.FINAL),
                                                     (midterm, project.ends_on), states, strict=True), 1):
            done = state != ReportState.SCHEDULED
            reports.append(KpiReport(project=project, seq=seq, kind=kind, due_on=due, state=state,
                                     narrative="按计划推进，指标完成情况良好。" if done else "",
                                     submitted_at=timezone.now() - dt.timedelta(days=30) if done else None,
                                     submitted_by_id=author if done else None))
            report_track.append(track_id)
    ProjectTranche.objects.bulk_create(tranches, batch_size=BATCH)
    pending = []
    for report, track_id in zip(reports, report_track, strict=True):
        track_kpis = kpis.get(track_id, [])
        reached = {} if report.state == ReportState.SCHEDULED else {
            k.pk: (k.target * Decimal(rng.choice(["0.6", "0.9", "1", "1", "1.2"]))).quantize(Decimal("0.01"))
            for k in track_kpis if k.target is not None}
        pending.append((report, track_kpis, reached))
    store_completion(pending, groups)  # before writing: bulk_create writes the fields as they are
    reports = KpiReport.objects.bulk_create(reports, batch_size=BATCH)
    bulk.write(
        KpiValue,
        (KpiValue(report=report, kpi_id=kpi_id, value=value, note="见佐证材料")
         for report, (_r, _k, reached) in zip(reports, pending, strict=True) for kpi_id, value in reached.items()),
        batch_size=BATCH)
    return Projects(projects=len(projects),
                    submitted=sum(r.state == ReportState.SUBMITTED for r in reports),
                    accepted=sum(r.state == ReportState.ACCEPTED for r in reports))
