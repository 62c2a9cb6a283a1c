"""The decision tab as the officer uses it: the award amount box reads 万 like every money box and names the row it
refuses; an approved award links its project; the round's badge follows the publicity dates."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from reviews import decisions
from reviews.models import Award
from tests.conftest import client_for

from .conftest import (
    approved_award,
    end_publicity,
    proposed_award,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(officer, nansha):
    return proposed_award(officer, nansha)


def test_award_adjust_reads_wan(client, officer, proposed):
    wan = int(proposed.amount // 10000) - 1
    response = client_for(client, officer).post(reverse("reviews:award_step", args=[proposed.pk, "adjust"]),
                                                {"amount": f"{wan}万", "reason": "按评审意见核减"})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.amount == Decimal(wan * 10000)


def test_award_amount_box_has_the_live_preview(client, officer, proposed):
    page = client_for(client, officer).get(reverse("reviews:decision", args=[proposed.round.track_id])).content.decode()
    assert f'id="id_award{proposed.pk}_amount"' in page and "data-money" in page
    assert f'id="id_award{proposed.pk}_amount_preview"' in page


def test_award_adjust_refusal_names_the_row_and_keeps_what_was_typed(client, officer, proposed):
    before = proposed.amount
    response = client_for(client, officer).post(reverse("reviews:award_step", args=[proposed.pk, "adjust"]),
                                                {"amount": "四十五万", "reason": "核减"},
                                                HTTP_ACCEPT_LANGUAGE="zh-hans")
    proposed.refresh_from_db()
    assert proposed.amount == before  # nothing changed
    page = response.content.decode()
    reference = proposed.application.reference
    assert response.status_code == 200
    assert f"{reference}：资助金额（元）：请以元为单位填写数字金额" in page  # the message at the top names the row
    assert page.count("请以元为单位填写数字金额") == 2  # and the box says it again
    assert "输入一个数字" not in page
    assert 'value="四十五万"' in page  # the box keeps what was typed, beside its error
    assert Award.objects.get(pk=proposed.pk).amount == before


def test_decision_tab_links_the_opened_project(client, officer, nansha):
    award = approved_award(officer, nansha)
    page = client_for(client, officer).get(reverse("reviews:decision", args=[nansha.pk])).content.decode()
    project = award.application.project
    assert f'href="{reverse("milestones:project", args=[project.pk])}" data-project-link>已建立项目</a>' in page


def test_round_stage_follows_the_office_date_at_the_end_of_publicity(officer, proposed):
    review_round = decisions.round_start_publicity(actor=officer, review_round=proposed.round)
    last_day = review_round.publicity_ends
    # 23:30 in Beijing on the last day is 15:30 UTC: still the last day, still in publicity
    with time_machine.travel(dt.datetime.combine(last_day, dt.time(15, 30), tzinfo=dt.UTC), tick=False):
        assert review_round.stage == "publicity" and not review_round.publicity_over
    # 00:30 in Beijing the next day is 16:30 UTC on the last day: the period is over
    with time_machine.travel(dt.datetime.combine(last_day, dt.time(16, 30), tzinfo=dt.UTC), tick=False):
        assert review_round.stage == "publicity_over" and review_round.publicity_over


def test_round_badge_says_publicity_over_after_the_period(client, officer, proposed):
    review_round = end_publicity(decisions.round_start_publicity(actor=officer, review_round=proposed.round))
    page = client_for(client, officer).get(reverse("reviews:decision", args=[review_round.track_id])).content.decode()
    assert 'data-round-state="publicity_over">公示期满，待决定立项</span>' in page
    overview = client.get(reverse("reviews:overview")).content.decode()
    assert 'data-round-state="publicity_over">公示期满，待决定立项</span>' in overview
