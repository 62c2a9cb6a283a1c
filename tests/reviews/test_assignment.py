"""Automatic assignment: conflicts never assigned, load limits kept, loads balanced, draws reproducible."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from reviews import services
from reviews.assignment import Problem, solve
from reviews.conflicts import Parties, ReviewerTies, conflict_reason
from reviews.models import Assignment, AssignmentState
from tests.organisations.factories import OrganisationFactory, make_uscc

from .conftest import make_reviewer, passed_application

ORG_CODES = [make_uscc(100 + i) for i in range(6)]


@st.composite
def pools(draw):
    n_apps = draw(st.integers(min_value=1, max_value=12))
    n_reviewers = draw(st.integers(min_value=1, max_value=10))
    parties = {}
    for a in range(n_apps):
        lead = draw(st.integers(min_value=0, max_value=5))
        partners = draw(st.sets(st.integers(min_value=0, max_value=5), max_size=2))
        parties[a] = Parties(lead_id=lead, lead_uscc=ORG_CODES[lead], partner_ids=set(partners),
                             partner_usccs={ORG_CODES[p] for p in partners})
    ties, limits = {}, {}
    for r in range(100, 100 + n_reviewers):
        org = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=5)))
        declared = draw(st.sets(st.integers(min_value=0, max_value=n_apps - 1), max_size=2))
        ties[r] = ReviewerTies(affiliation_id=org, affiliation_uscc=ORG_CODES[org] if org is not None else "",
                               declared_applications=declared)
        limits[r] = draw(st.integers(min_value=0, max_value=6))
    need = draw(st.integers(min_value=1, max_value=5))
    matches = draw(st.sets(st.tuples(st.integers(0, n_apps - 1), st.sampled_from(sorted(ties))), max_size=20))
    return parties, ties, limits, need, matches


@given(pool=pools(), seed=st.one_of(st.none(), st.integers(min_value=0, max_value=2**32)))
@settings(max_examples=150, deadline=None)
def test_conflicted_reviewer_is_never_assigned_and_limits_hold(pool, seed):
    parties, ties, limits, need, matches = pool
    conflicted = {(a, r) for a, p in parties.items() for r, t in ties.items() if conflict_reason(a, p, t)}
    problem = Problem(needs={a: need for a in parties}, capacity=limits, load={},
                      allowed={a: {r for r in ties if (a, r) not in conflicted} for a in parties}, matches=matches)
    result = solve(problem, seed=seed)
    loads = Counter(r for chosen in result.values() for r in chosen)
    for a, chosen in result.items():
        assert not any((a, r) in conflicted for r in chosen)
        assert len(chosen) == len(set(chosen)) <= need
    assert all(loads[r] <= limits[r] for r in ties)
    # As many assignments as the pool allows: an unfilled application has every allowed reviewer with room on it.
    for a in parties:
        chosen = result.get(a, [])
        if len(chosen) < need:
            for r in problem.allowed[a] - set(chosen):
                assert loads[r] == limits[r]


@given(n_apps=st.integers(min_value=1, max_value=15), n_reviewers=st.integers(min_value=3, max_value=9),
       need=st.integers(min_value=1, max_value=3),
       matched=st.sets(st.integers(min_value=0, max_value=8)))
@settings(max_examples=100, deadline=None)
def test_loads_differ_by_at_most_one_whatever_the_expertise(n_apps, n_reviewers, need, matched):
    reviewers = list(range(n_reviewers))
    problem = Problem(needs={a: need for a in range(n_apps)}, capacity={r: 100 for r in reviewers}, load={},
                      allowed={a: set(reviewers) for a in range(n_apps)},
                      matches={(a, r) for a in range(n_apps) for r in matched if r < n_reviewers})
    result = solve(problem)
    loads = Counter(r for chosen in result.values() for r in chosen)
    assert all(len(chosen) == need for chosen in result.values()) and len(result) == n_apps
    assert max(loads[r] for r in reviewers) - min(loads[r] for r in reviewers) <= 1


def test_expertise_decides_among_equally_loaded_reviewers():
    problem = Problem(needs={1: 1, 2: 1}, capacity={10: 5, 11: 5, 12: 5}, load={},
                      allowed={1: {10, 11, 12}, 2: {10, 11, 12}}, matches={(1, 12), (2, 11)})
    assert solve(problem) == {1: [12], 2: [11]}


def test_random_draw_is_reproducible_from_its_seed():
    problem = Problem(needs={a: 2 for a in range(6)}, capacity={r: 10 for r in range(12)}, load={},
                      allowed={a: set(range(12)) for a in range(6)}, matches=set())
    assert solve(problem, seed=42) == solve(problem, seed=42)
    assert any(solve(problem, seed=s) != solve(problem, seed=42) for s in range(1, 6))


@pytest.mark.django_db
def test_propose_never_proposes_a_reviewer_from_the_applicants_or_a_partners_organisation(officer, nansha,
                                                                                          pool_track):
    lead, partner = OrganisationFactory(), OrganisationFactory()
    family = make_uscc(9000, "440104")
    same_body = family[:2] + "440115" + family[8:17]  # same body identifier, other division
    from organisations.uscc import check_character

    same_body = same_body[:17] + check_character(same_body[:17])
    family_org = OrganisationFactory(uscc=family)
    applications = [passed_application(nansha, organisation=lead, partners=[partner]),
                    passed_application(pool_track, organisation=family_org)]
    insider = make_reviewer(affiliation=lead)
    partner_expert = make_reviewer(uscc=partner.uscc)
    cousin = make_reviewer(uscc=same_body)
    declared = make_reviewer()
    services.conflict_declare_standing(actor=declared.user, reviewer=declared, uscc=lead.uscc, reason="母公司")
    [make_reviewer() for _ in range(4)]
    results = {}
    for track in (nansha, pool_track):
        review_round = services.round_open(actor=officer, track=track, reviewers_per_application=3)
        proposal = services.assignment_propose(actor=officer, review_round=review_round)
        assert proposal.shortfall == {}
        results[track.pk] = review_round
    nansha_reviewers = set(Assignment.objects.filter(application=applications[0]).values_list("reviewer", flat=True))
    assert nansha_reviewers.isdisjoint({insider.pk, partner_expert.pk, declared.pk})
    pool_reviewers = set(Assignment.objects.filter(application=applications[1]).values_list("reviewer", flat=True))
    assert cousin.pk not in pool_reviewers
    assert len(nansha_reviewers) == len(pool_reviewers) == 3
    with pytest.raises(ValidationError, match="conflict"):
        services.assignment_add(actor=officer, review_round=results[nansha.pk], application=applications[0],
                                reviewer=insider)
    event = AuditEvent.objects.filter(action="propose_assignment").last()
    assert event.data["created"] == 3


@pytest.mark.django_db
def test_propose_keeps_the_load_limit_and_records_the_seed(officer, nansha):
    applications = [passed_application(nansha) for _ in range(5)]
    reviewers = [make_reviewer(load_limit=2) for _ in range(4)]
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=2, random_draw=True)
    proposal = services.assignment_propose(actor=officer, review_round=review_round, seed=1234)
    loads = Counter(Assignment.objects.filter(round=review_round).values_list("reviewer", flat=True))
    assert max(loads.values()) <= 2 and sum(loads.values()) == 8
    assert sum(proposal.shortfall.values()) == 2  # 5 × 2 needed, 4 × 2 places
    review_round.refresh_from_db()
    assert review_round.seed == 1234
    assert AuditEvent.objects.filter(action="propose_assignment").last().data["seed"] == 1234
    first = set(Assignment.objects.filter(round=review_round).values_list("application", "reviewer"))
    # The same seed on the same data draws the same assignment.
    Assignment.objects.filter(round=review_round).delete()
    services.assignment_propose(actor=officer, review_round=review_round, seed=1234)
    assert set(Assignment.objects.filter(round=review_round).values_list("application", "reviewer")) == first
    assert {a.pk for a in applications} >= {a for a, _r in first} and len(reviewers) == 4


@pytest.mark.django_db
def test_declared_conflict_drops_the_assignment_and_the_replacement_skips_that_reviewer(officer, nansha):
    application = passed_application(nansha)
    [make_reviewer() for _ in range(4)]
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=3)
    services.assignment_propose(actor=officer, review_round=review_round)
    services.round_start_review(actor=officer, review_round=review_round)
    assignment = Assignment.objects.filter(round=review_round).first()
    services.assignment_declare_conflict(actor=assignment.reviewer.user, assignment=assignment, reason="曾参与该项目")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFLICT
    proposal = services.assignment_propose(actor=officer, review_round=review_round)
    assert proposal.created == 1
    replacement = Assignment.objects.get(round=review_round, state=AssignmentState.PROPOSED)
    assert replacement.reviewer_id != assignment.reviewer_id and replacement.application_id == application.pk
