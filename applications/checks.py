"""Rules of a complete application that come from the guide's v2 terms: KPI groups, award money,
explanations of soft conditions. Pure functions; ``services.submission_problems`` calls them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_yuan
from programs.models import AwardMode, Comparator

from . import eligibility

MAX_EXPLANATION = 1000


def meets(value: Decimal, comparator: str, target: Decimal | None) -> bool:
    if target is None:
        return True
    return {
        Comparator.GTE: value >= target,
        Comparator.GT: value > target,
        Comparator.EQ: value == target,
        Comparator.LTE: value <= target,
    }.get(comparator, value >= target)


def active_kpis(track) -> list:
    """The track's KPIs as the guide states them now, with their groups."""
    return [k for k in track.kpis.select_related("group") if k.archived_at is None]


def committed(kpi, value: tuple) -> bool:
    """Whether the applicant commits to this KPI: a target with a number at or above the guide's value, a
    target without a number (清远 六 "可选一个或数个": 带来显著经济效益或社会效益 …) in the applicant's words."""
    number, words = value
    if kpi.qualitative:
        return bool((words or "").strip())
    return number is not None and meets(number, kpi.comparator, kpi.target)


def kpi_group_problems(kpis, values: dict) -> list[tuple[str, str]]:
    """Each KPI group needs at least ``min_count`` of its KPIs committed (``committed``)."""
    groups: dict[int, list] = {}
    for kpi in kpis:
        if kpi.group_id is not None:
            groups.setdefault(kpi.group_id, []).append(kpi)
    problems = []
    for members in groups.values():
        group = members[0].group
        met = [k for k in members if committed(k, values.get(k.pk, (None, "")))]
        if len(met) < group.min_count:
            problems.append((_field(members[0]), _(
                "Commit to at least %(min)s of these %(n)s targets (%(met)s now): a target with a number at or "
                "above the guide's value, a target without one in a sentence saying how you will meet it: "
                "%(metrics)s."
            ) % {"min": group.min_count, "n": len(members), "met": len(met),
                 "metrics": "、".join(k.metric for k in members)}))
        for k in members:
            value = values.get(k.pk, (None, ""))[0]
            if value is not None and value < 0:
                problems.append((f"kpi_{k.pk}", _("A commitment cannot be negative.")))
    return problems


def _field(kpi) -> str:
    return f"kpinote_{kpi.pk}" if kpi.qualitative else f"kpi_{kpi.pk}"


def award_problems(track, requested: Decimal) -> list[str]:
    """The requested amount against the track's award money: fixed, capped, or a share of a pool."""
    if track.budget is None:
        return []
    amount = {"budget": format_yuan(track.budget)}
    if track.award_mode == AwardMode.FIXED and requested != track.budget:
        return [_("Awards on this track are a fixed %(budget)s yuan; request exactly that.") % amount]
    if track.award_mode == AwardMode.POOL and requested > track.budget:
        return [_("This track's awards share a pool of %(budget)s yuan; request at most that.") % amount]
    if track.award_mode == AwardMode.CAP and requested > track.budget:
        return [_("Each award on this track is at most %(budget)s yuan; request at most that.") % amount]
    if not track.award_mode and requested > track.budget:
        return [_("The track's budget is %(budget)s yuan; request at most that.") % amount]
    return []


def explanation_problems(verdict: eligibility.Verdict, explanations: dict[int, str]) -> dict[str, list[str]]:
    """Every soft condition not met needs the applicant's short explanation."""
    problems = {}
    for r in verdict.soft_failures:
        text = (explanations.get(r.rule_id) or "").strip()
        if not text:
            problems[f"explain-{r.rule_id}"] = [_(
                "Condition %(seq)s is not met but the guide lets the office weigh it: explain in a few "
                "sentences why you apply anyway."
            ) % {"seq": r.seq}]
        elif len(text) > MAX_EXPLANATION:
            problems[f"explain-{r.rule_id}"] = [_(
                "The explanation of condition %(seq)s has %(n)s characters; shorten it to %(max)s."
            ) % {"seq": r.seq, "n": len(text), "max": MAX_EXPLANATION}]
    return problems


