"""Each recogniser on sentences of the five seed guides (../shared/guides)."""

from decimal import Decimal

import pytest

from drafting.numbers import cn_to_int, quantities, to_yuan, years_of
from drafting.recognisers import GUESSED, RECOGNISED
from drafting.recognisers.conditions import Context, read_applicant, read_condition
from drafting.recognisers.header import read_header
from drafting.recognisers.kpis import read_kpis, unit_targets
from drafting.recognisers.materials import read_materials
from drafting.recognisers.money import read_money
from drafting.recognisers.periods import read_period
from drafting.recognisers.sections import layout, section_of
from drafting.recognisers.tranches import batch_triggers, read_tranches
from drafting.text import Sentence, normalise, paragraphs, sentences

REGIONS = [("防城港市", "450600", "city"), ("南沙区", "440115", "district"), ("广东省", "440000", "province"),
           ("清远市", "441800", "city"), ("越秀区", "440104", "district"), ("广州市", "440100", "city")]
CTX = Context(region="441800", regions=[(n, c) for n, c, _ in REGIONS])


def s(text: str, line: int = 1) -> Sentence:
    return Sentence(line, normalise(text))


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("三百", 300),
                                              ("两", 2), ("1", None)])
def test_cn_to_int_reads_chinese_numerals(text, value):
    assert cn_to_int(text) == value


def test_quantities_read_units_and_skip_dates():
    found = quantities("计划于2024年7月完成服务合同签订，培训500人次，配备三名以上专（兼）职工作人员，3千字以内")
    assert [(q.value, q.unit) for q in found] == [(Decimal(500), "人次"), (Decimal(3), "名"), (Decimal(3), "千字")]


def test_to_yuan_turns_wan_into_yuan():
    assert to_yuan("170", "万元") == Decimal("1700000.00")
    assert to_yuan("50", "元") == Decimal("50.00")
    assert to_yuan("5", "家") is None


def test_years_of_reads_recent_and_last_year():
    assert years_of("近三年研发投入占销售收入的比例") == 3
    assert years_of("过去3年内在申报和承担省级知识产权项目中") == 3
    assert years_of("上年度知识产权费用占研发投入的比例") == 1


def test_normalise_joins_pdf_spacing():
    assert normalise("申报要求:(1)实施周期 1 年;") == "申报要求：（1）实施周期1年；"


def test_paragraphs_join_a_line_broken_mid_sentence():
    text = ("申报要求:(1)承担过省部级及以上知识产权规划项目经验;\n(2)具备开展统计分析、战略分析的专业能力;(3)实施周期\n"
            "1 年。")
    assert paragraphs(text)[-1].text.endswith("（3）实施周期1年。")


def test_section_of_reads_labels_and_headings():
    assert section_of("（二）绩效目标：1.开展目标企业贯标辅导") == ("kpi", "1.开展目标企业贯标辅导")
    assert section_of("五、申报材料") == ("materials", "")
    assert section_of("建设主体可由符合以下条件的南沙区企业单独申报，同时鼓励其作为牵头单位") is None


def test_layout_finds_direction_tracks():
    text = ("2022 年防城港市知识产权项目申报指南\n课题方向 1：防城港市企业知识产权维权能力提升试点\n申报要求：实施周期 "
            "1 年；\n"
            "课题方向 2：面向国际医学开放试验区建设的知识产权区域新增长点规划研究\n考核指标：（1）完成研究报告 1 份。")
    shape = layout(paragraphs(text))
    assert [t.title for t in shape.tracks] == ["防城港市企业知识产权维权能力提升试点", "面向国际医学开放试验区建设的知"
        "识产权区域新增长点规划研究"]
    assert shape.tracks[1].paragraphs[0][0] == "kpi"


def test_layout_finds_tracks_before_their_task_heading():
    text = "知识产权综合托管服务\n（一）项目任务：向中小微企业知识产权提供申请质量评估。\n（五）实施周期：1年。\n" \
           "高价值专利培育布局中心建设\n（一）项目任务：瞄准“卡脖子”问题。"
    assert [t.title for t in layout(paragraphs(text)).tracks] == ["知识产权综合托管服务", "高价值专利培育布局中心建设"]


