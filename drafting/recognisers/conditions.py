"""Conditions → rule kinds with parameters; a sentence no pattern recognises becomes an officer-judged rule quoting it.

``APPLICANT`` reads who may apply (region, organisation types, joint application, partners); ``RULES`` is the table
of condition patterns, each a regex and a function building the rule's parameters from the match and the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..numbers import NUMBER, plain, to_decimal, to_yuan, years_of
from . import GUESSED, RECOGNISED, set_field, with_note

# Organisation words → type (fixtures/README.md "Organisation types"); the longest word at a place wins.
ORG_WORDS = {
    "知识产权服务机构": "ip_service", "服务机构": "ip_service", "专利代理机构": "patent_agency",
    "商标代理机构": "trademark_agency", "知识产权运营机构": "ip_operation", "运营机构": "ip_operation",
    "运营平台": "ip_operation", "行业协会": "industry_association", "行业组织": "industry_association",
    "社会团体": "social_org", "社会组织": "social_org", "产业技术联盟": "industry_alliance",
    "产业联盟": "industry_alliance", "高等学校": "university", "高等院校": "university", "高校": "university",
    "科研院所": "research_institute", "科研组织": "research_institute", "科研机构": "research_institute",
    "实验室": "lab", "产业集聚区管理机构": "park", "产业园区": "park", "园区": "park", "园区服务站": "other",
    "政府机构": "government", "金融机构": "financial", "媒体": "media", "培训基地": "training_base",
    "产业基金": "industry_fund", "企业": "enterprise", "产业平台": "other", "指导站": "other", "服务站": "other",
}
ORG = re.compile("|".join(sorted(map(re.escape, ORG_WORDS), key=len, reverse=True)))
LOCAL = re.compile(r"(?:^|[：，、）])(?:本市|市内|我市|区内|本区|我区)|本地企业|本地单位")
# An applicant sentence that qualifies the organisations (属于…产业, 已认定, 具有相应资质 …) asks an officer to judge
# that part too: an officer rule quoting the sentence joins the organisation-type rule.
QUALIFIER = re.compile(
    r"属于|已认定|已获认定|已建立的|具有相应|具备|计划在|重点企业|龙头企业|优势示范|高新技术企业|创新中心|重视")
REGION_AFTER = re.compile(r"^(?:内|辖区|注册|登记|依法|的?企业|企业|范围内)")


@dataclass
class Context:
    """What a rule may need besides its sentence: the program's region and the regions a guide may name."""

    region: str | None
    regions: list[tuple[str, str]]  # (name, code), longest name first


def types_in(text: str) -> list[str]:
    out = []
    for m in ORG.finditer(text):
        org = ORG_WORDS[m.group(0)]
        if org not in out:
            out.append(org)
    return out


def region_in(text: str, ctx: Context) -> str | None:
    for name, code in ctx.regions:
        at = text.find(name)
        if at >= 0 and REGION_AFTER.match(text[at + len(name):]):
            return code
    if LOCAL.search(text):
        return ctx.region
    return None


def read_applicant(track: dict, s, ctx: Context, rules: list) -> None:
    """申报主体 / 建设主体: lead types, region, joint policy, partner types and limit."""
    text = s.text
    lead, _sep, partners = re.split(r"(联合)", text, maxsplit=1) if "联合" in text else (text, "", "")
    with_whom = re.search(r"与([^，。；]{2,30}?)(?:共同|一起)?联合", text)
    if with_whom:  # 申报单位与知识产权服务机构联合申报: the organisations after 与 are the partners
        lead, partners = text[:with_whom.start()], with_whom.group(1)
    lead_types = types_in(lead)
    partner_types = types_in(partners)
    region = region_in(lead, ctx)
    if region:
        rules.append(with_note({"kind": "region", "params": {"region": region}, "text": text[:300]}, s, RECOGNISED))
    if lead_types:
        set_field(track, "eligible_org_types", lead_types, s, RECOGNISED)
        set_field(track, "applicant_text", text[:300], s, RECOGNISED)
        rules.append(with_note({"kind": "org_type", "params": {"types": lead_types}, "text": text[:300]}, s,
                               RECOGNISED))
        if QUALIFIER.search(lead):
            rules.append(with_note({"kind": "officer", "text": text[:300]}, s, GUESSED))
    if re.search(r"不接受联合|不得联合|单独申报[^，]*不接受", text):
        set_field(track, "joint_policy", "refused", s, RECOGNISED)
        rules.append(with_note({"kind": "partner_limit", "params": {"max": 0}, "text": text[:300]}, s, RECOGNISED))
    elif partners and re.search(r"鼓励|可以|也可|可联合", text):
        set_field(track, "joint_policy", "allowed", s, RECOGNISED)
    elif partners:
        set_field(track, "joint_policy", "required", s, RECOGNISED)
        if len(partner_types) == 1:
            rules.append(with_note({"kind": "partner_types", "params": {"types": partner_types, "min": 1},
                                    "text": text[:300]}, s, RECOGNISED))
    m = re.search(rf"(?:联合申报单位|联合单位|合作单位)?(?:最多|不超过|最多不超过)({NUMBER})家|联合({NUMBER})家", text)
    if m and partners:
        limit = int(to_decimal(m.group(1) or m.group(2)))
        set_field(track, "partner_limit", limit, s, RECOGNISED)
        rules.append(with_note({"kind": "partner_limit", "params": {"max": limit}, "text": text[:300]}, s,
                               RECOGNISED))


