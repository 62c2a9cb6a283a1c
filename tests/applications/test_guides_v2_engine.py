"""Guides v2 in the engine: type families, soft rules, branch exception, history scope, partners, reasons."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from applications.eligibility import Outcome, RuleResult, Verdict, evaluate_rule, facts_for
from organisations.choices import AwardCategory, OrgType, RecordLevel
from organisations.models import AcceptanceOutcome
from programs.models import AppliesTo, EligibilityRule, RuleKind, Track
from programs.rule_kinds import RULE_KINDS
from programs.rule_words import describe
from tests.organisations.factories import OrganisationFactory, ProjectRecordFactory, make_uscc

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 15)


def rule(kind, params=None, **extra) -> EligibilityRule:
    track = Track.objects.first()
    return EligibilityRule(pk=9000, track=track, seq=1, kind=kind, params=params or {}, text="指南原文", **extra)


def facts(org, partners=()):
    return facts_for(organisation_id=org.pk, requested_amount=None, matching_funds=None, on=ON, partners=partners)


def test_every_rule_kind_has_a_check_and_plain_words():
    from applications.eligibility import CHECKS
    from programs.rule_words import WORDS

    assert set(RULE_KINDS) == set(CHECKS) == set(WORDS) == set(RuleKind.values)


@pytest.mark.parametrize("org_type", [OrgType.PATENT_AGENCY, OrgType.TRADEMARK_AGENCY, OrgType.IP_OPERATION,
                                      OrgType.IP_SERVICE])
def test_org_type_ip_service_admits_every_agency(org_type):
    org = OrganisationFactory(org_type=org_type)
    result = evaluate_rule(rule(RuleKind.ORG_TYPE, {"types": ["ip_service"]}), facts(org))
    assert result.outcome == Outcome.PASS


def test_org_type_patent_agency_does_not_admit_an_enterprise_or_the_umbrella():
    enterprise = OrganisationFactory(org_type=OrgType.ENTERPRISE)
    umbrella = OrganisationFactory(org_type=OrgType.IP_SERVICE)
    r = rule(RuleKind.ORG_TYPE, {"types": ["patent_agency"]})
    assert evaluate_rule(r, facts(enterprise)).outcome == Outcome.FAIL
    assert evaluate_rule(r, facts(umbrella)).outcome == Outcome.FAIL


def test_legal_person_branch_exception_admits_a_separately_counted_branch():
    branch = OrganisationFactory(is_legal_person=False, is_separately_counted_branch=True)
    assert evaluate_rule(rule(RuleKind.LEGAL_PERSON, {"branch_exception": True}), facts(branch)).outcome == "pass"
    assert evaluate_rule(rule(RuleKind.LEGAL_PERSON), facts(branch)).outcome == "fail"
    plain_branch = OrganisationFactory(is_legal_person=False)
    assert evaluate_rule(rule(RuleKind.LEGAL_PERSON, {"branch_exception": True}), facts(plain_branch)).outcome == "fail"


def test_soft_rule_failure_does_not_block_but_hard_does():
    org = OrganisationFactory(org_type=OrgType.ENTERPRISE)
    soft = evaluate_rule(rule(RuleKind.ORG_TYPE, {"types": ["university"]}, soft=True), facts(org))
    hard = evaluate_rule(rule(RuleKind.ORG_TYPE, {"types": ["university"]}), facts(org))
    assert soft.outcome == hard.outcome == Outcome.FAIL
    assert soft.soft_failure and not soft.blocks and hard.blocks
    assert Verdict(results=(soft,), evaluated_on=ON).can_submit()
    assert not Verdict(results=(soft, hard), evaluated_on=ON).can_submit()


def test_failed_acceptance_scoped_to_a_region_ignores_other_cities():
    org = OrganisationFactory()
    ProjectRecordFactory(organisation=org, acceptance=AcceptanceOutcome.FAILED, level=RecordLevel.CITY,
                         category=AwardCategory.IP_PROJECT, awarded_on=dt.date(2024, 1, 10),
                         accepted_on=dt.date(2025, 3, 1), region_id="440100", issuer="广州市市场监督管理局")
    in_qingyuan = rule(RuleKind.NO_FAILED_ACCEPTANCE, {"region": "441800", "years": 3})
    in_guangzhou = rule(RuleKind.NO_FAILED_ACCEPTANCE, {"region": "440100", "years": 3})
    by_issuer = rule(RuleKind.NO_FAILED_ACCEPTANCE, {"issuer": "清远市市场监督管理局"})
    assert evaluate_rule(in_qingyuan, facts(org)).outcome == Outcome.PASS
    assert evaluate_rule(in_guangzhou, facts(org)).outcome == Outcome.FAIL
    assert evaluate_rule(by_issuer, facts(org)).outcome == Outcome.PASS


def test_partner_types_counts_family_members():
    org = OrganisationFactory()
    r = rule(RuleKind.PARTNER_TYPES, {"types": ["ip_service"], "min": 1})
    none = evaluate_rule(r, facts(org, partners=[("华南理工大学", "", "university")]))
    one = evaluate_rule(r, facts(org, partners=[("某专利代理事务所", "", "patent_agency")]))
    assert none.outcome == Outcome.FAIL and "0" in none.reason
    assert one.outcome == Outcome.PASS


def test_rule_for_every_member_reads_registered_partners_and_sends_the_others_to_an_officer():
    lead = OrganisationFactory()
    listed = OrganisationFactory(blacklisted=True, name="失信合作单位有限公司")
    r = rule(RuleKind.NO_BLACKLIST, applies_to=AppliesTo.ALL_MEMBERS)
    bad = evaluate_rule(r, facts(lead, partners=[("失信合作单位有限公司", listed.uscc, "enterprise")]))
    assert bad.outcome == Outcome.FAIL and "失信合作单位有限公司" in bad.reason
    unknown = evaluate_rule(r, facts(lead, partners=[("未注册单位", make_uscc(999), "enterprise")]))
    assert unknown.outcome == Outcome.OFFICER and "未注册单位" in unknown.reason
    clean = evaluate_rule(rule(RuleKind.NO_BLACKLIST), facts(lead, partners=[("x", listed.uscc, "enterprise")]))
    assert clean.outcome == Outcome.PASS  # a rule for the lead only ignores partners


def test_reason_is_stored_as_figures_and_read_in_the_readers_language():
    org = OrganisationFactory(org_type=OrgType.ENTERPRISE)
    with translation.override("zh-hans"):
        result = evaluate_rule(rule(RuleKind.ORG_TYPE, {"types": ["university"]}), facts(org))
        stored = result.to_dict()
        chinese = result.reason
    assert "reason" not in stored and stored["message"]["v"]["types"]["t"] == "join"
    again = RuleResult.from_dict(stored)
    with translation.override("en"):
        english = again.reason
    with translation.override("zh-hans"):
        assert again.reason == chinese
    for language, text in (("en", english), ("zh-hans", chinese)):
        with translation.override(language):
            assert str(OrgType.ENTERPRISE.label) in text and str(OrgType.UNIVERSITY.label) in text
    assert english != chinese


def test_verdict_stored_before_v2_still_reads():
    old = {"rule_id": 1, "seq": 1, "kind": "officer", "outcome": "officer", "reason": "由官员判断", "guide_text": "t"}
    assert RuleResult.from_dict(old).reason == "由官员判断"


def test_rule_words_say_what_is_checked_in_plain_words():
    with translation.override("zh-hans"):
        region = describe(rule(RuleKind.REGION, {"region": "440104"}))
        types = describe(rule(RuleKind.ORG_TYPE, {"types": ["ip_service"]}, soft=True))
    with translation.override("en"):
        ratio = describe(rule(RuleKind.RD_INTENSITY, {"min_percent": "3", "years": 3}, soft=True))
    assert "越秀区" in region
    with translation.override("zh-hans"):
        assert str(OrgType.PATENT_AGENCY.label) in types and str(OrgType.TRADEMARK_AGENCY.label) in types
    assert "3" in ratio and "in principle" in ratio


def test_matching_funds_money_in_reason():
    org = OrganisationFactory()
    r = rule(RuleKind.MATCHING_FUNDS, {"min_amount": "500000"})
    result = evaluate_rule(r, facts_for(organisation_id=org.pk, requested_amount=None,
                                        matching_funds=Decimal("400000"), on=ON))
    assert result.outcome == Outcome.FAIL and "400,000.00" in result.reason and "500,000.00" in result.reason
