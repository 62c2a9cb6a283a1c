"""KPIs: a target with its comparator and unit (不少于5家, 20个以上, 3千字以内, 满意度不低于85%), a qualitative KPI
for a numbered target without a number, and a group (或 / 其一 / 可选一个或数个) of which one must be met."""

from __future__ import annotations

import re

from ..numbers import NUMBER, UNIT, plain, to_decimal
from ..text import numbered_items
from . import GUESSED, RECOGNISED, with_note

# (pattern, comparator); the pattern has groups "n" (number) and "u" (unit). First match at a place wins.
COMPARATORS = (
    (re.compile(rf"(?:不少于|不低于|至少|≥|达到|达)\s*(?P<n>{NUMBER})\s*(?P<u>{UNIT})(?:以上|及以上)?"), "gte"),
    (re.compile(rf"(?:超过|多于|高于)\s*(?P<n>{NUMBER})\s*(?P<u>{UNIT})"), "gt"),
    (re.compile(rf"(?:不超过|不多于|不高于|≤)\s*(?P<n>{NUMBER})\s*(?P<u>{UNIT})"), "lte"),
    (re.compile(rf"(?P<n>{NUMBER})\s*(?P<u>{UNIT})(?:以上|及以上)"), "gte"),
    (re.compile(rf"(?P<n>{NUMBER})\s*(?P<u>{UNIT})(?:以内|以下)"), "lte"),
    (re.compile(rf"(?:完成|形成|建设|建立|举办|开展|培育|征集|推动|辅导|设立|编制|出具|挖掘|新增|提交|组建|培训|服务|"
                rf"走访|收集|发布|配备|录制|设置|打造)[^，。；0-9一二三四五六七八九十]{{0,12}}?(?P<n>{NUMBER})\s*(?P<u>{UNIT})"),
     "gte"),
)
MONEY_WORDS = re.compile(r"额|产值|资金|收入|销售|融资|投入|营收")
GROUP_WORDS = re.compile(r"其一|之一|可选一个或数个|任选|选其一|满足其一")
NOT_TARGET_UNITS = {"年"}


def _clauses(text: str) -> list[str]:
    text = re.sub(r"（[^（）]*）", "", text)  # a bracket explains, it does not add a target
    return [c for c in re.split(r"[，；。：]", text) if c.strip()]


def targets(clause: str) -> list[tuple[str, str, str, str]]:
    """(comparator, target, unit, metric) for each number of the clause."""
    out, taken = [], []
    for pattern, comparator in COMPARATORS:
        for m in pattern.finditer(clause):
            if any(m.start("n") < end and m.end("n") > start for start, end in taken):
                continue
            value = to_decimal(m.group("n"))
            unit = m.group("u")
            if value is None or (unit == "年" and len(m.group("n")) == 4):
                continue
            if unit == "万":
                unit = "万元" if MONEY_WORDS.search(clause) else "万"
            taken.append((m.start("n"), m.end("n")))
            metric = (clause[:m.start()] + clause[m.end():]).strip(" ，。；、")
            metric = re.sub(r"^(?:\d+[.．、]|（\d+）)", "", metric)
            out.append((comparator, plain(value), unit, metric[:300] or clause[:300]))
    return out


def read_kpis(track: dict, sentences, *, fallback: bool = False) -> None:
    """KPIs of a track from its KPI section (or, with ``fallback``, from its tasks: guessed)."""
    kpis, groups = [], []
    whole_group = any(GROUP_WORDS.search(s.text[:30]) and "可选" in s.text[:30] for s in sentences)
    for s in sentences:
        for item in numbered_items(s.text):
            found = []
            for clause in _clauses(item):
                for comparator, target, unit, metric in targets(clause):
                    found.append({"metric": metric, "comparator": comparator, "target": target, "unit": unit,
                                  "text": item.strip("；。")[:300]})
            grouped = len(found) >= 2 and ("或" in item or GROUP_WORDS.search(item))
            if grouped and not whole_group:
                code = chr(ord("A") + len(groups))
                group = with_note({"code": code, "min": 1, "text": item.strip("；")[:300]}, s, RECOGNISED)
                groups.append(group)
                for kpi in found:
                    kpi["group"] = code
            for kpi in found:
                kpis.append(with_note(kpi, s, GUESSED if fallback or kpi["unit"] == "万" else RECOGNISED))
            if not found and not fallback and len(item) > 4 and not item.endswith("："):
                kpis.append(with_note({"metric": item.strip("；。")[:300], "qualitative": True,
                                       "text": item.strip("；。")[:300]}, s, GUESSED))
    if whole_group and kpis:
        first = next(s for s in sentences if "可选" in s.text[:30])
        groups = [with_note({"code": "A", "min": 1, "text": first.text[:300]}, first, RECOGNISED)]
        for kpi in kpis:
            kpi["group"] = "A"
    for kpi in kpis:
        if kpi.get("unit") == "万":
            kpi["draft"][0]["confidence"] = GUESSED
    if kpis:
        track["kpis"] = kpis
    if groups:
        track["kpi_groups"] = groups


def unit_targets(text: str) -> list[tuple[str, str, str, str]]:
    """Every target of a sentence (for the recogniser tests)."""
    return [t for clause in _clauses(text) for t in targets(clause)]


__all__ = ["read_kpis", "unit_targets", "NOT_TARGET_UNITS", "RECOGNISED"]
