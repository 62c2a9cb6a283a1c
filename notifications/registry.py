"""The two registries other apps join in their ``AppConfig.ready()``: notification kinds and reminder sources.

A kind says what a notification is called, how its title and body read (English msgids with ``%(name)s``
placeholders, filled from the figures stored with each notification and rendered in the reader's language),
and which roles may turn its email off. A reminder source is ``due(today)`` returning ``Reminder``s; the
daily sweep (``notifications.services.reminder_sweep``) sends each one once.

    register_kind(Kind("applications.returned", _("Application returned"), _("…%(reference)s…"), _("…")))
    register_reminder_source(reminders.due)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models

from accounts.models import Role

EVERY_ROLE = frozenset(Role.values)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # shown on the preferences page (lazy translation)
    title: str  # msgid, filled with the notification's values
    body: str  # msgid, filled with the notification's values
    link: Callable[[models.Model], str] | None = None  # the target's page, stored with the notification
    # Roles whose members may turn this kind's email off; a formal decision's mail cannot be turned off.
    opt_out: frozenset[str] = EVERY_ROLE

    def may_opt_out(self, user) -> bool:
        return user.role in self.opt_out


@dataclass(frozen=True)
class Reminder:
    """One reminder to send: to whom, of which kind, about what, for which due date. ``lead_days`` tells the
    steps before one due date apart (7, 3 and 1 days before; 0 on the day; negative when overdue)."""

    recipient: models.Model
    kind: str
    target: models.Model
    due_date: dt.date
    values: dict = field(default_factory=dict)
    lead_days: int = 0


ReminderSource = Callable[[dt.date], Iterable[Reminder]]

KINDS: dict[str, Kind] = {}
REMINDER_SOURCES: list[ReminderSource] = []


def register_kind(kind: Kind) -> Kind:
    known = KINDS.get(kind.code)
    if known is not None and (known.title, known.body) != (kind.title, kind.body):
        raise ValueError(f"notification kind {kind.code!r} is registered twice")
    KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> Kind | None:
    return KINDS.get(code)


def register_reminder_source(source: ReminderSource) -> ReminderSource:
    if source not in REMINDER_SOURCES:
        REMINDER_SOURCES.append(source)
    return source


def lead_step(days_left: int, steps: Iterable[int]) -> int | None:
    """The reminder step a deadline ``days_left`` away falls in: the smallest step not below it (so a sweep that
    missed a day still sends, once, the step it missed), or None when it is further off than every step or past."""
    fitting = [s for s in steps if s >= days_left]
    if days_left < 0 or not fitting:
        return None
    return min(fitting)
