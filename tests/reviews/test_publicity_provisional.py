"""A publicity counted through a year whose holiday schedule is not entered (issue 18): it starts, its end is
marked provisional on every page that shows it, and the officer confirms the end before the awards are decided."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from programs.calendar_services import calendar_year_enter
from programs.models import DayKind, Track
from reviews import decisions
from reviews.models import AwardState, RoundState
from tests.conftest import client_for

from .conftest import proposed_award

pytestmark = pytest.mark.django_db

LATE_DECEMBER = dt.date(2026, 12, 28)  # Monday: 28–31 December, 1 January 2027 元旦, Monday 4 January


def office_day(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def award(officer, nansha):
    Track.objects.filter(pk=nansha.pk).update(publicity_days=5, publicity_day_kind=DayKind.WORKING)
    return proposed_award(officer, nansha)


@pytest.fixture
def provisional(officer, award):
    return decisions.round_start_publicity(actor=officer, review_round=award.round, starts_on=LATE_DECEMBER)


def test_round_start_publicity_into_2027_starts_with_a_provisional_end(provisional):
    assert (provisional.state, provisional.publicity_ends, provisional.publicity_ends_provisional) == (
        RoundState.PUBLICITY, dt.date(2027, 1, 4), True)
    event = AuditEvent.objects.get(action="start_publicity", object_id=str(provisional.pk))
    assert event.data["provisional"] is True and event.data["ends"] == "2027-01-04"


def test_round_start_publicity_within_a_known_year_is_not_provisional(officer, award):
    review_round = decisions.round_start_publicity(actor=officer, review_round=award.round,
                                                   starts_on=dt.date(2026, 12, 21))
    assert (review_round.publicity_ends, review_round.publicity_ends_provisional) == (dt.date(2026, 12, 25), False)


def test_pages_mark_a_provisional_end(client, officer, applicant, provisional):
    decision = client_for(client, officer).get(reverse("reviews:decision", args=[provisional.track_id]))
    page = decision.content.decode()
    assert "data-provisional" in page and 'id="confirm-publicity-end"' in page
    assert decision.context["end_form"].initial["ends_on"] == dt.date(2027, 1, 4)
    client.force_login(applicant)
    assert "data-provisional" in client.get(reverse("reviews:publicity", args=[provisional.pk])).content.decode()
    assert "data-provisional" in client.get(reverse("reviews:publicity_index")).content.decode()


def test_decision_page_offers_no_approval_until_the_end_is_confirmed(client, officer, provisional):
    with office_day(dt.date(2027, 1, 6)):
        page = client_for(client, officer).get(reverse("reviews:decision", args=[provisional.track_id]))
        assert not page.context["offers"] & {"decide_award", "close"} and "data-approve" not in page.content.decode()


def test_award_approve_waits_for_the_confirmed_end(officer, provisional):
    award = provisional.awards.get()
    with office_day(dt.date(2027, 1, 6)):
        with pytest.raises(ValidationError, match="Confirm the provisional end"):
            decisions.award_approve(actor=officer, award=award)
        decisions.round_confirm_publicity_end(actor=officer, review_round=provisional, ends_on=dt.date(2027, 1, 5))
        assert decisions.award_approve(actor=officer, award=award).state == AwardState.APPROVED


def test_round_confirm_publicity_end_records_the_officer_and_the_dates(officer, provisional):
    review_round = decisions.round_confirm_publicity_end(actor=officer, review_round=provisional,
                                                         ends_on=dt.date(2027, 1, 5), reason="按2027年通知核对")
    assert (review_round.publicity_ends, review_round.publicity_ends_provisional) == (dt.date(2027, 1, 5), False)
    event = AuditEvent.objects.get(action="confirm_publicity_end")
    assert (event.actor, event.data, event.reason) == (officer, {"from": "2027-01-04", "to": "2027-01-05"},
                                                       "按2027年通知核对")


def test_round_confirm_publicity_end_refuses_a_wrong_state(officer, award, provisional):
    decisions.round_confirm_publicity_end(actor=officer, review_round=provisional, ends_on=dt.date(2027, 1, 4))
    with pytest.raises(ValidationError, match="already confirmed"):
        decisions.round_confirm_publicity_end(actor=officer, review_round=provisional, ends_on=dt.date(2027, 1, 4))
    provisional.__class__.objects.filter(pk=provisional.pk).update(publicity_ends_provisional=True)
    with pytest.raises(ValidationError, match="before it starts"):
        decisions.round_confirm_publicity_end(actor=officer, review_round=provisional, ends_on=dt.date(2026, 12, 1))
    assert AuditEvent.objects.filter(action="confirm_publicity_end").count() == 1


def test_round_confirm_publicity_end_refuses_before_publicity(officer, award):
    with pytest.raises(ValidationError, match="not possible"):
        decisions.round_confirm_publicity_end(actor=officer, review_round=award.round, ends_on=dt.date(2027, 1, 4))


@pytest.mark.parametrize("role", ["reviewer", "applicant"])
def test_round_confirm_publicity_end_refuses_a_wrong_role(role, request, provisional):
    with pytest.raises(PermissionDenied):
        decisions.round_confirm_publicity_end(actor=request.getfixturevalue(role), review_round=provisional,
                                              ends_on=dt.date(2027, 1, 4))
    provisional.refresh_from_db()
    assert provisional.publicity_ends_provisional is True


def test_confirm_form_offers_the_count_on_an_entered_schedule(client, officer, admin, provisional):
    # The office enters 2027 (an example notice: 1–3 January off, 4 January off in lieu).
    calendar_year_enter(actor=admin, year=2027, notice_title="国务院办公厅关于2027年部分节假日安排的通知",
                        raw=[(1, "2027-01-01", "休", "元旦"), (2, "2027-01-04", "休", "元旦")])
    client = client_for(client, officer)
    page = client.get(reverse("reviews:decision", args=[provisional.track_id]))
    assert page.context["end_form"].initial["ends_on"] == dt.date(2027, 1, 5)
    response = client.post(reverse("reviews:round_step", args=[provisional.track_id, "confirm_publicity_end"]),
                           {"ends_on": "2027-01-05"})
    assert response.status_code == 302
    provisional.refresh_from_db()
    assert (provisional.publicity_ends, provisional.publicity_ends_provisional) == (dt.date(2027, 1, 5), False)
    assert "data-provisional" not in client.get(reverse("reviews:decision", args=[provisional.track_id])
                                                ).content.decode()


def test_confirm_step_names_a_bad_date_and_changes_nothing(client, officer, provisional):
    client = client_for(client, officer)
    response = client.post(reverse("reviews:round_step", args=[provisional.track_id, "confirm_publicity_end"]),
                           {"ends_on": "2027-01-99"}, follow=True)
    assert "请按 2027-01-08 的格式填写公示最后一天。" in response.content.decode()
    provisional.refresh_from_db()
    assert provisional.publicity_ends_provisional is True


@pytest.mark.parametrize("role", ["reviewer", "applicant"])
def test_confirm_step_is_not_found_for_others(client, role, request, provisional):
    response = client_for(client, request.getfixturevalue(role)).post(
        reverse("reviews:round_step", args=[provisional.track_id, "confirm_publicity_end"]), {"ends_on": "2027-01-04"})
    assert response.status_code == 404
    provisional.refresh_from_db()
    assert provisional.publicity_ends_provisional is True
