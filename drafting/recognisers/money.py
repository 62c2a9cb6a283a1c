"""Money: a track's budget, the number of awards, the award mode (fixed / cap / pool) and the funding mode."""

from __future__ import annotations

import re
from decimal import Decimal

from ..numbers import NUMBER, money, to_decimal, to_yuan
from . import GUESSED, RECOGNISED, set_field

AMOUNT = rf"({NUMBER})\s*(亿元|万元|元)"
# (pattern, what the amount is); the first that matches a sentence wins.
BUDGET_PATTERNS = (
    (re.compile(rf"^项目资金：{AMOUNT}"), "track"),
    (re.compile(rf"(?:每个|每项|单个)项目(?:资助|支持|补助)?(?:金额)?(?:最高)?(?:不超过|不高于|最高){AMOUNT}"), "cap"),
    (re.compile(rf"(?:项目|该项目)资金(?:为|共|总额为?){AMOUNT}"), "track"),
)
TOTAL_PATTERNS = (
    re.compile(rf"(?:下拨|安排|资金规模为?|资金总额为?|总金额为?|项目资金为){AMOUNT}"),
)
AWARDS = re.compile(rf"(?:立项数量：|择优|建设|支持)(不超过|不多于|最多)?({NUMBER})\s*(?:个|家|项)")
POOL_BY_SCORE = re.compile(r"评分高低|按评分|根据评审得分|按得分")
POOL_EQUAL = re.compile(r"平均分配|平均资助")
FUNDING = (
    (re.compile(r"一次性无偿资助|一次性无偿|一次性奖励|事后奖补|给予一次性"), "one_off"),
    (re.compile(r"事前立项资助|前补助|预先支付|事前资助"), "pre_funded"),
)


def program_total(sentences) -> tuple[Decimal, object] | None:
    for s in sentences:
        for pattern in TOTAL_PATTERNS:
            m = pattern.search(s.text)
            if m:
                return to_yuan(m.group(1), m.group(2)), s
    return None


def read_money(track: dict, sentences, *, single: bool = False) -> None:
    """Budget, awards, award mode and funding mode of one track, from its sentences."""
    budget, mode = None, None
    for s in sentences:
        for pattern, what in BUDGET_PATTERNS:
            m = pattern.search(s.text)
            if m and budget is None:
                budget = to_yuan(m.group(1), m.group(2))
                set_field(track, "budget", money(budget), s, RECOGNISED)
                mode = "cap" if what == "cap" else None
                track["_budget_sentence"] = s
        m = AWARDS.search(s.text)
        if m and "max_awards" not in track and (s.text.startswith("立项数量") or m.group(1)):
            count = to_decimal(m.group(2))
            if count is not None:
                set_field(track, "max_awards", int(count), s, RECOGNISED)
                if m.group(1):
                    set_field(track, "awards_is_maximum", True, s, RECOGNISED)
                set_field(track, "award_text", s.text[:300], s, RECOGNISED)
        for pattern, funding in FUNDING:
            if "funding_mode" not in track and pattern.search(s.text):
                set_field(track, "funding_mode", funding, s, RECOGNISED)
                set_field(track, "funding_text", s.text[:300], s, RECOGNISED)
        if POOL_BY_SCORE.search(s.text):
            track["_by_score"] = s
        elif POOL_EQUAL.search(s.text):
            track["_equal"] = s
    if budget is None:
        return
    source = track.pop("_budget_sentence")
    awards = track.get("max_awards")
    if mode == "cap":
        set_field(track, "award_mode", "cap", source, RECOGNISED)
    elif (awards and awards > 1) or track.get("awards_is_maximum"):
        set_field(track, "award_mode", "pool", source, RECOGNISED)
        for key, allocation in (("_by_score", "by_score"), ("_equal", "equal")):
            if key in track:
                set_field(track, "allocation", allocation, track[key], RECOGNISED)
                break
    else:
        set_field(track, "award_mode", "fixed", source, RECOGNISED if awards == 1 else GUESSED)
    track.pop("_by_score", None)
    track.pop("_equal", None)


def clean(track: dict) -> None:
    for key in [k for k in track if k.startswith("_")]:
        track.pop(key)
