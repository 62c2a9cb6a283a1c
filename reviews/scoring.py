"""Scores: the weighted total of a review, the aggregation of an application's totals (one registry of methods,
named by ``Track.score_aggregation``), reviewer normalisation (z-scores) and spread."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

TWO = Decimal("0.01")
WIDE_SPREAD = Decimal("20")  # points between the highest and the lowest total that flag a disagreement
TRIM_FROM = 5  # the trimmed mean drops one highest and one lowest total from this many reviews on


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def weighted_total(scores: list[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ score × weight ÷ Σ weight for (score, weight) pairs: on the criteria's own 0–100 scale."""
    weight_sum = sum((w for _s, w in scores), Decimal("0"))
    if weight_sum <= 0:
        raise ValueError("the rubric's weights add up to zero")
    return q2(sum((s * w for s, w in scores), Decimal("0")) / weight_sum)


def mean(totals: list[Decimal]) -> Decimal:
    return q2(sum(totals, Decimal("0")) / len(totals))


def trimmed_mean(totals: list[Decimal]) -> Decimal:
    """Without one highest and one lowest total when there are at least five; the plain mean below that."""
    if len(totals) < TRIM_FROM:
        return mean(totals)
    ordered = sorted(totals)
    return mean(ordered[1:-1])


AGGREGATIONS: dict[str, tuple[Callable[[list[Decimal]], Decimal], object]] = {
    "mean": (mean, _("mean")),
    "trimmed_mean": (trimmed_mean, _("trimmed mean (highest and lowest dropped from five reviews)")),
}


def aggregate(method: str, totals: list[Decimal]) -> Decimal | None:
    if not totals:
        return None
    return AGGREGATIONS[method][0](totals)


def is_trimmed(method: str, count: int) -> bool:
    return method == "trimmed_mean" and count >= TRIM_FROM


def spread(totals: list[Decimal]) -> Decimal | None:
    return (max(totals) - min(totals)) if totals else None


def reviewer_stats(totals: list[tuple[int, int, Decimal]]) -> dict[int, tuple[float, float]]:
    """reviewer → (mean, population standard deviation) of the reviewer's totals of the round."""
    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for reviewer, _application, total in totals:
        by_reviewer[reviewer].append(float(total))
    stats = {}
    for reviewer, values in by_reviewer.items():
        mu = math.fsum(values) / len(values)
        equal = min(values) == max(values)  # exactly 0, not a rounding error's spread
        stats[reviewer] = (mu, 0.0 if equal else math.sqrt(math.fsum((v - mu) ** 2 for v in values) / len(values)))
    return stats


def z_score(stats: dict[int, tuple[float, float]], reviewer: int, total: Decimal) -> Decimal:
    """One total as a z-score among the same reviewer's totals (``reviewer_stats``); 0 when they are all equal."""
    mu, sd = stats[reviewer]
    return Decimal("0.00") if sd == 0 else q2(Decimal(str((float(total) - mu) / sd)))


def z_scores(totals: list[tuple[int, int, Decimal]]) -> dict[tuple[int, int], Decimal]:
    """(reviewer, application, total) → the total as a z-score among the same reviewer's totals of the round
    (population standard deviation). A reviewer with one total, or all totals equal, gives 0."""
    stats = reviewer_stats(totals)
    return {(reviewer, application): z_score(stats, reviewer, total) for reviewer, application, total in totals}
