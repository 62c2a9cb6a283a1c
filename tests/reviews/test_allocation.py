"""Pool shares add up to the pool to the yuan for any scores; tranches add up to the award."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import largest_remainder, split_remainder_last
from programs.models import Allocation, AwardMode, Track
from reviews.allocation import Candidate, amount_problems, award_count_problem, propose_amounts

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
pools = st.integers(min_value=1, max_value=50_000_000).map(D)


@given(pool=pools, weights=st.lists(scores, min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_largest_remainder_adds_up_to_the_pool_in_whole_yuan(pool, weights):
    parts = largest_remainder(pool, weights)
    assert sum(parts) == pool
    assert all(p == p.to_integral_value() and p >= 0 for p in parts)
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        quota = pool * weight / total if total else pool / len(weights)
        assert abs(part - quota) < 1  # never more than one yuan from the exact share


@given(pool=pools, weights=st.lists(scores, min_size=2, max_size=12))
@settings(max_examples=200, deadline=None)
def test_largest_remainder_keeps_the_order_of_scores(pool, weights):
    parts = largest_remainder(pool, weights)
    for i in range(len(weights)):
        for j in range(len(weights)):
            if weights[i] > weights[j]:
                assert parts[i] >= parts[j]


def test_largest_remainder_places_leftover_yuan_on_largest_remainders_then_rank():
    # 100 yuan by 1:1:1 → 33.33 each: the spare yuan goes to the first (the better ranked).
    assert largest_remainder(D(100), [D(1), D(1), D(1)]) == [D("34.00"), D("33.00"), D("33.00")]
    assert largest_remainder(D(10), [D(0), D(0)]) == [D("5.00"), D("5.00")]
    with pytest.raises(ValueError):
        largest_remainder(D("10.50"), [D(1)])


@given(award=st.decimals(min_value="0.01", max_value="99999999.99", places=2),
       shares=st.lists(st.integers(min_value=1, max_value=100).map(D), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_tranches_add_up_to_the_award_with_the_remainder_on_the_last(award, shares):
    parts = split_remainder_last(award, shares)
    assert sum(parts) == award
    for part, share in zip(parts[:-1], shares[:-1], strict=True):
        exact = award * share / sum(shares)
        assert D(0) <= exact - part < D("0.01")


def _track(**fields) -> Track:
    defaults = {"award_mode": AwardMode.POOL, "allocation": Allocation.BY_SCORE, "budget": D("600000.00"),
                "max_awards": 10}
    return Track(**{**defaults, **fields})


def test_pool_by_score_proposes_exact_shares():
    candidates = [Candidate(1, D("91.50"), None), Candidate(2, D("88.25"), None), Candidate(3, D("70"), None)]
    amounts = propose_amounts(_track(), candidates)
    # 600,000 × 91.5 / 249.75 = 219,819.82; × 88.25 / 249.75 = 212,012.01; × 70 / 249.75 = 168,168.17.
    # The whole yuan add up to 599,999; the spare yuan goes to the largest remainder (.82).
    assert amounts == [D("219820.00"), D("212012.00"), D("168168.00")]


def test_other_money_rules_propose_fixed_cap_and_requested_amounts():
    candidates = [Candidate(1, D(90), D("400000")), Candidate(2, D(80), D("200000"))]
    # a fixed amount never more than the request either (issue 16)
    assert propose_amounts(_track(award_mode=AwardMode.FIXED, budget=D(300000)), candidates) == [D(300000), D(200000)]
    assert propose_amounts(_track(award_mode=AwardMode.CAP, budget=D(300000)), candidates) == [D(300000), D(200000)]
    assert propose_amounts(_track(award_mode=AwardMode.POOL, allocation=Allocation.EQUAL, budget=D(1000000)),
                           candidates) == [D(400000), D(200000)]  # equal shares capped at the requests
    assert propose_amounts(_track(award_mode=AwardMode.UNSTATED, budget=None), candidates) == [D(400000), D(200000)]


def test_amounts_never_past_the_pool_or_the_cap():
    assert amount_problems(_track(), {1: D(300000), 2: D(300000)}) == []
    assert "more than the pool" in amount_problems(_track(), {1: D(300000), 2: D("300000.01")})[0]
    assert "at most" in amount_problems(_track(award_mode=AwardMode.CAP, budget=D(300000)), {1: D(300001)})[0]
    assert "more than zero" in amount_problems(_track(), {1: D(0)})[0]
    assert award_count_problem(_track(max_awards=2), 3) and award_count_problem(_track(max_awards=2), 2) is None
