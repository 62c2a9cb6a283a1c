"""Each eligibility rule in plain words (注册地：广州市越秀区；单位类型：企业、高等学校…), from its parameters.

Shown beside the guide's own sentence, so a reader sees what the portal checks without reading
the sentence twice. Rendered in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.money import format_yuan
from organisations.choices import ORG_TYPE_FAMILIES, OrgType, RecordLevel
from organisations.models import PatentKind
from organisations.regions import region_named

from .models import AwardCategory, EligibilityRule, RuleKind


def _sep() -> str:
    return pgettext("separator between the items of a list", ", ")


def _labels(choices, values) -> str:
    names = dict(choices.choices)
    return _sep().join(str(names.get(v, v)) for v in values or [])


def _region(code) -> str:
    region = region_named(str(code))
    return region.full_name if region else str(code)


def _types(params: dict) -> str:
    types = params.get("types") or []
    text = _labels(OrgType, types)
    narrower = [t for named in types for t in sorted(ORG_TYPE_FAMILIES.get(named, ()))]
    if narrower:
        text = _("%(types)s (including %(narrower)s)") % {"types": text, "narrower": _labels(OrgType, narrower)}
    return text


def _history_scope(params: dict) -> str:
    parts = []
    levels = params.get("levels") or ([params["level"]] if params.get("level") else [])
    if levels:
        parts.append("/".join(_labels(RecordLevel, [lv]) for lv in levels))
    if params.get("category"):
        parts.append(_labels(AwardCategory, [params["category"]]))
    if params.get("region"):
        parts.append(_("awarded in %(region)s") % {"region": _region(params["region"])})
    if params.get("issuer"):
        parts.append(_("awarded by %(issuer)s") % {"issuer": params["issuer"]})
    scope = _sep().join(parts) or _("any level or category")
    if params.get("years"):
        return _("%(scope)s, in the last %(years)s years") % {"scope": scope, "years": params["years"]}
    return scope


def _matching(params: dict) -> str:
    if params.get("min_amount") not in (None, ""):
        return _("Matching funds: at least %(amount)s yuan") % {"amount": format_yuan(params["min_amount"])}
    return _("Matching funds: at least %(ratio)s × the requested amount") % {"ratio": params.get("min_ratio")}


def _patents(params: dict) -> str:
    text = _("Valid patents (%(kinds)s): at least %(min)s") % {
        "kinds": _labels(PatentKind, params.get("kinds")), "min": params.get("min")}
    if params.get("granted_on_or_before"):
        text += " " + _("granted on or before %(date)s") % {"date": params["granted_on_or_before"]}
    return text


def _legal_person(params: dict) -> str:
    if params.get("branch_exception"):
        return _("Independent legal person (a branch counted separately in statistics also qualifies)")
    return _("Independent legal person")


def _partners(params: dict) -> str:
    text = _("Partners of type %(types)s: at least %(min)s") % {"types": _types(params), "min": params.get("min")}
    if params.get("max"):
        text += " " + _("(at most %(max)s)") % {"max": params["max"]}
    return text


WORDS: dict[str, Callable[[dict], str]] = {
    RuleKind.REGION: lambda p: _("Registered in: %(region)s") % {"region": _region(p.get("region"))},
    RuleKind.ORG_TYPE: lambda p: _("Organisation type: %(types)s") % {"types": _types(p)},
    RuleKind.LEGAL_PERSON: _legal_person,
    RuleKind.MATCHING_FUNDS: _matching,
    RuleKind.RD_INTENSITY: lambda p: _("R&D spend / sales: at least %(min)s %% over the last %(years)s years")
    % {"min": p.get("min_percent"), "years": p.get("years")},
    RuleKind.IP_SPEND_SHARE: lambda p: _("IP spend / R&D spend: at least %(min)s %% over the last %(years)s years")
    % {"min": p.get("min_percent"), "years": p.get("years")},
    RuleKind.PATENT_COUNT: _patents,
    RuleKind.CERTIFICATION: lambda p: _("Certificate held and valid: %(standard)s") % {"standard": p.get("standard")},
    RuleKind.NO_BLACKLIST: lambda p: _("Not on a national or provincial credit blacklist"),
    RuleKind.NO_FAILED_ACCEPTANCE: lambda p: _("No failed acceptance: %(scope)s") % {"scope": _history_scope(p)},
    RuleKind.NO_PRIOR_AWARD: lambda p: _("No prior award: %(scope)s") % {"scope": _history_scope(p)},
    RuleKind.PARTNER_LIMIT: lambda p: _("At most %(max)s partners") % {"max": p.get("max")},
    RuleKind.PARTNER_TYPES: _partners,
    RuleKind.PARK_SIZE: lambda p: _("At least %(min)s qualifying enterprises in the park")
    % {"min": p.get("min_enterprises")},
    RuleKind.OFFICER: lambda p: _("Judged by an officer in formal review"),
}


def describe(rule: EligibilityRule) -> str:
    """The rule in plain words; a soft rule says that the office may weigh it."""
    if rule.kind == RuleKind.OFFICER and rule.text:
        return rule.text  # an officer's judgement has no plainer words than the guide's own sentence
    words = WORDS.get(rule.kind)
    try:
        text = words(rule.params or {}) if words else str(rule.get_kind_display())
    except (TypeError, ValueError, KeyError):
        text = str(rule.get_kind_display())
    if rule.applies_to == "all_members":
        text = _("%(rule)s — for the lead and every partner") % {"rule": text}
    if rule.soft:
        text = _("%(rule)s (in principle: the office may admit an applicant who misses it, with reasons)") % {
            "rule": text}
    return text
