"""The trail the seeded lifecycle leaves, written in bulk: audit events (every submission, the officer's formal
review of each submitted application, every assignment, every submitted review, every paid tranche and every
report submitted or accepted) and inbox notifications (applicants told of receipt and of the formal review,
experts of each assignment, half of them read). The officer is the busy actor of the audit log."""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from applications.models import Application, Status
from audit.models import AuditEvent
from milestones.models import KpiReport, ProjectTranche, ReportState, TrancheState
from notifications.models import Notification
from reviews.models import Assignment, Review, ReviewState

from . import bulk

BATCH = 5000
DECIDED = {Status.PASSED: "pass", Status.REFUSED: "refuse", Status.RETURNED: "return", Status.APPROVED: "pass",
           Status.NOT_FUNDED: "pass"}


@contextmanager
def _own_times(model, name: str):
    """Write the time each seeded row carries, not the time of writing (the field is ``auto_now_add``)."""
    field = model._meta.get_field(name)
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


@dataclass
class Activity:
    events: int = 0
    notifications: int = 0


def clear(user_prefix: str, reference_prefix: str) -> None:
    Notification.objects.filter(recipient__username__startswith=user_prefix).delete()
    AuditEvent.objects.filter(actor__username__startswith=user_prefix).delete()


def seed_activity(rng: random.Random, *, officer, versions, reference_prefix: str) -> Activity:
    now = timezone.now()
    kinds = {m: ContentType.objects.get_for_model(m) for m in (Application, Assignment, Review, ProjectTranche,
                                                                KpiReport)}
    applications = list(Application.objects.filter(reference__startswith=reference_prefix,
                                                   submitted_at__isnull=False)
                        .values_list("pk", "reference", "title", "status", "created_by_id", "submitted_at"))
    events: list[AuditEvent] = []

    def event(model, pk, actor, action, at, from_state="", to_state=""):
        events.append(AuditEvent(content_type=kinds[model], object_id=str(pk), actor_id=actor, action=action,
                                 from_state=from_state, to_state=to_state, at=at))

    for v in versions:
        event(Application, v.application_id, v.submitted_by_id, "submit", v.submitted_at,
              Status.DRAFT if v.number == 1 else Status.RETURNED, Status.SUBMITTED)
    notifications: list[Notification] = []
    for pk, reference, title, status, author, submitted_at in applications:
        values = {"reference": reference, "title": title, "version": 1, "submitted": str(submitted_at.date())}
        notifications.append(Notification(recipient_id=author, kind="applications.submitted", values=values,
                                          link=f"/applications/{pk}/", read_at=now if rng.random() < 0.5 else None))
        if status in DECIDED:
            event(Application, pk, officer.pk, DECIDED[status], submitted_at + dt.timedelta(days=3),
                  Status.SUBMITTED, Status.PASSED if DECIDED[status] == "pass" else status)
            notifications.append(Notification(recipient_id=author, kind="applications.passed", values=values,
                                              link=f"/applications/{pk}/",
                                              read_at=now if rng.random() < 0.5 else None))
    for pk, _round, reviewer_user, reference in (Assignment.objects.filter(
            application__reference__startswith=reference_prefix)
            .values_list("pk", "round_id", "reviewer__user_id", "application__reference")):
        event(Assignment, pk, officer.pk, "assign", now - dt.timedelta(days=40), "", "proposed")
        notifications.append(Notification(recipient_id=reviewer_user, kind="reviews.assigned",
                                          values={"reference": reference, "program": "", "deadline": ""},
                                          link=f"/reviewer/assignments/{pk}/",
                                          read_at=now if rng.random() < 0.5 else None))
    for pk, reviewer_user, submitted_at in (Review.objects.filter(
            assignment__application__reference__startswith=reference_prefix, state=ReviewState.SUBMITTED)
            .values_list("pk", "assignment__reviewer__user_id", "submitted_at")):
        event(Review, pk, reviewer_user, "submit", submitted_at, ReviewState.DRAFT, ReviewState.SUBMITTED)
    for pk, released_on in (ProjectTranche.objects.filter(
            project__application__reference__startswith=reference_prefix, state=TrancheState.RELEASED)
            .values_list("pk", "released_on")):
        event(ProjectTranche, pk, officer.pk, "release",
              timezone.make_aware(dt.datetime.combine(released_on, dt.time(10))), TrancheState.DUE,
              TrancheState.RELEASED)
    for pk, state, author, submitted_at in (KpiReport.objects.filter(
            project__application__reference__startswith=reference_prefix, submitted_at__isnull=False)
            .values_list("pk", "state", "submitted_by_id", "submitted_at")):
        event(KpiReport, pk, author, "submit", submitted_at, ReportState.SCHEDULED, ReportState.SUBMITTED)
        if state == ReportState.ACCEPTED:
            event(KpiReport, pk, officer.pk, "accept", submitted_at + dt.timedelta(days=5), ReportState.SUBMITTED,
                  ReportState.ACCEPTED)
    for n, item in enumerate(notifications):
        item.created_at = now - dt.timedelta(minutes=len(notifications) - n)
    with _own_times(AuditEvent, "at"), _own_times(Notification, "created_at"):
        bulk.write(AuditEvent, events)
        bulk.write(Notification, notifications)
    return Activity(events=len(events), notifications=len(notifications))