def test_header_reads_year_region_level_and_status():
    program: dict = {}
    paras = paragraphs("附件1\n广州市越秀区知识产权运营服务强区\n建设项目资金安排计划\n（征求意见稿）\n"
                       "2018年市局从中央财政专项资金中下拨1000万元支持越秀区知识产权运营服务强区建设。")
    read_header(program, paras, REGIONS, "yuexiu.txt")
    assert (program["region"], program["level"], program["year"]) == ("440104", "district", 2018)
    assert program["guide_status"] == "draft_for_comment"
    flagged = [n["field"] for n in program["draft"] if n["confidence"] == "needs_person"]
    assert flagged == ["issuer", "reference_prefix"]  # the text names no office: a person names it


def test_money_reads_fixed_award_with_its_budget():
    track: dict = {}
    read_money(track, [s("立项数量：1个（前补助项目）。"), s("项目资金：170万元（第一批102万元，第二批68万元）。")])
    assert (track["budget"], track["award_mode"], track["max_awards"], track["funding_mode"]) == (
        "1700000.00", "fixed", 1, "pre_funded")


def test_money_reads_a_pool_shared_by_score():
    track: dict = {}
    read_money(track, [s("立项数量：不超过10个（前补助项目）。"),
                       s("项目资金：60万元（第一批36万元，第二批24万元。具体每家机构支持金额在总额不变的前提下，根据申"
                           "报数量评分高低确定，数量不超过10家）。")])
    assert (track["award_mode"], track["allocation"], track["max_awards"], track["awards_is_maximum"]) == (
        "pool", "by_score", 10, True)


def test_money_reads_one_off_funding():
    track: dict = {}
    read_money(track, [s("本项目为竞争性无偿资助项目，获认定后给予一次性无偿资助。")])
    assert track["funding_mode"] == "one_off"


def test_tranches_read_batches_with_the_heads_triggers():
    head = batch_triggers([s("项目按一次性立项，资金拨付方式共分两批。"), s("第一批资金立项后拨付，第二批资金通过项目"
        "验收后拨付。")])
    track = {"budget": "1700000.00"}
    read_tranches(track, [s("项目资金：170万元（第一批102万元，第二批68万元）。")], head)
    assert [(t["share_percent"], t["amount"], t["trigger"]) for t in track["tranches"]] == [
        ("60", "1020000.00", "on_approval"), ("40", "680000.00", "on_acceptance")]


def test_tranches_read_prepayment_and_the_rest():
    track = {"budget": "300000.00"}
    read_tranches(track, [s("在与项目承担单位签订合同后预先支付50%，验收完成后完成尾款支付。")], {})
    assert [(t["share_percent"], t["trigger"]) for t in track["tranches"]] == [
        ("50", "on_contract"), ("50", "on_acceptance")]


@pytest.mark.parametrize(("text", "months", "maximum"), [
    ("（五）实施周期：1年。", 12, False), ("(六)实施周期：不超过2年。", 24, True),
    ("申报要求：实施周期 2 年。", 24, False)])
def test_period_reads_months_and_maximum(text, months, maximum):
    track: dict = {}
    read_period(track, [s(text)])
    assert (track["period_months"], track["period_is_maximum"]) == (months, maximum)


def test_kpis_read_comparators_targets_and_units():
    text = normalise("（1）实地走访市场主体 50 家以上，收集整理知识产权案例 10 个以上")
    assert [t[:3] for t in unit_targets(text)] == [
        ("gte", "50", "家"), ("gte", "10", "个")]
    assert [t[:3] for t in unit_targets("项目最终形成3万字以上的产业专利导航分析报告以及3千字以内的成果摘要")] == [
        ("gte", "3", "万字"), ("lte", "3", "千字")]
    assert [t[:3] for t in unit_targets("参与人员对活动满意度不低于85%")] == [("gte", "85", "%")]


def test_kpis_group_an_either_or_sentence():
    track: dict = {}
    read_kpis(track, [s("（2）新增专利质押融资额达 100 万以上或新增专利产品产值达 1000 万元以上；")])
    assert track["kpi_groups"][0]["min"] == 1
    assert [(k["target"], k["unit"], k.get("group")) for k in track["kpis"]] == [
        ("100", "万元", "A"), ("1000", "万元", "A")]


