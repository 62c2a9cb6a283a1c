"""Procedure parameters of a track (review, publicity, mid-term check), with the portal's defaults.

A guide that says nothing leaves a field empty; ``procedure_for`` fills it from ``PORTAL_DEFAULTS``
and says which values are the portal's own, so pages can show "portal default" beside them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .models import Aggregation, DayKind, Track

PORTAL_DEFAULTS = {
    "reviewers_per_application": 3,
    "score_aggregation": Aggregation.MEAN.value,
    "tie_breaks": [],
    "publicity_days": 7,
    "publicity_day_kind": DayKind.CALENDAR.value,
    "midterm_check": False,
    # No guide states a period for 复审; the portal takes NSFC's: 15 calendar days from the refusal notice.
    "appeal_days": 15,
    "appeal_day_kind": DayKind.CALENDAR.value,
}

# Tie-break keys a guide's "同等条件下优先" can name; the ranking reads them in this order.
TIE_BREAKS = {
    "matching_funds": gettext_lazy("higher matching funds"),
    "requested_amount_low": gettext_lazy("lower requested amount"),
    "local_service": gettext_lazy("a local service base"),
    # 广东 四.(三): 专利代理机构、专利运营机构……等要素较为齐全者，同等条件下优先 (an officer compares).
    "member_mix": gettext_lazy("a more complete mix of member types"),
    # 清远 十一.(四).4: 已开拓海外市场或协同创新需求大的，在同等条件下优先安排 (an officer compares).
    "overseas_market": gettext_lazy("already in overseas markets"),
    "collaboration_need": gettext_lazy("a greater need for collaborative innovation"),
}


@dataclass(frozen=True)
class Procedure:
    reviewers_per_application: int
    score_aggregation: str
    tie_breaks: list[str]
    publicity_days: int
    publicity_day_kind: str
    midterm_check: bool
    appeal_days: int
    appeal_day_kind: str
    defaulted: frozenset[str]

    def is_default(self, name: str) -> bool:
        return name in self.defaulted

    def rows(self) -> list[tuple[str, str, bool]]:
        """(label, value, is the portal's default) for display, in the reader's language."""
        aggregation = dict(Aggregation.choices).get(self.score_aggregation, self.score_aggregation)
        days = dict(DayKind.choices).get(self.publicity_day_kind, self.publicity_day_kind)
        rows = [
            (_("Reviewers per application"), str(self.reviewers_per_application),
             self.is_default("reviewers_per_application")),
            (_("Score aggregation"), str(aggregation), self.is_default("score_aggregation")),
            (_("Publicity period"), f"{self.publicity_days} {days}", self.is_default("publicity_days")),
            (_("Mid-term check"), _("required") if self.midterm_check else _("not required"),
             self.is_default("midterm_check")),
            (_("Appeal period (复审)"),
             f"{self.appeal_days} {dict(DayKind.choices).get(self.appeal_day_kind, self.appeal_day_kind)}",
             self.is_default("appeal_days")),
        ]
        if self.tie_breaks:
            separator = pgettext("separator between the items of a list", ", ")
            rows.append((_("With equal scores, preferred"),
                         separator.join(str(TIE_BREAKS.get(k, k)) for k in self.tie_breaks), False))
        return rows


def procedure_for(track: Track) -> Procedure:
    values, defaulted = {}, set()
    for name, default in PORTAL_DEFAULTS.items():
        value = getattr(track, name)
        if value in (None, "", []) or (name == "publicity_day_kind" and track.publicity_days is None) \
                or (name == "appeal_day_kind" and track.appeal_days is None):
            value = default
            defaulted.add(name)
        values[name] = value
    return Procedure(**values, defaulted=frozenset(defaulted))


class CalendarUnknown(Exception):
    """The PRC holiday calendar of the installed chinese-calendar package does not cover this date."""


def is_working_day(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarUnknown(day.isoformat()) from exc


def period_end(start: dt.date, days: int, kind: str) -> dt.date:
    """The last day of a period of ``days`` days that starts on ``start`` (inclusive).

    Working days follow the official PRC calendar: weekends and statutory holidays are off,
    adjusted workdays (调休) are on.
    """
    if days < 1:
        raise ValueError("a period has at least one day")
    if kind == DayKind.CALENDAR:
        return start + dt.timedelta(days=days - 1)
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)
