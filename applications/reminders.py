"""Deadlines of applications that the daily sweep reminds of (registered in ApplicationsConfig.ready())."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from notifications.registry import Reminder, lead_step
from organisations.selectors import active_members
from programs.selectors import is_call_open

from .models import EDITABLE, Application
from .notices import CALL_CLOSING, figures

# Days before the call closes on which an applicant with an unsubmitted application is reminded.
CALL_CLOSING_STEPS = (7, 3, 1)


def due(today: dt.date) -> Iterator[Reminder]:
    """Every member of an organisation whose draft (or returned application) is not submitted, when the call
    closes in 7, 3 and 1 days. Two queries whatever the number of applications."""
    horizon = today + dt.timedelta(days=max(CALL_CLOSING_STEPS))
    applications = list(
        Application.objects.filter(status__in=EDITABLE, track__program__call_closes__range=(today, horizon))
        .select_related("track__program").defer("verdict", "explanations").order_by("pk")
    )
    members = active_members(a.organisation_id for a in applications)
    for application in applications:
        program = application.track.program
        if not is_call_open(program, today):
            continue
        days_left = (program.call_closes - today).days
        step = lead_step(days_left, CALL_CLOSING_STEPS)
        if step is None:
            continue
        for user in members[application.organisation_id]:
            yield Reminder(recipient=user, kind=CALL_CLOSING.code, target=application, due_date=program.call_closes,
                           lead_days=step, values={**figures(application), "days": days_left})
