"""Who is told what as expert review moves on, and the review reminders of the daily sweep."""

import datetime as dt

import pytest
from django.urls import reverse
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


def _in_publicity(officer, track):
    application = passed_application(track)
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    score_all(Assignment.objects.get(round=review_round), 85)
    (award,) = decisions.round_propose(actor=officer, review_round=review_round)
    return application, award, decisions.round_start_publicity(actor=officer, review_round=review_round)


def test_objection_lodged_tells_the_rounds_officers_with_the_reason_in_both_languages(officer, other_applicant,
                                                                                  pool_track):
    from accounts.models import Role
    from tests.factories import UserFactory

    bystander = UserFactory(role=Role.OFFICER)  # an officer who never worked on this round
    application, award, review_round = _in_publicity(officer, pool_track)
    objection = decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="评分存疑",
                                          award=award)
    notice = Notification.objects.get(kind="reviews.objection_lodged")
    assert notice.recipient == officer and notice.target == objection
    assert notice.values["reason"] == "评分存疑" and notice.values["reference"] == application.reference
    assert notice.values["track"] == str(pool_track)
    assert notice.values["ends"] == review_round.publicity_ends.isoformat()
    assert notice.link == reverse("reviews:decision", args=[pool_track.pk])
    title_en, body_en = notifications.render(notice, "en")
    title_zh, body_zh = notifications.render(notice, "zh-hans")
    assert title_en == f"Objection to the publicity list of {pool_track}"
    assert title_zh == f"{pool_track} 公示名单收到异议"
    assert f"Application objected to: {application.reference}" in body_en and "评分存疑" in body_en
    assert f"异议所涉申报：{application.reference}" in body_zh and "评分存疑" in body_zh
    member = application.organisation.memberships.get().user
    assert not Notification.objects.filter(kind="reviews.objection_lodged").exclude(recipient=officer).exists()
    assert _kinds(bystander) == [] and _kinds(other_applicant) == [] and "reviews.objection_lodged" not in _kinds(
        member)


def test_objection_lodged_reaches_every_officer_when_the_rounds_officers_have_left(officer, other_applicant,
                                                                                pool_track):
    from accounts.models import Role, User
    from tests.factories import UserFactory

    _application, _award, review_round = _in_publicity(officer, pool_track)
    User.objects.filter(pk=officer.pk).update(is_active=False)
    others = [UserFactory(role=Role.OFFICER) for _ in range(2)]
    UserFactory(role=Role.OFFICER, is_active=False)
    decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="名单有误")
    told = Notification.objects.filter(kind="reviews.objection_lodged")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(u.pk for u in others)
    assert told.first().values["reference"] == "—"


def test_publicity_reminders_the_day_before_and_the_day_it_ends_once_each(officer, other_applicant, pool_track):
    _application, _award, review_round = _in_publicity(officer, pool_track)
    decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="评分存疑")
    ends = review_round.publicity_ends
    for days_before in (2, 1, 1, 0, 0, -1):
        notifications.reminder_sweep(today=ends - dt.timedelta(days=days_before))
    told = Notification.objects.filter(kind="reviews.publicity_ending").order_by("pk")
    assert [n.recipient for n in told] == [officer, officer]
    assert [n.values["days"] for n in told] == [1, 0] and told[0].values["objections"] == 1
    assert notifications.render(told[1], "en")[0] == f"Publicity of {pool_track} ends on {ends.isoformat()}"
    assert notifications.render(told[1], "zh-hans")[0] == f"{pool_track} 公示期于 {ends.isoformat()} 结束"
    assert "未处理异议：1 件" in notifications.render(told[0], "zh-hans")[1]
    assert told[0].target == review_round and _kinds(other_applicant) == []


def test_publicity_reminders_none_for_a_decided_round(officer, pool_track):
    from reviews.models import RoundState

    _application, _award, review_round = _in_publicity(officer, pool_track)
    ReviewRound.objects.filter(pk=review_round.pk).update(state=RoundState.DECIDED)
    notifications.reminder_sweep(today=review_round.publicity_ends)
    assert not Notification.objects.filter(kind="reviews.publicity_ending").exists()
