"""Offices (issue 19): a notice or reminder about a program goes only to officers who work for the program's
office: officers in charge who left the office are left out, and the stand-ins are that office's officers."""

import pytest

from accounts.models import Role
from notifications.models import Notification
from notifications.recipients import active_officers, in_charge, in_charge_each, officers_of_offices
from offices.models import OfficeMembership
from tests import office_officers
from tests.applications.conftest import (  # noqa: F401  (fixtures)
    draft,
    nansha,
    org,
    ready_draft,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
nansha_officer, yuexiu_officer, gz_officer = (
    office_officers.nansha_officer, office_officers.yuexiu_officer, office_officers.gz_officer)


def test_a_submission_is_told_to_the_programs_office_only(applicant, ready_draft, nansha, nansha_officer,  # noqa: F811
                                                        yuexiu_officer, gz_officer):
    from applications import services
    from tests.applications.conftest import valid_submission

    services.application_submit(actor=applicant, application=ready_draft, data=valid_submission(nansha))
    told = set(Notification.objects.filter(kind="applications.received").values_list("recipient_id", flat=True))
    assert told == {nansha_officer.pk}


def test_officers_in_charge_who_left_the_office_are_stood_in_for_by_the_offices_officers(
    nansha_officer, yuexiu_officer, gz_officer
):
    assert in_charge([nansha_officer], office="gz-nansha") == [nansha_officer]
    assert in_charge([yuexiu_officer, gz_officer], office="gz-nansha") == [nansha_officer]
    assert active_officers("gz-nansha") == [nansha_officer]
    admin = UserFactory(role=Role.ADMIN)
    assert in_charge([admin], office="gz-nansha") == [admin]  # a platform admin works for every office
    OfficeMembership.objects.filter(user=nansha_officer).delete()
    assert in_charge([nansha_officer], office="gz-nansha") == []  # nobody left to tell: nobody of another office


def test_in_charge_each_by_office_reads_twice_whatever_the_number_of_keys(nansha_officer, yuexiu_officer,
                                                                          django_assert_num_queries):
    keys = {n: [yuexiu_officer] for n in range(6)}
    offices = {n: ("gz-nansha" if n % 2 else "gz-yuexiu") for n in range(6)}
    with django_assert_num_queries(2):  # the memberships of those in charge, the stand-ins of the offices
        found = in_charge_each(keys, offices=offices)
    assert found == {n: [nansha_officer] if n % 2 else [yuexiu_officer] for n in range(6)}
    with django_assert_num_queries(1):
        assert officers_of_offices(["gz-nansha", "gz-yuexiu", "gd"]) == {
            "gz-nansha": [nansha_officer], "gz-yuexiu": [yuexiu_officer], "gd": []}


def test_a_payment_request_is_told_to_the_other_officers_of_the_programs_office(officer, nansha_officer,
                                                                                yuexiu_officer, gz_officer):
    from milestones.notices import PAYMENT_REQUESTED, payment_requested
    from tests.milestones.conftest import open_project

    project = open_project(officer)
    payment_requested(project, project.tranches.get(seq=1), officer)
    told = set(Notification.objects.filter(kind=PAYMENT_REQUESTED.code).values_list("recipient_id", flat=True))
    assert told == {nansha_officer.pk}  # the requester aside; not Yuexiu's, not the office above
