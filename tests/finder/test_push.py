"""Calls find organisations (政策找企业): the daily sweep tells each matching organisation's members once per call,
nobody else, with the reasons, respecting each user's per-kind email choice; in bulk, a fixed number of queries
whatever the number of organisations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from finder.matching import bulk_match, finder_tracks, registered_organisations
from finder.notices import CALL_MATCHED
from finder.reminders import due
from notifications.models import EmailStatus, Notification, NotificationPreference
from notifications.services import reminder_sweep
from organisations.choices import OrgType
from programs.selectors import office_today
from tests.factories import UserFactory

from .conftest import NANSHA, QINGYUAN, open_call, organisation_of, patent_heavy_firm

pytestmark = pytest.mark.django_db


def _told(user):
    return Notification.objects.filter(recipient=user, kind=CALL_MATCHED.code)


def test_push_once_per_organisation_and_call_not_to_others(applicant, other_applicant, officer,
                                                           django_capture_on_commit_callbacks):
    nansha = open_call(officer, NANSHA)
    patent_heavy_firm(members=[applicant])
    organisation_of(OrgType.UNIVERSITY, "440115", members=[other_applicant])  # Nansha 1 admits enterprises only
    with django_capture_on_commit_callbacks(execute=False):
        reminder_sweep()
        reminder_sweep()
        reminder_sweep()
    [notice] = _told(applicant)
    assert notice.object_id == str(nansha.pk) and notice.link == "/finder/mine/"
    assert "南沙" in notice.values["program"] and "1. " in notice.values["matches"]
    assert not _told(other_applicant).exists()


def test_push_nearly_eligible_told_what_to_fix(applicant, officer, django_capture_on_commit_callbacks):
    """One rule it can fix (no certificate for Qingyuan 11's GB/T 29490) is told with the reason."""
    open_call(officer, QINGYUAN)
    firm = patent_heavy_firm(members=[applicant], region="441802")
    firm.certifications.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        reminder_sweep()
    [notice] = _told(applicant)
    assert "GB/T 29490" in notice.values["matches"]


def test_push_new_window_tells_again_new_organisation_told_next_sweep(applicant, other_applicant, officer,
                                                                     django_capture_on_commit_callbacks):
    open_call(officer, NANSHA)
    patent_heavy_firm(members=[applicant])
    with django_capture_on_commit_callbacks(execute=False):
        reminder_sweep()
        patent_heavy_firm(members=[other_applicant])  # registers while the call is open
        reminder_sweep()
        open_call(officer, NANSHA, opens_in=-1)  # the office opens a new window
        reminder_sweep()
    assert _told(applicant).count() == 2
    assert _told(other_applicant).count() == 2


def test_push_respects_each_users_email_choice(applicant, officer, django_capture_on_commit_callbacks):
    quiet = UserFactory(role=Role.APPLICANT, email="quiet@example.cn")
    NotificationPreference.objects.create(user=quiet, kind=CALL_MATCHED.code, email=False)
    open_call(officer, NANSHA)
    patent_heavy_firm(members=[applicant, quiet])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminder_sweep()
    assert _told(applicant).get().email_status == EmailStatus.QUEUED
    assert _told(quiet).get().email_status == EmailStatus.NONE  # in the inbox, not mailed
    assert len(callbacks) >= 1


def test_push_member_of_two_matching_organisations_gets_one_notice(applicant, officer,
                                                                   django_capture_on_commit_callbacks):
    open_call(officer, NANSHA)
    first, second = patent_heavy_firm(members=[applicant]), patent_heavy_firm(members=[applicant])
    with django_capture_on_commit_callbacks(execute=False):
        reminder_sweep()
    [notice] = _told(applicant)
    assert first.name in notice.values["matches"] and second.name in notice.values["matches"]


def _bulk_queries() -> int:
    today = office_today()
    with CaptureQueriesContext(connection) as ctx:
        list(due(today))
    return len(ctx.captured_queries)


def test_bulk_match_fixed_queries_one_or_many_organisations_and_tracks(officer):
    open_call(officer, NANSHA)
    patent_heavy_firm(members=[UserFactory(role=Role.APPLICANT)])
    one = _bulk_queries()
    for _n in range(6):
        patent_heavy_firm(members=[UserFactory(role=Role.APPLICANT)])
        organisation_of(OrgType.PATENT_AGENCY, "441802", members=[UserFactory(role=Role.APPLICANT)])
    open_call(officer, QINGYUAN)
    assert _bulk_queries() == one
    today = office_today()
    tracks = finder_tracks(on=today, open_only=True)
    organisations = registered_organisations()
    with CaptureQueriesContext(connection) as ctx:
        demands = bulk_match(tracks, organisations, today)
    assert len(ctx.captured_queries) <= 1  # the regions the rules name, once for every track
    assert sum(sum(d.counts.values()) for d in demands) == len(tracks) * len(organisations)


def test_push_leaves_out_tracks_the_organisation_already_applied_to(applicant, officer,
                                                                    django_capture_on_commit_callbacks):
    from applications.models import Application
    from programs.models import Track

    open_call(officer, NANSHA)
    firm = patent_heavy_firm(members=[applicant])
    Application.objects.create(organisation=firm, track=Track.objects.get(program__code=NANSHA), reference="T-1",
                               created_by=applicant)
    with django_capture_on_commit_callbacks(execute=False):
        reminder_sweep()
    assert not _told(applicant).exists()
