"""Rules on the organisation's record: credit blacklist, failed acceptance, prior awards."""

from __future__ import annotations

import datetime as dt

from organisations.choices import AwardCategory, RecordLevel
from organisations.models import AcceptanceOutcome
from organisations.regions import region_named
from programs.models import RuleKind

from .. import params as P
from ..core import Facts, Outcome, check
from ..reasons import Join, Reason, labels
from ..reasons import Reason as _


@check(RuleKind.NO_BLACKLIST)
def _check_no_blacklist(params: dict, facts: Facts) -> tuple[str, Reason]:
    if facts.organisation.blacklisted:
        return Outcome.FAIL, _("Listed on a national or provincial credit blacklist")
    return Outcome.PASS, _("Not listed on a national or provincial credit blacklist")


def _levels(params: dict) -> list[str] | None:
    if params.get("levels"):
        return P.str_list(params, "levels")
    if params.get("level"):
        return P.str_list(params, "level")
    return None


def _scope(params: dict, levels: list[str] | None, category: str | None) -> Reason | Join:
    parts: list = []
    if levels:
        parts.append(labels(RecordLevel, levels, sep="/"))
    if category:
        parts.append(P.label(AwardCategory, category))
    if params.get("region"):
        parts.append(_("awarded in %(region)s") % {"region": _region_name(str(params["region"]))})
    if params.get("issuer"):
        parts.append(_("awarded by %(issuer)s") % {"issuer": str(params["issuer"])})
    return Join(tuple(parts)) if parts else _("any level or category")


def _region_name(code: str) -> str:
    region = region_named(code)
    return region.name if region else code


def _in_region(record, code: str) -> bool:
    node = record.region
    while node is not None:
        if node.code == code:
            return True
        node = node.parent
    return False


def _in_scope(params: dict, record, levels: list[str] | None, category: str | None) -> bool:
    """The record matches the rule's level, category, awarding region and issuer, where given."""
    region = str(params.get("region") or "")
    issuer = str(params.get("issuer") or "").strip()
    return (
        (levels is None or record.level in levels)
        and (category is None or record.category == category)
        and (not region or _in_region(record, region))
        and (not issuer or issuer in (record.issuer or ""))
    )


def _scope_unknown(params: dict, record, levels: list[str] | None, category: str | None) -> bool:
    """The record matches the level and category, but does not say the region or issuer the rule asks for."""
    region = str(params.get("region") or "")
    issuer = str(params.get("issuer") or "").strip()
    unknown = (region and record.region_id is None) or (issuer and not (record.issuer or "").strip())
    return bool(unknown) and (levels is None or record.level in levels) and (
        category is None or record.category == category)


def _unknown_reason(record, year: int) -> Reason:
    return _(
        "The record “%(title)s” (%(year)s) does not say which office awarded it: an officer checks whether it "
        "counts"
    ) % {"title": record.title, "year": year}


@check(RuleKind.NO_FAILED_ACCEPTANCE)
def _check_no_failed_acceptance(params: dict, facts: Facts) -> tuple[str, Reason]:
    years = P.optional_whole(params, "years", minimum=1)
    levels = _levels(params)
    category = params.get("category") or None
    unfinished = bool(params.get("include_unfinished"))
    since = None if years is None else P.years_before(facts.on, years)
    bad = {AcceptanceOutcome.FAILED} | ({AcceptanceOutcome.PENDING} if unfinished else set())

    def when(r) -> dt.date:
        return r.accepted_on or r.awarded_on

    hits = sorted(
        (
            r
            for r in facts.organisation.project_records.all()
            if r.acceptance in bad and _in_scope(params, r, levels, category)
            and (since is None or when(r) >= since)
        ),
        key=lambda r: (r.acceptance != AcceptanceOutcome.FAILED, -when(r).toordinal(), r.pk),
    )
    unknown = [r for r in facts.organisation.project_records.all()
               if r.acceptance in bad and _scope_unknown(params, r, levels, category)
               and (since is None or when(r) >= since)]
    if not hits and unknown:
        return Outcome.OFFICER, _unknown_reason(unknown[0], when(unknown[0]).year)
    if not hits:
        values = {"scope": _scope(params, levels, category), "since": since.isoformat() if since else ""}
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
        "level": P.label(RecordLevel, first.level),
        "year": when(first).year,
    }
    if first.acceptance == AcceptanceOutcome.FAILED:
        reason = _("Failed acceptance: %(title)s (%(level)s, %(year)s)") % values
    else:
        reason = _("Not yet accepted: %(title)s (%(level)s, awarded %(year)s)") % values
    if len(hits) > 1:
        reason = _("%(reason)s and %(more)d more") % {"reason": reason, "more": len(hits) - 1}
    return Outcome.FAIL, reason


@check(RuleKind.NO_PRIOR_AWARD)
def _check_no_prior_award(params: dict, facts: Facts) -> tuple[str, Reason]:
    years = P.optional_whole(params, "years", minimum=1)
    levels = _levels(params)
    category = params.get("category") or None
    since = None if years is None else P.years_before(facts.on, years)
    hits = sorted(
        (
            r
            for r in facts.organisation.project_records.all()
            if _in_scope(params, r, levels, category) and (since is None or r.awarded_on >= since)
        ),
        key=lambda r: (-r.awarded_on.toordinal(), r.pk),
    )
    unknown = [r for r in facts.organisation.project_records.all()
               if _scope_unknown(params, r, levels, category) and (since is None or r.awarded_on >= since)]
    if not hits and unknown:
        return Outcome.OFFICER, _unknown_reason(unknown[0], unknown[0].awarded_on.year)
    if not hits:
        values = {"scope": _scope(params, levels, category), "since": since.isoformat() if since else ""}
        if since:
            return Outcome.PASS, _("No prior award (%(scope)s) since %(since)s") % values
        return Outcome.PASS, _("No prior award (%(scope)s) on record") % values
    first = hits[0]
    values = {"title": first.title, "level": P.label(RecordLevel, first.level), "year": first.awarded_on.year}
    reason = _("Prior award: %(title)s (%(level)s, %(year)s)") % values
    if len(hits) > 1:
        reason = _("%(reason)s and %(more)d more") % {"reason": reason, "more": len(hits) - 1}
    return Outcome.FAIL, reason
