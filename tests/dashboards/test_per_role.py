"""Each dashboard per role: the applicant's projects with their next action, the reviewer's own assignments,
progress and conflicts, the office's tranches due, reports waiting, disbursement and KPI completion; that nobody
sees another organisation's or another reviewer's items; and a fixed number of queries with one row and many."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from applications.models import ApplicationVersion
from milestones.models import (
    PROJECT_TRANSITIONS,
    TRANCHE_TRANSITIONS,
    KpiReport,
    MidtermOutcome,
    Project,
    ProjectState,
    ProjectTranche,
    ReportKind,
    ReportState,
    TrancheState,
)
from milestones.services import (
    acceptance_record,
    acceptance_request,
    contract_record,
    midterm_record,
    report_review,
    report_submit,
)
from programs.selectors import today
from reviews import services as reviews
from reviews.models import Assignment, ReviewRound
from tests.factories import pay_tranche
from tests.milestones.conftest import YUEXIU, open_project, pdf, ready_for_acceptance, unit_member
from tests.milestones.test_reports import COMMITTED, FANGCHENGGANG, reached_values
from tests.organisations.factories import make_uscc
from tests.reviews.conftest import make_reviewer, passed_application, run_to_reviewing, score_all, track_of

pytestmark = pytest.mark.django_db


def _projects(client, user):
    client.force_login(user)
    return client.get(reverse("dashboards:applicant"))


# --- applicant ---------------------------------------------------------------------------------------------------


def test_applicant_dashboard_lists_only_own_organisations_projects(client, officer, applicant, other_applicant, org,
                                                                   other_org):
    mine = open_project(officer, organisation=org)
    theirs = open_project(officer, organisation=other_org)
    response = _projects(client, applicant)
    assert [p.pk for p, _ in response.context["projects"]] == [mine.pk] and response.context["project_count"] == 1
    body = response.content.decode()
    assert reverse("milestones:project", args=[mine.pk]) in body
    assert theirs.application.reference not in body and reverse("milestones:project", args=[theirs.pk]) not in body
    response = _projects(client, other_applicant)
    assert [p.pk for p, _ in response.context["projects"]] == [theirs.pk]
    assert mine.application.reference not in response.content.decode()


def test_applicant_dashboard_projects_empty_state(client, applicant, org):
    response = _projects(client, applicant)
    assert response.context["projects"] == [] and 'id="applicant-projects"' in response.content.decode()


def _action(client, user):
    [(_project, action)] = _projects(client, user).context["projects"]
    return action


def test_applicant_project_next_action_follows_the_project(client, officer, applicant, org):
    start = today() - dt.timedelta(days=60)
    project = open_project(officer, organisation=org, starts_on=start)
    midterm, final = project.reports.order_by("seq")
    assert (midterm.kind, final.kind) == (ReportKind.MIDTERM, ReportKind.FINAL)

    action = _action(client, applicant)
    assert (action.code, action.deadline, action.waiting) == ("sign_contract", None, False)

    contract_record(actor=officer, project=project, signed_on=today(), signed_file=pdf())
    action = _action(client, applicant)
    assert (action.code, action.report.pk, action.deadline, action.overdue) == (
        "submit_report", midterm.pk, midterm.due_on, False)
    assert reverse("milestones:report", args=[project.pk, midterm.pk]) in _projects(client, applicant).content.decode()

    report_submit(actor=applicant, report=midterm, values={}, narrative="已完成专利布局。")
    action = _action(client, applicant)
    assert (action.code, action.report.pk, action.deadline) == ("submit_report", final.pk, final.due_on)

    report_review(actor=officer, report=midterm, accept=False, comments="请补充证明材料。")
    action = _action(client, applicant)
    assert (action.code, action.report.pk, action.deadline) == ("revise_report", midterm.pk, midterm.due_on)

    midterm_record(actor=officer, project=project, outcome=MidtermOutcome.RECTIFY, checked_on=today(),
                   rectify_by=today() + dt.timedelta(days=10))
    action = _action(client, applicant)  # the earliest deadline first
    assert (action.code, action.deadline) == ("rectify_midterm", today() + dt.timedelta(days=10))
    rectification = project.reports.get(kind=ReportKind.RECTIFICATION)  # owed since the check
    report_submit(actor=applicant, report=rectification, values={}, narrative="已按中期检查意见整改。")
    report_review(actor=officer, report=rectification, accept=True)
    midterm_record(actor=officer, project=project, outcome=MidtermOutcome.ON_TRACK, checked_on=today())
    assert _action(client, applicant).code == "revise_report"  # the latest check wins

    report_submit(actor=applicant, report=midterm, values={}, narrative="已补充。")
    report_submit(actor=applicant, report=final, values={}, narrative="全部完成。")
    action = _action(client, applicant)
    assert (action.code, action.waiting, action.report.pk) == ("wait_report", True, midterm.pk)
    assert action.since == today()

    report_review(actor=officer, report=midterm, accept=True)
    report_review(actor=officer, report=final, accept=True)
    action = _action(client, applicant)
    assert (action.code, action.deadline) == ("request_acceptance", project.ends_on)

    ready_for_acceptance(project)
    acceptance_request(actor=applicant, project=project, final_report=pdf("final.pdf"),
                       final_accounts=pdf("accounts.pdf"), confirm_early=True)  # the period has not ended
    assert _action(client, applicant).code == "wait_acceptance"

    acceptance_record(actor=officer, project=project, outcome="failed", mode="written", inspected_on=today(),
                      expert_opinion="专利组合尚未形成。")
    project.refresh_from_db()
    rectification = project.reports.filter(kind=ReportKind.RECTIFICATION).latest("seq")
    action = _action(client, applicant)  # the rectification report first, due on the deadline
    assert (action.code, action.report.pk, action.deadline) == ("submit_report", rectification.pk,
                                                                project.rectify_by)
    report_submit(actor=applicant, report=rectification, values={}, narrative="已整改。")
    action = _action(client, applicant)
    assert (action.code, action.deadline) == ("request_acceptance", project.rectify_by)
    assert project.rectify_by > today() and not action.overdue  # any day up to the deadline

    yesterday = today() - dt.timedelta(days=1)  # the rectification period is over
    Project.objects.filter(pk=project.pk).update(rectify_by=yesterday)
    project.acceptances.filter(outcome="failed").update(inspected_on=yesterday - dt.timedelta(days=1))
    action = _action(client, applicant)
    assert (action.code, action.deadline, action.overdue) == ("request_acceptance", yesterday, True)

    ready_for_acceptance(project)
    acceptance_request(actor=applicant, project=project, final_report=pdf("final.pdf"),
                       final_accounts=pdf("accounts.pdf"), confirm_early=True)  # the period has not ended
    acceptance_record(actor=officer, project=project, outcome="passed", mode="on_site", inspected_on=today(),
                      expert_opinion="通过。")
    due = list(project.tranches.filter(state=TrancheState.DUE).order_by("seq"))  # on the contract, on acceptance
    action = _action(client, applicant)
    assert (action.code, action.waiting, action.since, len(due)) == ("wait_tranche", True, due[0].due_on, 2)

    for tranche in due:
        pay_tranche(actor=officer, tranche=tranche, payment_reference=f"GZ-2025-000{tranche.seq}")
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSED and _action(client, applicant) is None


def test_applicant_project_past_deadline_is_overdue(client, officer, applicant, org):
    project = open_project(officer, organisation=org, starts_on=today() - dt.timedelta(days=400))
    contract_record(actor=officer, project=project, signed_on=project.starts_on, signed_file=pdf())
    action = _action(client, applicant)
    assert action.code == "submit_report" and action.deadline < today() and action.overdue
    assert 'class="badge text-bg-danger"' in _projects(client, applicant).content.decode()


def test_applicant_dashboard_caps_projects_with_a_link_to_all(client, officer, applicant, org):
    for _ in range(12):
        open_project(officer, organisation=org)
    response = _projects(client, applicant)
    assert len(response.context["projects"]) == 10 and response.context["project_count"] == 12
    assert reverse("milestones:projects") in response.content.decode()


def test_applicant_dashboard_constant_queries_with_projects(client, officer, applicant, org,
                                                            django_assert_num_queries):
    open_project(officer, organisation=org)
    client.force_login(applicant)
    # session, user, applications (the page cut on ids, their count a subquery), projects (likewise, with their
    # first tranche due and latest mid-term check as subqueries), their reports, unread list (the header's count a
    # subquery)
    with django_assert_num_queries(6):
        page = client.get(reverse("dashboards:applicant")).content.decode()
    assert f'data-project="{Project.objects.get().pk}"' in page
    for i in range(11):
        project = open_project(officer, organisation=org)
        contract_record(actor=officer, project=project, signed_on=today(), signed_file=pdf())
        if i % 2:
            midterm_record(actor=officer, project=project, outcome=MidtermOutcome.RECTIFY, checked_on=today())
    with django_assert_num_queries(6):
        response = client.get(reverse("dashboards:applicant"))
    assert len(response.context["projects"]) == 10 and response.context["project_count"] == 12


# --- reviewer ----------------------------------------------------------------------------------------------------


@pytest.fixture
def review(officer):
    """Two applications on Yuexiu 7 and three reviewers, each assigned to both, the round due in a week."""
    track = track_of(YUEXIU, "7")
    applications = [passed_application(track) for _ in range(2)]
    experts = [make_reviewer() for _ in range(3)]
    review_round = run_to_reviewing(officer, track, per_application=3)
    ReviewRound.objects.filter(pk=review_round.pk).update(deadline=today() + dt.timedelta(days=7))
    return applications, experts


def _assignment(expert, application):
    return Assignment.objects.get(reviewer=expert, application=application)


def _reviewer(client, user):
    client.force_login(user)
    return client.get(reverse("dashboards:reviewer"))


def test_reviewer_dashboard_own_assignments_progress_and_conflicts(client, review, reviewer):
    (first, second), (one, two, _three) = review
    score_all(_assignment(one, first), 80)
    reviews.assignment_declare_conflict(actor=two.user, assignment=_assignment(two, first),
                                        reason="曾任该单位技术顾问。")
    reviews.conflict_declare_standing(actor=two.user, reviewer=two, uscc=make_uscc(777), reason="原工作单位。")

    response = _reviewer(client, one.user)
    rows = {a.pk: step for a, step in response.context["assignments"]}
    assert rows == {_assignment(one, first).pk: rows[_assignment(one, first).pk],
                    _assignment(one, second).pk: rows[_assignment(one, second).pk]}
    assert rows[_assignment(one, first).pk].code == "submitted" and rows[_assignment(one, second).pk].code == "declare"
    progress = response.context["progress"]
    assert (progress.total, progress.submitted, progress.to_declare, progress.to_score, progress.conflicts) == (
        2, 1, 1, 0, 0)
    assert response.context["conflicts"] == [] and response.context["conflict_count"] == 0
    body = response.content.decode()
    assert "曾任该单位技术顾问" not in body and "原工作单位" not in body  # never another reviewer's conflicts
    assert (today() + dt.timedelta(days=7)).strftime("%Y-%m-%d") in body and 'data-submitted="1"' in body

    response = _reviewer(client, two.user)
    assert [a.pk for a, _ in response.context["assignments"]] == [_assignment(two, second).pk]
    progress = response.context["progress"]
    assert (progress.total, progress.submitted, progress.to_declare, progress.conflicts) == (1, 0, 1, 1)
    conflicts = response.context["conflicts"]
    assert [(c.application_id, c.uscc) for c in conflicts] == [(None, make_uscc(777)), (first.pk, "")]
    body = response.content.decode()
    assert "曾任该单位技术顾问" in body and make_uscc(777) in body and first.reference in body
    own = {_assignment(one, first).pk, _assignment(one, second).pk}
    assert not own & {a.pk for a, _ in response.context["assignments"]}

    response = _reviewer(client, reviewer)  # a reviewer with no profile and no assignment
    assert response.context["assignments"] == [] and response.context["conflicts"] == []
    assert response.context["progress"].total == 0


def test_reviewer_dashboard_marks_overdue_and_scored_rows(client, review):
    (first, second), (one, _two, _three) = review
    score_all(_assignment(one, first), 70)
    reviews.assignment_accept(actor=one.user, assignment=_assignment(one, second))
    ReviewRound.objects.update(deadline=today() - dt.timedelta(days=1))
    steps = {a.application_id: step for a, step in _reviewer(client, one.user).context["assignments"]}
    assert (steps[first.pk].code, steps[first.pk].overdue) == ("submitted", False)
    assert (steps[second.pk].code, steps[second.pk].overdue) == ("score", True)


def test_reviewer_dashboard_constant_queries(client, officer, django_assert_num_queries):
    track = track_of(YUEXIU, "7")
    passed_application(track)
    expert = make_reviewer(load_limit=50)
    run_to_reviewing(officer, track, per_application=1)
    reviews.conflict_declare_standing(actor=expert.user, reviewer=expert, uscc=make_uscc(778), reason="亲属任职。")
    client.force_login(expert.user)
    # session, user, assignments, progress (one aggregate), conflicts (their count a subquery), unread list (their
    # count, the header's, a subquery)
    with django_assert_num_queries(6):
        assert len(client.get(reverse("dashboards:reviewer")).context["assignments"]) == 1
    for code in ("1", "2", "3"):
        other = track_of(YUEXIU, code)
        for _ in range(5):
            passed_application(other)
        run_to_reviewing(officer, other, per_application=1)
    for i, assignment in enumerate(Assignment.objects.filter(reviewer=expert).order_by("pk")):
        if i % 3 == 0:
            score_all(assignment, 75)
        elif i % 3 == 1:
            reviews.assignment_declare_conflict(actor=expert.user, assignment=assignment, reason=f"冲突{i}")
    for i in range(25):
        reviews.conflict_declare_standing(actor=expert.user, reviewer=expert, uscc=make_uscc(800 + i), reason="x")
    with django_assert_num_queries(6):
        response = client.get(reverse("dashboards:reviewer"))
    assert len(response.context["assignments"]) == 10 and len(response.context["conflicts"]) == 20
    assert response.context["conflict_count"] > 20 and response.context["progress"].total > 10


# --- officer -----------------------------------------------------------------------------------------------------


def _fcg_project(officer):
    """A Fangchenggang 6 project whose committed KPIs are the known numbers of tests/milestones/test_reports.py."""
    project = open_project(officer, program=FANGCHENGGANG, code="6", award="200000", starts_on=dt.date(2022, 7, 1))
    kpis = {k.metric: k for k in project.application.track.kpis.all()}
    version = ApplicationVersion.objects.get(application=project.application)
    version.snapshot["kpis"] = {str(kpis[m].pk): [str(v), ""] for m, v in COMMITTED.items()}
    version.save(update_fields=["snapshot"])
    return project


def _officer(client, user):
    client.force_login(user)
    return client.get(reverse("dashboards:officer"))


def test_officer_dashboard_tranches_due_reports_waiting_and_disbursement(client, officer, admin):
    nansha = open_project(officer)  # 南沙: paid on the contract and on acceptance
    yuexiu = open_project(officer, program=YUEXIU, code="1", award="1700000")  # 越秀: the first tranche on approval
    contract_record(actor=officer, project=nansha, signed_on=today(), signed_file=pdf())
    report = nansha.reports.get(seq=1)
    report_submit(actor=unit_member(nansha), report=report, values={}, narrative="进展顺利。")
    due = list(ProjectTranche.objects.filter(state=TrancheState.DUE).order_by("due_on", "project_id", "seq"))
    assert len(due) == 2

    for user in (officer, admin):
        response = _officer(client, user)
        assert [t.pk for t in response.context["tranches"]] == [t.pk for t in due]
        assert response.context["tranche_count"] == 2
        assert [r.pk for r in response.context["reports"]] == [report.pk] and response.context["report_count"] == 1
    body = response.content.decode()
    assert all(reverse("milestones:project", args=[p.pk]) in body for p in (nansha, yuexiu))
    assert reverse("milestones:report", args=[nansha.pk, report.pk]) in body
    assert all(f"{t.amount:,.2f}" in body for t in due)

    first = yuexiu.tranches.get(seq=1)
    pay_tranche(actor=officer, tranche=first, payment_reference="YX-0001")
    response = _officer(client, officer)
    assert [t.pk for t in response.context["tranches"]] == [nansha.tranches.get(seq=1).pk]
    rows = {row.program.code: row for row in response.context["funded"]}
    assert set(rows) == {nansha.application.track.program.code, yuexiu.application.track.program.code}
    y = rows[yuexiu.application.track.program.code]
    assert (y.approved, y.released, y.due, y.planned) == (
        Decimal("1700000.00"), first.amount, Decimal("0.00"), Decimal("1700000.00") - first.amount)
    n = rows[nansha.application.track.program.code]
    assert (n.approved, n.released, n.due) == (Decimal("300000.00"), Decimal("0.00"), nansha.tranches.get(seq=1).amount)
    total = response.context["funded_total"]
    assert (total.approved, total.released, total.projects) == (Decimal("2000000.00"), first.amount, 2)
    assert y.released_percent == (first.amount * 100 / Decimal("1700000")).quantize(Decimal("0.1"))
    chart = response.context["disbursement_chart"]
    index = chart["labels"].index(y.program.short_title or y.program.code)
    assert chart["released"][index] == float(first.amount)
    body = response.content.decode()
    assert 'id="disbursement-data"' in body and "js/disbursement-chart.js" in body
    assert f"{first.amount:,.2f}" in body and "2,000,000.00" in body


def test_officer_dashboard_caps_lists_with_a_link_to_all(client, officer):
    for _ in range(12):
        open_project(officer, program=YUEXIU, code="1", award="100000")
    response = _officer(client, officer)
    assert len(response.context["tranches"]) == 10 and response.context["tranche_count"] == 12
    see_all = reverse("milestones:projects") + "?waiting=tranches"
    assert f'href="{see_all}"' in response.content.decode()
    html = client.get(see_all).content.decode()
    assert html.count('<tr data-project="') == 12  # the link lists exactly the projects with a tranche due


def test_officer_dashboard_kpi_completion_by_program(client, officer):
    reported = [_fcg_project(officer) for _ in range(2)]
    _fcg_project(officer)  # nothing submitted yet: not counted
    for project in reported:
        report_submit(actor=unit_member(project), report=project.reports.get(seq=1),
                      values=reached_values(project), narrative="已完成专利布局。")
    report_review(actor=officer, report=reported[0].reports.get(seq=1), accept=True)
    response = _officer(client, officer)
    [row] = response.context["completion"]
    assert row.program.code == FANGCHENGGANG
    # each project: three ungrouped targets (two met) and one group (met), 75 % (tests/milestones/test_reports.py)
    assert (row.projects, row.average, row.satisfied, row.requirements) == (2, Decimal("75.0"), 6, 8)
    chart = response.context["completion_chart"]
    assert chart["data"] == [75.0] and len(chart["labels"]) == 1
    body = response.content.decode()
    assert 'id="completion-data"' in body and "js/completion-chart.js" in body
    assert reverse("milestones:completion", args=[row.program.pk]) in body


def _reported(officer, *, accept: bool):
    project = _fcg_project(officer)
    report = project.reports.get(seq=1)
    report_submit(actor=unit_member(project), report=report, values=reached_values(project), narrative="进展。")
    if accept:
        report_review(actor=officer, report=report, accept=True)
    return project


def test_officer_dashboard_constant_queries_with_projects(client, officer, django_assert_num_queries):
    _reported(officer, accept=True)
    client.force_login(officer)
    # session, user, queue, round and project counts (one aggregate each), funnel (GROUP BY and programs), tranches due,
    # reports waiting (their counts subqueries), money per program (programs, GROUP BY), completion (the stored
    # figures summed per program, the programs), unread list (the header's count a subquery)
    with django_assert_num_queries(14):
        client.get(reverse("dashboards:officer"))
    for n in range(8):
        _reported(officer, accept=n % 2 == 0)
    for _ in range(6):
        open_project(officer, program=YUEXIU, code="1", award="100000")
    contract_record(actor=officer, project=open_project(officer), signed_on=today(), signed_file=pdf())
    assert ProjectTranche.objects.filter(state=TrancheState.DUE).count() > 10
    assert KpiReport.objects.filter(state=ReportState.ACCEPTED).count() == 5
    with django_assert_num_queries(14):
        response = client.get(reverse("dashboards:officer"))
    assert len(response.context["tranches"]) == 10 and response.context["report_count"] == 4
    [row] = response.context["completion"]
    assert (row.projects, row.average, row.satisfied, row.requirements) == (9, Decimal("75.0"), 27, 36)


def test_officer_dashboard_completion_sums_the_stored_figures_of_the_chosen_reports(client, officer):
    """Per project the latest accepted report counts (else the latest submitted one), as the figures it keeps say:
    a later report submitted but not yet accepted does not shadow an accepted one."""
    first = _reported(officer, accept=True)
    later = first.reports.get(seq=2)
    report_submit(actor=unit_member(first), report=later, values={}, narrative="结题。")  # 0 of 4, not accepted
    second = _reported(officer, accept=False)
    KpiReport.objects.filter(pk=second.reports.get(seq=1).pk).update(completion_percent=Decimal("50.0"),
                                                                    kpi_satisfied=2, kpi_requirements=4)
    [row] = _officer(client, officer).context["completion"]
    # the first project's accepted report (75.0, 3 of 4) and the second's submitted one (as stored: 50.0, 2 of 4)
    assert (row.projects, row.average, row.satisfied, row.requirements) == (2, Decimal("62.5"), 5, 8)


def test_officer_dashboard_is_404_for_applicants_and_reviewers(client, applicant, reviewer, officer):
    open_project(officer)
    for user in (applicant, reviewer):
        client.force_login(user)
        assert client.get(reverse("dashboards:officer")).status_code == 404


# --- admin -------------------------------------------------------------------------------------------------------


def test_admin_dashboard_searches_a_projects_audit_trail(client, admin, officer):
    project = open_project(officer)
    contract_record(actor=officer, project=project, signed_on=today(), signed_file=pdf())
    open_project(officer)
    client.force_login(admin)
    project_type = ContentType.objects.get_for_model(Project)
    page = client.get(reverse("dashboards:admin"), {"content_type": project_type.pk, "object": str(project.pk)},
                      ).context["page"]
    assert {(e.object_id, e.action) for e in page} == {(str(project.pk), "open"), (str(project.pk), "record_contract")}
    response = client.get(reverse("dashboards:admin"), {"content_type": project_type.pk, "object": str(project.pk)})
    [row] = [r for r in response.context["events"] if r.event.action == "record_contract"]
    assert row.action == str(PROJECT_TRANSITIONS["record_contract"].label)
    assert row.url == reverse("milestones:project", args=[project.pk])
    tranche_type = ContentType.objects.get_for_model(ProjectTranche)
    response = client.get(reverse("dashboards:admin"), {"content_type": tranche_type.pk})
    made_due = [r for r in response.context["events"] if r.event.action == "make_due"]
    assert made_due and all((r.from_state, r.to_state, r.action) == (
        str(TrancheState.PLANNED.label), str(TrancheState.DUE.label), str(TRANCHE_TRANSITIONS["make_due"].label))
        for r in made_due)
    page = client.get(reverse("dashboards:admin"), {"actor": officer.username, "content_type": project_type.pk}
                      ).context["page"]
    assert page.paginator.count == 3 and {e.actor_id for e in page} == {officer.pk}


def test_officer_dashboard_counts_rounds_and_projects_per_state(client, officer):
    from milestones.models import ProjectState
    from reviews.models import RoundState

    open_project(officer)
    closed = open_project(officer)
    Project.objects.filter(pk=closed.pk).update(state=ProjectState.CLOSED)
    response = _officer(client, officer)
    projects = {state: n for state, _label, n in response.context["project_states"]}
    assert projects[ProjectState.IN_PROGRESS] == 1 and projects[ProjectState.CLOSED] == 1
    assert sum(projects.values()) == Project.objects.count()
    rounds = {state: n for state, _label, n in response.context["rounds"]}
    assert set(rounds) == set(RoundState.values) and sum(rounds.values()) == ReviewRound.objects.count()
    body = response.content.decode()
    assert f'href="{reverse("milestones:projects")}?state={ProjectState.CLOSED}"' in body


def test_officer_dashboard_funnel_counts_approved_applications(client, officer):
    from applications.models import Status
    from dashboards.selectors import FUNNEL_STATES

    project = open_project(officer, program=YUEXIU, code="1", award="1700000")
    response = _officer(client, officer)
    row = next(r for r in response.context["funnel"] if r.program.pk == project.application.track.program_id)
    assert row.cells[FUNNEL_STATES.index(Status.APPROVED)] == 1 and row.total == sum(row.cells) == 1


def test_officer_dashboard_completion_follows_the_report_accepted_last(client, officer):
    """As the program's completion page: the report the office accepted last counts, whatever its number."""
    project = _fcg_project(officer)
    unit = unit_member(project)
    midterm, final = project.reports.order_by("seq")
    report_submit(actor=unit, report=final, values={}, narrative="结题。")  # 0 of 4
    report_submit(actor=unit, report=midterm, values=reached_values(project), narrative="进展。")  # 3 of 4
    report_review(actor=officer, report=final, accept=True)
    report_review(actor=officer, report=midterm, accept=True)
    [row] = _officer(client, officer).context["completion"]
    assert (row.projects, row.average, row.satisfied, row.requirements) == (1, Decimal("75.0"), 3, 4)
