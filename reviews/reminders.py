"""Review deadlines the daily sweep reminds of (registered in ReviewsConfig.ready()): reviewers 3 and 1 days before
a round's deadline and once when a review is overdue; the round's officers the day before and on the day its
publicity period ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q

from notifications.registry import Reminder, lead_step

from .models import Assignment, AssignmentState, ObjectionState, ReviewRound, ReviewState, RoundState
from .notices import PUBLICITY_ENDING, REVIEW_DUE, REVIEW_OVERDUE, _review_figures, round_officers

REVIEW_DUE_STEPS = (3, 1)
OVERDUE = -1  # the step of the one overdue reminder
PUBLICITY_STEPS = (1, 0)  # the day before the publicity period's last day, and that day


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


def publicity_ending(today: dt.date) -> Iterator[Reminder]:
    """The officers of each round in publicity whose period ends tomorrow or today, with the number of objections
    still open. Four queries whatever the number of rounds."""
    rounds = list(
        ReviewRound.objects.filter(state=RoundState.PUBLICITY, publicity_ends__isnull=False,
                                   publicity_ends__range=(today, today + dt.timedelta(days=max(PUBLICITY_STEPS))))
        .select_related("track__program")
        .annotate(open_objections=Count("objections", filter=Q(objections__state=ObjectionState.OPEN)))
        .order_by("pk")
    )
    officers = round_officers(r.pk for r in rounds) if rounds else {}
    for review_round in rounds:
        days_left = (review_round.publicity_ends - today).days
        step = lead_step(days_left, PUBLICITY_STEPS)
        if step is None:
            continue
        values = {"track": str(review_round.track), "program": str(review_round.track.program),
                  "ends": review_round.publicity_ends, "days": days_left,
                  "objections": review_round.open_objections}
        for officer in officers[review_round.pk]:
            yield Reminder(recipient=officer, kind=PUBLICITY_ENDING.code, target=review_round,
                           due_date=review_round.publicity_ends, lead_days=step, values=values)
