"""The verdict types and the evaluator: a track's rules against an organisation's facts.

Pure logic: no HTTP, no writes. Every rule gets a one-line reason that quotes the figures it
compared, kept as figures (``reasons.Reason``) so it reads in the reader's language. Missing data
never raises: it is a failure that says what to enter and where. Rules the portal cannot decide
(``officer``, unknown kinds, unreadable parameters, partners not registered in the portal) go to an
officer. A failing soft rule (the guide's 原则上) does not block submission: the applicant explains
and the officer decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from organisations.models import Organisation
from programs.models import AppliesTo, EligibilityRule
from programs.rule_kinds import MEMBER_KINDS

from .params import ParamError
from .reasons import Reason, from_data
from .reasons import Reason as _


class Outcome(models.TextChoices):
    PASS = "pass", gettext_lazy("Passes")
    FAIL = "fail", gettext_lazy("Fails")
    OFFICER = "officer", gettext_lazy("Needs an officer's judgement")


class Overall(models.TextChoices):
    """A verdict as a whole, stored on the application (``verdict_overall``) for the officer's queue: a hard
    failure, a failure of soft conditions only (原则上: submitted with the applicant's explanation, the officer
    decides), rules left to an officer, or a pass."""

    PASS = "pass", gettext_lazy("Passes")
    FAIL = "fail", gettext_lazy("Fails")
    SOFT_FAIL = "soft_fail", gettext_lazy("Soft failure, explained")
    OFFICER = "officer", gettext_lazy("Needs an officer's judgement")


@dataclass(frozen=True)
class PartnerFacts:
    """A partner as the application names it; ``organisation`` is its portal profile, if registered."""

    name: str
    org_type: str
    organisation: Organisation | None = None


@dataclass(frozen=True)
class Facts:
    """What the rules read. ``organisation`` comes from ``facts_for`` (prefetched)."""

    organisation: Organisation
    requested_amount: Decimal | None
    matching_funds: Decimal | None
    partner_count: int
    on: dt.date
    partners: tuple[PartnerFacts, ...] = field(default=())


@dataclass(frozen=True)
class RuleResult:
    rule_id: int
    seq: int
    kind: str
    outcome: str
    message: Any  # a reasons.Reason (rendered when shown) or, for verdicts stored before v2, a sentence
    guide_text: str
    soft: bool = False

    @property
    def blocks(self) -> bool:
        """A failed hard rule blocks submission; a failed soft rule goes to the officer."""
        return self.outcome == Outcome.FAIL and not self.soft

    @property
    def soft_failure(self) -> bool:
        return self.outcome == Outcome.FAIL and self.soft

    @property
    def reason(self) -> str:
        """The reason in the reader's language, figures quoted."""
        return str(self.message)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "rule_id": self.rule_id, "seq": self.seq, "kind": self.kind, "outcome": self.outcome,
            "guide_text": self.guide_text, "soft": self.soft,
        }
        if isinstance(self.message, Reason):
            data["message"] = self.message.to_data()
        else:
            data["reason"] = str(self.message)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleResult:
        reason = from_data(data["message"]) if "message" in data else str(data.get("reason", ""))
        return cls(
            rule_id=int(data["rule_id"]),
            seq=int(data["seq"]),
            kind=str(data["kind"]),
            outcome=str(data["outcome"]),
            message=reason,
            guide_text=str(data["guide_text"]),
            soft=bool(data.get("soft", False)),
        )


@dataclass(frozen=True)
class Verdict:
    results: tuple[RuleResult, ...]
    evaluated_on: dt.date

    @property
    def overall(self) -> str:
        """``fail`` if a hard rule fails, else ``soft_fail`` if a soft rule fails, else ``officer`` if any rule
        needs an officer, else ``pass`` (``Overall``)."""
        if any(r.blocks for r in self.results):
            return Overall.FAIL.value
        if any(r.soft_failure for r in self.results):
            return Overall.SOFT_FAIL.value
        if any(r.outcome == Outcome.OFFICER for r in self.results):
            return Overall.OFFICER.value
        return Overall.PASS.value

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: 0 for outcome in Outcome.values}
        for r in self.results:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        return counts

    @property
    def soft_failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.soft_failure]

    def can_submit(self) -> bool:
        """No hard rule fails; failed soft rules are explained by the applicant and decided by an officer."""
        return not any(r.blocks for r in self.results)

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


# --- the registry of checks, one per rule kind (programs.rule_kinds lists the kinds) --------------

Check = Callable[[dict, Facts], tuple[str, Reason]]
CHECKS: dict[str, Check] = {}


def check(kind: str) -> Callable[[Check], Check]:
    def register(func: Check) -> Check:
        CHECKS[str(kind)] = func
        return func

    return register


# --- evaluating ----------------------------------------------------------------------------------


def evaluate(rules: Iterable[EligibilityRule], facts: Facts) -> Verdict:
    return Verdict(results=tuple(evaluate_rule(rule, facts) for rule in rules), evaluated_on=facts.on)


def _run(rule: EligibilityRule, facts: Facts) -> tuple[str, Reason]:
    func = CHECKS.get(rule.kind)
    if func is None:
        return Outcome.OFFICER, _(
            "The portal cannot check rules of kind “%(kind)s”: an officer judges this rule in formal review"
        ) % {"kind": rule.kind}
    try:
        return func(rule.params or {}, facts)
    except ParamError as e:
        return Outcome.OFFICER, _(
            "The portal cannot read this rule's parameter “%(param)s”: an officer judges it in formal review"
        ) % {"param": e.param}


def _for_members(rule: EligibilityRule, facts: Facts, lead: tuple[str, Reason]) -> tuple[str, Reason]:
    """A rule the guide applies to every member: the lead, then each partner named in the application."""
    outcomes = [lead]
    for partner in facts.partners:
        if partner.organisation is None:
            outcomes.append((Outcome.OFFICER, _(
                "Partner %(name)s is not registered in the portal: an officer checks this condition for it"
            ) % {"name": partner.name}))
            continue
        outcome, reason = _run(rule, replace(facts, organisation=partner.organisation, partners=()))
        outcomes.append((outcome, _("Partner %(name)s: %(reason)s") % {"name": partner.name, "reason": reason}))
    for wanted in (Outcome.FAIL, Outcome.OFFICER):
        picked = [o for o in outcomes if o[0] == wanted]
        if picked:
            return wanted, _join_reasons([r for _o, r in picked])
    return Outcome.PASS, _join_reasons([r for _o, r in outcomes])


def _join_reasons(reasons: Sequence[Reason]) -> Reason:
    joined = reasons[0]
    for more in reasons[1:]:
        joined = _("%(first)s; %(more)s") % {"first": joined, "more": more}
    return joined


def evaluate_rule(rule: EligibilityRule, facts: Facts) -> RuleResult:
    outcome, reason = _run(rule, facts)
    if getattr(rule, "applies_to", AppliesTo.LEAD) == AppliesTo.ALL_MEMBERS and rule.kind in MEMBER_KINDS:
        outcome, reason = _for_members(rule, facts, (outcome, reason))
    return RuleResult(
        rule_id=rule.pk,
        seq=rule.seq,
        kind=rule.kind,
        outcome=Outcome(outcome).value,
        message=reason,
        guide_text=rule.text,
        soft=bool(getattr(rule, "soft", False)),
    )