def test_kpis_group_a_choose_any_section_and_keep_qualitative_targets():
    track: dict = {}
    read_kpis(track, [s("（可选一个或数个）：1.带来显著经济效益或社会效益。"), s("2.项目实施期内项目产品预计新增销售额"
        "2000万元以上。")])
    assert all(k["group"] == "A" for k in track["kpis"])
    assert track["kpis"][0]["qualitative"] is True
    assert (track["kpis"][1]["target"], track["kpis"][1]["unit"]) == ("2000", "万元")


def test_applicant_reads_region_types_and_partner_limit():
    track: dict = {}
    rules: list = []
    read_applicant(track, s("建设主体可由符合以下条件的南沙区企业单独申报，同时鼓励其作为牵头单位，联合高等院校、科研"
        "院所或知识产权服务机构联合申报，联合申报单位最多不超过2家："),
                   CTX, rules)
    assert [(r["kind"], r.get("params")) for r in rules] == [
        ("region", {"region": "440115"}), ("org_type", {"types": ["enterprise"]}), ("partner_limit", {"max": 2})]
    assert (track["joint_policy"], track["partner_limit"]) == ("allowed", 2)


def test_applicant_reads_a_required_partner_type():
    track: dict = {}
    rules: list = []
    read_applicant(track, s("（三）申报主体：政府机构、产业集聚区管理机构或行业协会联合知识产权运营机构申报"), CTX,
                   rules)
    assert track["eligible_org_types"] == ["government", "park", "industry_association"]
    assert rules[-1]["params"] == {"types": ["ip_operation"], "min": 1}


def test_applicant_refuses_joint_applications():
    track: dict = {}
    rules: list = []
    read_applicant(track, s("市内注册且具有相应资质知识产权服务机构（含分支机构）、行业协会、运营平台、园区服务站等，"
        "不接受联合申报。"),
                   CTX, rules)
    assert track["joint_policy"] == "refused"
    assert ("partner_limit", {"max": 0}) in [(r["kind"], r.get("params")) for r in rules]
    assert ("region", {"region": "441800"}) in [(r["kind"], r.get("params")) for r in rules]


@pytest.mark.parametrize(("text", "kind", "params", "soft"), [
    ("2.近三年研发投入占销售收入的比例原则上不低于3%，上年度知识产权费用占研发投入的比例原则上达3%以上；", "rd_intensi"
        "ty",
     {"min_percent": "3", "years": 3}, True),
    ("2.每年有稳定的知识产权工作经费投入，占科研经费投入比例原则上不低于5%；", "ip_spend_share",
     {"min_percent": "5", "years": 1}, True),
    ("（四）项目承担单位应当承诺项目配套资金50万元以上（需提交加盖公章的承诺函）。", "matching_funds",
     {"min_amount": "500000.00"}, False),
    ("3.企业按不低于1：3比例新增配套项目经费；", "matching_funds", {"min_ratio": "3"}, False),
    ("3.知识产权管理制度较完善，已通过贯标认证且处于有效状态；", "certification", {"standard": "GB/T 29490"}, False),
    ("5.近三年无严重失信行为，无非正常专利申请行为（以国家知识产权局通报为准）。", "no_blacklist", None, False),
    ("牵头单位近三年已承担过省、市、区各级高价值专利培育布局项目的，不得申报本项目。", "no_prior_award",
     {"years": 3, "category": "high_value_patent", "levels": ["province", "city", "district"]}, False),
    ("5.承担往年清远市专利技术实施计划项目未验收或未通过验收的，不得申报本专题项目。", "no_failed_acceptance",
     {"category": "patent_implementation", "include_unfinished": True, "region": "441800", "level": "city"}, False),
    ("9.未曾获市级以上优势、示范企业称号。", "no_prior_award",
     {"category": "ip_advantage_title", "levels": ["national", "province", "city"]}, False),
])
def test_condition_recognises_rule_kinds(text, kind, params, soft):
    rule = read_condition(s(text), CTX)[0]
    assert (rule["kind"], rule.get("params"), bool(rule.get("soft"))) == (kind, params, soft)
    assert rule["draft"][0]["confidence"] == RECOGNISED and rule["draft"][0]["source"] == normalise(text)


