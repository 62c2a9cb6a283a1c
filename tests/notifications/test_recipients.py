"""Who is told (notifications.recipients, organisations.selectors.active_members): one builder of the recipients
of every app's notices and reminders, so that applications, milestones and reviews tell the same people."""

import pytest

from accounts.models import Role, User
from milestones.pdfs import task_book_render
from notifications.models import Notification
from notifications.recipients import active_officers, in_charge, in_charge_each, notify_each
from organisations.models import Membership
from organisations.selectors import active_members
from tests.factories import UserFactory
from tests.milestones.conftest import open_project, unit_member

pytestmark = pytest.mark.django_db


def test_recipients_in_charge_stand_ins_when_the_officer_has_left(officer):
    present, gone = UserFactory(role=Role.OFFICER), UserFactory(role=Role.OFFICER, is_active=False)
    assert in_charge([present, gone]) == [present]
    assert in_charge([gone]) == active_officers() == [officer, present]
    assert in_charge_each({1: [gone], 2: [present]}) == {1: [officer, present], 2: [present]}


def test_recipients_in_charge_each_reads_the_stand_ins_once(officer, django_assert_num_queries):
    gone = UserFactory(role=Role.OFFICER, is_active=False)
    with django_assert_num_queries(1):
        assert in_charge_each({n: [gone] for n in range(5)}) == {n: [officer] for n in range(5)}
    with django_assert_num_queries(0):
        assert in_charge_each({1: [officer]}) == {1: [officer]}


def test_recipients_active_members_leaves_out_who_has_left(officer):
    project = open_project(officer)
    organisation_id = project.application.organisation_id
    unit = unit_member(project)
    gone = UserFactory(role=Role.APPLICANT, is_active=False)
    Membership.objects.create(organisation_id=organisation_id, user=gone)
    assert active_members([organisation_id]) == {organisation_id: [unit]}


def test_recipients_notify_each_tells_each_once(applicant, other_applicant):
    notify_each([applicant, other_applicant], kind="milestones.contract_ready", target=None, reference="R-1",
                title="T", amount="1.00")
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [applicant.pk, other_applicant.pk])


def test_recipients_task_book_ready_skips_a_member_who_has_left(officer):
    """Milestones' notices tell the unit as applications' and reviews' do: its active members only."""
    project = open_project(officer)
    unit = unit_member(project)
    gone = UserFactory(role=Role.APPLICANT)
    Membership.objects.create(organisation_id=project.application.organisation_id, user=gone)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    task_book_render(project_id=project.pk)
    assert list(Notification.objects.filter(kind="milestones.contract_ready").values_list(
        "recipient_id", flat=True)) == [unit.pk]
