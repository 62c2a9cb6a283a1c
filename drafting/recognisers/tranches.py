"""Tranches: 按60%、40%分两期拨付; 第一批102万元，第二批68万元 with 第一批资金立项后拨付;
签订合同后预先支付50%，验收完成后完成尾款支付."""

from __future__ import annotations

import re
from decimal import Decimal

from ..numbers import NUMBER, money, plain, to_decimal, to_yuan
from . import GUESSED, RECOGNISED, with_note

HUNDRED = Decimal("100")
# When a tranche is paid, from the words of its sentence (first match wins).
TRIGGERS = (
    (re.compile(r"签订(?:服务)?合同|合同签订"), "on_contract"),
    (re.compile(r"验收|结题"), "on_acceptance"),
    (re.compile(r"立项|下达|批准"), "on_approval"),
)
ORDINAL = "一二三四五六七八九"
BATCH = re.compile(rf"第([{ORDINAL}])(?:批|期)({NUMBER})\s*(万元|元)")
BATCH_TRIGGER = re.compile(rf"第([{ORDINAL}])(?:批|期)(?:资金)?([^，。；]*?)(?:拨付|支付)")
SHARES = re.compile(r"按((?:\d+(?:\.\d+)?%[、，和]?)+)(?:的比例)?分[两三四二]?(?:期|批|次)")
PREPAY = re.compile(r"([^，。；]*?)(?:预先|首期|先行)?(?:支付|拨付)(\d+(?:\.\d+)?)%")
REST = re.compile(r"([^，。；]*?)(?:完成|支付|拨付)?尾款")


def trigger_of(text: str) -> str | None:
    for pattern, trigger in TRIGGERS:
        if pattern.search(text):
            return trigger
    return None


def batch_triggers(sentences) -> dict[int, tuple[str, object]]:
    """第一批资金立项后拨付，第二批资金通过项目验收后拨付 → {1: on_approval, 2: on_acceptance} (the guide's head)."""
    found = {}
    for s in sentences:
        for m in BATCH_TRIGGER.finditer(s.text):
            trigger = trigger_of(m.group(2))
            if trigger:
                found[ORDINAL.index(m.group(1)) + 1] = (trigger, s)
    return found


def read_tranches(track: dict, sentences, head_triggers: dict[int, tuple[str, object]]) -> None:
    budget = Decimal(track["budget"]) if track.get("budget") else None
    for s in sentences:
        batches = BATCH.findall(s.text)
        if len(batches) >= 2 and budget:
            items = []
            for ordinal, number, unit in batches:
                position = ORDINAL.index(ordinal) + 1
                amount = to_yuan(number, unit)
                trigger, source = head_triggers.get(position, (None, s))
                item = {"share_percent": plain(amount * HUNDRED / budget), "amount": money(amount),
                        "trigger": trigger or "on_approval", "text": s.text[:300]}
                items.append(with_note(item, s, RECOGNISED if trigger else GUESSED))
            track["tranches"] = items
            return
        m = SHARES.search(s.text)
        if m:
            shares = [Decimal(x) for x in re.findall(r"\d+(?:\.\d+)?", m.group(1))]
            triggers = ["on_approval"] + ["on_acceptance"] * (len(shares) - 1)
            track["tranches"] = [_tranche(share, trigger, s, budget, GUESSED)
                                 for share, trigger in zip(shares, triggers, strict=True)]
            return
        m = PREPAY.search(s.text)
        if m and REST.search(s.text[m.end():]):
            first = Decimal(m.group(2))
            rest = REST.search(s.text[m.end():])
            track["tranches"] = [
                _tranche(first, trigger_of(m.group(1)) or "on_approval", s, budget, RECOGNISED),
                _tranche(HUNDRED - first, trigger_of(rest.group(1)) or "on_acceptance", s, budget, RECOGNISED),
            ]
            return


def _tranche(share: Decimal, trigger: str, s, budget: Decimal | None, confidence: str) -> dict:
    item = {"share_percent": plain(share), "trigger": trigger, "text": s.text[:300]}
    if budget:
        item["amount"] = money(budget * share / HUNDRED)
    return with_note(item, s, confidence)


def number_of(text: str) -> Decimal | None:
    return to_decimal(text)
