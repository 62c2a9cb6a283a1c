
"""The eligibility engine: every rule kind passes, fails and (where it applies) asks for missing data.

Reasons are translated, so the tests compare the figures in them (numbers, years, dates, region
names, labels read at run time), never English words.
"""

import dataclasses
import datetime as dt
import itertools
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.eligibility import Facts, Outcome, Overall, RuleResult, Verdict, evaluate, evaluate_rule, facts_for
from organisations.choices import AwardCategory, OrgType, RecordLevel
from organisations.models import (
    AcceptanceOutcome,
    Certification,
    FinancialYear,
    Organisation,
    Patent,
    PatentKind,
    PatentStatus,
    ProjectRecord,
)
from programs.models import EligibilityRule, RuleKind, Track

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 6, 15)
NANSHA = "nansha-2024-high-value-patent-center"
QINGYUAN = "qingyuan-2023-ip-reserve-projects"
GUANGDONG = "guangdong-2021-ip-cluster-centers"

_uscc = itertools.count(1)


def make_org(*, region: str = "440115", org_type: str = OrgType.ENTERPRISE, **fields) -> Organisation:
    return Organisation.objects.create(
        name=fields.pop("name", "测试企业"),
        uscc=f"91440115TEST{next(_uscc):06d}",
        region_id=region,
        org_type=org_type,
        **fields,
    )


def add_years(org: Organisation, figures: dict[int, tuple[str, str, str]]) -> None:
    """figures: year -> (sales revenue, R&D spend, IP spend)."""
    for year, (sales, rd, ip) in figures.items():
        FinancialYear.objects.create(
            organisation=org,
            year=year,
            sales_revenue=Decimal(sales),
            rd_spend=Decimal(rd),
            ip_spend=Decimal(ip),
        )


def add_patents(
    org: Organisation,
    n: int,
    *,
    kind=PatentKind.INVENTION,
    status=PatentStatus.VALID,
    granted_on=dt.date(2020, 1, 1),
    prefix: str = "ZL",
) -> None:
    for i in range(n):
        Patent.objects.create(
            organisation=org,
            kind=kind,
            number=f"{prefix}{kind}{status}{i}",
            granted_on=granted_on,
            status=status,
        )


def add_record(
    org: Organisation,
    *,
    title: str = "某项目",
    level=RecordLevel.PROVINCE,
    category=AwardCategory.IP_PROJECT,
    awarded_on=dt.date(2022, 3, 1),
    acceptance=AcceptanceOutcome.PASSED,
    accepted_on=None,
    region_id=None,
) -> ProjectRecord:
    return ProjectRecord.objects.create(
        organisation=org,
        region_id=region_id,
        title=title,
        level=level,
        category=category,
        awarded_on=awarded_on,
        acceptance=acceptance,
        accepted_on=accepted_on,
    )


def facts(org: Organisation, *, requested=None, matching=None, partners: int = 0, on: dt.date = ON) -> Facts:
    return facts_for(
        organisation_id=org.pk,
        requested_amount=None if requested is None else Decimal(requested),
        matching_funds=None if matching is None else Decimal(matching),
        partner_count=partners,
        on=on,
    )


def real_rule(program: str, kind: str, track: str | None = None) -> EligibilityRule:
    """A rule as the guide fixtures loaded it."""
    qs = EligibilityRule.objects.filter(track__program__code=program, kind=kind)
    if track is not None:
        qs = qs.filter(track__code=track)
    return qs.order_by("track__position", "seq").first()


def rule(kind: str, params: dict | None = None) -> EligibilityRule:
    """An unsaved rule for parameter combinations the guides do not use."""
    return EligibilityRule(id=9999, seq=1, kind=kind, params=params or {}, text="条件")


def check(rule_: EligibilityRule, facts_: Facts) -> RuleResult:
    result = evaluate_rule(rule_, facts_)
    assert "\n" not in result.reason
    assert result.guide_text == rule_.text
    return result


# --- region --------------------------------------------------------------------------------------


def test_region_district_inside_itself_passes():
    result = check(real_rule(NANSHA, RuleKind.REGION), facts(make_org(region="440115")))
    assert result.outcome == Outcome.PASS
    assert "南沙区" in result.reason


