"""The eligibility engine: checks a track's rules against an organisation's profile.

``facts_for`` loads what the rules read in a fixed number of queries; ``evaluate`` turns a track's
rules and those facts into a ``Verdict``. Each rule family has its module in ``rules/``; the kinds and
their parameters are the one registry in ``programs.rule_kinds``.
"""

from organisations.regions import region_named, regions_cached, rule_region_codes

from . import rules  # noqa: F401  (registers the checks)
from .core import CHECKS, Facts, Outcome, Overall, PartnerFacts, RuleResult, Verdict, evaluate, evaluate_rule
from .loading import facts_for, facts_for_many, facts_for_unsaved, profiles

__all__ = [
    "CHECKS",
    "Facts",
    "Outcome",
    "Overall",
    "PartnerFacts",
    "RuleResult",
    "Verdict",
    "evaluate",
    "evaluate_rule",
    "facts_for",
    "facts_for_many",
    "facts_for_unsaved",
    "profiles",
    "region_named",
    "regions_cached",
    "rule_region_codes",
]