PATENT_KINDS = (("发明", "invention"), ("实用新型", "utility"), ("外观设计", "design"))
LEVELS = (("国家", "national"), ("省", "province"), ("市", "city"), ("区", "district"), ("县", "district"))
CATEGORIES = (
    (re.compile(r"专利技术实施"), "patent_implementation"), (re.compile(r"高价值专利"), "high_value_patent"),
    (re.compile(r"优势(?:、)?示范企业|优势企业|示范企业"), "ip_advantage_title"),
)


def _category(text: str) -> dict:
    for pattern, category in CATEGORIES:
        if pattern.search(text):
            return {"category": category}
    return {}


def _levels(text: str) -> list[str]:
    m = re.search(r"([国省市区县])级以上", text)
    if m:
        order = ["national", "province", "city", "district"]
        level = dict(LEVELS)["国家" if m.group(1) == "国" else m.group(1)]
        return order[:order.index(level) + 1]
    m = re.search(r"((?:[国省市区县]、?)+)各?级", text)
    if m:
        return [dict(LEVELS)["国家" if ch == "国" else ch] for ch in m.group(1) if ch != "、"]
    return []


GRANTED_BEFORE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日[（(]含[）)]?(?:之)?前(?:获得)?授权")


def _patent_count(m: re.Match, s, _ctx) -> dict:
    what = m.group("what") or ""
    kinds = [k for word, k in PATENT_KINDS if word in what] or ["invention", "utility", "design"]
    params = {"min": int(to_decimal(m.group("n"))), "kinds": kinds}
    date = GRANTED_BEFORE.search(s.text)
    if date:
        params["granted_on_or_before"] = f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
    return params


def _clause(m: re.Match, text: str) -> str:
    """The clause (between commas) where the match starts, with what leads up to it."""
    start = max(text.rfind("，", 0, m.start()), text.rfind("；", 0, m.start())) + 1
    return text[start:m.end()]


def _rd(m, s, _ctx) -> dict:
    return {"min_percent": plain(to_decimal(m.group("n"))), "years": years_of(_clause(m, s.text)) or 1}


def _matching(m, s, _ctx) -> dict:
    if m.groupdict().get("ratio"):
        return {"min_ratio": plain(to_decimal(m.group("ratio")))}
    return {"min_amount": format(to_yuan(m.group("n"), m.group("u")), "f")}


def _history(m, s, ctx) -> dict:
    params: dict = {}
    years = years_of(s.text)
    if years:
        params["years"] = years
    levels = _levels(s.text)
    params.update(_category(s.text))
    if "未验收" in s.text or "未结题" in s.text:
        params["include_unfinished"] = True
    named = next((code for name, code in ctx.regions if name in s.text), None)
    if named:
        params["region"] = named
    if levels:
        params["level"] = levels[0] if len(levels) == 1 else levels[-1]
    elif named and ctx.region == named:
        params["level"] = "city"
    return params


def _prior(m, s, ctx) -> dict:
    params: dict = {}
    years = years_of(s.text)
    if years:
        params["years"] = years
    params.update(_category(s.text))
    levels = _levels(s.text)
    if levels:
        params["levels"] = levels
    return params


