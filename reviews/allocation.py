"""From ranked applications to proposed amounts, by the track's award money (v2): a fixed amount per award, a
cap per award, or a pool shared by the awards. Pool allocation methods are one registry (``POOL_METHODS``) named
by ``Track.allocation``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_yuan, largest_remainder, to_yuan
from programs.models import Allocation, AwardMode, Track


@dataclass(frozen=True)
class Candidate:
    application_id: int
    score: Decimal | None
    requested: Decimal | None


def _equal(pool: Decimal, candidates: list[Candidate]) -> list[Decimal]:
    return largest_remainder(pool, [Decimal("1")] * len(candidates))


def _by_score(pool: Decimal, candidates: list[Candidate]) -> list[Decimal]:
    return largest_remainder(pool, [c.score or Decimal("0") for c in candidates])


# The office decides: the portal starts from equal shares, which the officer then changes.
POOL_METHODS: dict[str, Callable[[Decimal, list[Candidate]], list[Decimal]]] = {
    Allocation.EQUAL: _equal,
    Allocation.BY_SCORE: _by_score,
    Allocation.OFFICER: _equal,
    Allocation.UNSTATED: _equal,
}


def pool_unit(pool: Decimal) -> Decimal:
    """Pools of whole yuan are shared to the yuan; a pool with cents (none of the guides has one) to the cent."""
    return Decimal("1") if to_yuan(pool) == to_yuan(pool).to_integral_value() else Decimal("0.01")


def propose_amounts(track: Track, candidates: list[Candidate]) -> list[Decimal]:
    """The portal's proposed amount for each candidate, in order."""
    if not candidates:
        return []
    budget = track.budget
    mode = track.award_mode
    if mode == AwardMode.POOL and budget is not None:
        method = POOL_METHODS.get(track.allocation, _equal)
        if pool_unit(budget) == Decimal("1"):
            return method(budget, candidates)
        weights = [Decimal("1")] * len(candidates) if method is _equal else [c.score or 0 for c in candidates]
        return largest_remainder(budget, weights, unit=Decimal("0.01"))
    if mode == AwardMode.FIXED and budget is not None:
        return [to_yuan(budget)] * len(candidates)
    if mode == AwardMode.CAP and budget is not None:
        return [to_yuan(min(c.requested, budget)) if c.requested is not None else to_yuan(budget) for c in candidates]
    return [to_yuan(c.requested or 0) for c in candidates]


def amount_problems(track: Track, amounts: dict[int, Decimal]) -> list[str]:
    """What is wrong with a set of award amounts (application id → yuan) under the track's money rule."""
    problems = []
    budget = track.budget
    if any(a <= 0 for a in amounts.values()):
        problems.append(_("Every award must be more than zero yuan; mark an application not funded instead."))
    if budget is None:
        return problems
    if track.award_mode == AwardMode.POOL:
        total = sum(amounts.values(), Decimal("0"))
        if total > budget:
            problems.append(_("The awards add up to %(total)s yuan, more than the pool of %(pool)s yuan.")
                            % {"total": format_yuan(total), "pool": format_yuan(budget)})
    elif track.award_mode in (AwardMode.CAP, AwardMode.FIXED):
        over = [a for a in amounts.values() if a > budget]
        if over:
            problems.append(_("An award may be at most %(cap)s yuan; %(amount)s yuan is more.")
                            % {"cap": format_yuan(budget), "amount": format_yuan(max(over))})
    return problems


def award_count_problem(track: Track, count: int) -> str | None:
    if track.max_awards is not None and count > track.max_awards:
        return _("This track funds at most %(n)s applications; %(count)s were chosen.") % {
            "n": track.max_awards, "count": count}
    return None
