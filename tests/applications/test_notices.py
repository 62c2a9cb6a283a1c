"""Application steps notify the people they concern, in each recipient's language, once the step commits."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from applications import reminders, services
from applications.models import Status
from notifications.models import EmailStatus, Notification, SentReminder
from notifications.services import preferences_save, reminder_sweep
from organisations.models import Membership
from programs.models import Program
from tests.applications.conftest import decide_all
from tests.factories import UserFactory

from .conftest import valid_submission

pytestmark = pytest.mark.usefixtures("inline_tasks")


@pytest.fixture
def english_member(org):
    user = UserFactory(username="member_en", language="en")
    Membership.objects.create(organisation=org, user=user)
    return user


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_return_notifies_each_member_in_their_language(applicant, officer, english_member, submitted, nansha,
                                                        django_capture_on_commit_callbacks):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(actor=officer, application=submitted, reason="预算表缺少盖章页")
    deadline = nansha.program.call_closes.isoformat()
    zh, en = _mail_to(applicant), _mail_to(english_member)
    assert len(zh) == 1 and len(en) == 1
    assert zh[0].subject.endswith(f"申报 {submitted.reference} 已退回修改")
    assert "预算表缺少盖章页" in zh[0].body and f"申报截止日 {deadline} 前重新提交" in zh[0].body
    assert en[0].subject.endswith(f"Application {submitted.reference} returned for revision")
    assert "预算表缺少盖章页" in en[0].body and f"before the call closes on {deadline}" in en[0].body
    rows = Notification.objects.filter(kind="applications.returned", object_id=str(submitted.pk))
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted([applicant.pk, english_member.pk])
    assert rows.first().link == f"/applications/{submitted.pk}/"


def test_refuse_notifies_with_the_reason_even_when_email_is_off(applicant, officer, submitted,
                                                                  django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # a formal decision's email cannot be turned off
        preferences_save(actor=applicant, email_off={"applications.refused"})
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.application_refuse(actor=officer, application=submitted, reason="不属于支持方向")
    [message] = _mail_to(applicant)
    assert "不属于支持方向" in message.body and "未通过形式审查" in message.subject


def test_pass_notifies_and_respects_the_email_preference(applicant, officer, submitted, english_member,
                                                         django_capture_on_commit_callbacks):
    preferences_save(actor=english_member, email_off={"applications.passed"})
    decide_all(officer, submitted)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.application_pass(actor=officer, application=submitted)
    assert len(_mail_to(applicant)) == 1 and _mail_to(english_member) == []
    inbox = Notification.objects.get(recipient=english_member, kind="applications.passed")
    assert inbox.email_status == EmailStatus.NONE  # in the inbox, not emailed


def test_submit_confirms_to_the_organisation_only(applicant, other_applicant, other_org, ready_draft, nansha,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(actor=applicant, application=ready_draft,
                                                  data=valid_submission(nansha))
    note = Notification.objects.get(kind="applications.submitted")
    assert note.recipient == applicant and note.values["version"] == 1
    assert note.values["reference"] == application.reference
    assert not Notification.objects.filter(recipient=other_applicant).exists()
    assert [m.to for m in mail.outbox] == [[applicant.email]]


def test_withdraw_tells_members_and_the_officers_who_worked_on_it(applicant, officer, english_member, submitted,
                                                                   nansha, django_capture_on_commit_callbacks):
    idle_officer = UserFactory(role="officer")
    services.application_return(actor=officer, application=submitted, reason="补充材料")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(actor=applicant, application=submitted, reason="不再申报")
    recipients = set(Notification.objects.filter(kind="applications.withdrawn").values_list("recipient_id",
                                                                                           flat=True))
    assert recipients == {applicant.pk, english_member.pk, officer.pk}
    assert idle_officer.pk not in recipients
    [to_officer] = _mail_to(officer)
    assert "不再申报" in to_officer.body and str(applicant) in to_officer.body


def test_a_refused_step_notifies_nobody(applicant, officer, submitted):
    from django.core.exceptions import ValidationError

    decide_all(officer, submitted)
    before = Notification.objects.count()
    services.application_pass(actor=officer, application=submitted)
    with pytest.raises(ValidationError):
        services.application_refuse(actor=officer, application=submitted, reason="x")  # wrong state
    assert Notification.objects.count() == before + 1  # the pass only
    assert not Notification.objects.filter(kind="applications.refused").exists()


# --- reminders -------------------------------------------------------------------------------------


def _close_in(program, days: int) -> dt.date:
    today = timezone.localdate()
    Program.objects.filter(pk=program.pk).update(call_opens=today - dt.timedelta(days=30),
                                                 call_closes=today + dt.timedelta(days=days))
    return today


@pytest.mark.parametrize(("days", "step"), [(7, 7), (3, 3), (1, 1), (5, 7), (0, 1)])
def test_reminders_due_for_a_draft_before_the_call_closes(applicant, english_member, draft, nansha, days, step):
    today = _close_in(nansha.program, days)
    due = list(reminders.due(today))
    assert {(r.recipient, r.lead_days, r.target.pk) for r in due} == {
        (applicant, step, draft.pk), (english_member, step, draft.pk)}
    assert due[0].values["days"] == days


@pytest.mark.parametrize("days", [8, 30, -1])
def test_reminders_not_due_outside_the_steps(applicant, draft, nansha, days):
    assert list(reminders.due(_close_in(nansha.program, days))) == []


def test_reminders_not_for_submitted_or_other_organisations(applicant, other_applicant, other_org, submitted,
                                                            nansha):
    other = services.application_start(actor=other_applicant, track=nansha, organisation=other_org)
    due = list(reminders.due(_close_in(nansha.program, 3)))
    assert [(r.recipient, r.target.pk) for r in due] == [(other_applicant, other.pk)]


def test_reminders_due_runs_two_queries(applicant, draft, nansha, other_applicant, other_org,
                                        django_assert_num_queries):
    today = _close_in(nansha.program, 3)
    with django_assert_num_queries(2):
        assert len(list(reminders.due(today))) == 1
    for _ in range(3):
        services.application_start(actor=other_applicant, track=nansha, organisation=other_org)
    with django_assert_num_queries(2):
        assert len(list(reminders.due(today))) == 4


def test_sweep_reminds_of_the_call_once_per_step_in_each_language(applicant, english_member, draft, nansha,
                                                                   django_capture_on_commit_callbacks):
    today = _close_in(nansha.program, 3)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_sweep(today=today) == 2
        assert reminder_sweep(today=today) == 0
    assert SentReminder.objects.filter(kind="applications.call_closing", lead_days=3).count() == 2
    closes = (today + dt.timedelta(days=3)).isoformat()
    [zh], [en] = _mail_to(applicant), _mail_to(english_member)
    assert zh.subject.endswith(f"申报将于 {closes} 截止：申报 {draft.reference} 尚未提交")
    assert en.subject.endswith(f"The call closes on {closes}: application {draft.reference} is not submitted")
    assert "剩余天数：3" in zh.body and "days left: 3" in en.body


def test_sweep_no_reminder_once_submitted(applicant, submitted, nansha):
    assert submitted.status == Status.SUBMITTED
    assert reminder_sweep(today=_close_in(nansha.program, 1)) == 0
