"""Eligibility where the applicant works: each rule in plain words, its result, and where to fix it.

``organisation_prechecks`` evaluates a track's organisation-level rules for the organisations a
member acts for, before any draft exists (track page, start page). ``checked_rows`` decorates a
verdict for the check page. Reads only; no writes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils import timezone

from organisations.selectors import organisations_for
from programs.models import EligibilityRule, Track
from programs.rule_kinds import ORGANISATION_LEVEL, RULE_KINDS
from programs.rule_words import describe

from . import eligibility
from .eligibility import Outcome, RuleResult

MAX_ORGANISATIONS = 3
# Where each part of the organisation profile is edited: the edit form, or a section of the profile page.
_PROFILE_SECTIONS = {"profile": ("organisations:edit", ""), "years": ("organisations:detail", "#years"),
                     "patents": ("organisations:detail", "#patents"),
                     "certifications": ("organisations:detail", "#certifications")}
_FORM_ANCHORS = {"form": "#id_matching_funds", "partners": "#partners"}


@dataclass(frozen=True)
class CheckedRule:
    result: RuleResult
    words: str
    fix_url: str
    decision: object = None  # the officer's judgement of this version's condition (a ConditionDecision), once made

    @property
    def needs_fix(self) -> bool:
        return self.result.outcome == Outcome.FAIL and bool(self.fix_url)


def fix_url(kind: str, organisation_id: int, application_id: int | None = None) -> str:
    """Where an applicant fixes a failure of this kind of rule; empty if it is an officer's matter."""
    spec = RULE_KINDS.get(kind)
    where = spec.fixed_in if spec else ""
    if where in _PROFILE_SECTIONS:
        name, anchor = _PROFILE_SECTIONS[where]
        return reverse(name, args=[organisation_id]) + anchor
    if where in _FORM_ANCHORS and application_id is not None:
        return reverse("applications:edit", args=[application_id]) + _FORM_ANCHORS[where]
    return ""


def checked_rows(verdict: eligibility.Verdict, rules: list[EligibilityRule], *, organisation_id: int,
                 application_id: int | None = None) -> list[CheckedRule]:
    by_id = {r.pk: r for r in rules}
    rows = []
    for result in verdict.results:
        rule = by_id.get(result.rule_id)
        words = describe(rule) if rule is not None else ""
        url = fix_url(result.kind, organisation_id, application_id) if result.outcome == Outcome.FAIL else ""
        rows.append(CheckedRule(result=result, words=words, fix_url=url))
    return rows


@dataclass(frozen=True)
class OrganisationPrecheck:
    organisation: object
    rows: list[CheckedRule]

    @property
    def blocking(self) -> list[CheckedRule]:
        return [r for r in self.rows if r.result.blocks]

    @property
    def soft_failures(self) -> list[CheckedRule]:
        return [r for r in self.rows if r.result.soft_failure]


def organisation_prechecks(user, track: Track) -> list[OrganisationPrecheck]:
    """The track's organisation-level rules for each organisation the member acts for (at most three)."""
    if not getattr(user, "is_authenticated", False) or not user.is_applicant:
        return []
    rules = [r for r in track.rules.all() if r.archived_at is None and r.kind in ORGANISATION_LEVEL]
    if not rules:
        return []
    today = timezone.localdate()
    checks = []
    for organisation in organisations_for(user)[:MAX_ORGANISATIONS]:
        facts = eligibility.facts_for(organisation_id=organisation.pk, requested_amount=None,
                                      matching_funds=None, on=today)
        verdict = eligibility.evaluate(rules, facts)
        checks.append(OrganisationPrecheck(
            organisation=organisation, rows=checked_rows(verdict, rules, organisation_id=organisation.pk),
        ))
    return checks


def track_precheck_panel(request, track: Track):
    """The track page's panel: the signed-in member's organisations checked against this track."""
    checks = organisation_prechecks(request.user, track)
    if not checks:
        return None
    return "applications/_precheck.html", {"prechecks": checks}


def submitted_rows(application, decisions: dict | None = None) -> list[CheckedRule]:
    """The verdict stored at submission, each rule in plain words, read in the reader's language; with
    ``decisions`` (rule id → the officer's judgement of this version), a judged condition carries its judgement."""
    if not application.verdict or "results" not in application.verdict:
        return []
    verdict = eligibility.Verdict.from_dict(application.verdict)
    rows = checked_rows(verdict, list(application.track.rules.all()), organisation_id=application.organisation_id)
    decisions = decisions or {}
    return [replace(row, decision=decisions[row.result.rule_id]) if row.result.rule_id in decisions else row
            for row in rows]
