"""What the re-encoded guides say, item by item of issue 6 (each outcome traceable to a guide sentence)."""

from decimal import Decimal

import pytest

from organisations.choices import OrgType, org_type_admitted
from programs.models import AwardMode, GuideStatus, RuleKind, Track

from .test_guides import guide_text

pytestmark = pytest.mark.django_db

NANSHA = "nansha-2024-high-value-patent-center"


def track(program: str, code: str) -> Track:
    return Track.objects.select_related("program").get(program__code=program, code=code)


def test_guides_v2_nansha_rd_and_ip_spend_are_soft():
    t = track(NANSHA, "1")
    text = guide_text(f"{NANSHA}.txt")
    for kind in (RuleKind.RD_INTENSITY, RuleKind.IP_SPEND_SHARE):
        rule = t.rules.active().get(kind=kind)
        assert rule.soft and "原则上" in rule.text and rule.text in text
        assert rule.encoding_note
    # Only 原则上 conditions are soft.
    assert set(t.rules.filter(soft=True).values_list("kind", flat=True)) == {
        RuleKind.RD_INTENSITY, RuleKind.IP_SPEND_SHARE}


def test_guides_v2_nansha_legal_person_admits_a_separately_counted_branch():
    rule = track(NANSHA, "1").rules.get(kind=RuleKind.LEGAL_PERSON)
    assert rule.params == {"branch_exception": True}
    assert "单独入统的分公司视同具有独立法人资格" in rule.text


def test_guides_v2_nansha_states_a_senior_manager_target_and_a_midterm_check():
    t = track(NANSHA, "1")
    kpi = t.kpis.get(metric__contains="高管")
    assert (kpi.comparator, kpi.target, kpi.unit) == ("gte", Decimal("1"), "名")
    assert t.midterm_check is True and "严格做好项目中期检查" in t.procedure_text
    assert t.award_mode == AwardMode.FIXED and t.budget == Decimal("300000.00")


YUEXIU = "yuexiu-2018-ip-operation-fund-plan"


def test_guides_v2_yuexiu_is_a_draft_for_comment_and_says_so():
    program = Track.objects.filter(program__code=YUEXIU).first().program
    assert program.guide_status == GuideStatus.DRAFT_FOR_COMMENT and program.is_draft_for_comment
    assert program.title.endswith("（征求意见稿）") and "（征求意见稿）" in guide_text(f"{YUEXIU}.txt")
    assert program.call_window_text == ""  # the guide is silent; nothing invented


def test_guides_v2_yuexiu_track_1_does_not_limit_the_undertaker():
    t = track(YUEXIU, "1")
    assert not t.rules.exists() and t.eligible_org_types == []
    assert t.applicant_text == "征集方式：以项目形式向社会公开征集项目承担单位。"


def test_guides_v2_yuexiu_track_8_keeps_the_lab_condition_for_the_officer_and_the_yuexiu_region():
    t = track(YUEXIU, "8")
    assert list(t.rules.order_by("seq").values_list("kind", flat=True)) == [RuleKind.REGION, RuleKind.OFFICER]
    region = t.rules.get(kind=RuleKind.REGION)
    assert region.params == {"region": "440104"} and "越秀区内的企业、科研院所、高等院校等" in region.text
    assert "越秀区" in region.encoding_note
    assert "国家级或省级重点实验室或研发中心" in t.rules.get(kind=RuleKind.OFFICER).text
    assert t.eligible_org_types == []
    assert "no type or region rule" not in t.encoding_notes and "(region rule)" in t.encoding_notes
    assert "items 1 and 8" not in t.program.encoding_notes


