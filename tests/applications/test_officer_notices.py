"""Issue 18, "who was not told": the program's officers hear of each submission and resubmission, with the
eligibility verdict, and no field of the mail is left empty."""

import pytest
from django.core import mail

from accounts.models import Role
from applications import services
from notifications.models import Notification
from notifications.services import render
from tests.factories import UserFactory

from .conftest import valid_submission

pytestmark = pytest.mark.usefixtures("inline_tasks")


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def _no_empty_field(text: str) -> None:
    assert "：。" not in text and ": ." not in text and "：\n" not in text and "（）" not in text


def test_submit_tells_every_active_officer_when_nobody_has_worked_on_it(applicant, officer, ready_draft, nansha,
                                                                         django_capture_on_commit_callbacks):
    second = UserFactory(role=Role.OFFICER)
    UserFactory(role=Role.OFFICER, is_active=False)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        app = services.application_submit(actor=applicant, application=ready_draft, data=valid_submission(nansha))
    rows = Notification.objects.filter(kind="applications.received", object_id=str(app.pk))
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted([officer.pk, second.pk])
    [message] = _mail_to(officer)
    assert message.subject.endswith(f"申报 {app.reference} 已提交，待形式审查")
    assert app.organisation.name in message.body and "资格自查结果：需项目主管研判" in message.body
    _no_empty_field(message.body)
    title, body = render(rows.first(), "en")
    assert "Eligibility check: Needs an officer's judgement" in body and app.reference in title
    assert not Notification.objects.filter(kind="applications.received", recipient=applicant).exists()


def test_resubmit_tells_the_officer_who_returned_it_with_the_new_version(applicant, officer, submitted, nansha,
                                                                         django_capture_on_commit_callbacks):
    bystander = UserFactory(role=Role.OFFICER)  # never worked on this application
    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(actor=officer, application=submitted, reason="预算表缺少盖章页")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.application_resubmit(actor=applicant, application=submitted, data=valid_submission(nansha))
    notice = Notification.objects.get(kind="applications.resubmitted")
    assert (notice.recipient, notice.values["version"]) == (officer, 2)
    assert not Notification.objects.filter(recipient=bystander, kind__startswith="applications.re").exists()
    [message] = _mail_to(officer)
    assert "第 2 版" in message.subject and submitted.reference in message.body
    _no_empty_field(message.body)


def test_submit_refused_tells_no_officer(applicant, officer, draft, nansha):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # the required material is missing
        services.application_submit(actor=applicant, application=draft, data=valid_submission(nansha))
    assert not Notification.objects.filter(kind__in=["applications.received", "applications.submitted"]).exists()


def test_resubmit_reaches_every_active_officer_when_the_returning_officer_has_left(
        applicant, officer, submitted, nansha):
    services.application_return(actor=officer, application=submitted, reason="预算表缺少盖章页")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    stand_in = UserFactory(role=Role.OFFICER)
    services.application_resubmit(actor=applicant, application=submitted, data=valid_submission(nansha))
    told = Notification.objects.filter(kind="applications.resubmitted").values_list("recipient_id", flat=True)
    assert list(told) == [stand_in.pk]
