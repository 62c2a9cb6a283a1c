"""Blind review: what names an applicant, and the one function that withholds it from a text.

The reviewer's page and the reviewer's PDF both take an application's text from ``exports.dossier_context``, which
cleans every free-text value with the ``Redactor`` that ``redactor_for(application, snapshot)`` makes: the one
entry point. ``withhold(text, secrets)`` is the pure function under it.

Matching is normalised. Every character is folded with NFKC (full-width forms become ASCII, the ideographic space
a space) and case-folded; inside a match, spaces, punctuation and symbols are skipped. So "9144 0115 ma00-0500 0x",
"９１４４０１１５ＭＡ…" and "广州 青源·知识产权" are withheld as the code "91440115MA0005000X" and the name
"广州青源知识产权…". A withheld stretch runs from the first to the last matched character of the original text.
E-mail addresses, mainland phone numbers (mobile and landline) and anything shaped like a credit code are
withheld wherever they stand, whoever they belong to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

WITHHELD = "〔***〕"
MIN_CHARS = 2  # a secret shorter than this (after folding) would withhold ordinary words

# --- folding -------------------------------------------------------------------------------------------------------


def _fold(text: str) -> tuple[str, list[int]]:
    """NFKC and case-fold ``text`` character by character; with the index in ``text`` of each folded character."""
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).casefold():
            chars.append(folded)
            origin.append(i)
    return "".join(chars), origin


def _significant(char: str) -> bool:
    """Letters and digits count in a match; spaces, punctuation and symbols do not."""
    return unicodedata.category(char)[0] in "LN"


def compact(text: str) -> str:
    """``text`` as matching sees it: folded, letters and digits only."""
    return "".join(c for c in _fold(text)[0] if _significant(c))


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


# --- what is withheld wherever it stands ----------------------------------------------------------------------------

_SEP = r"[\s\-]{0,3}"  # spaces or dashes between any two digits: "138 2600 1234", "1 3 8 2 6 …"
EMAIL = re.compile(r"[0-9a-z._%+\-]+\s?@\s?[0-9a-z\-]+(?:\s?\.\s?[0-9a-z\-]+)*\.[0-9a-z]{2,}")
MOBILE = re.compile(rf"(?<![0-9])(?:\+?86{_SEP})?1{_SEP}[3-9](?:{_SEP}[0-9]){{9}}(?![0-9])")
LANDLINE = re.compile(  # an area code, then seven or eight digits: "020-84681234", "(0755) 8888 6666", "+86 20 …"
    rf"(?<![0-9])(?:\+?86{_SEP}\(?{_SEP}0?|\(?{_SEP}0){_SEP}[1-9](?:{_SEP}[0-9]){{1,2}}{_SEP}\)?"
    rf"(?:{_SEP}[0-9]){{7,8}}(?![0-9])")
# Eighteen characters, a space or dash allowed between any two; checked against the code's shape below.
CODE_RUN = re.compile(r"(?<![0-9a-z])[0-9a-z](?:[\s\-]{0,2}[0-9a-z]){17}(?![0-9a-z])")
CODE_SHAPE = re.compile(r"[0-9a-hj-npqrtuwxy]{2}[0-9]{6}[0-9a-hj-npqrtuwxy]{10}")


def _pattern_spans(folded: str, origin: list[int]) -> Iterable[tuple[int, int]]:
    for pattern in (EMAIL, MOBILE, LANDLINE):
        for m in pattern.finditer(folded):
            yield origin[m.start()], origin[m.end() - 1] + 1
    for m in CODE_RUN.finditer(folded):
        if CODE_SHAPE.fullmatch(re.sub(r"[\s\-]", "", m.group())):
            yield origin[m.start()], origin[m.end() - 1] + 1


def _secret_spans(text: str, folded: str, origin: list[int], secrets: Iterable[str]) -> Iterable[tuple[int, int]]:
    kept = [(c, origin[i]) for i, c in enumerate(folded) if _significant(c)]
    haystack = "".join(c for c, _ in kept)
    for secret in secrets:
        start = haystack.find(secret)
        while start != -1:
            end = start + len(secret)
            first, last = kept[start][1], kept[end - 1][1] + 1
            # A secret in Latin letters or digits is a whole word: "Li" is not withheld from "reliable".
            before = _fold(text[first - 1])[0] if first else ""
            after = _fold(text[last])[0] if last < len(text) else ""
            if not ((_is_ascii_alnum(secret[0]) and before and _is_ascii_alnum(before[-1]))
                    or (_is_ascii_alnum(secret[-1]) and after and _is_ascii_alnum(after[0]))):
                yield first, last
            start = haystack.find(secret, start + 1)


def withhold(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (already ``compact``), e-mail address, phone number and credit code replaced by
    ``WITHHELD``; overlapping or touching stretches become one."""
    if not text:
        return text
    folded, origin = _fold(text)
    spans = sorted([*_secret_spans(text, folded, origin, secrets), *_pattern_spans(folded, origin)])
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [text[at:start], WITHHELD]
        at = end
    out.append(text[at:])
    return "".join(out)