def test_region_district_inside_province_passes():
    result = check(real_rule(GUANGDONG, RuleKind.REGION), facts(make_org(region="441802")))
    assert result.outcome == Outcome.PASS
    assert "广东省清远市清城区" in result.reason


def test_region_outside_fails_naming_both_regions():
    result = check(real_rule(NANSHA, RuleKind.REGION), facts(make_org(region="441802")))
    assert result.outcome == Outcome.FAIL
    assert "广东省清远市清城区" in result.reason
    assert "南沙区" in result.reason


def test_region_unknown_code_fails_naming_the_code():
    result = check(rule(RuleKind.REGION, {"region": "999999"}), facts(make_org()))
    assert result.outcome == Outcome.FAIL
    assert "999999" in result.reason


# --- org_type, legal_person, no_blacklist ------------------------------------------------------


def test_org_type_listed_passes():
    result = check(real_rule(NANSHA, RuleKind.ORG_TYPE), facts(make_org(org_type=OrgType.ENTERPRISE)))
    assert result.outcome == Outcome.PASS
    assert str(OrgType.ENTERPRISE.label) in result.reason


def test_org_type_not_listed_fails_naming_both():
    result = check(real_rule(NANSHA, RuleKind.ORG_TYPE), facts(make_org(org_type=OrgType.PARK)))
    assert result.outcome == Outcome.FAIL
    assert str(OrgType.PARK.label) in result.reason
    assert str(OrgType.ENTERPRISE.label) in result.reason


def test_legal_person_passes():
    assert check(real_rule(NANSHA, RuleKind.LEGAL_PERSON), facts(make_org())).outcome == Outcome.PASS


def test_legal_person_branch_fails():
    result = check(real_rule(NANSHA, RuleKind.LEGAL_PERSON), facts(make_org(is_legal_person=False)))
    assert result.outcome == Outcome.FAIL


def test_no_blacklist_passes():
    assert check(real_rule(NANSHA, RuleKind.NO_BLACKLIST), facts(make_org())).outcome == Outcome.PASS


def test_no_blacklist_listed_fails():
    result = check(real_rule(NANSHA, RuleKind.NO_BLACKLIST), facts(make_org(blacklisted=True)))
    assert result.outcome == Outcome.FAIL


# --- partner_limit, park_size --------------------------------------------------------------------


def test_partner_limit_at_the_limit_passes():
    result = check(real_rule(NANSHA, RuleKind.PARTNER_LIMIT), facts(make_org(), partners=2))
    assert result.outcome == Outcome.PASS
    assert "2" in result.reason


def test_partner_limit_over_fails_with_figures():
    result = check(real_rule(NANSHA, RuleKind.PARTNER_LIMIT), facts(make_org(), partners=3))
    assert result.outcome == Outcome.FAIL
    assert "3" in result.reason and "2" in result.reason


def test_partner_limit_zero_refuses_any_partner():
    limit = real_rule(QINGYUAN, RuleKind.PARTNER_LIMIT, track="2")
    assert check(limit, facts(make_org(), partners=0)).outcome == Outcome.PASS
    assert check(limit, facts(make_org(), partners=1)).outcome == Outcome.FAIL


def test_park_size_enough_passes():
    org = make_org(org_type=OrgType.PARK, park_enterprise_count=25)
    result = check(real_rule(QINGYUAN, RuleKind.PARK_SIZE), facts(org))
    assert result.outcome == Outcome.PASS
    assert "25" in result.reason and "20" in result.reason


