"""Weighted totals, trimmed means and z-scores on known numbers."""

from decimal import Decimal as D

import pytest

from reviews import scoring


def test_weighted_total_weighs_each_criterion():
    # 30 × 90 + 25 × 80 + 20 × 70 + 15 × 60 + 10 × 100 = 8,000 over 100 weight
    assert scoring.weighted_total([(D(90), D(30)), (D(80), D(25)), (D(70), D(20)), (D(60), D(15)),
                                   (D(100), D(10))]) == D("80.00")


def test_weighted_total_rounds_half_up_to_two_places():
    assert scoring.weighted_total([(D(1), D(1)), (D(0), D(2))]) == D("0.33")
    assert scoring.weighted_total([(D("0.125"), D(1))]) == D("0.13")


def test_weighted_total_refuses_zero_weights():
    with pytest.raises(ValueError):
        scoring.weighted_total([(D(50), D(0))])


def test_trimmed_mean_drops_highest_and_lowest_from_five_reviews():
    assert scoring.trimmed_mean([D(95), D(60), D(80), D(82), D(84)]) == D("82.00")  # (80 + 82 + 84) / 3
    assert scoring.mean([D(95), D(60), D(80), D(82), D(84)]) == D("80.20")


def test_trimmed_mean_below_five_reviews_is_the_mean():
    assert scoring.trimmed_mean([D(95), D(60), D(80), D(81)]) == D("79.00")
    assert not scoring.is_trimmed("trimmed_mean", 4) and scoring.is_trimmed("trimmed_mean", 5)
    assert not scoring.is_trimmed("mean", 7)


def test_aggregate_reads_the_registry():
    assert scoring.aggregate("mean", []) is None
    assert scoring.aggregate("trimmed_mean", [D(1), D(2), D(3), D(4), D(100)]) == D("3.00")


def test_z_scores_normalise_each_reviewer_within_the_round():
    # Reviewer 1 is harsh (60, 70, 80: mean 70, sd 8.165), reviewer 2 generous (90, 95).
    totals = [(1, 10, D(60)), (1, 11, D(70)), (1, 12, D(80)), (2, 10, D(90)), (2, 11, D(95)), (3, 12, D(75))]
    z = scoring.z_scores(totals)
    assert z[(1, 10)] == D("-1.22") and z[(1, 11)] == D("0.00") and z[(1, 12)] == D("1.22")
    assert z[(2, 10)] == D("-1.00") and z[(2, 11)] == D("1.00")
    assert z[(3, 12)] == D("0.00")  # one review: nothing to normalise against


def test_spread_is_highest_minus_lowest():
    assert scoring.spread([D(60), D(85), D(70)]) == D(25)
    assert scoring.spread([]) is None


def test_z_scores_of_a_reviewer_who_gives_everyone_the_same_total_are_zero():
    totals = [(1, a, D("75.33")) for a in range(7)] + [(2, 1, D("60.10")), (2, 2, D("60.10"))]
    assert set(scoring.z_scores(totals).values()) == {D("0.00")}
