"""A shortage of reviewers is spread over the applications, shown on the round page before the review starts, and
the review starts only once the officer has confirmed it (for the assignment as it is) or filled it."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from reviews import services
from reviews.assignment import Problem, solve
from reviews.models import Assignment, AssignmentState, ReviewRound, RoundState
from reviews.shortfall import round_shortfall, shortfall_state
from tests.conftest import client_for

from .conftest import make_reviewer, passed_application

# --- the solver: the case and random instances -----------------------------------------------------------


@pytest.mark.parametrize("matches", [set(), {(0, 10), (1, 11), (2, 12)}, {(0, 10), (1, 11), (2, 12), (3, 13)}])
@pytest.mark.parametrize("seed", [None, 7])
def test_solver_spreads_four_experts_by_two_over_six_applications_by_three(matches, seed):
    """Four experts with two places each, six applications wanting three: 8 places, every application 1 or 2.
    Before, pairwise expertise split the applications into groups and two of them got nobody."""
    problem = Problem(needs={a: 3 for a in range(6)}, capacity={r: 2 for r in range(10, 14)}, load={},
                      allowed={a: set(range(10, 14)) for a in range(6)}, matches=matches)
    result = solve(problem, seed=seed)
    counts = [len(result.get(a, [])) for a in range(6)]
    assert sum(counts) == 8
    assert sorted(counts) == [1, 1, 1, 1, 2, 2]
    assert all(len(set(chosen)) == len(chosen) for chosen in result.values())


def test_solver_spreads_a_shortage_around_a_conflict():
    """One expert barred from application 0 (a conflict): it still gets no more than the others."""
    problem = Problem(needs={a: 3 for a in range(6)}, capacity={r: 2 for r in range(10, 14)}, load={},
                      forbidden={0: {10}})
    result = solve(problem)
    counts = [len(result.get(a, [])) for a in range(6)]
    assert sum(counts) == 8 and min(counts) == 1 and max(counts) == 2
    assert 10 not in result.get(0, [])


@st.composite
def conflict_free(draw):
    """Small rounds with no conflict: any shortage can be spread to within one reviewer."""
    n_apps = draw(st.integers(min_value=1, max_value=10))
    per = draw(st.integers(min_value=1, max_value=4))
    reviewers = list(range(100, 100 + draw(st.integers(min_value=1, max_value=8))))
    capacity = {r: draw(st.integers(min_value=0, max_value=6)) for r in reviewers}
    load = {r: draw(st.integers(min_value=0, max_value=2)) for r in reviewers}
    matching = frozenset(draw(st.sets(st.sampled_from(reviewers))))
    matches = draw(st.sets(st.tuples(st.integers(0, n_apps - 1), st.sampled_from(reviewers)), max_size=12))
    return Problem(needs={a: per for a in range(n_apps)}, capacity=capacity, load=load,
                   allowed={a: set(reviewers) for a in range(n_apps)}, matches=matches, matching=matching)


@given(problem=conflict_free(), seed=st.one_of(st.none(), st.integers(min_value=0, max_value=2**32)))
@settings(max_examples=150, deadline=None)
def test_solver_assigned_counts_differ_by_at_most_one_without_conflicts(problem, seed):
    result = solve(problem, seed=seed)
    counts = [len(result.get(a, [])) for a in problem.needs]
    n_apps, per = len(problem.needs), next(iter(problem.needs.values()))
    assert max(counts) - min(counts) <= 1
    # Still as many places as the pool allows (a reviewer takes each application at most once).
    assert sum(counts) == min(n_apps * per, sum(min(c, n_apps) for c in problem.capacity.values()))
    loads = Counter(r for chosen in result.values() for r in chosen)
    assert all(loads[r] <= problem.capacity[r] for r in problem.capacity)
    assert all(len(set(chosen)) == len(chosen) <= per for chosen in result.values())


# --- the round: propose, confirm, start ----------------------------------------------------------------------------


@pytest.fixture
def short(officer, nansha):
    """The issue's round: six applications wanting three reviewers, four experts with two places; one expert works
    for the first application's organisation (a conflict, so the applications fall into two groups)."""
    applications = [passed_application(nansha) for _ in range(6)]
    reviewers = [make_reviewer(affiliation=applications[0].organisation, load_limit=2)]
    reviewers += [make_reviewer(load_limit=2) for _ in range(3)]
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=3)
    services.assignment_propose(actor=officer, review_round=review_round)
    return review_round, applications, reviewers


def _counts(review_round):
    counts = Counter(Assignment.objects.filter(round=review_round).values_list("application_id", flat=True))
    return counts


def test_propose_spreads_the_shortage_and_the_shortfall_says_so(short):
    review_round, applications, _reviewers = short
    counts = _counts(review_round)
    assert sorted(counts[a.pk] for a in applications) == [1, 1, 1, 1, 2, 2]
    shortfall = round_shortfall(review_round)
    assert (shortfall.wanted, shortfall.missing, len(shortfall.short)) == (18, 10, 6)
    assert {gap.application_id: gap.missing for gap in shortfall.short} == {a.pk: 3 - counts[a.pk]
                                                                           for a in applications}
    assert shortfall.by_size == [(1, 2), (2, 4)]
    assert shortfall_state(review_round, shortfall) == "unconfirmed"


