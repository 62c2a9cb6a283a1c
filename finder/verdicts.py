"""The one registry of the funding finder's verdicts: what an organisation's standing on a track is called, how it
is shown and in which order, and which verdict a rule-by-rule result gives. Read by the matcher, the pages, the
push and the demand forecast; adding a verdict is one line here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applications.eligibility import Outcome, RuleResult
from programs.models import RuleKind

ELIGIBLE, SOFT, OFFICER, NEAR, NOT_ELIGIBLE = "eligible", "soft", "officer", "near", "not_eligible"

# Kinds of rule an organisation can meet by entering or improving its own profile (figures, patents, certificates,
# park size): one failure of these, and nothing else, makes it "nearly eligible".
FIXABLE_KINDS = frozenset({RuleKind.RD_INTENSITY, RuleKind.IP_SPEND_SHARE, RuleKind.PATENT_COUNT,
                           RuleKind.CERTIFICATION, RuleKind.PARK_SIZE})


@dataclass(frozen=True)
class FinderVerdict:
    code: str
    label: object  # lazy translation
    badge: str  # Bootstrap colour of its badge
    order: int  # lists show lower first
    may_apply: bool  # the list offers to start an application
    pushed: bool  # the organisation is told when the call opens (政策找企业)


VERDICTS: dict[str, FinderVerdict] = {v.code: v for v in (
    FinderVerdict(ELIGIBLE, _("Eligible"), "success", 0, True, True),
    FinderVerdict(SOFT, _("Eligible, with a condition to explain"), "info", 1, True, True),
    FinderVerdict(OFFICER, _("Needs an officer's judgement"), "secondary", 2, True, True),
    FinderVerdict(NEAR, _("Nearly eligible: one condition to fix"), "warning", 3, True, True),
    FinderVerdict(NOT_ELIGIBLE, _("Not eligible"), "danger", 4, False, False),
)}
PUSHED = frozenset(code for code, v in VERDICTS.items() if v.pushed)


def verdict_of(results: tuple[RuleResult, ...] | list[RuleResult]) -> str:
    """The finder's verdict on rule results: the engine's overall verdict, except that a hard failure of a single
    rule the organisation can fix in its profile is "nearly eligible"."""
    blocking = [r for r in results if r.blocks]
    if len(blocking) == 1 and blocking[0].kind in FIXABLE_KINDS:
        return NEAR
    if blocking:
        return NOT_ELIGIBLE
    if any(r.soft_failure for r in results):
        return SOFT
    if any(r.outcome == Outcome.OFFICER for r in results):
        return OFFICER
    return ELIGIBLE

