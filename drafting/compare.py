"""Compare a draft with a hand-written fixture fact by fact, and check that every drafted fact has its sentence.

A fact of the hand fixture is right when the draft states the same: the header (level, region, year, status,
total budget), the number of tracks, each track's title, money (budget, award mode, allocation, awards), tranche
shares and triggers, period, KPI targets (comparator, target, unit), rules (kind and parameters) and materials.
Tracks are paired by position; KPIs, rules and materials are compared as multisets.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

LIST_KEYS = ("tranches", "kpi_groups", "kpis", "rules", "materials")
TRACK_FACT_FIELDS = ("title", "budget", "award_mode", "allocation", "max_awards", "period_months", "funding_mode",
                     "eligible_org_types", "joint_policy", "partner_limit")
DECIMAL_PARAMS = {"min_percent", "min_amount", "min_ratio"}
PROGRAM_FACT_FIELDS = ("title", "level", "region", "year", "total_budget", "guide_status")


@dataclass
class Comparison:
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        total = len(self.right) + len(self.wrong)
        return len(self.right) / total if total else 1.0

    def check(self, fact: str, ok: bool) -> None:
        (self.right if ok else self.wrong).append(fact)


def _norm(text) -> str:
    return re.sub(r"[\s《》“”\"（）()、，。；：:.0-9]", "", str(text or ""))


def _dec(value) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _params(params) -> tuple:
    def plain(key, v):
        if isinstance(v, list):
            return tuple(sorted(map(str, v)))
        return format(_dec(v).normalize(), "f") if key in DECIMAL_PARAMS else str(v)
    return tuple(sorted((k, plain(k, v)) for k, v in (params or {}).items()))


def _multiset(result: Comparison, label: str, hand: list, draft: list) -> None:
    have = Counter(draft)
    for item in hand:
        ok = have[item] > 0
        if ok:
            have[item] -= 1
        result.check(f"{label} {item}", ok)


def _materials(result: Comparison, label: str, hand: list[dict], draft: list[dict]) -> None:
    left = [_norm(m.get("title")) for m in draft]
    for m in hand:
        title = _norm(m.get("title"))
        hit = next((d for d in left if d and (d == title or d in title or title in d)), None)
        if hit is not None:
            left.remove(hit)
        result.check(f"{label} material {m.get('title')}", hit is not None)


def _rules(rules: list[dict]) -> list[tuple]:
    return [(r.get("kind"), _params(r.get("params")), bool(r.get("soft"))) for r in rules or []]


def _track(result: Comparison, i: int, hand: dict, draft: dict) -> None:
    label = f"track {i}"
    ht, dt = _norm(hand.get("title")), _norm(draft.get("title"))
    result.check(f"{label} title", bool(ht and dt and (ht in dt or dt in ht)))
    if hand.get("budget"):
        result.check(f"{label} budget", _dec(hand["budget"]) == _dec(draft.get("budget")))
    for key in ("award_mode", "allocation", "max_awards"):
        if hand.get(key):
            result.check(f"{label} {key}", hand.get(key) == draft.get(key))
    for j, tranche in enumerate(hand.get("tranches") or []):
        theirs = (draft.get("tranches") or [])[j:j + 1]
        ok = bool(theirs) and _dec(theirs[0].get("share_percent")) == _dec(tranche["share_percent"]) and \
            theirs[0].get("trigger") == tranche["trigger"]
        result.check(f"{label} tranche {j + 1}", ok)
    if hand.get("period_months"):
        ok = hand["period_months"] == draft.get("period_months") and \
            bool(hand.get("period_is_maximum")) == bool(draft.get("period_is_maximum"))
        result.check(f"{label} period", ok)
    kpi = [(k.get("comparator"), _dec(k.get("target")), k.get("unit")) for k in hand.get("kpis") or [] if
           not k.get("qualitative")]
    dkpi = [(k.get("comparator"), _dec(k.get("target")), k.get("unit")) for k in draft.get("kpis") or [] if
            not k.get("qualitative")]
    _multiset(result, f"{label} kpi", kpi, dkpi)
    _multiset(result, f"{label} rule", _rules(hand.get("rules")), _rules(draft.get("rules")))
    _materials(result, label, hand.get("materials") or [], draft.get("materials") or [])


def compare(hand_doc: dict, draft_doc: dict) -> Comparison:
    result = Comparison()
    hand, draft = hand_doc["program"], draft_doc["program"]
    for key in ("level", "region", "year", "total_budget"):
        if hand.get(key):
            ok = _dec(hand[key]) == _dec(draft.get(key)) if key == "total_budget" else \
                str(hand[key]) == str(draft.get(key))
            result.check(f"program {key}", ok)
    result.check("program guide_status",
                 (hand.get("guide_status") or "final") == (draft.get("guide_status") or "final"))
    result.check("track count", len(hand["tracks"]) == len(draft["tracks"]))
    for i, track in enumerate(hand["tracks"]):
        theirs = draft["tracks"][i] if i < len(draft["tracks"]) else {}
        _track(result, i + 1, track, theirs)
    common, dcommon = hand.get("common") or {}, draft.get("common") or {}
    _multiset(result, "common rule", _rules(common.get("rules")), _rules(dcommon.get("rules")))
    _materials(result, "common", common.get("materials") or [], dcommon.get("materials") or [])
    return result


def unsourced(draft_doc: dict) -> list[str]:
    """Places of drafted facts without a source sentence (should be none)."""
    missing: list[str] = []

    def sourced(item: dict, field_name: str | None) -> bool:
        return any(n.get("source") and n.get("field") == field_name for n in item.get("draft") or [])

    program = draft_doc["program"]
    for key in PROGRAM_FACT_FIELDS:
        if key in program and not sourced(program, key):
            missing.append(f"program.{key}")
    holders = [("program.common", program.get("common") or {})]
    for i, track in enumerate(program["tracks"], 1):
        for key in TRACK_FACT_FIELDS:
            if key in track and not sourced(track, key):
                missing.append(f"tracks[{i}].{key}")
        holders.append((f"tracks[{i}]", track))
    for place, holder in holders:
        for key in LIST_KEYS:
            for j, item in enumerate(holder.get(key) or [], 1):
                if not sourced(item, None):
                    missing.append(f"{place}.{key}[{j}]")
    return missing