def test_round_start_review_refused_while_the_shortfall_is_unconfirmed(officer, short):
    review_round, _applications, _reviewers = short
    with pytest.raises(ValidationError) as exc:
        services.round_start_review(actor=officer, review_round=review_round)
    assert exc.value.code == "shortfall"
    assert "10 reviewer places are unfilled on 6 applications" in exc.value.messages[0]
    review_round.refresh_from_db()
    assert review_round.state == RoundState.ASSIGNING
    assert not Assignment.objects.filter(round=review_round).exclude(state=AssignmentState.PROPOSED).exists()
    assert not AuditEvent.objects.filter(object_id=str(review_round.pk), action="start_review").exists()


def test_round_confirm_shortfall_is_audited_and_lets_the_review_start(officer, short):
    review_round, _applications, _reviewers = short
    services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="  专家库本领域仅4人  ")
    locked = ReviewRound.objects.get(pk=review_round.pk)
    assert (locked.shortfall_confirmed_by, locked.shortfall_reason, locked.shortfall_missing) == (
        officer, "专家库本领域仅4人", 10)
    event = AuditEvent.objects.get(object_id=str(review_round.pk), action="confirm_shortfall")
    assert (event.actor, event.reason, event.from_state, event.to_state) == (
        officer, "专家库本领域仅4人", RoundState.ASSIGNING, RoundState.ASSIGNING)
    assert event.data["missing"] == 10 and sum(event.data["gaps"].values()) == 10 and event.at is not None
    started = services.round_start_review(actor=officer, review_round=review_round)
    assert started.state == RoundState.REVIEWING
    assert Assignment.objects.filter(round=review_round, state=AssignmentState.CONFIRMED).count() == 8
    start = AuditEvent.objects.get(object_id=str(review_round.pk), action="start_review")
    assert start.data == {"confirmed": 8, "missing": 10}


def test_round_confirm_shortfall_goes_stale_when_the_assignment_changes(officer, short):
    review_round, _applications, _reviewers = short
    services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="专家不足")
    removed = Assignment.objects.filter(round=review_round).first()
    services.assignment_remove(actor=officer, assignment=removed, reason="回避")
    locked = ReviewRound.objects.get(pk=review_round.pk)
    assert shortfall_state(locked, round_shortfall(locked)) == "stale"
    with pytest.raises(ValidationError) as exc:
        services.round_start_review(actor=officer, review_round=review_round)
    assert exc.value.code == "shortfall" and "changed after the shortfall was confirmed" in exc.value.messages[0]
    # Confirmed again for the assignment as it now is: the review starts.
    services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="专家不足，已复核")
    assert services.round_start_review(actor=officer, review_round=review_round).state == RoundState.REVIEWING


def test_round_start_review_needs_no_confirmation_once_experts_fill_the_gap(officer, short):
    review_round, applications, _reviewers = short
    [make_reviewer(load_limit=10) for _ in range(5)]
    services.assignment_propose(actor=officer, review_round=review_round)
    assert round_shortfall(review_round).missing == 0
    assert services.round_start_review(actor=officer, review_round=review_round).state == RoundState.REVIEWING
    assert all(_counts(review_round)[a.pk] == 3 for a in applications)


def test_round_confirm_shortfall_wrong_state(officer, short):
    review_round, _applications, _reviewers = short
    services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="专家不足")
    services.round_start_review(actor=officer, review_round=review_round)
    with pytest.raises(ValidationError) as exc:
        services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="再次确认")
    assert exc.value.code == "wrong_state"
    assert AuditEvent.objects.filter(object_id=str(review_round.pk), action="confirm_shortfall").count() == 1


@pytest.mark.parametrize("who", ["reviewer", "applicant"])
def test_round_confirm_shortfall_wrong_role(request, who, short):
    review_round, _applications, _reviewers = short
    with pytest.raises(PermissionDenied):
        services.round_confirm_shortfall(actor=request.getfixturevalue(who), review_round=review_round,
                                         reason="专家不足")
    assert ReviewRound.objects.get(pk=review_round.pk).shortfall_confirmed_at is None


def test_round_confirm_shortfall_needs_a_reason_and_a_shortfall(officer, nansha, short):
    review_round, _applications, _reviewers = short
    with pytest.raises(ValidationError) as exc:
        services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="  ")
    assert "reason" in exc.value.message_dict
    assert ReviewRound.objects.get(pk=review_round.pk).shortfall_stamp == ""
    [make_reviewer(load_limit=10) for _ in range(5)]
    services.assignment_propose(actor=officer, review_round=review_round)
    with pytest.raises(ValidationError) as exc:
        services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="专家不足")
    assert exc.value.code == "no_shortfall"


