"""Conflicts of interest (回避), computed before anyone is assigned.

A reviewer may not review an application when
- the reviewer's organisation is the lead organisation or one of its partners (same organisation record, or
  the same credit code where the partner is not registered in the portal);
- the reviewer's organisation is of the same *family* as the lead or a partner: the same body identifier, i.e.
  positions 9–17 of the credit code (GB 32100-2015 keeps an organisation's national code there, so two codes that
  share it name the same legal body registered under another authority or division). The code itself encodes no
  parent–subsidiary tie; a reviewer declares such ties (a parent group, a former employer) as standing declared
  conflicts with that organisation's code, which are matched by the same family rule;
- the reviewer declared a conflict with that application;
- the applicant named the reviewer as an expert who should not review (回避申请): the name and the employer the
  applicant typed match the pool member's, once normalised (``same_person``). Officers see which member matched;
  reviewers never see the rule or the names.

The same-first-eight-characters idea (authority + type + division) is not used: it joins every enterprise
registered in one district.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from organisations.uscc import normalise_uscc

REASONS = {
    "lead": _("works for the lead organisation"),
    "partner": _("works for a partner organisation"),
    "family": _("works for an organisation of the same family (credit code)"),
    "declared": _("declared a conflict"),
    "excluded": _("named by the applicant as an expert who should not review (回避申请)"),
}
# What a reviewer may be told about a conflict found for them: never the applicant's exclusions.
REVIEWER_VISIBLE = frozenset(REASONS) - {"excluded"}


def normalise_name(text: str) -> str:
    """A person's or an employer's name as compared: full-width forms folded (NFKC), spaces and the middle dot of
    transcribed names dropped, case ignored. "张 三" and "张三", "ＡＢＣ大学" and "abc大学" compare equal."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in folded if not c.isspace() and c not in "·•.．")


def same_person(name: str, employer: str, member_name: str, member_employer: str) -> bool:
    """An applicant's exclusion (name, employer) names this pool member: the same name, and one employer contains
    the other (a school given with or without its university's name), both normalised."""
    if not normalise_name(name) or normalise_name(name) != normalise_name(member_name):
        return False
    theirs, ours = normalise_name(employer), normalise_name(member_employer)
    return bool(theirs and ours and (theirs in ours or ours in theirs))


def family_key(uscc: str) -> str:
    """The body identifier (positions 9–17) of a full code; a shorter string stands for itself."""
    code = normalise_uscc(uscc)
    return code[8:17] if len(code) == 18 else code


@dataclass
class Parties:
    """Who stands behind one application: organisation ids and credit codes of the lead and partners."""

    lead_id: int
    lead_uscc: str
    partner_ids: set[int] = field(default_factory=set)
    partner_usccs: set[str] = field(default_factory=set)


@dataclass
class ReviewerTies:
    affiliation_id: int | None
    affiliation_uscc: str
    declared_usccs: set[str] = field(default_factory=set)
    declared_applications: set[int] = field(default_factory=set)


def conflict_reason(application_id: int, parties: Parties, ties: ReviewerTies) -> str | None:
    """The reason code (a key of ``REASONS``) of the first conflict found, or None."""
    if application_id in ties.declared_applications:
        return "declared"
    own = normalise_uscc(ties.affiliation_uscc)
    if ties.affiliation_id is not None and ties.affiliation_id == parties.lead_id or own and own == parties.lead_uscc:
        return "lead"
    partner_codes = {normalise_uscc(c) for c in parties.partner_usccs if c}
    if ties.affiliation_id is not None and ties.affiliation_id in parties.partner_ids or own and own in partner_codes:
        return "partner"
    their_families = {family_key(c) for c in {parties.lead_uscc, *partner_codes} if c}
    if own and family_key(own) in their_families:
        return "family"
    if any(family_key(c) in their_families for c in ties.declared_usccs if c):
        return "declared"
    return None
