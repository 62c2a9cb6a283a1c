"""What the unit and the officer are told as a project moves (task book ready, tranche due), and the project
reminders of the daily sweep: acceptance due, rectification deadlines, due tranches not released."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from milestones.models import MidtermOutcome, Project, ProjectState
from milestones.pdfs import task_book_render
from milestones.services import (
    acceptance_record,
    acceptance_request,
    contract_record,
    midterm_record,
)
from notifications.models import Notification, SentReminder
from notifications.services import reminder_sweep, render
from organisations.models import Membership
from tests.factories import UserFactory, pay_tranche
from tests.milestones.conftest import ready_for_acceptance

from .conftest import YUEXIU, open_project, pdf, unit_member

pytestmark = pytest.mark.django_db

ENDS = dt.date(2025, 8, 31)  # the Nansha project of the conftest: 2024-09-01 for one year


def told(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters).order_by("pk")


def members(project):
    return [m.user for m in Membership.objects.filter(organisation_id=project.application.organisation_id)
            .select_related("user").order_by("user_id")]


def second_member(project):
    user = UserFactory(role=Role.APPLICANT)
    Membership.objects.create(organisation_id=project.application.organisation_id, user=user)
    return user


def sweep(*days):
    for day in days:
        reminder_sweep(today=day)


def request(project, user):
    ready_for_acceptance(project)
    return acceptance_request(actor=user, project=project, final_report=pdf("final.pdf"),
                              final_accounts=pdf("accounts.pdf"))


def record(project, officer, outcome, on=dt.date(2025, 9, 15)):
    return acceptance_record(actor=officer, project=project, outcome=outcome, mode="on_site", inspected_on=on,
                             expert_opinion="专家组意见")


# --- notices -----------------------------------------------------------------------------------------------------


def test_task_book_ready_tells_every_member_of_the_unit_once(nansha_project, unit, officer):
    colleague = second_member(nansha_project)
    other = open_project(officer, award="200000")  # another organisation's project, its task book not rendered
    task_book_render(project_id=nansha_project.pk)
    task_book_render(project_id=nansha_project.pk)  # rendered again: not told again
    notices = told("milestones.contract_ready")
    assert sorted(n.recipient_id for n in notices) == sorted([unit.pk, colleague.pk])
    notice = notices.get(recipient=unit)
    reference = nansha_project.application.reference
    assert notice.target == nansha_project and notice.values["amount"] == "300,000.00"
    assert notice.link == reverse("milestones:project", args=[nansha_project.pk])
    assert render(notice, "en")[0] == f"Project {reference}: the task book is ready"
    assert render(notice, "zh-hans")[0] == f"项目 {reference}：任务书已生成"
    assert "300,000.00 yuan" in render(notice, "en")[1] and "资助金额 300,000.00 元" in render(notice, "zh-hans")[1]
    assert not told("milestones.contract_ready", recipient__in=members(other)).exists()
    assert not told("milestones.contract_ready", recipient=officer).exists()


def test_tranche_made_due_on_approval_tells_the_projects_officer(officer):
    bystander = UserFactory(role=Role.OFFICER)
    project = open_project(officer, program=YUEXIU, code="1", award="1700000")  # 60 % after approval
    notice = told("milestones.tranche_due").get()
    tranche = project.tranches.get(seq=1)
    assert notice.recipient == officer and notice.target == tranche
    assert (notice.values["seq"], notice.values["amount"]) == (1, "1,020,000.00")
    assert notice.values["organisation"] == project.application.organisation.name
    reference = project.application.reference
    assert render(notice, "en")[0] == f"Project {reference}: tranche 1 due for release"
    assert render(notice, "zh-hans")[0] == f"项目 {reference}：第1批资金待拨付"
    assert "1,020,000.00 元" in render(notice, "zh-hans")[1]
    assert notice.link == reverse("milestones:project", args=[project.pk])
    assert not told("milestones.tranche_due", recipient=bystander).exists()
    assert not told("milestones.tranche_due", recipient__in=members(project)).exists()


def test_tranche_made_due_by_the_contract_tells_the_officer_once(nansha_project, officer, unit):
    assert not told("milestones.tranche_due").exists()  # Nansha pays after the contract
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    notice = told("milestones.tranche_due").get()
    assert notice.recipient == officer and notice.values["amount"] == "150,000.00" and notice.values["seq"] == 1


# --- reminders ---------------------------------------------------------------------------------------------------


def test_acceptance_due_reminders_14_and_3_days_before_and_once_overdue(nansha_project, unit, officer):
    colleague = second_member(nansha_project)
    other = open_project(officer, starts_on=dt.date(2024, 10, 1))  # ends a month later: not yet due
    sweep(dt.date(2025, 8, 10), dt.date(2025, 8, 17), dt.date(2025, 8, 17), dt.date(2025, 8, 20),
          dt.date(2025, 8, 28), dt.date(2025, 8, 28), ENDS, dt.date(2025, 9, 1), dt.date(2025, 9, 1),
          dt.date(2025, 9, 5))
    due = told("milestones.acceptance_due", recipient=unit)
    assert [n.values["days"] for n in due] == [14, 3]
    overdue = told("milestones.acceptance_overdue", recipient=unit).get()
    assert overdue.values["date"] == "2025-08-31" and overdue.target == nansha_project
    assert told("milestones.acceptance_due", recipient=colleague).count() == 2
    assert not Notification.objects.filter(kind__startswith="milestones.acceptance_", recipient__in=members(other)
                                           ).exclude(kind="milestones.acceptance_requested").exists()
    reference = nansha_project.application.reference
    assert render(due[0], "en")[0] == f"Project {reference} ends on 2025-08-31: request acceptance"
    assert render(due[0], "zh-hans")[0] == f"项目 {reference} 将于 2025-08-31 到期：请申请验收"
    assert "剩余 14 天" in render(due[0], "zh-hans")[1] and "days left: 14" in render(due[0], "en")[1]
    assert render(overdue, "zh-hans")[0] == f"项目 {reference} 已于 2025-08-31 到期：尚未申请验收"
    assert SentReminder.objects.filter(kind="milestones.acceptance_due").count() == 4  # two steps, two members


def test_acceptance_due_reminders_stop_once_acceptance_is_requested_and_skip_finished(nansha_project, unit,
                                                                                       officer):
    sweep(dt.date(2025, 8, 17))
    request(nansha_project, unit)
    terminated = open_project(officer)
    Project.objects.filter(pk=terminated.pk).update(state=ProjectState.TERMINATED)
    sweep(dt.date(2025, 8, 28), dt.date(2025, 9, 1))
    assert [n.values["days"] for n in told("milestones.acceptance_due")] == [14]
    assert not told("milestones.acceptance_overdue").exists()


def test_rectification_after_a_failed_acceptance_reminded_14_3_and_once_overdue(nansha_project, unit, officer):
    request(nansha_project, unit)
    failed = record(nansha_project, officer, "failed")  # rectify by 2025-12-15
    sweep(dt.date(2025, 11, 20), dt.date(2025, 12, 1), dt.date(2025, 12, 1), dt.date(2025, 12, 12),
          dt.date(2025, 12, 15), dt.date(2025, 12, 16), dt.date(2025, 12, 16), dt.date(2025, 12, 20))
    due = told("milestones.rectification_due", recipient=unit)
    assert [n.values["days"] for n in due] == [14, 3] and due[0].target == failed
    assert due[0].link == reverse("milestones:project", args=[nansha_project.pk])
    overdue = told("milestones.rectification_overdue", recipient=unit).get()
    assert overdue.values["date"] == "2025-12-15"
    reference = nansha_project.application.reference
    assert render(due[0], "en")[0] == f"Project {reference}: rectification due by 2025-12-15"
    assert render(due[0], "zh-hans")[0] == f"项目 {reference}：整改期限为 2025-12-15"
    assert render(overdue, "zh-hans")[0] == f"项目 {reference}：整改期限 2025-12-15 已过"
    assert not told("milestones.acceptance_overdue").exists()  # a failed acceptance is not a missing request
    assert not Notification.objects.filter(kind__startswith="milestones.rectification", recipient=officer).exists()


def test_rectification_reminders_stop_once_acceptance_is_requested_again(nansha_project, unit, officer,
                                                                         monkeypatch):
    request(nansha_project, unit)
    record(nansha_project, officer, "failed")
    sweep(dt.date(2025, 12, 12))
    monkeypatch.setattr("milestones.services.today", lambda: dt.date(2025, 12, 15))
    request(nansha_project, unit)
    sweep(dt.date(2025, 12, 16), dt.date(2026, 1, 5))
    assert told("milestones.rectification_due").count() == 1
    assert not told("milestones.rectification_overdue").exists()


def test_rectification_after_a_midterm_check_until_a_later_check(officer):
    project = open_project(officer)
    unit = unit_member(project)
    midterm_record(actor=officer, project=project, outcome=MidtermOutcome.RECTIFY,
                   checked_on=dt.date(2025, 3, 1))  # rectify by 2025-06-01
    ahead = open_project(officer)
    midterm_record(actor=officer, project=ahead, outcome=MidtermOutcome.RECTIFY, checked_on=dt.date(2025, 3, 1))
    midterm_record(actor=officer, project=ahead, outcome=MidtermOutcome.ON_TRACK, checked_on=dt.date(2025, 4, 1))
    sweep(dt.date(2025, 5, 18), dt.date(2025, 5, 18), dt.date(2025, 5, 29), dt.date(2025, 6, 2),
          dt.date(2025, 6, 3))
    due = told("milestones.rectification_due", recipient=unit)
    assert [n.values["days"] for n in due] == [14, 3] and due[0].values["date"] == "2025-06-01"
    assert told("milestones.rectification_overdue", recipient=unit).count() == 1
    assert not Notification.objects.filter(kind__startswith="milestones.rectification",
                                           recipient__in=members(ahead)).exists()


def test_due_tranche_not_released_reminds_the_officer_weekly_until_released(officer):
    bystander = UserFactory(role=Role.OFFICER)
    project = open_project(officer, program=YUEXIU, code="1", award="1700000")
    tranche = project.tranches.get(seq=1)
    since = tranche.due_on
    sweep(*(since + dt.timedelta(days=d) for d in (0, 6, 7, 7, 10, 14, 15)))
    reminders = told("milestones.tranche_unreleased")
    assert [(n.recipient, n.values["days"]) for n in reminders] == [(officer, 7), (officer, 14)]
    assert reminders[0].target == tranche and reminders[0].values["amount"] == "1,020,000.00"
    reference = project.application.reference
    assert render(reminders[0], "en")[0] == f"Project {reference}: tranche 1 due since {since.isoformat()}"
    assert render(reminders[0], "zh-hans")[0] == f"项目 {reference}：第1批资金自 {since.isoformat()} 起待拨付"
    assert list(SentReminder.objects.filter(kind="milestones.tranche_unreleased").order_by("-lead_days")
                .values_list("lead_days", flat=True)) == [-7, -14]
    pay_tranche(actor=officer, tranche=tranche, payment_reference="YX-2025-1")
    sweep(since + dt.timedelta(days=21))
    assert reminders.count() == 2
    assert not told("milestones.tranche_unreleased", recipient=bystander).exists()
    assert not told("milestones.tranche_unreleased", recipient__in=members(project)).exists()


def test_due_tranche_of_a_departed_officer_reaches_every_active_officer(officer):
    """The project's officer has left: the weekly reminder goes to the officers still active instead, once each,
    so no due tranche goes untold; the departed officer gets nothing."""
    from django.contrib.auth import get_user_model

    first, second = UserFactory(role=Role.OFFICER), UserFactory(role=Role.OFFICER)
    get_user_model().objects.filter(pk=officer.pk).update(is_active=False)
    officer.refresh_from_db()
    project = open_project(first, program=YUEXIU, code="1", award="1700000")
    project.officer = officer
    project.save(update_fields=["officer"])
    tranche = project.tranches.get(seq=1)
    sweep(tranche.due_on + dt.timedelta(days=7), tranche.due_on + dt.timedelta(days=7))
    reminders = told("milestones.tranche_unreleased")
    assert sorted(n.recipient_id for n in reminders) == sorted([first.pk, second.pk])  # once each
    assert not told("milestones.tranche_unreleased", recipient=officer).exists()


def test_due_tranche_of_a_terminated_project_is_not_reminded(officer):
    project = open_project(officer, program=YUEXIU, code="1", award="1700000")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.TERMINATED)
    sweep(project.tranches.get(seq=1).due_on + dt.timedelta(days=7))
    assert not told("milestones.tranche_unreleased").exists()


@pytest.mark.parametrize("many", [False, True])
def test_project_reminder_sources_query_count_does_not_grow_with_projects(officer, django_assert_num_queries, many):
    from milestones import reminders

    for _ in range(3 if many else 1):
        project = open_project(officer, program=YUEXIU, code="1", award="1700000")
        second_member(project)
        midterm_record(actor=officer, project=project, outcome=MidtermOutcome.RECTIFY,
                       checked_on=project.starts_on + dt.timedelta(days=1))
    Project.objects.update(ends_on=ENDS)  # Yuexiu's guide states no period
    today = project.tranches.get(seq=1).due_on + dt.timedelta(days=7)
    with django_assert_num_queries(3):  # failed acceptances, mid-term checks, members
        assert len(list(reminders.rectification_due(dt.date(2024, 12, 1)))) == (6 if many else 2)
    with django_assert_num_queries(2):  # the tranches, whether their officers still work for the program's office
        assert len(list(reminders.tranche_unreleased(today))) == (3 if many else 1)
    with django_assert_num_queries(2):
        assert len(list(reminders.acceptance_due(dt.date(2025, 8, 20)))) == (6 if many else 2)
