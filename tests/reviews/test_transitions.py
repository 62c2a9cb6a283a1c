"""Each transition: success with its audit event, refusal from a wrong state, refusal for a wrong role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Status
from audit.models import AuditEvent
from milestones.models import Project
from programs.models import DayKind, Track
from reviews import decisions, services
from reviews.models import (
    Assignment,
    AssignmentState,
    Award,
    AwardState,
    Objection,
    ObjectionState,
    Review,
    ReviewState,
    RoundState,
)

from .conftest import end_publicity, make_reviewer, passed_application, score_all

pytestmark = pytest.mark.django_db


def audit(target, action):
    return AuditEvent.objects.filter(object_id=str(target.pk), action=action).last()


@pytest.fixture
def scored(reviewing):
    for i, assignment in enumerate(Assignment.objects.filter(round=reviewing).order_by("pk")):
        score_all(assignment, 90 - i)
    return reviewing


@pytest.fixture
def proposed(officer, scored):
    decisions.round_propose(actor=officer, review_round=scored)
    scored.refresh_from_db()
    return scored


@pytest.fixture
def publicity(officer, proposed):
    return decisions.round_start_publicity(actor=officer, review_round=proposed)


# --- round ---------------------------------------------------------------------------------------------------------


def test_round_start_review_confirms_the_proposal(officer, nansha, reviewer):
    passed_application(nansha)
    [make_reviewer() for _ in range(3)]
    review_round = services.round_open(actor=officer, track=nansha)
    assert review_round.reviewers_per_application == 3  # the portal default: Nansha's guide is silent
    with pytest.raises(ValidationError, match="Propose"):
        services.round_start_review(actor=officer, review_round=review_round)
    services.assignment_propose(actor=officer, review_round=review_round)
    with pytest.raises(PermissionDenied):
        services.round_start_review(actor=reviewer, review_round=review_round)
    review_round = services.round_start_review(actor=officer, review_round=review_round)
    assert review_round.state == RoundState.REVIEWING
    assert set(Assignment.objects.filter(round=review_round).values_list("state", flat=True)) == {"confirmed"}
    event = audit(review_round, "start_review")
    assert (event.from_state, event.to_state, event.actor) == ("assigning", "reviewing", officer)
    with pytest.raises(ValidationError, match="not possible"):
        services.round_start_review(actor=officer, review_round=review_round)


def test_round_propose_and_withdraw(officer, scored, applicant):
    with pytest.raises(PermissionDenied):
        decisions.round_propose(actor=applicant, review_round=scored)
    awards = decisions.round_propose(actor=officer, review_round=scored)
    assert len(awards) == 2 and sum(a.amount for a in awards) == Decimal("600000.00")
    scored.refresh_from_db()
    assert audit(scored, "propose").to_state == RoundState.PROPOSED
    with pytest.raises(ValidationError, match="not possible"):
        decisions.round_propose(actor=officer, review_round=scored)
    with pytest.raises(ValidationError):
        decisions.round_withdraw_proposal(actor=officer, review_round=scored, reason="")
    decisions.round_withdraw_proposal(actor=officer, review_round=scored, reason="重新评审")
    assert not Award.objects.filter(round=scored).exists()
    assert audit(scored, "withdraw_proposal").reason == "重新评审"


def test_round_propose_refuses_more_than_the_awards_allowed(officer, scored):
    Track.objects.filter(pk=scored.track_id).update(max_awards=1)
    ids = list(scored.track.applications.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="at most 1"):
        decisions.round_propose(actor=officer, review_round=scored, application_ids=ids)


def test_publicity_counts_working_days_across_national_day(officer, proposed, applicant):
    Track.objects.filter(pk=proposed.track_id).update(publicity_days=7, publicity_day_kind=DayKind.WORKING)
    proposed.track.refresh_from_db()
    with pytest.raises(PermissionDenied):
        decisions.round_start_publicity(actor=applicant, review_round=proposed)
    # 2025: Fri 26 Sep (1), Sun 28 Sep is an adjusted workday (2), 29–30 Sep (3, 4), 1–8 Oct holiday,
    # 9–10 Oct (5, 6), Sat 11 Oct adjusted workday (7).
    review_round = decisions.round_start_publicity(actor=officer, review_round=proposed, starts_on=dt.date(2025, 9, 26))
    assert review_round.publicity_ends == dt.date(2025, 10, 11)
    event = audit(review_round, "start_publicity")
    assert (event.from_state, event.to_state, event.data["ends"]) == ("proposed", "publicity", "2025-10-11")
    with pytest.raises(ValidationError, match="not possible"):
        decisions.round_start_publicity(actor=officer, review_round=review_round)


def test_publicity_defaults_to_seven_calendar_days(officer, proposed):
    review_round = decisions.round_start_publicity(actor=officer, review_round=proposed, starts_on=dt.date(2025, 9, 26))
    assert review_round.publicity_ends == dt.date(2025, 10, 2)


def test_round_close_marks_the_rest_not_funded(officer, publicity, reviewer, pool_track):
    late = passed_application(pool_track)  # passed after the proposal: never proposed
    with pytest.raises(ValidationError, match="first"):
        decisions.round_close(actor=officer, review_round=publicity)
    end_publicity(publicity)
    for award in Award.objects.filter(round=publicity):
        decisions.award_approve(actor=officer, award=award)
    with pytest.raises(PermissionDenied):
        decisions.round_close(actor=reviewer, review_round=publicity)
    review_round = decisions.round_close(actor=officer, review_round=publicity)
    late.refresh_from_db()
    assert late.status == Status.NOT_FUNDED and review_round.state == RoundState.DECIDED
    assert audit(late, "not_fund").actor == officer
    assert audit(review_round, "close").data["not_funded"] == 1


# --- assignment ------------------------------------------------------------------------------------------------------


def test_assignment_accept_and_declare_conflict(reviewing, officer):
    first, second = Assignment.objects.filter(round=reviewing).order_by("pk")[:2]
    with pytest.raises(PermissionDenied):
        services.assignment_accept(actor=second.reviewer.user if second.reviewer != first.reviewer else officer,
                                   assignment=first)
    services.assignment_accept(actor=first.reviewer.user, assignment=first)
    first.refresh_from_db()
    assert first.state == AssignmentState.ACCEPTED and Review.objects.filter(assignment=first).exists()
    assert audit(first, "accept").to_state == "accepted"
    with pytest.raises(ValidationError, match="not possible"):
        services.assignment_declare_conflict(actor=first.reviewer.user, assignment=first, reason="x")
    with pytest.raises(ValidationError):
        services.assignment_declare_conflict(actor=second.reviewer.user, assignment=second, reason=" ")
    services.assignment_declare_conflict(actor=second.reviewer.user, assignment=second, reason="亲属任职")
    assert audit(second, "declare_conflict").reason == "亲属任职"


def test_assignment_confirm_and_remove(officer, reviewing, reviewer):
    application = Assignment.objects.filter(round=reviewing).first().application
    extra = make_reviewer()
    added = services.assignment_add(actor=officer, review_round=reviewing, application=application, reviewer=extra)
    assert added.state == AssignmentState.CONFIRMED  # during the review a manual addition needs no second step
    assert audit(added, "add").actor == officer
    with pytest.raises(ValidationError, match="not possible"):
        services.assignment_confirm(actor=officer, assignment=added)
    with pytest.raises(PermissionDenied):
        services.assignment_remove(actor=reviewer, assignment=added, reason="x")
    services.assignment_remove(actor=officer, assignment=added, reason="专业不符")
    added.refresh_from_db()
    assert added.state == AssignmentState.REMOVED and audit(added, "remove").reason == "专业不符"
    with pytest.raises(ValidationError, match="not possible"):
        services.assignment_remove(actor=officer, assignment=added, reason="again")


def test_assignment_confirm_of_a_replacement(officer, reviewing, reviewer):
    assignment = Assignment.objects.filter(round=reviewing).first()
    services.assignment_declare_conflict(actor=assignment.reviewer.user, assignment=assignment, reason="回避")
    services.assignment_propose(actor=officer, review_round=reviewing)
    replacement = Assignment.objects.get(round=reviewing, state=AssignmentState.PROPOSED)
    with pytest.raises(PermissionDenied):
        services.assignment_confirm(actor=reviewer, assignment=replacement)
    services.assignment_confirm(actor=officer, assignment=replacement)
    replacement.refresh_from_db()
    assert replacement.state == AssignmentState.CONFIRMED and audit(replacement, "confirm").from_state == "proposed"


# --- review ------------------------------------------------------------------------------------------------------


def test_review_submit_locks_and_reopen_unlocks(reviewing, officer):
    assignment = Assignment.objects.filter(round=reviewing).first()
    user = assignment.reviewer.user
    review = score_all(assignment, 77)
    assert review.state == ReviewState.SUBMITTED and review.total == Decimal("77.00")
    assert audit(review, "submit").data["total"] == "77.00"
    data = services.ScoreData(scores={}, opinion="改", recommendation="fund")
    with pytest.raises(ValidationError, match="not possible"):
        services.review_submit(actor=user, review=review, data=data)
    with pytest.raises(ValidationError, match="locked"):
        services.review_save(actor=user, review=review, data=data)
    with pytest.raises(PermissionDenied):
        services.review_reopen(actor=user, review=review, reason="x")
    services.review_reopen(actor=officer, review=review, reason="评分与意见不符")
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT and review.total is None
    assert audit(review, "reopen").reason == "评分与意见不符"
    with pytest.raises(ValidationError, match="not possible"):
        services.review_reopen(actor=officer, review=review, reason="again")


def test_review_submit_names_each_missing_or_bad_score(reviewing):
    assignment = Assignment.objects.filter(round=reviewing).first()
    services.assignment_accept(actor=assignment.reviewer.user, assignment=assignment)
    review = Review.objects.get(assignment=assignment)
    from programs.selectors import rubric_for

    first, *rest = rubric_for(reviewing.track).criteria.all()
    data = services.ScoreData(scores={first.pk: (Decimal("101"), "")}, opinion="", recommendation="")
    with pytest.raises(ValidationError) as caught:
        services.review_submit(actor=assignment.reviewer.user, review=review, data=data)
    errors = caught.value.message_dict
    assert "0 to 100" in errors[f"score_{first.pk}"][0]
    assert all(f"score_{c.pk}" in errors for c in rest) and "opinion" in errors and "recommendation" in errors
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT and not review.scores.exists()


def test_other_reviewer_cannot_touch_a_review(reviewing):
    first, second = Assignment.objects.filter(round=reviewing).order_by("pk")[:2]
    services.assignment_accept(actor=first.reviewer.user, assignment=first)
    intruder = second.reviewer.user if second.reviewer_id != first.reviewer_id else make_reviewer().user
    with pytest.raises(PermissionDenied):
        services.review_save(actor=intruder, review=Review.objects.get(assignment=first),
                             data=services.ScoreData(scores={}))


# --- awards and objections -----------------------------------------------------------------------------------------


def test_award_adjust_never_past_the_pool(officer, proposed, reviewer):
    first, second = Award.objects.filter(round=proposed).order_by("rank")
    with pytest.raises(PermissionDenied):
        decisions.award_adjust(actor=reviewer, award=first, amount=Decimal(1), reason="x")
    with pytest.raises(ValidationError, match="more than the pool"):
        decisions.award_adjust(actor=officer, award=first, amount=first.amount + 1, reason="上调")
    award = decisions.award_adjust(actor=officer, award=first, amount=first.amount - 1000, reason="核减")
    assert award.amount == first.amount - 1000
    event = audit(award, "adjust")
    assert event.data == {"from": f"{first.amount:.2f}", "to": f"{award.amount:.2f}"} and event.reason == "核减"
    decisions.round_start_publicity(actor=officer, review_round=proposed)
    with pytest.raises(ValidationError, match="before the list is published"):
        decisions.award_adjust(actor=officer, award=second, amount=Decimal(1), reason="x")


def test_award_approve_waits_for_the_end_of_publicity(officer, publicity, applicant):
    award = Award.objects.filter(round=publicity).first()
    with pytest.raises(ValidationError, match="runs until"):
        decisions.award_approve(actor=officer, award=award)
    end_publicity(publicity)
    with pytest.raises(PermissionDenied):
        decisions.award_approve(actor=applicant, award=award)
    award = decisions.award_approve(actor=officer, award=award, starts_on=dt.date(2026, 1, 1))
    assert award.state == AwardState.APPROVED and audit(award, "approve").data["amount"] == f"{award.amount:.2f}"
    project = Project.objects.get(application=award.application)
    assert project.starts_on == dt.date(2026, 1, 1) and project.award == award.amount
    assert audit(project, "open").data["tranches"] == [f"{t.amount:.2f}" for t in project.tranches.all()]
    with pytest.raises(ValidationError, match="not possible"):
        decisions.award_approve(actor=officer, award=award)


def test_award_not_fund(officer, publicity, reviewer):
    award = Award.objects.filter(round=publicity).first()
    end_publicity(publicity)
    with pytest.raises(PermissionDenied):
        decisions.award_not_fund(actor=reviewer, award=award, reason="x")
    with pytest.raises(ValidationError):
        decisions.award_not_fund(actor=officer, award=award, reason="")
    award = decisions.award_not_fund(actor=officer, award=award, reason="异议成立")
    award.application.refresh_from_db()
    assert award.state == AwardState.NOT_FUNDED and award.application.status == Status.NOT_FUNDED
    assert not Project.objects.filter(application=award.application).exists()
    assert audit(award, "not_fund").reason == "异议成立"
    with pytest.raises(ValidationError, match="not possible"):
        decisions.award_not_fund(actor=officer, award=award, reason="again")


def test_objection_lodged_during_publicity_and_resolved(officer, publicity, applicant, proposed):
    with pytest.raises(ValidationError):
        decisions.objection_lodge(actor=applicant, review_round=publicity, reason="  ")
    objection = decisions.objection_lodge(actor=applicant, review_round=publicity, reason="该企业存在失信记录")
    assert audit(objection, "lodge").actor == applicant
    with pytest.raises(PermissionDenied):
        decisions.objection_resolve(actor=applicant, objection=objection, step="uphold", resolution="x")
    objection = decisions.objection_resolve(actor=officer, objection=objection, step="uphold", resolution="经核实属实")
    assert objection.state == ObjectionState.UPHELD and audit(objection, "uphold").reason == "经核实属实"
    with pytest.raises(ValidationError, match="not possible"):
        decisions.objection_resolve(actor=officer, objection=objection, step="dismiss", resolution="x")
    end_publicity(publicity)
    with pytest.raises(ValidationError, match="publicity period"):
        decisions.objection_lodge(actor=applicant, review_round=publicity, reason="迟到的异议")
    assert Objection.objects.filter(round=publicity).count() == 1


def test_objection_refused_before_publicity(applicant, proposed):
    with pytest.raises(ValidationError, match="publicity period"):
        decisions.objection_lodge(actor=applicant, review_round=proposed, reason="异议")


def test_withdrawn_application_leaves_the_ranking(officer, scored):
    from applications.services import application_withdraw
    from reviews.selectors import ranking

    application = scored.track.applications.first()
    application_withdraw(actor=application.created_by, application=application)
    assert application.pk not in [r.application.pk for r in ranking(scored)]
    assert len(decisions.round_propose(actor=officer, review_round=scored)) == 1
