"""Procedure parameters of a track (review, publicity, mid-term check), with the portal's defaults.

A guide that says nothing leaves a field empty; ``procedure_for`` fills it from ``PORTAL_DEFAULTS``
and says which values are the portal's own, so pages can show "portal default" beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Aggregation, DayKind, Track
from .tie_breaks import TieBreak, TieBreakKind, tie_breaks_of

PORTAL_DEFAULTS = {
    "reviewers_per_application": 3,
    "score_aggregation": Aggregation.MEAN.value,
    "tie_breaks": [],
    "publicity_days": 7,
    "publicity_day_kind": DayKind.CALENDAR.value,
    "midterm_check": False,
}

@dataclass(frozen=True)
class Procedure:
    reviewers_per_application: int
    score_aggregation: str
    tie_breaks: list[TieBreak]
    publicity_days: int
    publicity_day_kind: str
    midterm_check: bool
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
        ]
        if self.tie_breaks:
            separator = pgettext("separator between the items of a list", ", ")
            rows.append((_("With equal scores, preferred"),
                         separator.join(_tie_break_words(t) for t in self.tie_breaks), False))
        return rows


def _tie_break_words(tie_break: TieBreak) -> str:
    if tie_break.kind == TieBreakKind.JUDGED:
        return _("%(preference)s (judged by the officer)") % {"preference": tie_break.label}
    return tie_break.label


def procedure_for(track: Track) -> Procedure:
    values, defaulted = {}, set()
    for name, default in PORTAL_DEFAULTS.items():
        value = getattr(track, name)
        if value in (None, "", []) or (name == "publicity_day_kind" and track.publicity_days is None):
            value = default
            defaulted.add(name)
        values[name] = value
    values["tie_breaks"] = tie_breaks_of(values["tie_breaks"])
    return Procedure(**values, defaulted=frozenset(defaulted))

