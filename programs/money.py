"""Money helpers: Decimal yuan with two places; shares that always add up to their total."""

from decimal import ROUND_DOWN, Decimal

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
