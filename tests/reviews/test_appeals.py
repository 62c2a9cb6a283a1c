"""复审: an applicant refused in formal review, or not funded, appeals within the track's period (15 calendar days
from the notice by default); an officer upholds it (back to the stage that refused it) or dismisses it with
reasons; each step audited and told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as applications
from applications.models import Application, Status
from audit.models import AuditEvent
from audit.selectors import history_for
from notifications.models import Notification
from programs.models import Track
from reviews import decisions
from reviews.appeal_selectors import appeal_can_lodge, appeal_decidable, appeal_window
from reviews.appeals import appeal_dismiss, appeal_lodge, appeal_uphold
from reviews.models import Appeal, AppealStage, AppealState, Assignment, Award, AwardState, RoundState
from tests.conftest import client_for

from .conftest import end_publicity, make_reviewer, passed_application, run_to_reviewing, score_all

REASONS = "形式审查认定缺少财务报表，但该材料已于附件三提交。"


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages and messages in English (the msgids); the Chinese catalogue is checked by tests/test_i18n.py."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def refused(track, officer) -> Application:
    """An application refused in formal review by ``officer`` today (its notice sent)."""
    application = passed_application(track)
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED)
    application.refresh_from_db()
    return applications.application_refuse(actor=officer, application=application, reason="缺少财务报表")


def notice_days_ago(application, days: int) -> None:
    """Move the refusal (its audit event) ``days`` days into the past."""
    event = history_for(application).filter(action__in=("refuse", "not_fund")).latest("at")
    AuditEvent.objects.filter(pk=event.pk).update(at=event.at - dt.timedelta(days=days))


def member(application):
    return application.created_by


@pytest.fixture
def refusal(nansha, officer):
    return refused(nansha, officer)


# --- the window ------------------------------------------------------------------------------------------------


def test_appeal_window_is_15_calendar_days_after_the_notice_by_default(refusal):
    window = appeal_window(refusal)
    today = timezone.localdate()
    assert (window.stage, window.days, window.day_kind) == (AppealStage.FORMAL, 15, "calendar")
    assert window.notice_day == today and window.ends_on == today + dt.timedelta(days=15) and window.is_open


def test_appeal_window_follows_the_guides_period_in_working_days(refusal, nansha):
    Track.objects.filter(pk=nansha.pk).update(appeal_days=5, appeal_day_kind="working")
    refusal.track.refresh_from_db()
    notice_day = timezone.localdate()
    window = appeal_window(refusal)
    from programs.workdays import period_end
    assert window.days == 5 and window.ends_on == period_end(notice_day + dt.timedelta(days=1), 5, "working").day


def test_no_appeal_window_for_an_application_not_refused(nansha):
    assert appeal_window(passed_application(nansha)) is None


# --- lodge -----------------------------------------------------------------------------------------------------


def test_appeal_lodge_records_audits_and_tells_applicant_and_officer(refusal, officer):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=f"  {REASONS} ")
    assert (appeal.state, appeal.stage, appeal.reasons) == (AppealState.LODGED, AppealStage.FORMAL, REASONS)
    assert appeal.period_ends == timezone.localdate() + dt.timedelta(days=15)
    event = history_for(appeal).get()
    assert (event.action, event.to_state, event.reason, event.actor) == ("lodge", "lodged", REASONS, member(refusal))
    assert Notification.objects.filter(recipient=member(refusal), kind="reviews.appeal_lodged").exists()
    new = Notification.objects.get(recipient=officer, kind="reviews.appeal_new")
    assert new.values["reasons"] == REASONS and new.values["reference"] == refusal.reference


def test_appeal_lodge_on_the_last_day_is_taken_and_after_it_refused(refusal):
    notice_days_ago(refusal, 15)
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    assert appeal.period_ends == timezone.localdate()


def test_appeal_lodge_after_the_period_is_refused_and_changes_nothing(refusal):
    notice_days_ago(refusal, 16)
    with pytest.raises(ValidationError) as caught:
        appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    assert caught.value.code == "late" and "The appeal period ended on" in caught.value.messages[0]
    assert not Appeal.objects.exists()


def test_appeal_lodge_refused_for_an_application_not_refused(nansha):
    application = passed_application(nansha)
    with pytest.raises(ValidationError) as caught:
        appeal_lodge(actor=member(application), application=application, reasons=REASONS)
    assert caught.value.code == "wrong_state" and not Appeal.objects.exists()


@pytest.mark.parametrize("who", ["officer", "other_applicant", "reviewer"])
def test_appeal_lodge_only_by_the_applicant_organisation(request, refusal, who):
    with pytest.raises(PermissionDenied):
        appeal_lodge(actor=request.getfixturevalue(who), application=refusal, reasons=REASONS)
    assert not Appeal.objects.exists()


def test_one_appeal_per_decision(refusal):
    appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    with pytest.raises(ValidationError) as caught:
        appeal_lodge(actor=member(refusal), application=refusal, reasons="再次申请")
    assert caught.value.code == "already_lodged" and Appeal.objects.count() == 1


def test_appeal_without_reasons_says_so(refusal):
    with pytest.raises(ValidationError) as caught:
        appeal_lodge(actor=member(refusal), application=refusal, reasons="   ")
    assert caught.value.message_dict == {"reason": ["Give a reason; it is kept in the record."]}
    assert not Appeal.objects.exists()


# --- decide ----------------------------------------------------------------------------------------------------


def test_uphold_sends_a_formal_refusal_back_to_formal_review(refusal, officer):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    appeal = appeal_uphold(actor=officer, appeal=appeal, resolution="材料确已提交，重新形式审查。")
    refusal.refresh_from_db()
    assert appeal.state == AppealState.UPHELD and refusal.status == Status.SUBMITTED
    assert history_for(appeal).filter(action="uphold", from_state="lodged", to_state="upheld",
                                      reason="材料确已提交，重新形式审查。", actor=officer).exists()
    assert history_for(refusal).filter(action="reopen", from_state="refused", to_state="submitted").exists()
    told = Notification.objects.get(recipient=member(refusal), kind="reviews.appeal_decided")
    assert told.values["resolution"] == "材料确已提交，重新形式审查。"
    # refused again: a new decision, which takes its own appeal
    applications.application_refuse(actor=officer, application=refusal, reason="仍缺少报表")
    refusal.refresh_from_db()
    appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    assert Appeal.objects.filter(application=refusal).count() == 2


def test_dismiss_keeps_the_refusal_and_tells_the_reasons(refusal, officer):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    appeal = appeal_dismiss(actor=officer, appeal=appeal, resolution="所附材料并非财务报表。")
    refusal.refresh_from_db()
    assert (appeal.state, appeal.resolution, appeal.decided_by) == (AppealState.DISMISSED, "所附材料并非财务报表。",
                                                                    officer)
    assert refusal.status == Status.REFUSED
    assert history_for(appeal).filter(action="dismiss", to_state="dismissed").exists()
    told = Notification.objects.get(recipient=member(refusal), kind="reviews.appeal_decided")
    assert told.values["resolution"] == "所附材料并非财务报表。"


def test_decide_needs_an_officer_a_lodged_appeal_and_a_reason(refusal, officer):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    with pytest.raises(PermissionDenied):
        appeal_uphold(actor=member(refusal), appeal=appeal, resolution="自行支持")
    with pytest.raises(ValidationError) as caught:
        appeal_dismiss(actor=officer, appeal=appeal, resolution="")
    assert caught.value.message_dict == {"reason": ["Give a reason; it is kept in the record."]}
    appeal_dismiss(actor=officer, appeal=appeal, resolution="理由不成立。")
    with pytest.raises(ValidationError) as caught:
        appeal_uphold(actor=officer, appeal=appeal, resolution="改为支持")
    assert caught.value.code == "wrong_state"
    refusal.refresh_from_db()
    assert refusal.status == Status.REFUSED and Appeal.objects.get().state == AppealState.DISMISSED


# --- not funded ------------------------------------------------------------------------------------------------


def not_funded_round(officer, track):
    """Two applications reviewed and proposed; one approved, the other marked not funded; publicity over."""
    Track.objects.filter(pk=track.pk).update(max_awards=2)
    track.refresh_from_db()
    first, second = passed_application(track), passed_application(track)
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    for assignment, score in zip(Assignment.objects.filter(round=review_round).order_by("application_id"),
                                 (90, 70), strict=True):
        score_all(assignment, score)
    decisions.round_propose(actor=officer, review_round=review_round)
    end_publicity(decisions.round_start_publicity(actor=officer, review_round=review_round))
    award = Award.objects.get(application=second)
    decisions.award_not_fund(actor=officer, award=award, reason="排名靠后")
    second.refresh_from_db()
    return review_round, first, second


def test_uphold_not_funded_waits_for_the_round_then_reopens_it(officer, nansha, inline_tasks):
    review_round, first, second = not_funded_round(officer, nansha)
    appeal = appeal_lodge(actor=member(second), application=second, reasons="评分计算有误")
    assert appeal.stage == AppealStage.FUNDING
    with pytest.raises(ValidationError) as caught:
        appeal_uphold(actor=officer, appeal=appeal, resolution="复核评分")
    assert caught.value.code == "round_open"
    second.refresh_from_db()
    assert second.status == Status.NOT_FUNDED and Appeal.objects.get().state == AppealState.LODGED
    award = Award.objects.get(application=first)
    decisions.award_approve(actor=officer, award=award)
    decisions.round_close(actor=officer, review_round=review_round)
    appeal_uphold(actor=officer, appeal=appeal, resolution="复核评分后重新排序")
    second.refresh_from_db()
    review_round.refresh_from_db()
    assert second.status == Status.PASSED and review_round.state == RoundState.REVIEWING
    assert not Award.objects.filter(application=second).exists()
    assert history_for(review_round).filter(action="reopen", from_state="decided", to_state="reviewing").exists()
    # back in the ranking as a candidate: the next proposal takes it, the approved award stays
    (again,) = decisions.round_propose(actor=officer, review_round=review_round)
    assert again.application_id == second.pk and Award.objects.get(application=first).state == AwardState.APPROVED


# --- pages -----------------------------------------------------------------------------------------------------


def test_applicant_lodges_from_the_application_page(client, refusal):
    client_for(client, member(refusal))
    page = client.get(reverse("applications:detail", args=[refusal.pk])).content.decode()
    assert 'id="lodge-appeal"' in page
    response = client.post(reverse("reviews:appeal_lodge", args=[refusal.pk]), {"reasons": REASONS})
    assert response.status_code == 302 and Appeal.objects.get().reasons == REASONS
    page = client.get(reverse("applications:detail", args=[refusal.pk])).content.decode()
    assert 'id="lodge-appeal"' not in page and 'data-appeal-state="lodged"' in page


def test_applicant_page_says_the_period_ended(client, refusal):
    notice_days_ago(refusal, 16)
    client_for(client, member(refusal))
    page = client.get(reverse("applications:detail", args=[refusal.pk])).content.decode()
    assert 'id="lodge-appeal"' not in page and "The appeal period has ended." in page


def test_lodge_with_empty_reasons_shows_the_message(client, refusal):
    client_for(client, member(refusal))
    response = client.post(reverse("reviews:appeal_lodge", args=[refusal.pk]), {"reasons": ""}, follow=True)
    assert "Give a reason; it is kept in the record." in response.content.decode() and not Appeal.objects.exists()


@pytest.mark.parametrize("who", ["other_applicant", "officer", "reviewer"])
def test_lodge_view_404_for_anyone_but_the_members(client, request, refusal, who):
    client_for(client, request.getfixturevalue(who))
    response = client.post(reverse("reviews:appeal_lodge", args=[refusal.pk]), {"reasons": REASONS})
    assert response.status_code == 404 and not Appeal.objects.exists()


def test_officer_queue_lists_and_decides(client, refusal, officer):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    client_for(client, officer)
    page = client.get(reverse("reviews:appeals")).content.decode()
    assert refusal.reference in page and REASONS in page
    response = client.post(reverse("reviews:appeal_step", args=[appeal.pk, "dismiss"]), {"reason": "理由不成立。"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.DISMISSED and appeal.resolution == "理由不成立。"


def test_officer_decides_from_the_application_page(client, refusal, officer):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    client_for(client, officer)
    page = client.get(reverse("applications:detail", args=[refusal.pk])).content.decode()
    assert "data-appeal-uphold" in page and 'id="lodge-appeal"' not in page
    response = client.post(reverse("reviews:appeal_step", args=[appeal.pk, "uphold"]),
                           {"reason": "重新审查", "next": "application"})
    assert response.url == reverse("applications:detail", args=[refusal.pk])
    refusal.refresh_from_db()
    assert refusal.status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "reviewer"])
def test_appeal_queue_and_steps_404_for_non_officers(client, request, refusal, who):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    user = member(refusal) if who == "applicant" else request.getfixturevalue(who)
    client_for(client, user)
    assert client.get(reverse("reviews:appeals")).status_code == 404
    response = client.post(reverse("reviews:appeal_step", args=[appeal.pk, "uphold"]), {"reason": "x"})
    assert response.status_code == 404 and Appeal.objects.get().state == AppealState.LODGED


def test_unknown_step_is_404(client, refusal, officer):
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    client_for(client, officer)
    assert client.post(reverse("reviews:appeal_step", args=[appeal.pk, "reopen"]), {"reason": "x"}).status_code == 404
    appeal.refresh_from_db()
    refusal.refresh_from_db()
    assert appeal.state == AppealState.LODGED and refusal.status == Status.REFUSED


def test_appeal_queue_queries_do_not_grow(client, officer, nansha, django_assert_num_queries):
    def lodge() -> None:
        application = refused(nansha, officer)
        appeal_lodge(actor=member(application), application=application, reasons=REASONS)

    lodge()
    client_for(client, officer)
    client.get(reverse("reviews:appeals"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:appeals"))
    for _ in range(3):
        lodge()
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("reviews:appeals")).content.decode()
    assert page.count("data-appeal=") == 4


def test_appeal_decidable_and_can_lodge_follow_the_table_and_the_window(refusal, officer):
    """What the pages offer comes from the selectors: the member may lodge while the window is open and nothing is
    lodged against this decision; an officer may decide a lodged appeal, nobody a decided one."""
    window = appeal_window(refusal)
    assert appeal_can_lodge(member(refusal), window, []) and not appeal_can_lodge(officer, window, [])
    appeal = appeal_lodge(actor=member(refusal), application=refusal, reasons=REASONS)
    assert not appeal_can_lodge(member(refusal), appeal_window(refusal), [appeal])
    assert appeal_decidable(appeal, officer) and not appeal_decidable(appeal, member(refusal))
    appeal = appeal_dismiss(actor=officer, appeal=appeal, resolution="理由不成立。")
    assert not appeal_decidable(appeal, officer)
    notice_days_ago(refusal, 40)
    assert not appeal_can_lodge(member(refusal), appeal_window(refusal), [])
