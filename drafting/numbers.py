"""Numbers and units as guides write them: 50万元, 1：3, 85%, 三名, 1 千字, 两年."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
POWERS = {"十": 10, "百": 100, "千": 1000}
CN_NUMBER = "[零〇一二两三四五六七八九十百千]+"
NUMBER = rf"(?:\d+(?:\.\d+)?|{CN_NUMBER})"

# Longest first, so 人次 wins over 人 and 万元 over 元. Units of money are turned into yuan by ``to_yuan``.
UNITS = (
    "亿元", "万元", "千字", "万字", "人次", "学时", "个月", "元", "%", "％", "家", "件", "个", "份", "场", "次", "人",
    "名",
    "项", "组", "篇", "年", "期", "批", "本", "套", "条", "所", "字", "万",
)
UNIT = "|".join(re.escape(u) for u in UNITS)
YUAN = {"亿元": Decimal("100000000"), "万元": Decimal("10000"), "万": Decimal("10000"), "元": Decimal("1")}


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十五 → 15, 二十 → 20, 三百 → 300; None when the text is not a Chinese numeral."""
    if not text or any(ch not in DIGITS and ch not in POWERS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * POWERS[ch]
            digit = None
    return total + (digit or 0)


def to_decimal(text: str) -> Decimal | None:
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    value = cn_to_int(text)
    return Decimal(value) if value is not None else None


def to_yuan(number: str, unit: str) -> Decimal | None:
    """50, 万元 → 500000.00; None when the unit is not money."""
    value = to_decimal(number)
    if value is None or unit not in YUAN:
        return None
    return (value * YUAN[unit]).quantize(Decimal("0.01"))


def plain(value: Decimal) -> str:
    """A decimal as the guide format writes it: 3, 2.5, 500000.00 stay as given (no exponent)."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str
    start: int
    end: int
    text: str


QUANTITY = re.compile(rf"(?<![\d年月.])({NUMBER})\s*({UNIT})")


def quantities(text: str) -> list[Quantity]:
    """Every number with a unit in the text, dates (2024年7月) and years (2022年) left out."""
    found = []
    for m in QUANTITY.finditer(text):
        number, unit = m.group(1), m.group(2)
        value = to_decimal(number)
        if value is None:
            continue
        after = text[m.end():m.end() + 1]
        if unit == "年" and (after in "月度" and after or len(number) == 4):
            continue  # a date or a year, not a duration
        if unit == "万" and after in ("字",):
            continue
        found.append(Quantity(value, "%" if unit == "％" else unit, m.start(), m.end(), m.group(0)))
    return found


def years_of(text: str) -> int | None:
    """近三年 / 过去3年内 / 上年度 → 3, 3, 1."""
    if re.search(r"上(一)?年度|上一年|上年", text):
        return 1
    m = re.search(rf"(?:近|过去|最近)({NUMBER})\s*(?:个)?年", text)
    if m:
        value = to_decimal(m.group(1))
        return int(value) if value is not None else None
    return None