def test_condition_legal_person_with_branch_exception():
    rules = read_condition(s("3.经营状况良好，有健全的财务制度、具有独立法人资格（单独入统的分公司视同具有独立法人资格"
        "）、实行独立核算；"), CTX)
    assert [(r["kind"], r.get("params")) for r in rules] == [("legal_person", {"branch_exception": True}),
                                                             ("officer", None)]
    assert rules[1]["text"] == "经营状况良好"  # the clause no rule covers, for an officer


def test_condition_not_recognised_becomes_an_officer_rule_quoting_it():
    text = "1.所在产业为广东省战略性支柱产业或战略性新兴产业，在相关技术领域研发水平处于行业领先地位；"
    (rule,) = read_condition(s(text), CTX)
    assert (rule["kind"], rule["text"], rule["draft"][0]["confidence"]) == ("officer", normalise(text), GUESSED)


def test_condition_skips_an_introduction():
    assert read_condition(s("（四）申报条件：符合《清远市知识产权优势企业认定标准》及相关要求，主要包括："), CTX) == []


def test_materials_read_numbered_items_without_annex_marks():
    found = read_materials(sentences("1.《清远市专利技术实施计划项目入库申报书》（附件3）；", 7) + sentences("上述材料"
        "均需加盖公章。", 8))
    assert [(m["title"], m["required"], m["draft"][0]["line"]) for m in found] == [
        ("《清远市专利技术实施计划项目入库申报书》", True, 7)]


def test_condition_reads_each_patent_count_of_a_sentence():
    rules = read_condition(s("（1）申报企业重视知识产权工作，拥有有效专利数量不少于10项，其中发明专利不少于3项；"), CTX)
    assert [r.get("params") for r in rules if r["kind"] == "patent_count"] == [
        {"min": 10, "kinds": ["invention", "utility", "design"]}, {"min": 3, "kinds": ["invention"]}]


def test_condition_reads_a_patent_count_granted_before_a_date():
    text = ("1.申报项目应当具有一件至数件以发明或实用新型专利技术为核心的关键技术和产品。申报项目的专利应是在2022年7月"
        "30日(含)"
            "之前授权并且有效的中国专利")
    rule = next(r for r in read_condition(s(text), CTX) if r["kind"] == "patent_count")
    assert rule["params"] == {"min": 1, "kinds": ["invention", "utility"], "granted_on_or_before": "2022-07-30"}


def test_condition_reads_a_park_size():
    (rule,) = read_condition(s("2.园区已集聚规模以上企业、高新技术企业20家以上。"), CTX)
    assert (rule["kind"], rule["params"]) == ("park_size", {"min_enterprises": 20})


def test_applicant_with_a_qualifier_adds_an_officer_rule():
    track: dict = {}
    rules: list = []
    read_applicant(track, s("（三）申报主体：已获认定的清远市知识产权培训基地。"), CTX, rules)
    assert [r["kind"] for r in rules] == ["org_type", "officer"]  # 清远市知识产权培训基地 names a base, not a region
    assert rules[0]["params"] == {"types": ["training_base"]}


def test_applicant_reads_partners_after_yu():
    track: dict = {}
    rules: list = []
    read_applicant(track, s("（2）申报单位与知识产权服务机构联合申报，申报时须提交联合申报协议书，明确各方的具体任务及"
        "经费额度。"),
                   CTX, rules)
    assert track["joint_policy"] == "required"
    assert [(r["kind"], r["params"]) for r in rules] == [("partner_types", {"types": ["ip_service"], "min": 1})]


def test_condition_asking_for_a_document_names_a_material():
    from drafting.recognisers.conditions import materials_asked

    found = materials_asked(s("（四）项目承担单位应当承诺项目配套资金50万元以上（需提交加盖公章的承诺函）。"))
    assert [(m["title"], m["draft"][0]["confidence"]) for m in found] == [("加盖公章的承诺函", GUESSED)]


def test_condition_years_established_is_an_officer_rule_with_what_was_read():
    (rule,) = read_condition(s("2.申报单位在本市注册成立满三年，经营状况良好；"), CTX)
    assert (rule["kind"], rule["draft"][0]["confidence"]) == ("officer", RECOGNISED)
    assert rule["note"].startswith("years established ≥ 3")
