"""Procedure parameters with the portal's defaults, and periods in PRC working days."""

import datetime as dt

import pytest

from programs.models import Aggregation, DayKind, Track
from programs.procedure import PORTAL_DEFAULTS, procedure_for
from programs.workdays import period_end

pytestmark = pytest.mark.django_db


def test_procedure_for_fills_what_the_guide_leaves_empty_and_says_so():
    track = Track(reviewers_per_application=5, score_aggregation=Aggregation.TRIMMED_MEAN)
    procedure = procedure_for(track)
    assert procedure.reviewers_per_application == 5 and not procedure.is_default("reviewers_per_application")
    assert procedure.score_aggregation == "trimmed_mean"
    assert procedure.publicity_days == PORTAL_DEFAULTS["publicity_days"] and procedure.is_default("publicity_days")
    assert procedure.midterm_check is False and procedure.is_default("midterm_check")


def test_period_end_in_calendar_days():
    assert period_end(dt.date(2026, 9, 28), 7, DayKind.CALENDAR) == (dt.date(2026, 10, 4), False)


def test_period_end_in_working_days_skips_national_day_and_counts_the_adjusted_saturday():
    # State Council 2026 notice: 1–7 October off; Saturday 10 October is a working day.
    # Working days from Monday 28 September: 28, 29, 30 September, 8, 9 and 10 October.
    assert period_end(dt.date(2026, 9, 28), 5, DayKind.WORKING) == (dt.date(2026, 10, 9), False)
    assert period_end(dt.date(2026, 9, 28), 6, DayKind.WORKING) == (dt.date(2026, 10, 10), False)


def test_period_end_in_working_days_skips_a_weekend():
    assert period_end(dt.date(2026, 11, 27), 2, DayKind.WORKING) == (dt.date(2026, 11, 30), False)  # Friday → Monday


def test_period_end_refuses_an_empty_period():
    with pytest.raises(ValueError):
        period_end(dt.date(2026, 1, 5), 0, DayKind.CALENDAR)