# --- what names the applicant ---------------------------------------------------------------------------------------

LEGAL_FORMS = ("集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司", "分公司", "公司",
               "有限合伙", "普通合伙", "合伙企业", "事务所", "工作室", "企业", "companylimited", "colimited",
               "coltd", "limited", "ltd", "incorporated", "inc", "corporation", "corp", "llc", "company", "co")
TRADE_WORDS = (
    "知识产权", "人工智能", "新能源", "新材料", "微电子", "自动化", "机器人", "半导体", "计算机", "研究院", "研究所",
    "研究中心", "科学技术", "科技", "技术", "信息", "生物", "医药", "医疗", "电子", "智能", "材料", "软件", "网络",
    "机械", "制造", "服务", "咨询", "代理", "发展", "投资", "管理", "实业", "贸易", "工程", "中心", "大学", "学院",
    "医院", "创新", "产业", "运营", "能源", "环保", "化工", "设备", "电气", "光电", "芯片", "数据", "数字", "通信",
    "汽车", "控股", "集团", "专利", "商标", "电池", "工业", "检测", "认证", "文化", "传媒", "食品", "农业", "建设",
    "建筑", "物流", "精密", "仪器", "光学", "激光", "装备", "系统", "集成", "国际", "中国", "股份",
    "technologies", "technology", "tech", "science", "intellectualproperty", "ip", "group", "holdings",
    "international", "university", "institute")
REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "区", "县", "镇", "街道")
# Divisions not in the region table: "北京市海淀区" before a street.
LEADING_DIVISIONS = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}?(?:省|自治区|市|区|县))+")
# Mail domains anyone may have: an address there is withheld, its domain in running text is not.
SHARED_MAIL_DOMAINS = {"qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "139.com",
                       "foxmail.com", "aliyun.com", "gmail.com", "outlook.com", "hotmail.com", "live.com",
                       "yahoo.com", "icloud.com", "example.com", "example.org", "example.net"}


def _region_words(region_names: Iterable[str]) -> list[str]:
    """Every region's name and its name without the level (广州市 and 广州), longest first."""
    words = {"中国", "中华人民共和国"}
    for name in region_names:
        words.add(compact(name))
        for suffix in REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                words.add(compact(name[: -len(suffix)]))
                break
    return sorted((w for w in words if len(w) >= 2), key=len, reverse=True)


def _strip_end(value: str, words: Iterable[str]) -> str:
    """``value`` without any of ``words`` at its end, again and again, the longest word first each time."""
    words = sorted(words, key=len, reverse=True)
    while stripped := next((w for w in words if value.endswith(w) and len(value) > len(w)), None):
        value = value[: -len(stripped)]
    return value


def _strip_start(value: str, words: Iterable[str]) -> str:
    words = sorted(words, key=len, reverse=True)
    while stripped := next((w for w in words if value.startswith(w) and len(value) > len(w)), None):
        value = value[len(stripped):]
    return value


def _generic(value: str, regions: list[str]) -> bool:
    """Whether ``value`` is only region names, legal forms and trade words (so withholding it would withhold
    ordinary text): "创新科技" is, "青源" is not."""
    for word in sorted({*regions, *LEGAL_FORMS, *TRADE_WORDS}, key=len, reverse=True):
        value = value.replace(word, "")
    return len(value) < MIN_CHARS


def name_forms(name: str, regions: list[str]) -> set[str]:
    """The name and its short forms (简称): "广州青源知识产权科技有限公司" gives itself, "青源知识产权科技" and
    "青源". A short form made only of ordinary words is left out."""
    full = compact(name)
    without_regions = full
    for word in regions:
        without_regions = without_regions.replace(word, "") if len(without_regions) > len(word) else without_regions
    short = _strip_end(without_regions, LEGAL_FORMS)
    core = _strip_end(short, TRADE_WORDS)
    return {full} | {v for v in (short, core) if len(v) >= MIN_CHARS and not _generic(v, regions)}


