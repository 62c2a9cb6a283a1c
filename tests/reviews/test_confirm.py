"""Irreversible decision steps ask first (issue 16, "confirm what is irreversible"): a POST without the confirmation
shows the sentence naming the object and the amount, with 确认 and 返回, and changes nothing; the confirmed POST
proceeds, with its audit row. The decision page carries the same sentence for the script (data-confirm)."""

import pytest
from django.urls import reverse

from applications.models import Status
from audit.models import AuditEvent
from core.money import format_yuan
from reviews import decisions
from reviews.models import Assignment, Award, AwardState, RoundState
from tests.conftest import client_for

from .conftest import end_publicity, make_reviewer, passed_application, run_to_reviewing, score_all

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def audit(target, action):
    """The target's own events (an award and an application may share an id)."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk),
                                     action=action)


@pytest.fixture
def proposed(officer, pool_track):
    for _ in range(2):
        passed_application(pool_track)
    for _ in range(3):
        make_reviewer()
    review_round = run_to_reviewing(officer, pool_track, per_application=2)
    for i, assignment in enumerate(Assignment.objects.filter(round=review_round).order_by("pk")):
        score_all(assignment, 90 - i)
    decisions.round_propose(actor=officer, review_round=review_round)
    review_round.refresh_from_db()
    return review_round


@pytest.fixture
def publicity_over(officer, proposed):
    review_round = decisions.round_start_publicity(actor=officer, review_round=proposed)
    end_publicity(review_round)
    return review_round


def asked(response, sentence: str) -> str:
    page = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-question"' in page
    assert sentence in page and "确认" in page and "返回" in page
    return page


def test_start_publicity_asks_naming_the_track_count_and_total_then_publishes(client, officer, proposed):
    url = reverse("reviews:round_step", args=[proposed.track_id, "start_publicity"])
    sentence = f"确认公示 {proposed.track.code} 拟资助名单：2 项，合计 600,000.00 元？"
    asked(client_for(client, officer).post(url, **ZH), sentence)
    proposed.refresh_from_db()
    assert proposed.state == RoundState.PROPOSED and not audit(proposed, "start_publicity").exists()
    page = client.get(reverse("reviews:decision", args=[proposed.track_id]), **ZH).content.decode()
    assert f'data-confirm="{sentence}"' in page
    client.post(url, {"confirm": "yes"})
    proposed.refresh_from_db()
    assert proposed.state == RoundState.PUBLICITY and audit(proposed, "start_publicity").count() == 1


def test_award_approve_asks_naming_the_application_and_amount_then_approves(client, officer, publicity_over):
    award = Award.objects.filter(round=publicity_over).order_by("rank").first()
    reference = award.application.reference
    url = reverse("reviews:award_step", args=[award.pk, "approve"])
    sentence = f"确认立项 {reference}，资助 {format_yuan(award.amount)} 元？"
    assert format_yuan(award.amount) == "300,000.00"
    asked(client_for(client, officer).post(url, **ZH), sentence)
    award.refresh_from_db()
    assert award.state == AwardState.PROPOSED and not audit(award.application, "approve").exists()
    page = client.get(reverse("reviews:decision", args=[publicity_over.track_id]), **ZH).content.decode()
    assert f'data-confirm="{sentence}"' in page
    client.post(url, {"confirm": "yes"})
    award.refresh_from_db()
    assert award.state == AwardState.APPROVED and award.application.project.award == award.amount
    assert audit(award.application, "approve").count() == 1


def test_award_not_fund_asks_and_carries_the_reason_through_the_confirmation(client, officer, publicity_over):
    award = Award.objects.filter(round=publicity_over).order_by("rank").first()
    url = reverse("reviews:award_step", args=[award.pk, "not_fund"])
    page = asked(client_for(client, officer).post(url, {"reason": "放弃申报"}, **ZH),
                 f"确认 {award.application.reference} 不予资助（拟资助 300,000.00 元）？")
    assert 'name="reason" value="放弃申报"' in page  # the confirmation posts the same data again
    award.refresh_from_db()
    assert award.state == AwardState.PROPOSED
    client.post(url, {"reason": "放弃申报", "confirm": "yes"})
    award.refresh_from_db()
    assert award.state == AwardState.NOT_FUNDED and award.application.status == Status.NOT_FUNDED
    assert audit(award.application, "not_fund").get().reason == "放弃申报"


def test_round_close_asks_naming_the_track_count_and_total_then_closes(client, officer, publicity_over):
    for award in Award.objects.filter(round=publicity_over):
        decisions.award_approve(actor=officer, award=award)
    url = reverse("reviews:round_step", args=[publicity_over.track_id, "close"])
    asked(client_for(client, officer).post(url, **ZH),
          f"确认结束 {publicity_over.track.code} 评审：2 项，合计 600,000.00 元？")
    publicity_over.refresh_from_db()
    assert publicity_over.state == RoundState.PUBLICITY and not audit(publicity_over, "close").exists()
    response = client.post(url, {"confirm": "yes"})
    publicity_over.refresh_from_db()
    assert response.status_code == 302 and publicity_over.state == RoundState.DECIDED
    assert audit(publicity_over, "close").count() == 1
