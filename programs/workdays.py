"""Counting days on the PRC working calendar, and what the portal knows of that calendar.

The calendar table (``CalendarYear``/``CalendarDay``) holds, per year, the State Council's holidays and adjusted
working days (调休): loaded from chinese-calendar for the years it knows, entered by the office for later ones.
A year not in the table is *provisional*: weekends and the statutory holidays of the ``holidays`` package are off,
no adjusted working day is known, and every date counted through it says so until an officer confirms it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Max, Min, Q

from .models import CalendarDay, CalendarDayKind, CalendarYear, DayKind

WARNING_DAYS = 60  # the admin dashboard warns this many days before the calendar's last known day
WORKING_DAYS_A_YEAR = 240  # fewer than any PRC year has: how many years a count may need to read


class PeriodEnd(NamedTuple):
    day: dt.date
    provisional: bool  # some day of the period lies in a year whose schedule is not entered


class WorkCalendar:
    """The known years' days off and worked weekends (one query) and the provisional rule for the others."""

    def __init__(self, known: dict[int, dict[dt.date, str]], years: Iterable[int]):
        self.known = known
        self.provisional_years = sorted(set(years) - set(known))
        self._fallback: set[dt.date] | None = None

    def is_provisional(self, day: dt.date) -> bool:
        return day.year not in self.known

    def is_working_day(self, day: dt.date) -> bool:
        days = self.known.get(day.year)
        if days is None:
            return day.weekday() < 5 and day not in self._statutory()
        kind = days.get(day)
        if kind is not None:
            return kind == CalendarDayKind.WORKDAY
        return day.weekday() < 5

    def _statutory(self) -> set[dt.date]:
        if self._fallback is None:
            import holidays

            self._fallback = set(holidays.country_holidays("CN", years=self.provisional_years))
        return self._fallback


def work_calendar(years: Iterable[int]) -> WorkCalendar:
    years = sorted(set(years))
    known: dict[int, dict[dt.date, str]] = {}
    for year, day, kind in CalendarYear.objects.filter(year__in=years).values_list("year", "days__date",
                                                                                    "days__kind"):
        days = known.setdefault(year, {})
        if day is not None:
            days[day] = kind
    return WorkCalendar(known, years)


def period_end(start: dt.date, days: int, kind: str) -> PeriodEnd:
    """The last day of a period of ``days`` days that starts on ``start`` (inclusive).

    Working days follow the PRC calendar: weekends and holidays are off, adjusted working days (调休) are on.
    The calendar is read in one query.
    """
    if days < 1:
        raise ValueError("a period has at least one day")
    if kind == DayKind.CALENDAR:
        return PeriodEnd(start + dt.timedelta(days=days - 1), False)
    calendar = work_calendar(range(start.year, start.year + days // WORKING_DAYS_A_YEAR + 2))
    day, counted, provisional = start, 0, False
    while True:
        provisional = provisional or calendar.is_provisional(day)
        if calendar.is_working_day(day):
            counted += 1
            if counted == days:
                return PeriodEnd(day, provisional)
        day += dt.timedelta(days=1)


class CalendarCoverage(NamedTuple):
    first_year: int | None
    last_year: int | None
    days_left: int | None  # from today to the last known day (negative once it has passed)

    @property
    def last_day(self) -> dt.date | None:
        return dt.date(self.last_year, 12, 31) if self.last_year else None

    @property
    def warn(self) -> bool:
        return self.days_left is None or self.days_left <= WARNING_DAYS


def calendar_coverage(today: dt.date) -> CalendarCoverage:
    """How far the calendar table reaches, for the admin dashboard's warning (one query)."""
    span = CalendarYear.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["last"] is None:
        return CalendarCoverage(None, None, None)
    return CalendarCoverage(span["first"], span["last"], (dt.date(span["last"], 12, 31) - today).days)


def calendar_years():
    """The table's years, newest first, each with its number of holidays and adjusted working days."""
    return (CalendarYear.objects.select_related("entered_by")
            .annotate(holidays=Count("days", filter=Q(days__kind=CalendarDayKind.HOLIDAY)),
                      workdays=Count("days", filter=Q(days__kind=CalendarDayKind.WORKDAY)))
            .order_by("-year"))



def calendar_days(year: int):
    return CalendarDay.objects.filter(date__year=year).order_by("date")
