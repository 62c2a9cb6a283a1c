"""Changes to the PRC working calendar: a year's schedule entered by the office, a day corrected, the years of a
newer chinese-calendar release added. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event

from .calendar_file import check_days, kind_of
from .calendar_package import package_years
from .models import CalendarDay, CalendarDayKind, CalendarSource, CalendarYear

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_admin(actor) -> None:
    if not getattr(actor, "is_portal_admin", False):
        raise PermissionDenied(_("Only a portal administrator may change the working calendar."))


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": _("Give a year from %(first)s to %(last)s.")
                               % {"first": FIRST_YEAR, "last": LAST_YEAR}})


@transaction.atomic
def calendar_year_enter(*, actor, year: int, notice_title: str, raw: list[tuple]) -> CalendarYear:
    """Enter (or replace) a year's schedule from the State Council's notice: all the days or none.

    ``raw`` is (line, date, kind, name) as read from the file; every bad line is refused with its number."""
    _require_admin(actor)
    _check_year(year)
    notice_title = (notice_title or "").strip()
    if not notice_title:
        raise ValidationError({"notice_title": _("Give the title of the State Council's notice, e.g. "
                                                 "国务院办公厅关于%(year)s年部分节假日安排的通知.") % {"year": year}})
    days, problems = check_days(year, raw)
    if problems:
        raise ValidationError(problems, code="bad_lines")
    entry = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = entry.source if entry else ""
    if entry is None:
        entry = CalendarYear.objects.create(year=year, source=CalendarSource.OFFICE, notice_title=notice_title[:300],
                                            entered_by=actor)
    else:
        entry.days.all().delete()
        entry.source, entry.notice_title, entry.entered_by = CalendarSource.OFFICE, notice_title[:300], actor
        entry.save(update_fields=["source", "notice_title", "entered_by", "entered_at"])
    CalendarDay.objects.bulk_create([CalendarDay(year=entry, date=d.date, kind=d.kind, name=d.name) for d in days])
    record_event(target=entry, actor=actor, action="calendar_enter", from_state=before, to_state=entry.source,
                 reason=notice_title, data={
                     "year": year, "holidays": sum(d.kind == CalendarDayKind.HOLIDAY for d in days),
                     "workdays": sum(d.kind == CalendarDayKind.WORKDAY for d in days)})
    return entry


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Correct or add one day of a year the calendar holds (a holiday announced late, a worked weekend)."""
    _require_admin(actor)
    kind = kind_of(kind or "") or ""
    if kind not in CalendarDayKind.values:
        raise ValidationError({"kind": _("Choose 休 (holiday) or 班 (adjusted working day).")})
    entry = CalendarYear.objects.select_for_update().filter(year=date.year).first()
    if entry is None:
        raise ValidationError({"date": _("The calendar has no schedule for %(year)s yet: import the year's "
                                         "schedule with the notice's title first.") % {"year": date.year}})
    name = (name or "").strip()[:CalendarDay._meta.get_field("name").max_length]
    day = CalendarDay.objects.filter(date=date).first()
    before = day.kind if day else ""
    if day is None:
        day = CalendarDay.objects.create(year=entry, date=date, kind=kind, name=name)
    else:
        day.kind, day.name = kind, name
        day.save(update_fields=["kind", "name"])
    entry.source, entry.entered_by = CalendarSource.OFFICE, actor
    entry.save(update_fields=["source", "entered_by", "entered_at"])
    record_event(target=entry, actor=actor, action="calendar_day", from_state=before, to_state=kind,
                 data={"date": date.isoformat(), "name": name})
    return day


@transaction.atomic
def calendar_load_package(*, actor=None) -> list[int]:
    """Add the years the installed chinese-calendar knows and the table lacks; never replaces a year."""
    if actor is not None:
        _require_admin(actor)
    years = package_years()
    have = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    added = []
    for year, rows in sorted(years.items()):
        if year in have:
            continue
        entry = CalendarYear.objects.create(year=year, source=CalendarSource.PACKAGE)
        CalendarDay.objects.bulk_create([CalendarDay(year=entry, date=d.date, kind=d.kind, name=d.name)
                                         for d in rows])
        record_event(target=entry, actor=actor, action="calendar_load_package", to_state=entry.source,
                     data={"year": year, "days": len(rows)})
        added.append(year)
    return added