MANY = {"patent_count"}  # kinds a sentence may state more than once (拥有有效专利不少于10项，其中发明专利不少于3项)
RuleBuilder = Callable[[re.Match, object, Context], dict]
# (pattern, kind, parameters); the sentence's 原则上 / 一般 makes the rule soft.
RULES: tuple[tuple[re.Pattern, str, RuleBuilder | None], ...] = (
    (re.compile(rf"研发(?:投入|经费|费用)[^，；。]{{0,12}}占[^，；。]{{0,10}}(?:销售收入|营业收入)[^，；。]{{0,12}}?"
                rf"(?:不低于|达到?|不少于)(?P<n>{NUMBER})%"), "rd_intensity", _rd),
    (re.compile(rf"知识产权(?:费用|工作经费|经费)[^；。]{{0,20}}?占[^，；。]{{0,12}}?(?:研发|科研)(?:投入|经费)[^，；。]{{0,12}}?"
                rf"(?:不低于|达到?|不少于)?(?P<n>{NUMBER})%"), "ip_spend_share", _rd),
    (re.compile(r"不低于(?P<ratio_pre>1)[：:](?P<ratio>\d+(?:\.\d+)?)"), "matching_funds", _matching),
    (re.compile(rf"配套(?:资金|经费|项目经费)[^，；。]{{0,6}}?(?P<n>{NUMBER})\s*(?P<u>万元|元)以上"), "matching_funds",
     _matching),
    (re.compile(rf"(?:拥有|有效|授权|其中|具有)[^，；。（]{{0,12}}?(?P<what>发明或实用新型|发明|实用新型|外观设计|专利)[^，；。（]{{0,10}}?"
                rf"(?:不少于|不低于|至少|达到?)?(?P<n>{NUMBER})\s*(?:件|项)"), "patent_count", _patent_count),
    (re.compile(rf"具有(?P<n>{NUMBER})件至数件以(?P<what>发明或实用新型|发明|实用新型)"), "patent_count",
     _patent_count),
    (re.compile(r"GB/T\s*29490|贯标认证|知识产权管理体系认证|企业知识产权管理规范》?认证"), "certification",
     lambda m, s, c: {"standard": "GB/T 29490"}),
    (re.compile(r"失信|黑名单|信用联合惩戒"), "no_blacklist", None),
    (re.compile(r"未验收|未通过验收|验收不通过|不良信用记录"), "no_failed_acceptance", _history),
    (re.compile(r"(?:已承担过|曾承担|获得过|已获|未曾获|曾获)[^。]*(?:项目|称号)"), "no_prior_award", _prior),
    (re.compile(rf"(?:聚集|入驻|集聚)[^，；。]{{0,20}}?(?P<n>{NUMBER})\s*家"), "park_size",
     lambda m, s, c: {"min_enterprises": int(to_decimal(m.group("n")))}),
    (re.compile(r"独立法人"), "legal_person", lambda m, s, c: {"branch_exception": True}
     if re.search(r"分公司视同|分支机构视同", s.text) else {}),
)
SOFT = re.compile(r"原则上|一般(?:应|不)")
# Conditions the portal has no rule kind for: an officer rule quoting the sentence, with a note of what was read.
OFFICER_NOTES = (
    (re.compile(rf"成立(?:时间)?(?:满|超过|不少于|不低于|已满|达到?)?({NUMBER})\s*(?:年|周年)"),
     "years established ≥ {0}: the portal has no rule kind for it; an officer checks the registration date."),
)
SKIP = re.compile(r"(?:以下条件|下列条件|主要包括|相关要求)[^。]*[：:]?$|：$")


def read_condition(s, ctx: Context, *, fallback: bool = True, applicant: bool = False) -> list[dict]:
    """The rules of one condition sentence; an officer-judged rule with the sentence when none is recognised, and one
    quoting the clauses no rule covers when some are recognised (经营状况良好，…，具有独立法人资格 → legal_person and
    an officer rule for the rest). ``applicant``: the sentence names who applies, its organisations are covered."""
    if SKIP.search(s.text) or len(s.text.strip("；。 ")) < 4:
        return []
    found, spans = [], []
    for pattern, kind, build in RULES:
        for m in pattern.finditer(s.text) if kind in MANY else filter(None, [pattern.search(s.text)]):
            found.append(_rule(kind, build(m, s, ctx) if build else {}, s))
            spans.append(m.span())
    if re.search(r"实施周期|资助方式|^申报要求$", s.text):
        return found
    if found or applicant:
        rest = _uncovered(s.text, spans, applicant)
        if rest:
            found.append(with_note({"kind": "officer", "text": rest[:300]}, s, GUESSED))
    for pattern, note in OFFICER_NOTES:
        m = pattern.search(s.text)
        if m:
            value = to_decimal(m.group(1))
            rule = {"kind": "officer", "text": s.text.strip()[:300], "note": note.format(plain(value))}
            found.append(with_note(rule, s, RECOGNISED))
    if not found and fallback:
        found.append(with_note({"kind": "officer", "text": s.text.strip()[:300]}, s, GUESSED))
    return found


APPLICANT_CLAUSE = re.compile(r"申报|联合|牵头|注册|登记")


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause between commas, brackets kept whole."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "（《“"
        depth -= ch in "）》”" and depth > 0
        if ch in "，；。" and depth == 0:
            out.append((start, i))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def _uncovered(text: str, spans: list[tuple[int, int]], applicant: bool) -> str:
    """The clauses no recognised rule covers (and, for an applicant sentence, that name no organisation)."""
    rest = []
    for start, end in _clauses(text):
        clause = re.sub(r"^(?:（\d+）|\d+[.．、])", "", text[start:end]).strip()
        covered = any(a < end and b > start for a, b in spans)
        if applicant and (ORG.search(clause) or APPLICANT_CLAUSE.search(clause) and len(clause) < 20):
            covered = True
        if not covered and len(clause) >= 6:
            rest.append(clause)
    return "，".join(rest)


def _rule(kind: str, params: dict, s) -> dict:
    rule = {"kind": kind, "text": s.text.strip()[:300]}
    if params:
        rule["params"] = params
    soft = SOFT.search(s.text)
    if soft:
        rule["soft"] = True
    return with_note(rule, s, GUESSED if soft and soft.group(0).startswith("一般") else RECOGNISED)


# 须提交联合申报协议书 / 需提交加盖公章的承诺函: a condition that asks for a document names a material.
SUBMIT = re.compile(r"(?:须|需|应)(?:同时)?提交([^，。；）()（]{2,40})")


def materials_asked(s) -> list[dict]:
    return [with_note({"title": m.group(1), "required": True}, s, GUESSED) for m in SUBMIT.finditer(s.text)]
