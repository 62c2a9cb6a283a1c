"""Every reminder source the apps register, swept alone: the same number of queries for 1 reminder and for 100
(each its own target, most each to their own recipient), and each reminder told once: its inbox row (recipient,
kind, target) and its mail, queued after commit. The sources are read from the registry, so a new source fails
here until it has a case below."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from applications.models import Status
from milestones.models import ProjectState
from notifications import registry, services
from notifications.models import EmailStatus, Notification, SentReminder
from programs.models import Program, Track
from reviews.models import RoundState
from tests.factories import UserFactory
from tests.factories_bulk import (
    AcceptanceFactory,
    ApplicationFactory,
    AssignmentFactory,
    KpiReportFactory,
    MidtermCheckFactory,
    ProjectFactory,
    ProjectTrancheFactory,
    ReviewerProfileFactory,
    ReviewRoundFactory,
    TrackFactory,
    bulk,
    bulk_units,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 24)
NANSHA = "nansha-2024-high-value-patent-center"
SIZES = (1, 100)


def source_name(source) -> str:
    return f"{source.__module__}.{source.__qualname__}"


SOURCES = {source_name(source): source for source in registry.REMINDER_SOURCES}
CASES = {}  # source name -> builder(n): the rows for n reminders due on DAY, and those reminders


def case(name: str):
    def register(build):
        CASES[name] = build
        return build
    return register


def _track() -> Track:
    return Track.objects.select_related("program").get(program__code=NANSHA, code="1")


def _projects(n: int, *, officers=None, **fields):
    """``n`` projects, each of its own unit with one member: the projects and the members."""
    organisations, members = bulk_units(n)
    officers = officers or UserFactory(role=Role.OFFICER)
    applications = bulk(ApplicationFactory, n, track=_track(), organisation=organisations, created_by=members,
                        status=Status.APPROVED)
    return bulk(ProjectFactory, n, application=applications, officer=officers, **fields), members


@case("applications.reminders.due")
def _call_closing(n):
    track = _track()
    Program.objects.filter(pk=track.program_id).update(call_opens=DAY - dt.timedelta(days=30),
                                                       call_closes=DAY + dt.timedelta(days=3))
    organisations, members = bulk_units(n)
    drafts = bulk(ApplicationFactory, n, track=track, organisation=organisations, created_by=members)
    return [(member, "applications.call_closing", draft) for member, draft in zip(members, drafts, strict=True)]


@case("finder.reminders.due")
def _call_matched(n):
    """Nansha's call open on DAY and ``n`` Nansha enterprises (each with one member) that fit its track."""
    track = _track()
    Program.objects.filter(pk=track.program_id).update(call_opens=DAY - dt.timedelta(days=1),
                                                       call_closes=DAY + dt.timedelta(days=30))
    _organisations, members = bulk_units(n)
    return [(member, "finder.call_matched", track.program) for member in members]


def _alternate(n: int, first, second) -> list:
    """``first`` for the 1st, 3rd, 5th… of ``n`` rows and ``second`` for the others (so 1 row is ``first``)."""
    return [second if i % 2 else first for i in range(n)]


@case("reviews.reminders.due")
def _review_due(n):
    """Due the day after in one round and (from the second on) overdue since the day before in another."""
    track = _track()
    (organisation,), (member,) = bulk_units(1)
    officer = UserFactory(role=Role.OFFICER)
    due, overdue = bulk(ReviewRoundFactory, 2, track=[track, TrackFactory(program=track.program)], created_by=officer,
                        state=RoundState.REVIEWING, deadline=[DAY + dt.timedelta(days=1), DAY - dt.timedelta(days=1)])
    applications = bulk(ApplicationFactory, n, track=track, organisation=organisation, created_by=member,
                        status=Status.PASSED)
    reviewers = bulk(UserFactory, n, role=Role.REVIEWER)
    profiles = bulk(ReviewerProfileFactory, n, user=reviewers)
    assignments = bulk(AssignmentFactory, n, round=_alternate(n, due, overdue), application=applications,
                       reviewer=profiles)
    return [(user, "reviews.due" if a.round == due else "reviews.overdue", a)
            for user, a in zip(reviewers, assignments, strict=True)]


@case("reviews.reminders.publicity_ending")
def _publicity_ending(n):
    tracks = bulk(TrackFactory, n, program=_track().program)
    officers = bulk(UserFactory, n, role=Role.OFFICER)
    rounds = bulk(ReviewRoundFactory, n, track=tracks, created_by=officers, state=RoundState.PUBLICITY,
                  publicity_starts=DAY - dt.timedelta(days=5), publicity_ends=DAY + dt.timedelta(days=1))
    return [(officer, "reviews.publicity_ending", r) for officer, r in zip(officers, rounds, strict=True)]