def test_guides_v2_yuexiu_pools_7_and_8_and_fixed_awards_elsewhere():
    seven, eight = track(YUEXIU, "7"), track(YUEXIU, "8")
    assert (seven.award_mode, seven.allocation, seven.budget, seven.max_awards, seven.awards_is_maximum) == (
        AwardMode.POOL, "by_score", Decimal("600000.00"), 10, True)
    assert (eight.award_mode, eight.allocation, eight.budget, eight.max_awards) == (
        AwardMode.POOL, "", Decimal("1000000.00"), 2)
    others = Track.objects.filter(program__code=YUEXIU).exclude(code__in=["7", "8"])
    assert set(others.values_list("award_mode", "max_awards")) == {(AwardMode.FIXED, 1)}


GUANGDONG = "guangdong-2021-ip-cluster-centers"


@pytest.mark.parametrize("code", ["1", "2"])
def test_guides_v2_guangdong_ip_service_lead_admits_patent_and_trademark_agencies(code):
    rule = track(GUANGDONG, code).rules.get(kind=RuleKind.ORG_TYPE)
    for admitted in (OrgType.IP_SERVICE, OrgType.PATENT_AGENCY, OrgType.TRADEMARK_AGENCY, OrgType.IP_OPERATION):
        assert org_type_admitted(admitted, rule.params["types"]), admitted
    assert not org_type_admitted(OrgType.ENTERPRISE, rule.params["types"])


def test_guides_v2_guangdong_track_2_title_is_the_guide_heading():
    assert track(GUANGDONG, "2").title == "现代农业与食品产业协同运营中心"
    assert "（二）现代农业与食品产业协同运营中心。" in guide_text(f"{GUANGDONG}.txt")


def test_guides_v2_guangdong_bad_records_apply_to_every_member_and_ties_prefer_matching_funds():
    t = track(GUANGDONG, "1")
    members = t.rules.filter(applies_to="all_members")
    assert set(members.values_list("kind", flat=True)) == {RuleKind.NO_BLACKLIST, RuleKind.NO_FAILED_ACCEPTANCE}
    # 四.(三) 要素较为齐全者 first, judged by the officer; then 四.(四) 承诺配套资金较多者, read from the application.
    assert t.tie_breaks == [{"key": "member_mix", "kind": "judged"}, {"key": "matching_funds", "kind": "computed"}]
    assert "承诺配套资金较多者，同等条件下优先。" in t.procedure_text


FANGCHENGGANG = "fangchenggang-2022-ip-projects"


@pytest.mark.parametrize(("code", "targets"), [
    ("6", {Decimal("100"), Decimal("1000")}), ("8", {Decimal("500"), Decimal("100")}),
    ("16", {Decimal("50"), Decimal("2")}),
])
def test_guides_v2_fangchenggang_either_or_targets_are_a_group_of_one_of_two(code, targets):
    t = track(FANGCHENGGANG, code)
    group = t.kpi_groups.get()
    assert group.min_count == 1 and group.kpis.count() == 2
    assert set(group.kpis.values_list("target", flat=True)) == targets
    assert "或" in group.text and group.text.replace(" ", "") in guide_text(f"{FANGCHENGGANG}.txt")
    # The other KPIs of the track stay mandatory.
    assert t.kpis.filter(group__isnull=True).count() == t.kpis.count() - 2


def test_guides_v2_fangchenggang_10_states_the_course_hours():
    kpi = track(FANGCHENGGANG, "10").kpis.get(unit="学时")
    assert (kpi.comparator, kpi.target) == ("gte", Decimal("32"))
    assert "总课时不少于32学时" in guide_text(f"{FANGCHENGGANG}.txt")


def test_guides_v2_fangchenggang_16_requires_an_ip_service_partner():
    rule = track(FANGCHENGGANG, "16").rules.get(kind=RuleKind.PARTNER_TYPES)
    assert rule.params == {"types": ["ip_service"], "min": 1}
    assert org_type_admitted(OrgType.PATENT_AGENCY, rule.params["types"])


