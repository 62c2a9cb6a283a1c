"""Who is told what as expert review moves on, and the review reminders of the daily sweep."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications import services as notifications
from notifications.models import Notification
from reviews import decisions, services
from reviews.models import Assignment, ReviewRound

from .conftest import end_publicity, make_reviewer, passed_application, run_to_reviewing, score_all

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_start_review_tells_each_assigned_reviewer_without_naming_the_applicant(officer, pool_track):
    application = passed_application(pool_track)
    reviewers = [make_reviewer() for _ in range(3)]
    review_round = run_to_reviewing(officer, pool_track, per_application=3)
    for reviewer in reviewers:
        assert _kinds(reviewer.user) == ["reviews.assigned"]
        notice = Notification.objects.get(recipient=reviewer.user)
        assert notice.values["reference"] == application.reference
        assert application.organisation.name not in str(notice.values)
    assert Assignment.objects.filter(round=review_round).count() == 3


def test_reopen_tells_the_reviewer_with_the_reason(officer, pool_track):
    passed_application(pool_track)
    make_reviewer()
    review_round = run_to_reviewing(officer, pool_track, per_application=1)
    assignment = Assignment.objects.get(round=review_round)
    review = score_all(assignment, 80)
    services.review_reopen(actor=officer, review=review, reason="请补充评审意见")
    notice = Notification.objects.filter(recipient=assignment.reviewer.user, kind="reviews.reopened").get()
    assert notice.values["reason"] == "请补充评审意见"


def test_objection_resolved_tells_the_objector_and_approval_tells_the_applicant(officer, other_applicant,
                                                                              pool_track):
    application = passed_application(pool_track)
    make_reviewer()
    review_round = run_to_reviewing(officer, pool_track, per_application=1)
    score_all(Assignment.objects.get(round=review_round), 85)
    (award,) = decisions.round_propose(actor=officer, review_round=review_round)
    review_round = decisions.round_start_publicity(actor=officer, review_round=review_round)
    objection = decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="评分存疑")
    decisions.objection_resolve(actor=officer, objection=objection, step="dismiss", resolution="经复核评分无误")
    assert _kinds(other_applicant) == ["reviews.objection_resolved"]
    end_publicity(review_round)
    award.refresh_from_db()
    decisions.award_approve(actor=officer, award=award)
    member = application.organisation.memberships.get().user
    notice = Notification.objects.get(recipient=member, kind="reviews.approved")
    assert notice.values["amount"] == f"{award.amount:,.2f}" and notice.values["reference"] == application.reference


def test_review_reminders_three_days_before_one_day_before_and_once_overdue(officer, pool_track):
    passed_application(pool_track)
    make_reviewer()
    review_round = run_to_reviewing(officer, pool_track, per_application=1)
    deadline = timezone.localdate() + dt.timedelta(days=10)
    ReviewRound.objects.filter(pk=review_round.pk).update(deadline=deadline)
    reviewer = Assignment.objects.get(round=review_round).reviewer.user
    sent = []
    for days_before in (5, 3, 3, 2, 1, 0, -1, -2):
        sent.append(notifications.reminder_sweep(today=deadline - dt.timedelta(days=days_before)))
    kinds = [k for k in _kinds(reviewer) if k != "reviews.assigned"]
    assert kinds == ["reviews.due", "reviews.due", "reviews.overdue"]
    assert sent == [0, 1, 0, 0, 1, 0, 1, 0]


def test_review_reminders_stop_once_the_review_is_submitted(officer, pool_track):
    passed_application(pool_track)
    make_reviewer()
    review_round = run_to_reviewing(officer, pool_track, per_application=1)
    deadline = timezone.localdate() + dt.timedelta(days=3)
    ReviewRound.objects.filter(pk=review_round.pk).update(deadline=deadline)
    score_all(Assignment.objects.get(round=review_round), 70)
    assert notifications.reminder_sweep(today=timezone.localdate()) == 0
