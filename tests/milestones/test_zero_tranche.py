"""No tranche is ever 0.00 yuan: a plan that would make one is refused with a message naming the tranche, at
approval, and nothing is saved (issue 16)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from applications.models import Status
from milestones.models import Project
from milestones.services import project_open, tranche_amounts
from programs.models import Tranche
from reviews import decisions
from reviews.models import Assignment, AwardState
from tests.reviews.conftest import (
    NANSHA,
    end_publicity,
    make_reviewer,
    passed_application,
    run_to_reviewing,
    score_all,
    track_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def seventy_thirty():
    track = track_of(NANSHA, "1")
    Tranche.objects.filter(track=track, seq=1).update(share_percent=Decimal("70"))
    Tranche.objects.filter(track=track, seq=2).update(share_percent=Decimal("30"))
    return track


def test_tranche_amounts_refuses_a_0_01_award_at_70_30():
    with pytest.raises(ValidationError, match=r"tranche 1 \(70 %\) would be 0.00 yuan") as caught:
        tranche_amounts(Decimal("0.01"), [Decimal("70"), Decimal("30")])
    assert caught.value.code == "zero_tranche"
    assert tranche_amounts(Decimal("0.02"), [Decimal("70"), Decimal("30")]) == [Decimal("0.01"), Decimal("0.01")]
    assert tranche_amounts(Decimal("0.01"), [Decimal("100")]) == [Decimal("0.01")]


def test_project_open_refuses_a_0_01_award_at_70_30_and_saves_nothing(officer):
    track = seventy_thirty()
    application = passed_application(track)
    with pytest.raises(ValidationError, match="Raise the award"), transaction.atomic():
        project_open(actor=officer, application=application, award=Decimal("0.01"), starts_on=dt.date(2025, 1, 1))
    assert not Project.objects.filter(application=application).exists()


def test_award_approve_of_0_01_at_70_30_is_refused_and_nothing_changes(officer):
    track = seventy_thirty()  # Nansha 1: 30万 fixed, capped at the request of 0.01
    application = passed_application(track, requested="0.01")
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    score_all(Assignment.objects.get(round=review_round), 80)
    (award,) = decisions.round_propose(actor=officer, review_round=review_round)
    assert award.amount == Decimal("0.01")
    end_publicity(decisions.round_start_publicity(actor=officer, review_round=review_round))
    award.refresh_from_db()
    with pytest.raises(ValidationError, match="would be 0.00 yuan"):
        decisions.award_approve(actor=officer, award=award)
    award.refresh_from_db()
    application.refresh_from_db()
    assert award.state == AwardState.PROPOSED and application.status == Status.PASSED
    assert not Project.objects.filter(application=application).exists()
