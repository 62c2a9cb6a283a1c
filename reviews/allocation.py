"""From ranked applications to proposed amounts, by the track's award money (v2): a fixed amount per award, a
cap per award, or a pool shared by the awards. Pool allocation methods are one registry (``POOL_METHODS``) named
by ``Track.allocation``. No award is ever more than the application asked for: a pool is shared by water-filling
(``capped_shares``), a fixed amount or a cap is lowered to the request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from core.money import format_yuan, largest_remainder, to_yuan
from programs.models import Allocation, AwardMode, Track


@dataclass(frozen=True)
class Candidate:
    application_id: int
    score: Decimal | None
    requested: Decimal | None


def _equal(pool: Decimal, candidates: list[Candidate], unit: Decimal = Decimal("1")) -> list[Decimal]:
    return capped_shares(pool, [Decimal("1")] * len(candidates), [c.requested for c in candidates], unit=unit)


def _by_score(pool: Decimal, candidates: list[Candidate], unit: Decimal = Decimal("1")) -> list[Decimal]:
    return capped_shares(pool, [c.score or Decimal("0") for c in candidates], [c.requested for c in candidates],
                         unit=unit)


# The office decides: the portal starts from equal shares, which the officer then changes.
POOL_METHODS: dict[str, Callable[..., list[Decimal]]] = {
    Allocation.EQUAL: _equal,
    Allocation.BY_SCORE: _by_score,
    Allocation.OFFICER: _equal,
    Allocation.UNSTATED: _equal,
}


def capped_shares(pool: Decimal, weights: list[Decimal], caps: list[Decimal | None], *,
                  unit: Decimal = Decimal("1")) -> list[Decimal]:
    """Share ``pool`` in proportion to ``weights``, no part above its cap (``None``: no cap), in whole ``unit``s.

    Water-filling: whoever's exact share reaches their cap gets the cap (rounded down to the unit) and leaves the
    sharing; what is left is shared again among the rest by the same rule, until no share reaches its cap. The
    last sharing is ``largest_remainder``'s (whole units, spare units to the largest remainders, ties to the
    better ranked), so with no cap reached the result is exactly the uncapped one. The parts add up to the pool,
    or to the caps' sum when that is smaller; never more.
    """
    units = to_yuan(pool) / unit
    if units != units.to_integral_value():
        raise ValueError("the pool is not a whole number of units")
    left = int(units)
    limits = [None if cap is None else max(int((to_yuan(cap) / unit).to_integral_value(rounding=ROUND_DOWN)), 0)
              for cap in caps]
    parts = [0] * len(weights)
    active = [i for i in range(len(weights)) if limits[i] != 0]
    while active and left > 0:
        active_weights = [Fraction(weights[i]) for i in active]
        weight_sum = sum(active_weights)
        if weight_sum == 0:  # all zero: equal shares, as largest_remainder does
            active_weights, weight_sum = [Fraction(1)] * len(active), Fraction(len(active))
        reached = [i for i, w in zip(active, active_weights, strict=True)
                   if limits[i] is not None and left * w / weight_sum >= limits[i]]
        if not reached:
            shares = largest_remainder(Decimal(left) * unit, [weights[i] for i in active], unit=unit)
            for i, share in zip(active, shares, strict=True):
                parts[i] = int(share / unit)
            left = 0
            break
        for i in reached:
            parts[i] = limits[i]
            left -= limits[i]
        active = [i for i in active if i not in reached]
    return [to_yuan(n * unit) for n in parts]


def pool_unit(pool: Decimal) -> Decimal:
    """Pools of whole yuan are shared to the yuan; a pool with cents (none of the guides has one) to the cent."""
    return Decimal("1") if to_yuan(pool) == to_yuan(pool).to_integral_value() else Decimal("0.01")


def _capped(amount: Decimal, requested: Decimal | None) -> Decimal:
    return to_yuan(amount if requested is None else min(amount, requested))


def propose_amounts(track: Track, candidates: list[Candidate]) -> list[Decimal]:
    """The portal's proposed amount for each candidate, in order; never more than the candidate asked for."""
    if not candidates:
        return []
    budget = track.budget
    mode = track.award_mode
    if mode == AwardMode.POOL and budget is not None:
        method = POOL_METHODS.get(track.allocation, _equal)
        return method(budget, candidates, pool_unit(budget))
    if mode in (AwardMode.FIXED, AwardMode.CAP) and budget is not None:
        return [_capped(budget, c.requested) for c in candidates]
    return [to_yuan(c.requested or 0) for c in candidates]


def request_problem(*, reference: str, amount: Decimal, requested: Decimal | None) -> str | None:
    """An award above what the application asked for, named by the application and the amount it requested."""
    if requested is not None and to_yuan(amount) > to_yuan(requested):
        return _("%(reference)s asked for %(requested)s yuan; the award may not be more (%(amount)s yuan).") % {
            "reference": reference, "requested": format_yuan(requested), "amount": format_yuan(amount)}
    return None


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