def test_park_size_too_few_fails():
    org = make_org(org_type=OrgType.PARK, park_enterprise_count=12)
    result = check(real_rule(QINGYUAN, RuleKind.PARK_SIZE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "12" in result.reason and "20" in result.reason


def test_park_size_missing_fails_asking_for_it():
    org = make_org(org_type=OrgType.PARK, park_enterprise_count=None)
    result = check(real_rule(QINGYUAN, RuleKind.PARK_SIZE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "20" in result.reason


# --- matching_funds ------------------------------------------------------------------------------


def test_matching_funds_min_amount_passes():
    result = check(real_rule(GUANGDONG, RuleKind.MATCHING_FUNDS), facts(make_org(), matching="500000"))
    assert result.outcome == Outcome.PASS
    assert "500,000.00" in result.reason


def test_matching_funds_min_amount_short_fails_with_figures():
    result = check(real_rule(GUANGDONG, RuleKind.MATCHING_FUNDS), facts(make_org(), matching="400000"))
    assert result.outcome == Outcome.FAIL
    assert "400,000.00" in result.reason and "500,000.00" in result.reason


def test_matching_funds_min_amount_missing_fails():
    result = check(real_rule(GUANGDONG, RuleKind.MATCHING_FUNDS), facts(make_org(), matching=None))
    assert result.outcome == Outcome.FAIL
    assert "500,000.00" in result.reason


def test_matching_funds_ratio_exactly_met_passes():
    result = check(
        real_rule(QINGYUAN, RuleKind.MATCHING_FUNDS), facts(make_org(), requested="100000", matching="300000")
    )
    assert result.outcome == Outcome.PASS
    assert "300,000.00" in result.reason and "100,000.00" in result.reason


def test_matching_funds_ratio_short_fails_with_figures():
    result = check(
        real_rule(QINGYUAN, RuleKind.MATCHING_FUNDS), facts(make_org(), requested="100000", matching="200000")
    )
    assert result.outcome == Outcome.FAIL
    assert "200,000.00" in result.reason and "100,000.00" in result.reason and "3" in result.reason


@pytest.mark.parametrize("requested, matching", [(None, "300000"), ("100000", None), (None, None)])
def test_matching_funds_ratio_missing_figures_fail(requested, matching):
    result = check(
        real_rule(QINGYUAN, RuleKind.MATCHING_FUNDS),
        facts(make_org(), requested=requested, matching=matching),
    )
    assert result.outcome == Outcome.FAIL
    assert "3" in result.reason


# --- rd_intensity --------------------------------------------------------------------------------

RD_RULE = {"min_percent": "3", "years": 3}


def test_rd_intensity_below_fails_quoting_percent_and_years():
    org = make_org()
    add_years(org, {y: ("1000000", "21000", "1000") for y in (2021, 2022, 2023)})
    result = check(real_rule(NANSHA, RuleKind.RD_INTENSITY), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2.1" in result.reason and "3" in result.reason
    assert "2021" in result.reason and "2023" in result.reason


def test_rd_intensity_above_passes():
    org = make_org()
    add_years(org, {y: ("1000000", "40000", "2000") for y in (2021, 2022, 2023)})
    result = check(real_rule(NANSHA, RuleKind.RD_INTENSITY), facts(org))
    assert result.outcome == Outcome.PASS
    assert "4.0" in result.reason and "2021" in result.reason and "2023" in result.reason


def test_rd_intensity_exactly_at_threshold_passes():
    org = make_org()
    add_years(org, {y: ("1000000", "30000", "0") for y in (2021, 2022, 2023)})
    result = check(rule(RuleKind.RD_INTENSITY, RD_RULE), facts(org))
    assert result.outcome == Outcome.PASS
    assert "3.0" in result.reason


def test_rd_intensity_is_the_ratio_of_sums_not_the_mean_of_ratios():
    org = make_org()
    # yearly ratios 10 %, 0 %, 0 % average 3.3 %, but the sums give 10,000 / 2,100,000 = 0.47 %
    add_years(org, {2021: ("100000", "10000", "0"), 2022: ("1000000", "0", "0"), 2023: ("1000000", "0", "0")})
    result = check(rule(RuleKind.RD_INTENSITY, RD_RULE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "0.4" in result.reason


def test_rd_intensity_rounds_down_so_a_failure_never_shows_the_threshold():
    org = make_org()
    add_years(org, {y: ("1000000", "29600", "0") for y in (2021, 2022, 2023)})
    result = check(rule(RuleKind.RD_INTENSITY, RD_RULE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2.9" in result.reason and "3.0" not in result.reason


def test_rd_intensity_uses_complete_years_before_the_day():
    org = make_org()
    add_years(org, {y: ("1000000", "40000", "0") for y in (2020, 2021, 2022)})
    assert (
        check(rule(RuleKind.RD_INTENSITY, RD_RULE), facts(org, on=dt.date(2023, 12, 31))).outcome
        == Outcome.PASS
    )
    result = check(rule(RuleKind.RD_INTENSITY, RD_RULE), facts(org, on=dt.date(2024, 1, 1)))
    assert result.outcome == Outcome.FAIL
    assert "2023" in result.reason


def test_rd_intensity_missing_year_fails_naming_it():
    org = make_org()
    add_years(org, {2021: ("1000000", "40000", "0"), 2023: ("1000000", "40000", "0")})
    result = check(real_rule(NANSHA, RuleKind.RD_INTENSITY), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2022" in result.reason and "2021" not in result.reason and "2023" not in result.reason


def test_rd_intensity_no_figures_at_all_fails_naming_every_year():
    result = check(real_rule(NANSHA, RuleKind.RD_INTENSITY), facts(make_org()))
    assert result.outcome == Outcome.FAIL
    assert all(str(y) in result.reason for y in (2021, 2022, 2023))


def test_rd_intensity_zero_sales_fails():
    org = make_org()
    add_years(org, {y: ("0", "40000", "0") for y in (2021, 2022, 2023)})
    result = check(real_rule(NANSHA, RuleKind.RD_INTENSITY), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2021" in result.reason and "2023" in result.reason


# --- ip_spend_share ------------------------------------------------------------------------------


def test_ip_spend_share_last_year_only_passes():
    org = make_org()
    add_years(org, {2022: ("1000000", "100000", "0"), 2023: ("1000000", "100000", "5500")})
    result = check(real_rule(QINGYUAN, RuleKind.IP_SPEND_SHARE), facts(org))
    assert result.outcome == Outcome.PASS
    assert "5.5" in result.reason and "5" in result.reason and "2023" in result.reason
    assert "2022" not in result.reason


def test_ip_spend_share_below_fails():
    org = make_org()
    add_years(org, {2023: ("1000000", "100000", "2000")})
    result = check(real_rule(NANSHA, RuleKind.IP_SPEND_SHARE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2.0" in result.reason and "3" in result.reason and "2023" in result.reason


def test_ip_spend_share_missing_year_fails():
    org = make_org()
    add_years(org, {2022: ("1000000", "100000", "9000")})
    result = check(real_rule(NANSHA, RuleKind.IP_SPEND_SHARE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2023" in result.reason


def test_ip_spend_share_zero_rd_fails():
    org = make_org()
    add_years(org, {2023: ("1000000", "0", "9000")})
    result = check(real_rule(NANSHA, RuleKind.IP_SPEND_SHARE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2023" in result.reason


# --- patent_count --------------------------------------------------------------------------------


def test_patent_count_enough_passes():
    org = make_org()
    add_patents(org, 5)
    result = check(rule(RuleKind.PATENT_COUNT, {"min": 5, "kinds": ["invention"]}), facts(org))
    assert result.outcome == Outcome.PASS
    assert "5" in result.reason and str(PatentKind.INVENTION.label) in result.reason


def test_patent_count_counts_only_valid_patents_of_the_kinds():
    org = make_org()
    add_patents(org, 3)
    add_patents(org, 4, status=PatentStatus.LAPSED)
    add_patents(org, 2, kind=PatentKind.DESIGN)
    result = check(real_rule("fangchenggang-2022-ip-projects", RuleKind.PATENT_COUNT), facts(org))
    # fangchenggang: at least 10 valid patents of any kind → 5
    assert result.outcome == Outcome.FAIL
    assert "5" in result.reason and "10" in result.reason


def test_patent_count_too_few_inventions_fails_with_figures():
    org = make_org()
    add_patents(org, 3)
    add_patents(org, 6, kind=PatentKind.UTILITY)
    result = check(rule(RuleKind.PATENT_COUNT, {"min": 5, "kinds": ["invention"]}), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "3" in result.reason and "5" in result.reason


def test_patent_count_granted_on_or_before():
    org = make_org()
    add_patents(org, 2, granted_on=dt.date(2022, 8, 1))
    limit = real_rule(QINGYUAN, RuleKind.PATENT_COUNT, track="6")  # min 1, on or before 2022-07-30
    result = check(limit, facts(org))
    assert result.outcome == Outcome.FAIL
    assert "0" in result.reason and "2022-07-30" in result.reason
    add_patents(org, 1, kind=PatentKind.UTILITY, granted_on=dt.date(2022, 7, 30), prefix="U")
    result = check(limit, facts(org))
    assert result.outcome == Outcome.PASS
    assert "1" in result.reason and "2022-07-30" in result.reason


def test_patent_count_none_entered_fails():
    result = check(real_rule(QINGYUAN, RuleKind.PATENT_COUNT, track="11"), facts(make_org()))
    assert result.outcome == Outcome.FAIL
    assert "0" in result.reason and "1" in result.reason


# --- certification -------------------------------------------------------------------------------


def add_cert(org, standard="GB/T 29490", valid_from=dt.date(2023, 1, 1), valid_until=dt.date(2025, 12, 31)):
    Certification.objects.create(
        organisation=org, standard=standard, valid_from=valid_from, valid_until=valid_until
    )


@pytest.mark.parametrize("standard", ["GB/T 29490", "GB/T29490", "gb/t  29490", "ＧＢ／Ｔ 29490"])
def test_certification_valid_passes_whatever_the_spacing_and_case(standard):
    org = make_org()
    add_cert(org, standard=standard)
    result = check(real_rule(QINGYUAN, RuleKind.CERTIFICATION), facts(org))
    assert result.outcome == Outcome.PASS
    assert "2025-12-31" in result.reason


def test_certification_valid_on_its_last_day_passes():
    org = make_org()
    add_cert(org, valid_until=ON)
    assert check(real_rule(QINGYUAN, RuleKind.CERTIFICATION), facts(org)).outcome == Outcome.PASS


def test_certification_expired_fails_with_the_date():
    org = make_org()
    add_cert(org, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2023, 12, 31))
    result = check(real_rule(QINGYUAN, RuleKind.CERTIFICATION), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2023-12-31" in result.reason


def test_certification_not_yet_valid_fails_with_the_date():
    org = make_org()
    add_cert(org, valid_from=dt.date(2024, 7, 1), valid_until=dt.date(2027, 6, 30))
    result = check(real_rule(QINGYUAN, RuleKind.CERTIFICATION), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "2024-07-01" in result.reason


def test_certification_other_standard_or_none_fails_naming_the_standard():
    org = make_org()
    add_cert(org, standard="ISO 9001")
    result = check(real_rule(QINGYUAN, RuleKind.CERTIFICATION), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "GB/T 29490" in result.reason


# --- no_failed_acceptance ------------------------------------------------------------------------


def test_no_failed_acceptance_clean_record_passes():
    org = make_org()
    add_record(org, acceptance=AcceptanceOutcome.PASSED, accepted_on=dt.date(2023, 3, 1))
    result = check(real_rule(GUANGDONG, RuleKind.NO_FAILED_ACCEPTANCE), facts(org))
    assert result.outcome == Outcome.PASS
    assert "2021-06-15" in result.reason  # three years before the day


def test_no_failed_acceptance_recent_failure_fails_naming_it():
    org = make_org()
    add_record(
        org, title="知识产权运营项目", acceptance=AcceptanceOutcome.FAILED, accepted_on=dt.date(2022, 9, 1)
    )
    result = check(real_rule(GUANGDONG, RuleKind.NO_FAILED_ACCEPTANCE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "知识产权运营项目" in result.reason and "2022" in result.reason


def test_no_failed_acceptance_old_failure_or_other_level_passes():
    org = make_org()
    add_record(
        org,
        acceptance=AcceptanceOutcome.FAILED,
        awarded_on=dt.date(2018, 1, 1),
        accepted_on=dt.date(2020, 6, 1),
    )
    add_record(
        org, level=RecordLevel.CITY, acceptance=AcceptanceOutcome.FAILED, accepted_on=dt.date(2023, 1, 1)
    )
    assert check(real_rule(GUANGDONG, RuleKind.NO_FAILED_ACCEPTANCE), facts(org)).outcome == Outcome.PASS


def test_no_failed_acceptance_without_years_looks_at_all_time():
    org = make_org()
    add_record(
        org,
        title="旧项目",
        level=RecordLevel.CITY,
        category=AwardCategory.PATENT_IMPLEMENTATION,
        awarded_on=dt.date(2015, 1, 1),
        acceptance=AcceptanceOutcome.FAILED,
        accepted_on=dt.date(2016, 5, 1),
        region_id="441802",  # 清城区, inside 清远市: the guide's scope
    )
    result = check(real_rule(QINGYUAN, RuleKind.NO_FAILED_ACCEPTANCE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "旧项目" in result.reason and "2016" in result.reason


def test_no_failed_acceptance_scoped_by_region_sends_a_record_without_region_to_an_officer():
    org = make_org()
    add_record(org, title="来源不明的项目", level=RecordLevel.CITY, category=AwardCategory.PATENT_IMPLEMENTATION,
               awarded_on=dt.date(2015, 1, 1), acceptance=AcceptanceOutcome.FAILED, accepted_on=dt.date(2016, 5, 1))
    result = check(real_rule(QINGYUAN, RuleKind.NO_FAILED_ACCEPTANCE), facts(org))
    assert result.outcome == Outcome.OFFICER and "来源不明的项目" in result.reason


def test_no_failed_acceptance_include_unfinished_fails_on_a_pending_project():
    org = make_org()
    add_record(
        org,
        title="实施计划",
        level=RecordLevel.CITY,
        category=AwardCategory.PATENT_IMPLEMENTATION,
        awarded_on=dt.date(2021, 5, 1),
        acceptance=AcceptanceOutcome.PENDING,
        region_id="441800",
    )
    result = check(real_rule(QINGYUAN, RuleKind.NO_FAILED_ACCEPTANCE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "实施计划" in result.reason and "2021" in result.reason


def test_no_failed_acceptance_pending_is_fine_without_include_unfinished():
    org = make_org()
    add_record(org, acceptance=AcceptanceOutcome.PENDING, awarded_on=dt.date(2023, 5, 1))
    assert check(real_rule(GUANGDONG, RuleKind.NO_FAILED_ACCEPTANCE), facts(org)).outcome == Outcome.PASS


def test_no_failed_acceptance_other_category_passes():
    org = make_org()
    add_record(
        org,
        level=RecordLevel.CITY,
        category=AwardCategory.IP_PROJECT,
        acceptance=AcceptanceOutcome.FAILED,
        accepted_on=dt.date(2023, 1, 1),
    )
    assert check(real_rule(QINGYUAN, RuleKind.NO_FAILED_ACCEPTANCE), facts(org)).outcome == Outcome.PASS


def test_no_failed_acceptance_names_the_failure_and_counts_the_rest():
    org = make_org()
    add_record(org, title="甲", acceptance=AcceptanceOutcome.FAILED, accepted_on=dt.date(2022, 1, 1))
    add_record(org, title="乙", acceptance=AcceptanceOutcome.FAILED, accepted_on=dt.date(2023, 1, 1))
    result = check(real_rule(GUANGDONG, RuleKind.NO_FAILED_ACCEPTANCE), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "乙" in result.reason and "2023" in result.reason and "1" in result.reason


# --- no_prior_award ------------------------------------------------------------------------------


def test_no_prior_award_none_passes():
    org = make_org()
    add_record(org, category=AwardCategory.IP_PROJECT, level=RecordLevel.CITY, awarded_on=dt.date(2023, 1, 1))
    result = check(real_rule(NANSHA, RuleKind.NO_PRIOR_AWARD), facts(org))
    assert result.outcome == Outcome.PASS
    assert "2021-06-15" in result.reason


def test_no_prior_award_recent_award_fails_naming_it():
    org = make_org()
    add_record(
        org,
        title="高价值专利培育中心",
        category=AwardCategory.HIGH_VALUE_PATENT,
        level=RecordLevel.CITY,
        awarded_on=dt.date(2022, 4, 1),
    )
    result = check(real_rule(NANSHA, RuleKind.NO_PRIOR_AWARD), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "高价值专利培育中心" in result.reason and "2022" in result.reason


def test_no_prior_award_older_or_national_passes():
    org = make_org()
    add_record(
        org, category=AwardCategory.HIGH_VALUE_PATENT, level=RecordLevel.CITY, awarded_on=dt.date(2021, 6, 1)
    )
    add_record(
        org,
        category=AwardCategory.HIGH_VALUE_PATENT,
        level=RecordLevel.NATIONAL,
        awarded_on=dt.date(2023, 6, 1),
    )
    assert check(real_rule(NANSHA, RuleKind.NO_PRIOR_AWARD), facts(org)).outcome == Outcome.PASS


def test_no_prior_award_without_years_looks_at_all_time():
    org = make_org()
    add_record(
        org,
        title="优势企业",
        category=AwardCategory.IP_ADVANTAGE_TITLE,
        level=RecordLevel.CITY,
        awarded_on=dt.date(2012, 1, 1),
    )
    result = check(real_rule(QINGYUAN, RuleKind.NO_PRIOR_AWARD), facts(org))
    assert result.outcome == Outcome.FAIL
    assert "优势企业" in result.reason and "2012" in result.reason


def test_no_prior_award_district_title_does_not_count_when_levels_exclude_it():
    org = make_org()
    add_record(
        org,
        category=AwardCategory.IP_ADVANTAGE_TITLE,
        level=RecordLevel.DISTRICT,
        awarded_on=dt.date(2023, 1, 1),
    )
    assert check(real_rule(QINGYUAN, RuleKind.NO_PRIOR_AWARD), facts(org)).outcome == Outcome.PASS


# --- officer, unknown kinds, unreadable parameters -----------------------------------------------


def test_officer_rule_needs_an_officer():
    result = check(real_rule(NANSHA, RuleKind.OFFICER), facts(make_org()))
    assert result.outcome == Outcome.OFFICER
    assert result.reason


def test_unknown_kind_goes_to_an_officer():
    result = check(rule("turnover_growth", {"min_percent": "10"}), facts(make_org()))
    assert result.outcome == Outcome.OFFICER
    assert "turnover_growth" in result.reason


@pytest.mark.parametrize(
    "kind, params, name",
    [
        (RuleKind.RD_INTENSITY, {"years": 3}, "min_percent"),
        (RuleKind.RD_INTENSITY, {"min_percent": "abc", "years": 3}, "min_percent"),
        (RuleKind.IP_SPEND_SHARE, {"min_percent": "3", "years": 0}, "years"),
        (RuleKind.MATCHING_FUNDS, {}, "min_ratio"),
        (RuleKind.PATENT_COUNT, {"min": 1}, "kinds"),
        (
            RuleKind.PATENT_COUNT,
            {"min": 1, "kinds": ["invention"], "granted_on_or_before": "soon"},
            "granted_on_or_before",
        ),
        (RuleKind.PARTNER_LIMIT, {}, "max"),
        (RuleKind.REGION, {}, "region"),
        (RuleKind.CERTIFICATION, {}, "standard"),
    ],
)
def test_unreadable_parameters_go_to_an_officer(kind, params, name):
    result = check(rule(kind, params), facts(make_org()))
    assert result.outcome == Outcome.OFFICER
    assert name in result.reason


# --- the verdict ---------------------------------------------------------------------------------


def _result(outcome: str, seq: int = 1) -> RuleResult:
    return RuleResult(rule_id=seq, seq=seq, kind="officer", outcome=outcome, message="r", guide_text="t")


@pytest.mark.parametrize(
    "outcomes, overall",
    [
        ([], Outcome.PASS),
        ([Outcome.PASS, Outcome.PASS], Outcome.PASS),
        ([Outcome.PASS, Outcome.OFFICER], Outcome.OFFICER),
        ([Outcome.OFFICER, Outcome.FAIL, Outcome.PASS], Outcome.FAIL),
    ],
)
def test_verdict_overall(outcomes, overall):
    verdict = Verdict(results=tuple(_result(o, i) for i, o in enumerate(outcomes)), evaluated_on=ON)
    assert verdict.overall == overall


def test_verdict_overall_tells_a_soft_failure_from_a_hard_one():
    soft = dataclasses.replace(_result(Outcome.FAIL, 2), soft=True)
    assert Verdict(results=(_result(Outcome.OFFICER), soft), evaluated_on=ON).overall == Overall.SOFT_FAIL
    assert Verdict(results=(soft, _result(Outcome.FAIL, 3)), evaluated_on=ON).overall == Overall.FAIL


def test_verdict_can_submit_only_without_hard_failures():
    failing = Verdict(results=(_result(Outcome.PASS), _result(Outcome.FAIL, 2)), evaluated_on=ON)
    assert not failing.can_submit()
    soft = dataclasses.replace(_result(Outcome.FAIL, 2), soft=True)
    assert Verdict(results=(_result(Outcome.PASS), soft), evaluated_on=ON).can_submit()
    unsure = Verdict(results=(_result(Outcome.PASS), _result(Outcome.OFFICER, 2)), evaluated_on=ON)
    assert unsure.can_submit()


def test_verdict_counts():
    verdict = Verdict(
        results=(_result(Outcome.PASS), _result(Outcome.PASS, 2), _result(Outcome.OFFICER, 3)),
        evaluated_on=ON,
    )
    assert verdict.counts == {"pass": 2, "fail": 0, "officer": 1}


def test_verdict_round_trips_through_json():
    org = make_org()
    add_years(org, {y: ("1000000", "21000", "1000") for y in (2021, 2022, 2023)})
    track = Track.objects.get(program__code=NANSHA)
    verdict = evaluate(track.rules.all(), facts(org, partners=1))
    stored = json.loads(json.dumps(verdict.to_dict()))
    assert stored["evaluated_on"] == "2024-06-15"
    assert stored["overall"] == "soft_fail"  # only the soft R&D rule (原则上) fails
    again = Verdict.from_dict(stored)
    assert again == verdict
    assert again.overall == verdict.overall and again.counts == verdict.counts


# --- the real Nansha track -----------------------------------------------------------------------


def _nansha_results(rd_per_million: str):
    org = make_org(region="440115", org_type=OrgType.ENTERPRISE)
    add_years(org, {y: ("1000000", rd_per_million, "5000") for y in (2021, 2022, 2023)})
    track = Track.objects.get(program__code=NANSHA)
    return track, evaluate(track.rules.all(), facts(org, partners=1))


def test_nansha_low_rd_intensity_is_a_soft_failure_the_officer_decides():
    """"近三年研发投入占销售收入的比例原则上不低于3%": 2.1 % fails the rule, but does not block submission."""
    track, verdict = _nansha_results("21000")
    assert verdict.overall == Overall.SOFT_FAIL
    (rd,) = [r for r in verdict.results if r.kind == RuleKind.RD_INTENSITY]
    assert rd.outcome == Outcome.FAIL and rd.soft and rd.soft_failure and not rd.blocks
    assert "2.1" in rd.reason and "2021" in rd.reason and "2023" in rd.reason
    assert [r.kind for r in verdict.results if r.outcome == Outcome.FAIL] == [RuleKind.RD_INTENSITY]
    assert verdict.can_submit()


def test_nansha_enough_rd_passes_that_rule_and_leaves_the_rest_to_an_officer():
    track, verdict = _nansha_results("40000")
    (rd,) = [r for r in verdict.results if r.kind == RuleKind.RD_INTENSITY]
    assert rd.outcome == Outcome.PASS
    assert "4.0" in rd.reason
    officer = [r for r in verdict.results if r.kind == RuleKind.OFFICER]
    assert officer and all(r.outcome == Outcome.OFFICER for r in officer)
    assert all(r.outcome == Outcome.PASS for r in verdict.results if r.kind != RuleKind.OFFICER)
    assert verdict.overall == Outcome.OFFICER
    assert verdict.can_submit()
    assert [r.seq for r in verdict.results] == sorted(r.seq for r in verdict.results)
    assert verdict.counts[Outcome.OFFICER] == len(officer)


# --- queries -------------------------------------------------------------------------------------


def _queries_for_nansha(n: int) -> int:
    org = make_org(region="440115")
    add_years(org, {2024 - i: ("1000000", "40000", "2000") for i in range(1, n + 1)})
    add_patents(org, n)
    add_cert(org)
    for i in range(n):
        add_record(org, title=f"项目{i}", awarded_on=dt.date(2010, 1, 1) + dt.timedelta(days=i))
    track = Track.objects.get(program__code=NANSHA)
    with CaptureQueriesContext(connection) as ctx:
        verdict = evaluate(
            track.rules.all(),
            facts_for(
                organisation_id=org.pk, requested_amount=None, matching_funds=None, partner_count=0, on=ON
            ),
        )
    assert len(verdict.results) == track.rules.count()
    return len(ctx.captured_queries)


def test_evaluate_runs_a_fixed_number_of_queries():
    # organisation+region chain, four prefetches, the rules
    assert _queries_for_nansha(1) == _queries_for_nansha(30) == 6