def test_guides_v2_fangchenggang_7_is_for_patent_agencies_and_prefers_local_ones():
    t = track(FANGCHENGGANG, "7")
    types = t.rules.get(kind=RuleKind.ORG_TYPE).params["types"]
    assert org_type_admitted(OrgType.PATENT_AGENCY, types)
    assert not org_type_admitted(OrgType.TRADEMARK_AGENCY, types)  # 具有专利代理服务资质
    assert t.tie_breaks == [{"key": "local_service", "kind": "judged"}]  # 较大服务基础: an officer weighs it


QINGYUAN = "qingyuan-2023-ip-reserve-projects"


@pytest.mark.parametrize("code", ["1", "2", "8", "12", "16", "17"])
@pytest.mark.parametrize("agency", [OrgType.PATENT_AGENCY, OrgType.TRADEMARK_AGENCY, OrgType.IP_OPERATION])
def test_guides_v2_qingyuan_ip_service_agencies_admit_every_agency(code, agency):
    """"知识产权服务机构" (17 rewards agencies whose core business is 代理) admits patent and trademark agencies."""
    t = track(QINGYUAN, code)
    assert "服务机构" in t.applicant_text
    assert org_type_admitted(agency, t.rules.get(kind=RuleKind.ORG_TYPE).params["types"])


def test_guides_v2_qingyuan_5_ip_spend_is_soft():
    rule = track(QINGYUAN, "5").rules.get(kind=RuleKind.IP_SPEND_SHARE)
    assert rule.soft and Decimal(rule.params["min_percent"]) == 5 and "原则上不低于5%" in rule.text
    assert not track(QINGYUAN, "5").rules.filter(soft=True).exclude(pk=rule.pk).exists()


def test_guides_v2_qingyuan_6_targets_are_optional_and_failed_acceptance_is_qingyuan_only():
    t = track(QINGYUAN, "6")
    group = t.kpi_groups.get()
    assert group.min_count == 1 and group.kpis.count() == t.kpis.count() == 5
    assert "可选一个或数个" in group.text
    rule = t.rules.get(kind=RuleKind.NO_FAILED_ACCEPTANCE)
    assert rule.params["region"] == "441800" and rule.params["include_unfinished"] is True
    assert "清远市专利技术实施计划项目" in rule.text


def test_guides_v2_qingyuan_numbers_in_tasks_are_kpis():
    four = track(QINGYUAN, "4").kpis.filter(unit="个", metric__contains="产业集聚区")
    assert set(four.values_list("comparator", "target")) == {("gte", Decimal("1")), ("lte", Decimal("2"))}
    fourteen = track(QINGYUAN, "14").kpis.get(unit="个")
    assert (fourteen.comparator, fourteen.target) == ("gte", Decimal("2")) and "2个以上地理标志产品" in fourteen.text


@pytest.mark.parametrize(("code", "types"), [("3", ["ip_service"]), ("4", ["ip_operation"]), ("10", ["ip_service"])])
def test_guides_v2_qingyuan_required_partners_are_partner_type_rules(code, types):
    rule = track(QINGYUAN, code).rules.get(kind=RuleKind.PARTNER_TYPES)
    assert rule.params == {"types": types, "min": 1} and "联合" in rule.text


@pytest.mark.parametrize("code", ["15", "16"])
def test_guides_v2_qingyuan_either_or_targets_are_groups(code):
    group = track(QINGYUAN, code).kpi_groups.get()
    assert group.min_count == 1 and group.kpis.count() == 2 and "或" in group.text


def test_guides_v2_qingyuan_11_five_invention_patents_is_soft_one_is_hard():
    rules = track(QINGYUAN, "11").rules.filter(kind=RuleKind.PATENT_COUNT)
    assert {(r.params["min"], r.soft) for r in rules} == {(1, False), (5, True)}
    assert track(QINGYUAN, "11").tie_breaks == [{"key": "matching_funds", "kind": "computed"},
                                                {"key": "overseas_market", "kind": "judged"},
                                                {"key": "collaboration_need", "kind": "judged"}]