# --- the round page ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language, total, confirm", [
    ("en", "10 of 18 reviewer places are unfilled, on 6 applications.", "Confirm the shortfall"),
    ("zh-hans", "应配 18 名评审专家，缺 10 名，涉及 6 个申报项目。", "确认专家缺额"),
])
def test_round_page_shows_the_gap_per_application_and_in_all(client, officer, short, language, total, confirm):
    review_round, applications, _reviewers = short
    client_for(client, officer).cookies.load({"django_language": language})
    page = client.get(reverse("reviews:round", args=[review_round.track_id])).content.decode()
    assert total in page and confirm in page
    counts = _counts(review_round)
    for application in applications:
        assert f'data-gap="{application.pk}"><td>{application.reference}</td>' in page
        assert (f'<td class="text-end">{counts[application.pk]} / 3</td>'
                f'<td class="text-end text-danger">{3 - counts[application.pk]}</td>') in page
    assert 'id="start-review" disabled' in page


def test_round_page_confirm_shortfall_then_start(client, officer, short):
    review_round, _applications, _reviewers = short
    client_for(client, officer)
    url = reverse("reviews:round_step", args=[review_round.track_id, "confirm_shortfall"])
    page = client.post(url, {"reason": "本领域专家不足"}, follow=True).content.decode()
    assert 'id="shortfall-confirmed"' in page and "本领域专家不足" in page and str(officer) in page
    assert 'id="start-review" disabled' not in page and 'data-state="confirmed"' in page
    assert AuditEvent.objects.filter(object_id=str(review_round.pk), action="confirm_shortfall",
                                     actor=officer).exists()
    client.post(reverse("reviews:round_step", args=[review_round.track_id, "start_review"]))
    assert ReviewRound.objects.get(pk=review_round.pk).state == RoundState.REVIEWING


def test_round_page_start_with_an_unconfirmed_shortfall_says_why(client, officer, short):
    review_round, _applications, _reviewers = short
    client_for(client, officer).cookies.load({"django_language": "en"})
    response = client.post(reverse("reviews:round_step", args=[review_round.track_id, "start_review"]), follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "confirm the shortfall with a reason" in message
    assert ReviewRound.objects.get(pk=review_round.pk).state == RoundState.ASSIGNING


def test_round_page_confirm_shortfall_without_a_reason_changes_nothing(client, officer, short):
    review_round, _applications, _reviewers = short
    client_for(client, officer).cookies.load({"django_language": "en"})
    response = client.post(reverse("reviews:round_step", args=[review_round.track_id, "confirm_shortfall"]),
                           {"reason": ""}, follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "Give a reason" in message
    assert ReviewRound.objects.get(pk=review_round.pk).shortfall_stamp == ""


@pytest.mark.parametrize("who", ["applicant", "reviewer"])
def test_round_page_confirm_shortfall_is_404_for_non_officers(client, request, who, short):
    review_round, _applications, _reviewers = short
    user = request.getfixturevalue(who)
    client_for(client, user)
    response = client.post(reverse("reviews:round_step", args=[review_round.track_id, "confirm_shortfall"]),
                           {"reason": "专家不足"})
    assert response.status_code == 404
    assert ReviewRound.objects.get(pk=review_round.pk).shortfall_stamp == ""


def test_round_page_shows_a_stale_confirmation(client, officer, short):
    review_round, _applications, _reviewers = short
    services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="专家不足")
    services.assignment_remove(actor=officer, assignment=Assignment.objects.filter(round=review_round).first(),
                               reason="回避")
    client_for(client, officer)
    page = client.get(reverse("reviews:round", args=[review_round.track_id])).content.decode()
    assert 'id="shortfall-stale"' in page and 'id="start-review" disabled' in page


def _short_round(officer, track, n_applications):
    for _ in range(n_applications):
        passed_application(track)
    make_reviewer(load_limit=1)
    review_round = services.round_open(actor=officer, track=track, reviewers_per_application=2)
    services.assignment_propose(actor=officer, review_round=review_round)
    return review_round


def test_round_page_with_a_shortfall_runs_the_same_queries_for_one_and_thirty(
        client, officer, nansha, pool_track, django_assert_num_queries):
    one, many = _short_round(officer, pool_track, 1), _short_round(officer, nansha, 30)
    # Loads are per round: the first round's expert takes one place in the second too.
    assert round_shortfall(one).missing == 1 and round_shortfall(many).missing == 58
    client_for(client, officer)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("reviews:round", args=[one.track_id])).status_code == 200
    with django_assert_num_queries(len(first)):
        page = client.get(reverse("reviews:round", args=[many.track_id]))
    assert page.context["shortfall"].missing == 58 and page.context["shortfall"].not_shown == 0
    for review_round in (one, many):
        services.round_confirm_shortfall(actor=officer, review_round=review_round, reason="专家不足")
    with CaptureQueriesContext(connection) as confirmed:
        assert client.get(reverse("reviews:round", args=[one.track_id])).status_code == 200
    with django_assert_num_queries(len(confirmed)):
        assert client.get(reverse("reviews:round", args=[many.track_id])).context["shortfall_state"] == "confirmed"
