"""Awards never exceed the request: a pool (by score or in equal shares) caps each award at what the application
asked for and shares what is left among the others by the same rule (water-filling), to the yuan; the officer
cannot adjust an award above the request; the decision tab shows requested, proposed and the difference."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from core.money import largest_remainder
from programs.models import Allocation, AwardMode, Track
from reviews import decisions
from reviews.allocation import Candidate, capped_shares, propose_amounts
from reviews.models import Assignment, Award
from tests.conftest import client_for

from .conftest import make_pool_track, make_reviewer, passed_application, run_to_reviewing, score_all


def _track(**fields) -> Track:
    defaults = {"award_mode": AwardMode.POOL, "allocation": Allocation.BY_SCORE, "budget": D("600000.00"),
                "max_awards": 10}
    return Track(**{**defaults, **fields})


def test_pool_by_score_gives_two_yuexiu_7_applicants_at_most_the_50000_they_asked_for():
    # Before: 600,000 shared 90:80 whatever they asked, 317,647 and 282,353.
    candidates = [Candidate(1, D(90), D(50000)), Candidate(2, D(80), D(50000))]
    assert propose_amounts(_track(), candidates) == [D("50000.00"), D("50000.00")]


def test_pool_by_score_caps_the_250000_request_and_shares_the_rest_among_six():
    # 600,000 by 95:30:25:20:15:10 would give the first 292,307; it asked for 250,000. The other 350,000 go
    # 30:25:20:15:10 (of 100): 105,000, 87,500, 70,000, 52,500, 35,000.
    scores = [D(95), D(30), D(25), D(20), D(15), D(10)]
    requests = [D(250000)] + [D(300000)] * 5
    amounts = propose_amounts(_track(max_awards=6), [Candidate(i, s, r) for i, (s, r) in
                                                     enumerate(zip(scores, requests, strict=True))])
    assert amounts == [D(250000), D(105000), D(87500), D(70000), D(52500), D(35000)]
    assert sum(amounts) == D(600000)


def test_pool_by_score_water_fills_again_when_the_leftover_reaches_another_cap():
    # As above, but the second asked for 100,000: its 105,000 is capped too, and the last 250,000 go 25:20:15:10
    # (of 70): 89,285.71, 71,428.57, 53,571.43, 35,714.29; the two spare yuan to the largest remainders.
    scores = [D(95), D(30), D(25), D(20), D(15), D(10)]
    requests = [D(250000), D(100000)] + [D(300000)] * 4
    amounts = propose_amounts(_track(max_awards=6), [Candidate(i, s, r) for i, (s, r) in
                                                     enumerate(zip(scores, requests, strict=True))])
    assert amounts == [D(250000), D(100000), D(89286), D(71429), D(53571), D(35714)]


def test_pool_in_equal_shares_caps_at_the_request():
    candidates = [Candidate(1, D(90), D(200000)), Candidate(2, D(80), D(900000)), Candidate(3, D(70), D(900000))]
    track = _track(allocation=Allocation.EQUAL, budget=D(1000000))
    assert propose_amounts(track, candidates) == [D(200000), D(400000), D(400000)]
    # Everyone asked for less than the pool shares: each gets the request, the rest of the pool stays unspent.
    small = [Candidate(1, D(90), D("1000.50")), Candidate(2, D(80), D(2000))]
    assert propose_amounts(track, small) == [D(1000), D(2000)]  # 1,000.50 rounded down to the pool's yuan


def test_fixed_amount_is_capped_at_the_request_too():
    candidates = [Candidate(1, D(90), D(400000)), Candidate(2, D(80), D(200000))]
    assert propose_amounts(_track(award_mode=AwardMode.FIXED, budget=D(300000)), candidates) == [D(300000),
                                                                                                   D(200000)]


scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
requests = st.one_of(st.none(), st.integers(min_value=0, max_value=3_000_000).map(D),
                     st.decimals(min_value="0.01", max_value="3000000", places=2))


@given(pool=st.integers(min_value=1, max_value=10_000_000).map(D),
       rows=st.lists(st.tuples(scores, requests), min_size=1, max_size=12),
       cents=st.booleans())
@settings(max_examples=400, deadline=None)
def test_capped_shares_never_exceed_the_request_or_the_pool(pool, rows, cents):
    unit = D("0.01") if cents else D("1")
    weights = [w for w, _ in rows]
    caps = [c for _, c in rows]
    parts = capped_shares(pool, weights, caps, unit=unit)
    limits = [None if c is None else (c / unit).to_integral_value(rounding="ROUND_DOWN") * unit for c in caps]
    # every part a whole number of units, never negative, never above the request (rounded down to the unit)
    assert all(p >= 0 and (p / unit) == (p / unit).to_integral_value() for p in parts)
    assert all(lim is None or p <= lim for p, lim in zip(parts, limits, strict=True))
    # the pool is spent as far as the requests allow, never more
    reachable = pool if None in limits else min(pool, sum(limits))
    assert sum(parts) == reachable
    # money is left over only when everyone has what they asked for
    if sum(parts) < pool:
        assert parts == limits
    # a better score gets what it asked for, or at least as much as any lower score
    for i in range(len(rows)):
        for j in range(len(rows)):
            if weights[i] > weights[j]:
                assert parts[i] == limits[i] or parts[i] >= parts[j]
    # when no exact (unrounded) share reaches its request, the shares are the uncapped ones, to the unit. (Judged on
    # the exact shares, as capped_shares does: a request below one unit is reached by any positive share, even one
    # that the uncapped rounding happens to round down to 0.)
    uncapped = largest_remainder(pool, weights, unit=unit)
    total = sum(weights)
    if total > 0 and all(lim is None or pool * w / total < lim for w, lim in zip(weights, limits, strict=True)):
        assert parts == uncapped


@given(pool=st.integers(min_value=1, max_value=10_000_000).map(D),
       rows=st.lists(st.tuples(scores, st.integers(min_value=1, max_value=3_000_000).map(D)), min_size=1,
                     max_size=10))
@settings(max_examples=200, deadline=None)
def test_pool_proposals_never_exceed_the_request(pool, rows):
    for allocation in (Allocation.BY_SCORE, Allocation.EQUAL):
        track = _track(allocation=allocation, budget=pool)
        amounts = propose_amounts(track, [Candidate(i, s, r) for i, (s, r) in enumerate(rows)])
        assert all(a <= r for a, (_, r) in zip(amounts, rows, strict=True))
        assert sum(amounts) == min(pool, sum(r for _, r in rows))


def test_capped_shares_refuses_a_pool_not_in_whole_units():
    with pytest.raises(ValueError):
        capped_shares(D("10.50"), [D(1)], [None])


# --- through the services and the decision tab -----------------------------------------------------------------


@pytest.fixture
def small_requests(officer):
    """Yuexiu 7 (60万 by score) with two applicants asking 50,000 each, scored 90 and 70, proposed."""
    track = make_pool_track()
    for _ in range(2):
        passed_application(track, requested="50000")
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    for i, assignment in enumerate(Assignment.objects.filter(round=review_round).order_by("application_id")):
        score_all(assignment, 90 - 20 * i)
    return decisions.round_propose(actor=officer, review_round=review_round)


@pytest.mark.django_db
def test_round_propose_gives_each_yuexiu_7_applicant_at_most_its_50000(small_requests):
    assert [a.amount for a in small_requests] == [D("50000.00"), D("50000.00")]
    assert [a.proposed_amount for a in small_requests] == [D("50000.00"), D("50000.00")]


@pytest.mark.django_db
def test_award_adjust_refuses_an_amount_above_the_request_and_changes_nothing(officer, small_requests):
    first = small_requests[0]
    with pytest.raises(ValidationError) as caught:
        decisions.award_adjust(actor=officer, award=first, amount=D("50000.01"), reason="上调")
    message = " ".join(caught.value.message_dict["amount"])
    assert first.application.reference in message and "50,000.00" in message
    first.refresh_from_db()
    assert first.amount == D("50000.00")
    assert not AuditEvent.objects.filter(object_id=str(first.pk), action="adjust").exists()


@pytest.mark.django_db
def test_award_adjust_by_an_officer_up_to_the_request_succeeds(officer, small_requests):
    first = small_requests[0]
    decisions.award_adjust(actor=officer, award=first, amount=D(40000), reason="核减")
    award = decisions.award_adjust(actor=officer, award=first, amount=D(50000), reason="恢复至申请金额")
    assert award.amount == D("50000.00")
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="adjust").count() == 2


@pytest.mark.django_db
def test_award_adjust_is_refused_to_other_roles(applicant, reviewer, small_requests):
    first = small_requests[0]
    for user in (applicant, reviewer):
        with pytest.raises(PermissionDenied):
            decisions.award_adjust(actor=user, award=first, amount=D(40000), reason="x")
    first.refresh_from_db()
    assert first.amount == D("50000.00")


@pytest.mark.django_db
def test_award_adjust_above_the_request_shows_the_refusal_on_the_decision_tab(client, officer, small_requests):
    first = small_requests[0]
    response = client_for(client, officer).post(reverse("reviews:award_step", args=[first.pk, "adjust"]),
                                                {"amount": "6万", "reason": "上调"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{first.application.reference} 申请资助 50,000.00 元，资助金额不得超过申请金额" in page
    assert Award.objects.get(pk=first.pk).amount == D("50000.00")


@pytest.mark.django_db
def test_decision_tab_shows_requested_proposed_and_the_difference(client, officer, small_requests):
    first, second = small_requests
    decisions.award_adjust(actor=officer, award=second, amount=D(42000), reason="核减")
    page = client_for(client, officer).get(reverse("reviews:decision", args=[first.round.track_id])).content.decode()
    assert ">申请金额</th>" in page and ">差额</th>" in page
    row = page.split(f'data-award="{second.pk}"')[1].split("</tr>")[0]
    assert 'data-requested="50000.00"' in row and "50,000.00" in row and "42,000.00" in row
    assert 'data-difference="-8000.00"' in row and "-8,000.00" in row


@pytest.mark.django_db
def test_award_approve_refuses_an_award_above_the_request_proposed_before_the_cap(officer, small_requests):
    from applications.models import Status

    from .conftest import end_publicity

    first = small_requests[0]
    Award.objects.filter(pk=first.pk).update(amount=D("337500.00"))  # as the portal proposed it before issue 16
    end_publicity(decisions.round_start_publicity(actor=officer, review_round=first.round))
    first.refresh_from_db()
    with pytest.raises(ValidationError, match="50,000.00"):
        decisions.award_approve(actor=officer, award=first)
    first.refresh_from_db()
    assert first.state == "proposed" and first.application.status == Status.PASSED
