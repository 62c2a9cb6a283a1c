"""The steps the review pages offer come from the same tables the services check (reviews.offers): a button is on
the page exactly where its service would take the step, for the state and the officer."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reviews import decisions, services
from reviews.models import (
    ROUND_TRANSITIONS,
    ROUND_WORK,
    Assignment,
    AssignmentState,
    ReviewRound,
    RoundState,
)
from reviews.offers import assignment_offers, award_offers, open_for_assignment, round_offers, takes_objections
from tests.conftest import client_for
from tests.office_officers import gz_officer  # noqa: F401 (a fixture)

from .conftest import end_publicity, make_reviewer, passed_application, proposed_award, score_all

pytestmark = pytest.mark.django_db


def _page(client, user, name, track_id) -> str:
    response = client_for(client, user).get(reverse(name, args=[track_id]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("state", list(RoundState))
def test_round_offers_are_the_steps_and_work_the_state_allows(state):
    review_round = ReviewRound(state=state)
    offers = round_offers(review_round, acts=True)
    for name, step in ROUND_TRANSITIONS.items():
        waits = state == RoundState.PUBLICITY and name == "close"  # the publicity is not over
        assert (name in offers) == (state in step.sources and not waits), name
    for name, states in ROUND_WORK.items():
        waits = state == RoundState.PUBLICITY and name == "decide_award"
        assert (name in offers) == (state in states and not waits), name
    assert round_offers(review_round, acts=False) == frozenset()


def test_round_offers_open_a_round_when_there_is_none_and_nothing_to_a_reader():
    assert round_offers(None, acts=True) == {"open_round"}
    assert round_offers(None, acts=False) == frozenset()


def test_round_offers_decisions_only_once_the_publicity_is_over_and_its_end_confirmed(officer, pool_track):
    award = _published(officer, pool_track)
    review_round = award.round
    assert not round_offers(review_round, acts=True) & {"close", "decide_award"}
    assert award_offers(award, round_offers(review_round, acts=True)) == frozenset()
    end_publicity(review_round)
    assert {"close", "decide_award"} <= round_offers(review_round, acts=True)
    assert award_offers(award, round_offers(review_round, acts=True)) == {"approve", "not_fund"}
    ReviewRound.objects.filter(pk=review_round.pk).update(publicity_ends_provisional=True)
    review_round.refresh_from_db()
    assert not round_offers(review_round, acts=True) & {"close", "decide_award"}


def _published(officer, track):
    award = proposed_award(officer, track)
    decisions.round_start_publicity(actor=officer, review_round=award.round)
    award.refresh_from_db()
    return award


def test_assignment_offers_follow_the_assignment_its_review_and_the_round(officer, reviewing):
    offers = round_offers(reviewing, acts=True)
    first, second = Assignment.objects.filter(round=reviewing).select_related("review").order_by("pk")[:2]
    assert assignment_offers(first, offers) == {"remove"}  # confirmed by the start of the review
    score_all(first, 80)
    first = Assignment.objects.select_related("review").get(pk=first.pk)
    assert assignment_offers(first, offers) == {"reopen"}  # a submitted review: reopen it before removing
    with pytest.raises(ValidationError, match="submitted the review"):
        services.assignment_remove(actor=officer, assignment=first, reason="专业不符")
    services.assignment_declare_conflict(actor=second.reviewer.user, assignment=second, reason="回避")
    services.assignment_propose(actor=officer, review_round=reviewing)
    replacement = Assignment.objects.select_related("review").get(round=reviewing, state=AssignmentState.PROPOSED)
    assert assignment_offers(replacement, offers) == {"confirm", "remove"}
    assert assignment_offers(replacement, round_offers(reviewing, acts=False)) == frozenset()


def test_assignment_remove_refused_once_awards_are_proposed_and_nothing_changes(officer, reviewing):
    for assignment in Assignment.objects.filter(round=reviewing):
        score_all(assignment, 85)
    extra = Assignment.objects.filter(round=reviewing).first()
    decisions.round_propose(actor=officer, review_round=reviewing)
    reviewing.refresh_from_db()
    assert "remove_assignment" not in round_offers(reviewing, acts=True)
    with pytest.raises(ValidationError) as refused:
        services.assignment_remove(actor=officer, assignment=extra, reason="专业不符")
    assert refused.value.code == "wrong_state"
    extra.refresh_from_db()
    assert extra.state == AssignmentState.ACCEPTED


def test_round_page_offers_reopen_not_remove_for_a_submitted_review(client, officer, reviewing):
    first = Assignment.objects.filter(round=reviewing).order_by("pk").first()
    score_all(first, 80)
    page = _page(client, officer, "reviews:round", reviewing.track_id)
    name = re.escape(first.reviewer.name)
    item = re.search(rf'<li class="mb-1" data-reviewer="{name}".*?</li>', page, re.S).group(0)
    assert reverse("reviews:review_reopen", args=[first.review.pk]) in item
    assert reverse("reviews:assignment_step", args=[first.pk, "remove"]) not in item
    others = Assignment.objects.filter(round=reviewing).exclude(pk=first.pk)
    assert all(reverse("reviews:assignment_step", args=[a.pk, "remove"]) in page for a in others)
    with translation.override("zh-hans"):
        assert 'id="propose-assignment"' in page and gettext("Propose replacements") in page
    assert reverse("reviews:assignment_add", args=[reviewing.track_id]) in page


def test_round_page_shows_a_parent_office_reader_the_assignment_but_no_step(
        client, officer, nansha, gz_officer):  # noqa: F811
    passed_application(nansha)
    for _ in range(3):
        make_reviewer()
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=3)
    services.assignment_propose(actor=officer, review_round=review_round)
    assert open_for_assignment(review_round)
    page = _page(client, gz_officer, "reviews:round", nansha.pk)
    assert 'id="assignments"' in page and page.count('data-state="proposed"') == 3
    for absent in ('id="propose-assignment"', 'id="start-review"', "/remove/", 'name="reviewers_per_application"',
                   reverse("reviews:assignment_add", args=[nansha.pk])):
        assert absent not in page
    own = _page(client, officer, "reviews:round", nansha.pk)
    assert 'id="propose-assignment"' in own and 'id="start-review"' in own and 'name="reviewers_per_application"' in own


def test_decision_page_offers_each_step_in_its_state_only(client, officer, pool_track):
    award = _published(officer, pool_track)
    page = _page(client, officer, "reviews:decision", pool_track.pk)
    assert "data-approve" not in page and 'id="close-round"' not in page and 'id="start-publicity"' not in page
    end_publicity(award.round)
    page = _page(client, officer, "reviews:decision", pool_track.pk)
    assert "data-approve" in page and 'id="close-round"' in page and f'data-adjust="{award.pk}"' not in page


def test_decision_page_offers_adjusting_and_publishing_while_proposed(client, officer, pool_track):
    award = proposed_award(officer, pool_track)
    page = _page(client, officer, "reviews:decision", pool_track.pk)
    assert f'data-adjust="{award.pk}"' in page and 'id="start-publicity"' in page and "data-approve" not in page
    ranking = _page(client, officer, "reviews:ranking", pool_track.pk)
    assert reverse("reviews:round_step", args=[pool_track.pk, "withdraw_proposal"]) in ranking
    assert 'id="propose-awards"' not in ranking


def test_takes_objections_during_the_publicity_to_its_last_day(officer, pool_track):
    award = _published(officer, pool_track)
    review_round = award.round
    assert takes_objections(review_round)
    end_publicity(review_round)
    assert not takes_objections(review_round)
    with pytest.raises(ValidationError, match="only during the publicity"):
        decisions.objection_lodge(actor=officer, review_round=review_round, award=award, reason="异议")
