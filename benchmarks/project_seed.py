"""Projects for the benchmark: every seeded approved application becomes a project with its tranche schedule and
its two reports, written in bulk (the projects' own services are exercised by the test suite)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from applications.models import Application, Status
from core.money import split_remainder_last
from milestones.models import KpiReport, Project, ProjectTranche, ReportKind, TrancheState
from programs.models import Tranche, TrancheTrigger

BATCH = 1000
HUNDRED = Decimal("100")


def clear(reference_prefix: str) -> None:
    Project.objects.filter(application__reference__startswith=reference_prefix).delete()


def seed_projects(rng: random.Random, *, officer, reference_prefix: str) -> int:
    approved = list(Application.objects.filter(reference__startswith=reference_prefix, status=Status.APPROVED)
                    .values_list("pk", "track_id", "requested_amount"))
    plans: dict[int, list] = {}
    for tranche in Tranche.objects.order_by("track_id", "seq"):
        plans.setdefault(tranche.track_id, []).append((tranche.share_percent, tranche.trigger))
    start = dt.date(2024, 1, 1)
    projects = Project.objects.bulk_create(
        [Project(application_id=pk, award=amount or Decimal("100000.00"), starts_on=start,
                 ends_on=dt.date(2024, 12, 31), officer=officer) for pk, _track, amount in approved],
        batch_size=BATCH)
    tranches, reports = [], []
    for project, (_pk, track_id, _amount) in zip(projects, approved, strict=True):
        plan = plans.get(track_id) or [(HUNDRED, TrancheTrigger.ON_APPROVAL)]
        amounts = split_remainder_last(project.award, [share for share, _trigger in plan])
        released = rng.random() < 0.5
        for seq, ((share, trigger), amount) in enumerate(zip(plan, amounts, strict=True), 1):
            state = TrancheState.PLANNED
            if trigger == TrancheTrigger.ON_APPROVAL or (trigger == TrancheTrigger.ON_CONTRACT and released):
                state = TrancheState.RELEASED if released else TrancheState.DUE
            tranches.append(ProjectTranche(
                project=project, seq=seq, amount=amount, share_percent=share, condition=trigger, state=state,
                released_amount=amount if state == TrancheState.RELEASED else None,
                released_on=start if state == TrancheState.RELEASED else None,
                payment_reference=f"BENCH-{project.pk}-{seq}" if state == TrancheState.RELEASED else ""))
        reports += [KpiReport(project=project, seq=1, kind=ReportKind.MIDTERM, due_on=dt.date(2024, 6, 30)),
                    KpiReport(project=project, seq=2, kind=ReportKind.FINAL, due_on=dt.date(2024, 12, 31))]
    ProjectTranche.objects.bulk_create(tranches, batch_size=BATCH)
    KpiReport.objects.bulk_create(reports, batch_size=BATCH)
    return len(projects)
