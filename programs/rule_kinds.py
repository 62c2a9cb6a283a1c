"""The one registry of eligibility rule kinds: their parameters, read by the guide validator,
the evaluator (applications.eligibility, which registers one check per kind), the admin and the docs.

Adding a kind: one line here, one check module in applications/eligibility/, one paragraph in
fixtures/README.md; tests fail if any of the three is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import RuleKind

HISTORY_SCOPE = {"years", "level", "levels", "category", "region", "issuer"}


@dataclass(frozen=True)
class KindSpec:
    kind: str
    required: frozenset[str]
    optional: frozenset[str]
    # Where an applicant fixes a failure: "profile" (organisation profile), "years", "patents",
    # "certifications", "form" (the application form), "partners" or "" (an officer's matter).
    fixed_in: str


def _spec(kind: str, required=(), optional=(), fixed_in: str = "profile") -> KindSpec:
    return KindSpec(kind, frozenset(required), frozenset(optional), fixed_in)


RULE_KINDS: dict[str, KindSpec] = {
    s.kind: s
    for s in (
        _spec(RuleKind.REGION, {"region"}),
        _spec(RuleKind.ORG_TYPE, {"types"}),
        _spec(RuleKind.LEGAL_PERSON, (), {"branch_exception"}),
        _spec(RuleKind.MATCHING_FUNDS, (), {"min_amount", "min_ratio"}, fixed_in="form"),
        _spec(RuleKind.RD_INTENSITY, {"min_percent", "years"}, fixed_in="years"),
        _spec(RuleKind.IP_SPEND_SHARE, {"min_percent", "years"}, fixed_in="years"),
        _spec(RuleKind.PATENT_COUNT, {"min", "kinds"}, {"granted_on_or_before"}, fixed_in="patents"),
        _spec(RuleKind.CERTIFICATION, {"standard"}, fixed_in="certifications"),
        _spec(RuleKind.NO_BLACKLIST, fixed_in=""),
        _spec(RuleKind.NO_FAILED_ACCEPTANCE, (), HISTORY_SCOPE | {"include_unfinished"}, fixed_in=""),
        _spec(RuleKind.NO_PRIOR_AWARD, (), HISTORY_SCOPE, fixed_in=""),
        _spec(RuleKind.PARTNER_LIMIT, {"max"}, fixed_in="partners"),
        _spec(RuleKind.PARTNER_TYPES, {"types", "min"}, {"max"}, fixed_in="partners"),
        _spec(RuleKind.PARK_SIZE, {"min_enterprises"}),
        _spec(RuleKind.OFFICER, fixed_in=""),
    )
}

# Kinds that read only the organisation's profile, so they can be shown before any draft exists.
ORGANISATION_LEVEL = frozenset({
    RuleKind.REGION, RuleKind.ORG_TYPE, RuleKind.LEGAL_PERSON, RuleKind.RD_INTENSITY, RuleKind.IP_SPEND_SHARE,
    RuleKind.PATENT_COUNT, RuleKind.CERTIFICATION, RuleKind.NO_BLACKLIST, RuleKind.NO_FAILED_ACCEPTANCE,
    RuleKind.NO_PRIOR_AWARD, RuleKind.PARK_SIZE,
})
# Kinds that a guide may apply to every member of a joint application (applies_to: all_members).
MEMBER_KINDS = frozenset({RuleKind.NO_BLACKLIST, RuleKind.NO_FAILED_ACCEPTANCE, RuleKind.NO_PRIOR_AWARD,
                          RuleKind.LEGAL_PERSON, RuleKind.REGION, RuleKind.ORG_TYPE})
