"""After seed_demo, every demo account's dashboard shows real items: the demo project made through the services
(Yuexiu track 1, 170万元 paid 60/40 as the guide says), its tranche due and report waiting, the reviewer's
assignments and conflict."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from applications.models import Status
from audit.models import AuditEvent
from demo.projects import TITLE, YUEXIU
from demo.reviews import FORMER_EMPLOYER_USCC
from milestones.models import Project, ProjectState, ReportKind, ReportState, TrancheState
from organisations.uscc import is_valid_uscc
from reviews.models import Assignment, Award, AwardState, ReviewRound, ReviewState, RoundState

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the PDFs are not the point here
        call_command("seed_demo", verbosity=0)
    return Project.objects.select_related("application").get(application__title=TITLE)


def page(client, username: str, name: str) -> str:
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse(f"dashboards:{name}"))
    assert response.status_code == 200
    return response.content.decode()


def test_seed_demo_project_has_the_guides_money_and_went_through_every_step(demo):
    application = demo.application
    assert application.track.program.code == YUEXIU and application.track.code == "1"
    assert application.organisation.uscc == "91440115MA59UE0T06"  # the demo applicant's organisation
    assert application.status == Status.APPROVED
    assert demo.award == Decimal("1700000.00") and demo.state == ProjectState.IN_PROGRESS
    tranches = list(demo.tranches.order_by("seq").values_list("amount", "share_percent", "state"))
    assert tranches == [(Decimal("1020000.00"), Decimal("60"), TrancheState.DUE),
                        (Decimal("680000.00"), Decimal("40"), TrancheState.PLANNED)]
    assert demo.contract_signed_on is not None and demo.contract_file
    midterm = demo.reports.get(kind=ReportKind.MIDTERM)
    assert midterm.state == ReportState.SUBMITTED and midterm.submitted_by.username == "applicant"
    assert midterm.evidence.count() == 1
    review_round = ReviewRound.objects.get(track=application.track)
    assert review_round.state == RoundState.DECIDED and review_round.publicity_ends < demo.starts_on
    award = Award.objects.get(application=application)
    assert award.state == AwardState.APPROVED and award.amount == demo.award
    review = Assignment.objects.get(application=application).review
    assert review.state == ReviewState.SUBMITTED and review.assignment.reviewer.user.username == "reviewer"
    # Each step is in the audit trail, by the role that takes it.
    steps = set(AuditEvent.objects.values_list("action", "actor__username"))
    assert {("submit", "applicant"), ("pass", "officer"), ("accept", "reviewer"), ("submit", "reviewer"),
            ("propose", "officer"), ("start_publicity", "officer"), ("approve", "officer"), ("open", "officer"),
            ("make_due", "officer"), ("record_contract", "officer"), ("close", "officer")} <= steps


def test_seed_demo_applicant_dashboard_shows_the_project_and_its_next_action(client, demo):
    body = page(client, "applicant", "applicant")
    row = re.search(rf'<tr data-project="{demo.pk}" data-action="([a-z_]+)">(.*?)</tr>', body, re.S)
    assert row, "the demo project is not on the applicant's dashboard"
    final = demo.reports.get(kind=ReportKind.FINAL)
    assert row.group(1) == "submit_report"  # the mid-term report is in; the final report is next
    assert reverse("milestones:report", args=[demo.pk, final.pk]) in row.group(2)
    assert demo.application.reference in row.group(2) and final.due_on.isoformat() in row.group(2)
    assert "applicant-applications" in body and demo.application.reference in body


def test_seed_demo_officer_dashboard_shows_a_tranche_due_a_report_waiting_and_the_money(client, demo):
    body = page(client, "officer", "officer")
    tranche = demo.tranches.get(seq=1)
    report = demo.reports.get(kind=ReportKind.MIDTERM)
    due = body[body.index('id="tranches-due"'):body.index('id="reports-waiting"')]
    assert f'data-tranche="{tranche.pk}"' in due and "1,020,000.00" in due
    waiting = body[body.index('id="reports-waiting"'):]
    assert f'data-report="{report.pk}"' in waiting
    assert reverse("milestones:report", args=[demo.pk, report.pk]) in waiting
    total = re.search(r'<tr class="fw-bold" id="disbursement-total">(.*?)</tr>', body, re.S).group(1)
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', total)
    # projects, approved, released, due, planned
    assert cells[0] == "1" and "1,700,000.00" in cells[1] and "1,020,000.00" in cells[3] and "680,000.00" in cells[4]
    assert f'<tr data-program="{YUEXIU}"' in body[body.index('id="completion"'):]  # one project reporting


def test_seed_demo_reviewer_dashboard_shows_assignments_and_the_declared_conflict(client, demo):
    body = page(client, "reviewer", "reviewer")
    steps = dict(re.findall(r'data-assignment="(\d+)" data-step="([a-z_]+)"', body))
    by_track = {a.round.track.program.code: str(a.pk) for a in
                Assignment.objects.filter(reviewer__user__username="reviewer").select_related("round__track__program")}
    assert steps[by_track["nansha-2024-high-value-patent-center"]] == "declare"  # waiting on the reviewer
    assert steps[by_track[YUEXIU]] == "submitted"
    assert 'data-submitted="1" data-total="2"' in body
    assert is_valid_uscc(FORMER_EMPLOYER_USCC) and FORMER_EMPLOYER_USCC in body[body.index('id="conflicts"'):]


def test_seed_demo_every_dashboard_has_unread_notifications(client, demo):
    from notifications.models import Notification

    for username in ("applicant", "reviewer", "officer"):
        user = User.objects.get(username=username)
        assert Notification.objects.filter(recipient=user, read_at__isnull=True).exists(), username
    page(client, "admin", "admin")  # the admin's audit log opens on the demo's trail


def test_seed_demo_admin_audit_log_names_every_step_of_the_demo(client, demo):
    from django.utils import translation

    from dashboards.selectors import audit_rows

    body = page(client, "admin", "admin")
    assert reverse("milestones:project", args=[demo.pk]) in body  # the newest events are the project's
    events = AuditEvent.objects.select_related("content_type", "actor")
    with translation.override("en"):
        raw = {(row.event.content_type.model, row.action) for row in audit_rows(events)
               if re.fullmatch(r"[a-z_]+", row.action)}
    assert not raw, f"steps shown as their code: {raw}"
