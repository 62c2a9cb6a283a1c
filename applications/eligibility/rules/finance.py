"""Rules on money: matching funds, R&D intensity, IP spend share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.money import format_yuan
from programs.models import RuleKind

from .. import params as P
from ..core import Facts, Outcome, check
from ..reasons import Reason
from ..reasons import Reason as _


def _money(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@check(RuleKind.MATCHING_FUNDS)
def _check_matching_funds(params: dict, facts: Facts) -> tuple[str, Reason]:
    matching, requested = _money(facts.matching_funds), _money(facts.requested_amount)
    if params.get("min_amount") not in (None, ""):
        minimum = P.decimal(params, "min_amount")
        values = {"minimum": format_yuan(minimum)}
        if matching is None:
            return Outcome.FAIL, _(
                "Enter the matching funds in the application (at least %(minimum)s yuan)"
            ) % values
        values["matching"] = format_yuan(matching)
        if matching >= minimum:
            return Outcome.PASS, _("Matching funds %(matching)s yuan ≥ %(minimum)s yuan") % values
        return Outcome.FAIL, _("Matching funds %(matching)s yuan < %(minimum)s yuan") % values
    ratio = P.decimal(params, "min_ratio")
    values = {"ratio": P.number(ratio)}
    if matching is None and requested is None:
        return Outcome.FAIL, _(
            "Enter the requested amount and the matching funds in the application "
            "(matching funds at least %(ratio)s × the requested amount)"
        ) % values
    if requested is None:
        return Outcome.FAIL, _(
            "Enter the requested amount in the application (matching funds at least %(ratio)s × it)"
        ) % values
    if matching is None:
        return Outcome.FAIL, _(
            "Enter the matching funds in the application (at least %(ratio)s × the requested amount)"
        ) % values
    values |= {"matching": format_yuan(matching), "requested": format_yuan(requested)}
    if matching >= ratio * requested:
        return Outcome.PASS, _(
            "Matching funds %(matching)s yuan ≥ %(ratio)s × requested %(requested)s yuan"
        ) % values
    return Outcome.FAIL, _(
        "Matching funds %(matching)s yuan < %(ratio)s × requested %(requested)s yuan"
    ) % values


def _complete_years(params: dict, facts: Facts) -> list[int]:
    """The last N complete calendar years before the evaluation day, oldest first."""
    n = P.whole(params, "years", minimum=1)
    return list(range(facts.on.year - n, facts.on.year))


def _sums(
    facts: Facts, years: list[int], numerator: str, denominator: str
) -> tuple[list[int], Decimal, Decimal]:
    """Missing years, and the sums of two figures over the years present."""
    by_year = {fy.year: fy for fy in facts.organisation.financial_years.all()}
    missing = [y for y in years if y not in by_year]
    present = [by_year[y] for y in years if y in by_year]
    return (
        missing,
        sum((getattr(fy, numerator) for fy in present), Decimal(0)),
        sum((getattr(fy, denominator) for fy in present), Decimal(0)),
    )


def _missing_years_reason(missing: list[int]) -> str:
    return _("No financial figures for %(years)s: enter them in the organisation profile") % {
        "years": ", ".join(str(y) for y in missing)
    }


def _ratio_check(params: dict, facts: Facts, numerator: str, denominator: str, messages: dict) -> tuple[str, Reason]:
    """numerator / denominator summed over the last N complete years, against a minimum percentage."""
    minimum = P.decimal(params, "min_percent")
    years = _complete_years(params, facts)
    missing, top, bottom = _sums(facts, years, numerator, denominator)
    if missing:
        return Outcome.FAIL, _missing_years_reason(missing)
    if bottom <= 0:
        return Outcome.FAIL, messages["zero"] % {"years": P.year_span(years)}
    percent = top * 100 / bottom
    values = {"percent": P.percent(percent, minimum), "min": P.number(minimum), "years": P.year_span(years)}
    if percent >= minimum:
        return Outcome.PASS, messages["pass"] % values
    return Outcome.FAIL, messages["fail"] % values


@check(RuleKind.RD_INTENSITY)
def _check_rd_intensity(params: dict, facts: Facts) -> tuple[str, Reason]:
    return _ratio_check(params, facts, "rd_spend", "sales_revenue", {
        "zero": _("Sales revenue for %(years)s is zero, so R&D / sales cannot be computed: "
                  "check the figures in the organisation profile"),
        "pass": _("R&D / sales %(percent)s %% ≥ %(min)s %% (%(years)s)"),
        "fail": _("R&D / sales %(percent)s %% < %(min)s %% (%(years)s)"),
    })


@check(RuleKind.IP_SPEND_SHARE)
def _check_ip_spend_share(params: dict, facts: Facts) -> tuple[str, Reason]:
    return _ratio_check(params, facts, "ip_spend", "rd_spend", {
        "zero": _("R&D spend for %(years)s is zero, so IP spend / R&D spend cannot be computed: "
                  "check the figures in the organisation profile"),
        "pass": _("IP spend / R&D spend %(percent)s %% ≥ %(min)s %% (%(years)s)"),
        "fail": _("IP spend / R&D spend %(percent)s %% < %(min)s %% (%(years)s)"),
    })
