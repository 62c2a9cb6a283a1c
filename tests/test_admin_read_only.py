"""Notifications, sent reminders and background jobs are written only by the portal's services: the Django admin
shows them and refuses to add, change or delete one (issue 15, item 13)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from jobs.models import Job
from notifications.models import Notification, SentReminder
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _rows(applicant):
    notice = Notification.objects.create(recipient=applicant, kind="application.returned", values={"reference": "A1"})
    reminder = SentReminder.objects.create(recipient=applicant, kind="report.due", object_id=str(applicant.pk),
                                           content_type=ContentType.objects.get_for_model(applicant),
                                           due_date=dt.date(2026, 12, 20), notification=notice)
    job = Job.objects.create(kind="reviews.ranking_xlsx", requested_by=applicant)
    return {Notification: notice, SentReminder: reminder, Job: job}


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", [Notification, SentReminder, Job], ids=lambda m: m._meta.label)
def test_admin_read_only_refuses_add_change_and_delete(client, admin, applicant, model):
    row = _rows(applicant)[model]
    client_for(client, admin)
    assert client.get(_url(model, "changelist")).status_code == 200
    page = client.get(_url(model, "change", row.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # a view page, no save button
    before = model.objects.count()
    fabricated = {"recipient": str(applicant.pk), "requested_by": str(applicant.pk), "kind": "fabricated.notice",
                  "object_id": "1", "due_date": "2026-12-21", "lead_days": "0", "values": '{"reference": "FAKE"}',
                  "link": "https://evil.example/", "email_status": "none", "state": "done", "language": "zh-hans"}
    assert client.post(_url(model, "add"), fabricated).status_code == 403
    assert client.post(_url(model, "change", row.pk), fabricated).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.count() == before
    row.refresh_from_db()
    assert row.kind != "fabricated.notice"
    assert not Notification.objects.filter(kind="fabricated.notice").exists()
