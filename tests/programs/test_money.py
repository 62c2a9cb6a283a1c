from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.money import format_wan, split_by_shares

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
share_lists = st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6)


@given(total=amounts, shares=share_lists)
def test_split_by_shares_always_adds_up_exactly(total, shares):
    parts = split_by_shares(total, [Decimal(s) for s in shares])
    assert sum(parts) == total
    assert all(p == p.quantize(Decimal("0.01")) and p >= 0 for p in parts)
    # no part is more than one cent away from its exact share
    for part, share in zip(parts, shares, strict=True):
        assert abs(part - total * share / sum(shares)) < Decimal("0.01")


def test_split_by_shares_yuexiu_and_nansha():
    assert split_by_shares(Decimal("1700000"), [Decimal(60), Decimal(40)]) == [Decimal("1020000.00"),
                                                                                Decimal("680000.00")]
    assert split_by_shares(Decimal("0.03"), [Decimal(50), Decimal(50)]) == [Decimal("0.02"), Decimal("0.01")]


def test_format_wan_drops_trailing_zeros():
    assert format_wan(Decimal("1700000.00")) == "170"
    assert format_wan(Decimal("155000.00")) == "15.5"


def test_yuan_wan_filters_name_an_amount_once_in_english_and_in_both_units_in_chinese():
    from django.utils import translation

    from core.templatetags.money import wan_yuan, yuan_wan

    with translation.override("en"):
        assert yuan_wan(Decimal("500000")) == wan_yuan(Decimal("500000")) == "CNY 500,000.00"
    with translation.override("zh-hans"):
        assert yuan_wan(Decimal("500000")) == "500,000.00 元（50 万元）"
        assert wan_yuan(Decimal("500000")) == "50 万元（500,000.00 元）"
    assert yuan_wan(None) == wan_yuan(None) == ""
