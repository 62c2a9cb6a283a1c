"""KPI completion: per KPI the value reached against the value committed and the guide's target, per group
whether at least N of its KPIs meet their targets, and overall. Pure functions over plain values, so the rule is
tested on known numbers; the report page and the program report feed them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from programs.models import Comparator

HUNDRED = Decimal("100")


def meets(value: Decimal | None, comparator: str, target: Decimal | None) -> bool:
    if value is None or target is None:
        return False
    return {Comparator.GTE: value >= target, Comparator.GT: value > target, Comparator.EQ: value == target,
            Comparator.LTE: value <= target}.get(comparator or Comparator.GTE, value >= target)


def percent(value: Decimal | None, of: Decimal | None) -> Decimal | None:
    """``value`` as a share of ``of`` in percent, one place; none when either is missing or ``of`` is zero."""
    if value is None or of is None or of == 0:
        return None
    return (value * HUNDRED / of).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class KpiLine:
    kpi_id: int
    metric: str
    unit: str
    qualitative: bool
    group_id: int | None
    target: Decimal | None
    comparator: str
    committed: Decimal | None
    reached: Decimal | None
    of_commitment: Decimal | None  # percent of the committed value reached
    commitment_met: bool
    target_met: bool


@dataclass(frozen=True)
class GroupLine:
    group_id: int
    min_count: int
    met: int
    size: int

    @property
    def satisfied(self) -> bool:
        return self.met >= self.min_count


@dataclass(frozen=True)
class Completion:
    lines: list[KpiLine]
    groups: list[GroupLine]
    requirements: int  # ungrouped quantitative KPIs plus groups
    satisfied: int

    @property
    def overall(self) -> Decimal | None:
        return percent(Decimal(self.satisfied), Decimal(self.requirements)) if self.requirements else None


def completion(kpis, committed: dict[str, list], reached: dict[int, Decimal | None], groups: dict) -> Completion:
    """``kpis`` are the track's KPI rows; ``committed`` the application's snapshot ``kpis`` (``{str(pk): [value,
    note]}``); ``reached`` the report's values by KPI id; ``groups`` KPI groups by id (with ``min_count``).

    A KPI's commitment is met when the value reached meets the comparator against the committed value (the target
    when nothing was committed); its target when it meets the guide's target. A group counts once: satisfied when
    at least ``min_count`` of its KPIs meet their targets. Qualitative KPIs are shown but not counted."""
    lines = []
    for kpi in sorted(kpis, key=lambda k: k.seq):
        entry = committed.get(str(kpi.pk)) or []
        promise = _decimal(entry[0]) if entry else None
        value = reached.get(kpi.pk)
        target = None if kpi.qualitative else kpi.target
        lines.append(KpiLine(
            kpi_id=kpi.pk, metric=kpi.metric, unit=kpi.unit, qualitative=kpi.qualitative or target is None,
            group_id=kpi.group_id, target=target, comparator=kpi.comparator, committed=promise, reached=value,
            of_commitment=_share(value, kpi.comparator, promise if promise is not None else target),
            commitment_met=meets(value, kpi.comparator, promise if promise is not None else target),
            target_met=meets(value, kpi.comparator, target)))
    group_lines = []
    for group_id in sorted({line.group_id for line in lines if line.group_id is not None}):
        members = [line for line in lines if line.group_id == group_id and not line.qualitative]
        group_lines.append(GroupLine(group_id, groups[group_id].min_count, sum(m.target_met for m in members),
                                     len(members)))
    single = [line for line in lines if line.group_id is None and not line.qualitative]
    requirements = len(single) + len(group_lines)
    satisfied = sum(line.target_met for line in single) + sum(g.satisfied for g in group_lines)
    return Completion(lines, group_lines, requirements, satisfied)


def _share(value: Decimal | None, comparator: str, of: Decimal | None) -> Decimal | None:
    """How much of a commitment is reached, in percent. For an "at most" KPI (≤) a value within the limit is the
    whole commitment (100 %), and one above it the limit's share of the value (20 where at most 10: 50 %)."""
    if comparator == Comparator.LTE and value is not None and of is not None:
        return HUNDRED.quantize(Decimal("0.1")) if value <= of else percent(of, value)
    return percent(value, of)


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


# --- the figures kept on each report ------------------------------------------------------------------------------

STORED_FIELDS = ["completion_percent", "kpi_satisfied", "kpi_requirements"]


def figures(result: Completion) -> dict:
    """The overall figures of ``result`` as the report keeps them (``STORED_FIELDS``)."""
    return {"completion_percent": result.overall, "kpi_satisfied": result.satisfied,
            "kpi_requirements": result.requirements}


def store(report, result: Completion) -> None:
    """Keep ``result`` (the report's completion, ``selectors.report_completion``) on the report, in the caller's
    transaction: the dashboards sum these figures instead of reading every application's snapshot. The submitting
    and accepting services call it; the figures of the report as the office accepted it are the ones that stay."""
    for name, value in figures(result).items():
        setattr(report, name, value)
    report.save(update_fields=STORED_FIELDS)
