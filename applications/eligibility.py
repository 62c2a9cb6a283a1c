"""The eligibility engine: checks a track's rules against an organisation's profile.

Pure logic: no HTTP, no writes. ``facts_for`` loads what the rules read in a fixed number of
queries; ``evaluate`` turns a track's rules and those facts into a ``Verdict``. Every rule gets a
one-line reason that quotes the figures it compared. Missing data never raises: it is a failure
that says what to enter and where. Rules the portal cannot decide (``officer``, unknown kinds,
unreadable parameters) go to an officer.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipgrants.text import join_list
from organisations.choices import AwardCategory, OrgType, RecordLevel
from organisations.models import AcceptanceOutcome, Organisation, PatentKind, PatentStatus, Region
from programs.models import EligibilityRule, RuleKind
from programs.money import format_yuan

__all__ = [
    "Facts",
    "Outcome",
    "RuleResult",
    "Verdict",
    "evaluate",
    "evaluate_rule",
    "facts_for",
]


class Outcome(models.TextChoices):
    PASS = "pass", gettext_lazy("Passes")
    FAIL = "fail", gettext_lazy("Fails")
    OFFICER = "officer", gettext_lazy("Needs an officer's judgement")


@dataclass(frozen=True)
class Facts:
    """What the rules read. ``organisation`` comes from ``facts_for`` (prefetched)."""

    organisation: Organisation
    requested_amount: Decimal | None
    matching_funds: Decimal | None
    partner_count: int
    on: dt.date


@dataclass(frozen=True)
class RuleResult:
    rule_id: int
    seq: int
    kind: str
    outcome: str
    reason: str
    guide_text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleResult:
        return cls(
            rule_id=int(data["rule_id"]),
            seq=int(data["seq"]),
            kind=str(data["kind"]),
            outcome=str(data["outcome"]),
            reason=str(data["reason"]),
            guide_text=str(data["guide_text"]),
        )


@dataclass(frozen=True)
class Verdict:
    results: tuple[RuleResult, ...]
    evaluated_on: dt.date

    @property
    def overall(self) -> str:
        """``fail`` if any rule fails, else ``officer`` if any needs an officer, else ``pass``."""
        outcomes = {r.outcome for r in self.results}
        if Outcome.FAIL in outcomes:
            return Outcome.FAIL.value
        if Outcome.OFFICER in outcomes:
            return Outcome.OFFICER.value
        return Outcome.PASS.value

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: 0 for outcome in Outcome.values}
        for r in self.results:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        return counts

    def can_submit(self, officer_decides_failures: bool) -> bool:
        """No rule fails, or the track lets an officer weigh failed rules."""
        return officer_decides_failures or all(r.outcome != Outcome.FAIL for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "evaluated_on": self.evaluated_on.isoformat(),
            "counts": self.counts,
            "results": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """Rebuild a stored verdict; ``overall`` and ``counts`` are derived again from the results."""
        return cls(
            results=tuple(RuleResult.from_dict(r) for r in data.get("results", [])),
            evaluated_on=dt.date.fromisoformat(data["evaluated_on"]),
        )


# --- loading the facts ---------------------------------------------------------------------------


def facts_for(
    *,
    organisation_id: int,
    requested_amount: Decimal | None,
    matching_funds: Decimal | None,
    partner_count: int,
    on: dt.date,
) -> Facts:
    """Load the organisation with everything the rules read: five queries, whatever its size.

    Raises ``Organisation.DoesNotExist`` for an unknown id.
    """
    organisation = (
        Organisation.objects.select_related("region__parent__parent")
        .prefetch_related("financial_years", "patents", "certifications", "project_records")
        .get(pk=organisation_id)
    )
    return Facts(
        organisation=organisation,
        requested_amount=requested_amount,
        matching_funds=matching_funds,
        partner_count=partner_count,
        on=on,
    )


# --- evaluating ----------------------------------------------------------------------------------


def evaluate(rules: Iterable[EligibilityRule], facts: Facts) -> Verdict:
    return Verdict(results=tuple(evaluate_rule(rule, facts) for rule in rules), evaluated_on=facts.on)


def evaluate_rule(rule: EligibilityRule, facts: Facts) -> RuleResult:
    check = CHECKS.get(rule.kind)
    if check is None:
        outcome, reason = Outcome.OFFICER, _(
            "The portal cannot check rules of kind “%(kind)s”: an officer judges this rule in formal review"
        ) % {"kind": rule.kind}
    else:
        try:
            outcome, reason = check(rule.params or {}, facts)
        except _ParamError as e:
            outcome, reason = Outcome.OFFICER, _(
                "The portal cannot read this rule's parameter “%(param)s”: "
                "an officer judges it in formal review"
            ) % {"param": e.param}
    return RuleResult(
        rule_id=rule.pk,
        seq=rule.seq,
        kind=rule.kind,
        outcome=Outcome(outcome).value,
        reason=_one_line(reason),
        guide_text=rule.text,
    )


# --- parameters and formatting -------------------------------------------------------------------


class _ParamError(Exception):
    """A rule parameter is missing or unreadable: a fault of the guide data, not of the applicant."""

    def __init__(self, param: str):
        self.param = param
        super().__init__(param)


def _decimal(params: dict, key: str) -> Decimal:
    try:
        value = Decimal(str(params[key]))
    except (KeyError, InvalidOperation, ValueError):
        raise _ParamError(key) from None
    if not value.is_finite() or value < 0:
        raise _ParamError(key)
    return value


def _whole(params: dict, key: str, *, minimum: int = 0) -> int:
    value = params.get(key)
    if isinstance(value, bool):
        raise _ParamError(key)
    try:
        number = int(str(value))
    except ValueError:
        raise _ParamError(key) from None
    if number < minimum:
        raise _ParamError(key)
    return number


def _optional_whole(params: dict, key: str, *, minimum: int = 0) -> int | None:
    return None if params.get(key) in (None, "") else _whole(params, key, minimum=minimum)


def _optional_date(params: dict, key: str) -> dt.date | None:
    value = params.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _ParamError(key) from None


def _str_list(params: dict, key: str) -> list[str]:
    value = params.get(key)
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple) or not value:
        raise _ParamError(key)
    return [str(v) for v in value]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _number(value: Decimal) -> str:
    """3 → "3", 3.50 → "3.5", 300 → "300"."""
    return f"{value.normalize():f}"


def _percent(value: Decimal, threshold: Decimal) -> str:
    """A percentage to one decimal place (more if the threshold has more), rounded down.

    Rounding down keeps the shown figure on the same side of the threshold as the true one:
    2.96 % against 3 % shows as 2.9 %, never as a failing 3.0 %.
    """
    places = max(1, -min(threshold.normalize().as_tuple().exponent, 0))
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR):f}"


def _year_span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _labels(choices: type[models.TextChoices], values: Iterable[str]) -> str:
    return join_list(_label(choices, v) for v in values)


Check = Callable[[dict, Facts], tuple[str, str]]


# --- one function per rule kind ------------------------------------------------------------------


def _check_region(params: dict, facts: Facts) -> tuple[str, str]:
    code = str(params.get("region") or "")
    if not code:
        raise _ParamError("region")
    region = facts.organisation.region
    lineage: dict[str, Region] = {}
    node: Region | None = region
    while node is not None:
        lineage[node.code] = node
        node = node.parent
    values = {"region": region.full_name}
    if code == region.code:
        return Outcome.PASS, _("Registered in %(region)s") % values
    if code in lineage:
        values["required"] = lineage[code].full_name
        return Outcome.PASS, _("Registered in %(region)s, inside %(required)s") % values
    required = Region.objects.select_related("parent__parent").filter(code=code).first()
    values["required"] = required.full_name if required else code
    return Outcome.FAIL, _("Registered in %(region)s, outside %(required)s") % values


def _check_org_type(params: dict, facts: Facts) -> tuple[str, str]:
    types = _str_list(params, "types")
    org_type = facts.organisation.org_type
    values = {"type": _label(OrgType, org_type), "types": _labels(OrgType, types)}
    if org_type in types:
        return Outcome.PASS, _("Organisation type %(type)s is among the eligible types: %(types)s") % values
    return Outcome.FAIL, _("Organisation type %(type)s is not among the eligible types: %(types)s") % values


def _check_legal_person(params: dict, facts: Facts) -> tuple[str, str]:
    if facts.organisation.is_legal_person:
        return Outcome.PASS, _("An independent legal person, as the organisation profile states")
    return Outcome.FAIL, _("Not an independent legal person, as the organisation profile states")


def _check_no_blacklist(params: dict, facts: Facts) -> tuple[str, str]:
    if facts.organisation.blacklisted:
        return Outcome.FAIL, _("Listed on a national or provincial credit blacklist")
    return Outcome.PASS, _("Not listed on a national or provincial credit blacklist")


def _check_partner_limit(params: dict, facts: Facts) -> tuple[str, str]:
    maximum = _whole(params, "max")
    values = {"count": facts.partner_count, "max": maximum}
    if facts.partner_count <= maximum:
        return Outcome.PASS, _("Partners named: %(count)d ≤ %(max)d allowed") % values
    return Outcome.FAIL, _("Partners named: %(count)d > %(max)d allowed") % values


def _check_park_size(params: dict, facts: Facts) -> tuple[str, str]:
    minimum = _whole(params, "min_enterprises")
    count = facts.organisation.park_enterprise_count
    if count is None:
        return Outcome.FAIL, _(
            "Enter the number of qualifying enterprises in the park in the organisation profile "
            "(at least %(min)d needed)"
        ) % {"min": minimum}
    values = {"count": count, "min": minimum}
    if count >= minimum:
        return Outcome.PASS, _("Qualifying enterprises in the park: %(count)d ≥ %(min)d") % values
    return Outcome.FAIL, _("Qualifying enterprises in the park: %(count)d < %(min)d") % values


def _money(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _check_matching_funds(params: dict, facts: Facts) -> tuple[str, str]:
    matching, requested = _money(facts.matching_funds), _money(facts.requested_amount)
    if params.get("min_amount") not in (None, ""):
        minimum = _decimal(params, "min_amount")
        values = {"minimum": format_yuan(minimum)}
        if matching is None:
            return Outcome.FAIL, _(
                "Enter the matching funds in the application (at least %(minimum)s yuan)"
            ) % values
        values["matching"] = format_yuan(matching)
        if matching >= minimum:
            return Outcome.PASS, _("Matching funds %(matching)s yuan ≥ %(minimum)s yuan") % values
        return Outcome.FAIL, _("Matching funds %(matching)s yuan < %(minimum)s yuan") % values
    ratio = _decimal(params, "min_ratio")
    values = {"ratio": _number(ratio)}
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
    n = _whole(params, "years", minimum=1)
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
        "years": join_list(missing)
    }


def _ratio_check(params: dict, facts: Facts, numerator: str, denominator: str, messages: dict) -> tuple[str, str]:
    """numerator / denominator summed over the last N complete years, against a minimum percentage."""
    minimum = _decimal(params, "min_percent")
    years = _complete_years(params, facts)
    missing, top, bottom = _sums(facts, years, numerator, denominator)
    if missing:
        return Outcome.FAIL, _missing_years_reason(missing)
    if bottom <= 0:
        return Outcome.FAIL, messages["zero"] % {"years": _year_span(years)}
    percent = top * 100 / bottom
    values = {"percent": _percent(percent, minimum), "min": _number(minimum), "years": _year_span(years)}
    if percent >= minimum:
        return Outcome.PASS, messages["pass"] % values
    return Outcome.FAIL, messages["fail"] % values


def _check_rd_intensity(params: dict, facts: Facts) -> tuple[str, str]:
    return _ratio_check(params, facts, "rd_spend", "sales_revenue", {
        "zero": _("Sales revenue for %(years)s is zero, so R&D / sales cannot be computed: "
                  "check the figures in the organisation profile"),
        "pass": _("R&D / sales %(percent)s %% ≥ %(min)s %% (%(years)s)"),
        "fail": _("R&D / sales %(percent)s %% < %(min)s %% (%(years)s)"),
    })


def _check_ip_spend_share(params: dict, facts: Facts) -> tuple[str, str]:
    return _ratio_check(params, facts, "ip_spend", "rd_spend", {
        "zero": _("R&D spend for %(years)s is zero, so IP spend / R&D spend cannot be computed: "
                  "check the figures in the organisation profile"),
        "pass": _("IP spend / R&D spend %(percent)s %% ≥ %(min)s %% (%(years)s)"),
        "fail": _("IP spend / R&D spend %(percent)s %% < %(min)s %% (%(years)s)"),
    })


def _check_patent_count(params: dict, facts: Facts) -> tuple[str, str]:
    minimum = _whole(params, "min")
    kinds = _str_list(params, "kinds")
    latest = _optional_date(params, "granted_on_or_before")
    count = sum(
        1
        for p in facts.organisation.patents.all()
        if p.status == PatentStatus.VALID and p.kind in kinds and (latest is None or p.granted_on <= latest)
    )
    values = {"count": count, "min": minimum, "kinds": _labels(PatentKind, kinds)}
    if latest is not None:
        values["date"] = latest.isoformat()
        if count >= minimum:
            return Outcome.PASS, _(
                "Valid patents (%(kinds)s) granted on or before %(date)s: %(count)d ≥ %(min)d"
            ) % values
        return Outcome.FAIL, _(
            "Valid patents (%(kinds)s) granted on or before %(date)s: %(count)d < %(min)d "
            "(patents are entered in the organisation profile)"
        ) % values
    if count >= minimum:
        return Outcome.PASS, _("Valid patents (%(kinds)s): %(count)d ≥ %(min)d") % values
    return Outcome.FAIL, _(
        "Valid patents (%(kinds)s): %(count)d < %(min)d (patents are entered in the organisation profile)"
    ) % values


def _standard_key(standard: str) -> str:
    """So that “GB/T 29490”, “GB/T29490” and “gb／t 29490” compare equal."""
    return "".join(unicodedata.normalize("NFKC", standard).split()).casefold()


def _check_certification(params: dict, facts: Facts) -> tuple[str, str]:
    standard = str(params.get("standard") or "").strip()
    if not standard:
        raise _ParamError("standard")
    on = facts.on
    key = _standard_key(standard)
    held = [c for c in facts.organisation.certifications.all() if _standard_key(c.standard) == key]
    values = {"standard": standard, "on": on.isoformat()}
    valid = [c for c in held if c.valid_from <= on <= c.valid_until]
    if valid:
        best = max(valid, key=lambda c: c.valid_until)
        values |= {"from": best.valid_from.isoformat(), "until": best.valid_until.isoformat()}
        return Outcome.PASS, _("%(standard)s certificate valid %(from)s – %(until)s") % values
    if not held:
        return Outcome.FAIL, _(
            "No %(standard)s certificate on record: enter it in the organisation profile"
        ) % values
    expired = [c for c in held if c.valid_until < on]
    if expired:
        values["until"] = max(c.valid_until for c in expired).isoformat()
        return Outcome.FAIL, _("%(standard)s certificate expired on %(until)s (checked on %(on)s)") % values
    values["from"] = min(c.valid_from for c in held).isoformat()
    return Outcome.FAIL, _("%(standard)s certificate valid only from %(from)s (checked on %(on)s)") % values


def _levels(params: dict) -> list[str] | None:
    if params.get("levels"):
        return _str_list(params, "levels")
    if params.get("level"):
        return _str_list(params, "level")
    return None


def _scope(levels: list[str] | None, category: str | None) -> str:
    parts = []
    if levels:
        parts.append("/".join(_label(RecordLevel, level) for level in levels))
    if category:
        parts.append(_label(AwardCategory, category))
    return join_list(parts) if parts else _("any level or category")


def _check_no_failed_acceptance(params: dict, facts: Facts) -> tuple[str, str]:
    years = _optional_whole(params, "years", minimum=1)
    levels = _levels(params)
    category = params.get("category") or None
    unfinished = bool(params.get("include_unfinished"))
    since = None if years is None else _years_before(facts.on, years)
    bad = {AcceptanceOutcome.FAILED} | ({AcceptanceOutcome.PENDING} if unfinished else set())

    def when(r) -> dt.date:
        return r.accepted_on or r.awarded_on

    hits = sorted(
        (
            r
            for r in facts.organisation.project_records.all()
            if r.acceptance in bad
            and (levels is None or r.level in levels)
            and (category is None or r.category == category)
            and (since is None or when(r) >= since)
        ),
        key=lambda r: (r.acceptance != AcceptanceOutcome.FAILED, -when(r).toordinal(), r.pk),
    )
    if not hits:
        values = {"scope": _scope(levels, category), "since": since.isoformat() if since else ""}
        if unfinished:
            if since:
                return Outcome.PASS, _(
                    "No failed or unfinished acceptance (%(scope)s) since %(since)s"
                ) % values
            return Outcome.PASS, _("No failed or unfinished acceptance (%(scope)s) on record") % values
        if since:
            return Outcome.PASS, _("No failed acceptance (%(scope)s) since %(since)s") % values
        return Outcome.PASS, _("No failed acceptance (%(scope)s) on record") % values
    first = hits[0]
    values = {
        "title": first.title,
        "level": _label(RecordLevel, first.level),
        "year": when(first).year,
    }
    if first.acceptance == AcceptanceOutcome.FAILED:
        reason = _("Failed acceptance: %(title)s (%(level)s, %(year)s)") % values
    else:
        reason = _("Not yet accepted: %(title)s (%(level)s, awarded %(year)s)") % values
    if len(hits) > 1:
        reason = _("%(reason)s and %(more)d more") % {"reason": reason, "more": len(hits) - 1}
    return Outcome.FAIL, reason


def _check_no_prior_award(params: dict, facts: Facts) -> tuple[str, str]:
    years = _optional_whole(params, "years", minimum=1)
    levels = _levels(params)
    category = params.get("category") or None
    since = None if years is None else _years_before(facts.on, years)
    hits = sorted(
        (
            r
            for r in facts.organisation.project_records.all()
            if (levels is None or r.level in levels)
            and (category is None or r.category == category)
            and (since is None or r.awarded_on >= since)
        ),
        key=lambda r: (-r.awarded_on.toordinal(), r.pk),
    )
    if not hits:
        values = {"scope": _scope(levels, category), "since": since.isoformat() if since else ""}
        if since:
            return Outcome.PASS, _("No prior award (%(scope)s) since %(since)s") % values
        return Outcome.PASS, _("No prior award (%(scope)s) on record") % values
    first = hits[0]
    values = {"title": first.title, "level": _label(RecordLevel, first.level), "year": first.awarded_on.year}
    reason = _("Prior award: %(title)s (%(level)s, %(year)s)") % values
    if len(hits) > 1:
        reason = _("%(reason)s and %(more)d more") % {"reason": reason, "more": len(hits) - 1}
    return Outcome.FAIL, reason


def _check_officer(params: dict, facts: Facts) -> tuple[str, str]:
    return Outcome.OFFICER, _("Judged by an officer in formal review")


CHECKS: dict[str, Check] = {
    RuleKind.REGION: _check_region,
    RuleKind.ORG_TYPE: _check_org_type,
    RuleKind.LEGAL_PERSON: _check_legal_person,
    RuleKind.MATCHING_FUNDS: _check_matching_funds,
    RuleKind.RD_INTENSITY: _check_rd_intensity,
    RuleKind.IP_SPEND_SHARE: _check_ip_spend_share,
    RuleKind.PATENT_COUNT: _check_patent_count,
    RuleKind.CERTIFICATION: _check_certification,
    RuleKind.NO_BLACKLIST: _check_no_blacklist,
    RuleKind.NO_FAILED_ACCEPTANCE: _check_no_failed_acceptance,
    RuleKind.NO_PRIOR_AWARD: _check_no_prior_award,
    RuleKind.PARTNER_LIMIT: _check_partner_limit,
    RuleKind.PARK_SIZE: _check_park_size,
    RuleKind.OFFICER: _check_officer,
}