def address_forms(address: str, regions: list[str]) -> set[str]:
    """The address, the address after its region names ("丰泽东路106号3栋1202房") and its street and number
    ("丰泽东路106号")."""
    full = compact(address)
    street = LEADING_DIVISIONS.sub("", _strip_start(full, regions), count=1)
    forms = {full, street}
    if "号" in street[:-1]:
        forms.add(street[: street.index("号") + 1])
    return {f for f in forms if len(f) >= 4 and not _generic(f, regions)}


def email_forms(email: str) -> set[str]:
    """The address and, unless anyone may have an address there, its domain ("qingyuan-ip.cn", "qingyuan-ip")."""
    email = (email or "").strip()
    forms = {compact(email)}
    domain = email.rpartition("@")[2].casefold()
    if domain and domain not in SHARED_MAIL_DOMAINS:
        forms |= {compact(domain), compact(domain.rsplit(".", 1)[0])}
    return {f for f in forms if len(f) >= 4}


def phone_forms(phone: str) -> set[str]:
    """The number's digits, without the country code too ("+86 139…" as "139…", "+86 20 …" as "020…"), and a
    landline's local number ("020-84681234" as "84681234")."""
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", phone or ""))
    forms = {digits}
    if digits.startswith("86") and len(digits) >= 11:
        forms |= {digits[2:], "0" + digits[2:]}
    area, *rest = re.split(r"[\-)\s]+", unicodedata.normalize("NFKC", phone or "").strip(), maxsplit=1)
    local = re.sub(r"[^0-9]", "", "".join(rest)) if area.lstrip("(+").startswith(("0", "86")) else ""
    if len(local) >= 7:
        forms.add(local)
    return {f for f in forms if len(f) >= 7}


def identity_strings(application, snapshot: dict) -> list[str]:
    """Everything that names the applicant, ``compact``, longest first: the organisation's name and short forms,
    credit code, address, contact person and phone (with and without country and area code), patent and
    certificate numbers; its members' and the submitter's names, user names and e-mail addresses; each partner's
    name and short forms, credit code and, for a registered partner, its address, contact person and phone. Both
    as they stand now and as submitted."""
    from organisations.models import Membership, Region

    regions = _region_words(Region.objects.values_list("name", flat=True))
    organisation = application.organisation
    submitted = snapshot.get("organisation") or {}
    forms: set[str] = set()
    for name in {organisation.name, submitted.get("name", "")} - {""}:
        forms |= name_forms(name, regions)
    forms |= address_forms(organisation.address, regions) if organisation.address else set()
    forms |= phone_forms(organisation.contact_phone)
    values = [organisation.uscc, submitted.get("uscc", ""), organisation.contact_name]
    patents = [p.get("number", "") for p in submitted.get("patents") or []]
    patents += list(organisation.patents.values_list("number", flat=True))
    values += patents + [re.sub(r"^\s*zl", "", n, flags=re.IGNORECASE) for n in patents]  # typed without ZL
    values += [c.get("certificate_number", "") for c in submitted.get("certifications") or []]
    values += list(organisation.certifications.values_list("certificate_number", flat=True))

    people = [m.user for m in Membership.objects.filter(organisation=organisation).select_related("user")]
    declaration = snapshot.get("declaration") or {}
    values += [declaration.get("by", ""), declaration.get("by_name", "")]
    for person in [application.created_by, *people]:
        values += [person.full_name, person.username]
        forms |= email_forms(person.email) if person.email else set()

    partners = [(p.get("name", ""), p.get("uscc", ""), None) for p in snapshot.get("partners") or []]
    partners += [(p.name, p.uscc, p.organisation) for p in application.partners.select_related("organisation")]
    for name, uscc, registered in partners:
        forms |= name_forms(name, regions) if name else set()
        values.append(uscc)
        if registered is not None:
            forms |= name_forms(registered.name, regions)
            forms |= address_forms(registered.address, regions) if registered.address else set()
            forms |= phone_forms(registered.contact_phone)
            values += [registered.uscc, registered.contact_name]
    forms |= {compact(v) for v in values if v}
    return sorted((f for f in forms if len(f) >= MIN_CHARS), key=len, reverse=True)


class Redactor:
    """Withholds one application's identity from any text: ``redactor(text)``."""

    def __init__(self, secrets: Iterable[str]):
        self.secrets = list(secrets)

    def __call__(self, value) -> str:
        return withhold(str(value or ""), self.secrets)


def redactor_for(application, snapshot: dict) -> Redactor:
    """The one entry point: what the reviewer's page and PDF (``exports.dossier_context``) clean their text with."""
    return Redactor(identity_strings(application, snapshot))
