"""Money helpers: Decimal yuan with two places; shares that always add up to their total."""

import re
import unicodedata
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import pgettext

CENT = Decimal("0.01")
WAN = Decimal("10000")


def to_yuan(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def split_by_shares(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split ``total`` yuan by percentage ``shares`` (adding up to 100) into cent amounts.

    Each part is rounded down to the cent; the remaining cents go, one by one, to the parts
    with the largest rounding loss (ties to the earliest), so the parts add up to ``total``
    exactly.
    """
    total = to_yuan(total)
    share_sum = sum(shares, Decimal("0"))
    if not shares or share_sum <= 0:
        raise ValueError("shares must be positive and not empty")
    exact = [total * share / share_sum for share in shares]
    parts = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    remainder = int((total - sum(parts, Decimal("0"))) / CENT)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:remainder]:
        parts[i] += CENT
    return parts


def format_yuan(value) -> str:
    if value is None:
        return ""
    return f"{to_yuan(value):,.2f}"


def format_wan(value) -> str:
    if value is None:
        return ""
    wan = (Decimal(str(value)) / WAN).normalize()
    return f"{wan:,f}"


def format_amount(value, *, wan_first: bool = False) -> str:
    """An amount named once, in the reader's language: yuan with two places, and in Chinese also the 万元 the
    guides count in (``500,000.00 元（50 万元）``, or ``50 万元（500,000.00 元）`` with ``wan_first``). English
    readers count in yuan, so the 万 adds nothing for them: ``CNY 500,000.00``."""
    if value is None:
        return ""
    amounts = {"yuan": format_yuan(value), "wan": format_wan(value)}
    # The Chinese text names the amount in 元 (%(yuan)s) and 万元 (%(wan)s); the English one in yuan only.
    if wan_first:
        # xgettext:no-python-format
        return pgettext("amount in ten thousands of yuan, then in yuan", "CNY %(yuan)s") % amounts
    # xgettext:no-python-format
    return pgettext("amount in yuan, then in ten thousands of yuan", "CNY %(yuan)s") % amounts


YI = Decimal("100000000")
_UNITS = {"": Decimal(1), "元": Decimal(1), "万": WAN, "万元": WAN, "亿": YI, "亿元": YI}
_AMOUNT = re.compile(
    r"^(?P<sign>-)?(?:¥|CNY|RMB)?\s*(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>万元|万|亿元|亿|元)?$",
    re.IGNORECASE,
)


def parse_amount(text: str) -> Decimal:
    """An amount as people type it, in yuan: 300000, 300,000.00, ￥300000, 30万, 30 万元, 1.2亿, full-width
    digits; a leading minus is kept. Raises ValueError for anything else (30w, 三十万, 1,00,000); the caller
    checks places and range."""
    value = unicodedata.normalize("NFKC", str(text)).strip().replace("，", ",")
    match = _AMOUNT.match(value)
    if not match:
        raise ValueError(f"not an amount: {text!r}")
    number = Decimal(match["number"].replace(",", ""))
    if match["sign"]:
        number = -number  # for the field's "zero or more" message
    if not match["unit"]:
        return number
    amount = (number * _UNITS[match["unit"]]).normalize()  # 1.5万 is 15000, not 15000.0000
    return amount.quantize(Decimal(1)) if amount.as_tuple().exponent > 0 else amount


def split_remainder_last(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split ``total`` yuan by percentage ``shares``: every part but the last rounded down to the cent, the
    last takes what remains, so the parts add up to ``total`` exactly and the remainder sits where one looks
    for it (a tranche plan's final payment)."""
    total = to_yuan(total)
    share_sum = sum(shares, Decimal("0"))
    if not shares or share_sum <= 0 or any(share < 0 for share in shares):
        raise ValueError("shares must be non-negative, not empty, and not all zero")
    parts = [(total * share / share_sum).quantize(CENT, rounding=ROUND_DOWN) for share in shares[:-1]]
    return [*parts, total - sum(parts, Decimal("0"))]


def largest_remainder(total: Decimal, weights: list[Decimal], *, unit: Decimal = Decimal("1")) -> list[Decimal]:
    """Share ``total`` in proportion to ``weights`` in whole ``unit``s (one yuan by default), adding up to
    ``total`` exactly: each part gets the whole units of its quota, and the units left over go one by one to the
    largest fractional remainders (ties to the earliest, i.e. the better ranked). All-zero weights share equally.

    ``total`` must be a whole number of units.
    """
    total = to_yuan(total)
    if not weights:
        raise ValueError("nothing to share")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    units = total / unit
    if units != units.to_integral_value():
        raise ValueError("the total is not a whole number of units")
    units = int(units)
    weights = [Decimal(w) for w in weights]
    weight_sum = sum(weights, Decimal("0"))
    if weight_sum == 0:
        weights, weight_sum = [Decimal("1")] * len(weights), Decimal(len(weights))
    quotas = [units * w / weight_sum for w in weights]
    whole = [int(q.to_integral_value(rounding=ROUND_DOWN)) for q in quotas]
    left = units - sum(whole)
    order = sorted(range(len(whole)), key=lambda i: (-(quotas[i] - whole[i]), i))
    for i in order[:left]:
        whole[i] += 1
    return [to_yuan(n * unit) for n in whole]