@case("milestones.reminders.due")
def _report_due(n):
    projects, members = _projects(n)
    bulk(KpiReportFactory, n, project=projects, due_on=DAY + dt.timedelta(days=7))
    return [(member, "milestones.report_due", project) for member, project in zip(members, projects, strict=True)]


@case("milestones.reminders.report_overdue")
def _report_overdue(n):
    projects, members = _projects(n)
    reports = bulk(KpiReportFactory, n, project=projects, due_on=DAY - dt.timedelta(days=1))
    return [(member, "milestones.report_overdue", report) for member, report in zip(members, reports, strict=True)]


@case("milestones.reminders.acceptance_due")
def _acceptance_due(n):
    """Ending in three days, and (from the second on) ended the day before."""
    projects, members = _projects(n, ends_on=_alternate(n, DAY + dt.timedelta(days=3), DAY - dt.timedelta(days=1)))
    return [(member, "milestones.acceptance_due" if project.ends_on > DAY else "milestones.acceptance_overdue",
             project) for member, project in zip(members, projects, strict=True)]


@case("milestones.reminders.rectification_due")
def _rectification_due(n):
    """Half after a failed acceptance (none when n is 1), half after a mid-term check asking for rectification
    (the second, fourth… of them past its deadline)."""
    rectify_by = DAY + dt.timedelta(days=3)
    officer = UserFactory(role=Role.OFFICER)
    failed = n // 2
    rectifying, failed_members = _projects(failed, officers=officer, state=ProjectState.RECTIFYING,
                                           rectify_by=rectify_by)
    checked, checked_members = _projects(n - failed, officers=officer)
    acceptances = bulk(AcceptanceFactory, failed, project=rectifying, requested_by=failed_members,
                       recorded_by=officer, rectify_by=rectify_by)
    checks = bulk(MidtermCheckFactory, n - failed, project=checked, recorded_by=officer,
                  rectify_by=_alternate(n - failed, rectify_by, DAY - dt.timedelta(days=1)))
    return [(member, "milestones.rectification_due" if target.rectify_by > DAY else "milestones.rectification_overdue",
             target) for member, target in zip([*failed_members, *checked_members], [*acceptances, *checks],
                                               strict=True)]


@case("milestones.reminders.tranche_unreleased")
def _tranche_unreleased(n):
    officers = bulk(UserFactory, n, role=Role.OFFICER)
    projects, _members = _projects(n, officers=officers)
    tranches = bulk(ProjectTrancheFactory, n, project=projects, due_on=DAY - dt.timedelta(days=7))
    return [(officer, "milestones.tranche_unreleased", tranche)
            for officer, tranche in zip(officers, tranches, strict=True)]


def _sweep(build, n: int, capture_callbacks) -> int:
    """The queries of one sweep over ``build(n)``'s rows, its inbox rows and mail checked; the rows are rolled
    back after."""
    with transaction.atomic():
        expected = build(n)
        assert len(expected) == n
        ContentType.objects.get_for_models(*{type(target) for _user, _kind, target in expected})  # as a worker has
        mail.outbox = []
        with capture_callbacks(execute=True) as queued, CaptureQueriesContext(connection) as queries:
            sent = services.reminder_sweep(today=DAY)

        assert sent == n
        told = Notification.objects.order_by("pk")
        assert sorted(told.values_list("recipient_id", "kind", "content_type_id", "object_id")) == sorted(
            (user.pk, kind, ContentType.objects.get_for_model(target).pk, str(target.pk))
            for user, kind, target in expected)
        assert {row.email_status for row in told} == {EmailStatus.SENT}
        assert SentReminder.objects.filter(notification__in=told).count() == n
        assert len(queued) == n  # one mail queued after commit per reminder
        assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user, _kind, _target in expected)
        transaction.set_rollback(True)
    return len(queries)


def test_every_registered_reminder_source_has_a_sweep_case():
    assert sorted(SOURCES) == sorted(CASES)


@pytest.mark.parametrize("name", list(SOURCES))
def test_reminder_sweep_query_count_is_fixed_with_1_and_100_reminders_of_each_source(
        name, monkeypatch, inline_tasks, django_capture_on_commit_callbacks):
    assert name in CASES, f"no sweep case for the reminder source {name}: add one above"
    monkeypatch.setattr(services, "REMINDER_SOURCES", [SOURCES[name]])  # this source alone
    queries = {n: _sweep(CASES[name], n, django_capture_on_commit_callbacks) for n in SIZES}
    assert queries[1] == queries[100], queries
