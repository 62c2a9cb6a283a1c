"""Review deadlines the daily sweep reminds of (registered in ReviewsConfig.ready()): 3 and 1 days before a
round's deadline, and once when a review is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q

from notifications.registry import Reminder, lead_step

from .models import Assignment, AssignmentState, ReviewState, RoundState
from .notices import REVIEW_DUE, REVIEW_OVERDUE, _review_figures

REVIEW_DUE_STEPS = (3, 1)
OVERDUE = -1  # the step of the one overdue reminder


def due(today: dt.date) -> Iterator[Reminder]:
    """Every reviewer with an assignment whose review is not submitted, in a round that is reviewing and has a
    deadline within three days or past. One query whatever the number of assignments."""
    assignments = (
        Assignment.objects.filter(
            state__in=(AssignmentState.CONFIRMED, AssignmentState.ACCEPTED), round__state=RoundState.REVIEWING,
            round__deadline__isnull=False, round__deadline__lte=today + dt.timedelta(days=max(REVIEW_DUE_STEPS)),
        )
        .filter(Q(review__isnull=True) | ~Q(review__state=ReviewState.SUBMITTED))
        .select_related("reviewer__user", "application", "round__track__program")
        .order_by("pk")
    )
    for assignment in assignments:
        deadline = assignment.round.deadline
        days_left = (deadline - today).days
        values = {**_review_figures(assignment), "days": days_left}
        if days_left < 0:
            yield Reminder(recipient=assignment.reviewer.user, kind=REVIEW_OVERDUE.code, target=assignment,
                           due_date=deadline, lead_days=OVERDUE, values=values)
            continue
        step = lead_step(days_left, REVIEW_DUE_STEPS)
        if step is not None:
            yield Reminder(recipient=assignment.reviewer.user, kind=REVIEW_DUE.code, target=assignment,
                           due_date=deadline, lead_days=step, values=values)
