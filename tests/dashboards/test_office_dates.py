"""Dates shown on pages are the office's dates (Asia/Shanghai), not UTC ones: between 16:00 and 24:00 UTC the two
differ by a day. The clock is pinned at 20:30 UTC on 1 December, which is 04:30 on 2 December in Shanghai."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from milestones.services import acceptance_request, contract_record, report_review, report_submit
from programs.selectors import today
from tests.milestones.conftest import open_project, pdf, ready_for_acceptance

pytestmark = pytest.mark.django_db

EVENING_UTC = dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC)
OFFICE_DAY, UTC_DAY = "2026-12-02", "2026-12-01"


@pytest.fixture
def utc_evening():
    with time_machine.travel(EVENING_UTC, tick=True):
        assert timezone.now().date().isoformat() == UTC_DAY and today().isoformat() == OFFICE_DAY
        yield


def _row(body: str, attribute: str) -> str:
    [row] = re.findall(rf"<tr {attribute}.*?</tr>", body, re.S)
    return row


def test_pages_show_the_office_date_of_a_submission_at_20_30_utc(utc_evening, client, officer, applicant, org):
    project = open_project(officer, organisation=org, starts_on=today() - dt.timedelta(days=60))
    contract_record(actor=officer, project=project, signed_on=today(), signed_file=pdf())
    midterm, final = project.reports.order_by("seq")
    report_submit(actor=applicant, report=midterm, values={}, narrative="已完成专利布局。")
    report_submit(actor=applicant, report=final, values={}, narrative="全部完成。")

    client.force_login(applicant)
    response = client.get(reverse("dashboards:applicant"))
    [(_project, action)] = response.context["projects"]
    assert (action.code, action.since) == ("wait_report", dt.date(2026, 12, 2))
    row = _row(response.content.decode(), f'data-project="{project.pk}"')
    assert OFFICE_DAY in row and UTC_DAY not in row

    body = client.get(reverse("milestones:report", args=[project.pk, midterm.pk])).content.decode()
    assert f"提交于 {OFFICE_DAY}" in body and f"提交于 {UTC_DAY}" not in body

    client.force_login(officer)
    body = client.get(reverse("dashboards:officer")).content.decode()
    row = _row(body, f'data-report="{midterm.pk}"')
    assert OFFICE_DAY in row and UTC_DAY not in row

    report_review(actor=officer, report=midterm, accept=True)
    report_review(actor=officer, report=final, accept=True)
    ready_for_acceptance(project)
    acceptance_request(actor=applicant, project=project, final_report=pdf("final.pdf"),
                       final_accounts=pdf("accounts.pdf"), confirm_early=True)  # the period has not ended
    client.force_login(applicant)
    body = client.get(reverse("milestones:project", args=[project.pk])).content.decode()
    [item] = re.findall(r'<ul id="acceptances">.*?</ul>', body, re.S)
    assert OFFICE_DAY in item and UTC_DAY not in item


def test_members_page_shows_the_office_date_a_member_joined_at_20_30_utc(utc_evening, client, applicant, org):
    client.force_login(applicant)
    body = client.get(reverse("organisations:members", args=[org.pk])).content.decode()
    assert OFFICE_DAY in body and UTC_DAY not in body
