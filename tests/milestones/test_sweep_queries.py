"""The whole daily sweep over the apps' real sources: a report falling due to a unit of one member, then of 100,
in the same number of queries; run again, nothing sent in the same few queries; each member told once, by mail
after commit."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from milestones.models import KpiReport
from notifications.models import Notification, SentReminder
from notifications.services import reminder_sweep
from organisations.models import Membership
from tests.factories import UserFactory

from .conftest import open_project, unit_member

pytestmark = pytest.mark.django_db


def _sweep(day, capture_callbacks) -> tuple[int, int]:
    with capture_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        sent = reminder_sweep(today=day)
    return sent, len(queries)


def test_reminder_sweep_query_count_is_fixed_with_1_and_100_members_told_of_a_report(
        officer, inline_tasks, django_capture_on_commit_callbacks):
    project = open_project(officer)
    report = project.reports.get(seq=1)
    due = report.due_on
    KpiReport.objects.exclude(pk=report.pk).delete()  # the midterm report alone falls due
    first = unit_member(project)
    # 7 days before: the one member
    sent_one, queries_one = _sweep(due - dt.timedelta(days=7), django_capture_on_commit_callbacks)
    again_one = _sweep(due - dt.timedelta(days=7), django_capture_on_commit_callbacks)
    others = [UserFactory(role=Role.APPLICANT) for _ in range(99)]
    Membership.objects.bulk_create(Membership(organisation_id=project.application.organisation_id, user=user)
                                   for user in others)
    # the day before: 100 members
    sent_many, queries_many = _sweep(due - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    again_many = _sweep(due - dt.timedelta(days=1), django_capture_on_commit_callbacks)

    assert (sent_one, sent_many) == (1, 100)
    assert queries_one == queries_many
    assert again_one == again_many == (0, again_one[1]) and again_one[1] < queries_one

    members = [first, *others]
    for user in members:
        step = {n.values["date"]: n for n in Notification.objects.filter(recipient=user, kind="milestones.report_due")}
        assert list(step) == [due.isoformat()]
    told = SentReminder.objects.filter(kind="milestones.report_due")
    assert sorted(told.values_list("recipient_id", "lead_days")) == sorted(
        [(first.pk, 7), *((u.pk, 1) for u in members)])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.email, *(u.email for u in members)])
