"""KPI reports: the default schedule, submission, acceptance or return, completion on known numbers (groups
included), the report page per role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import ApplicationVersion
from audit.models import AuditEvent
from milestones.models import ReportKind, ReportState
from milestones.report_selectors import report_completion
from milestones.services import report_add, report_review, report_submit

from .conftest import open_project, unit_member

pytestmark = pytest.mark.django_db
FANGCHENGGANG = "fangchenggang-2022-ip-projects"
# Fangchenggang track 6 (知识产权密集型产业高价值专利培育转化): the committed and reached values per metric.
COMMITTED = {"形成高价值专利组合": 3, "培育专利": 25, "其中培育高价值发明专利": 12, "新增专利质押融资额": 150,
             "新增专利产品产值": 800}
REACHED = {"形成高价值专利组合": 3, "培育专利": 20, "其中培育高价值发明专利": 8, "新增专利质押融资额": 120,
           "新增专利产品产值": 500}


@pytest.fixture
def fcg_project(officer):
    project = open_project(officer, program=FANGCHENGGANG, code="6", award="200000",
                           starts_on=dt.date(2022, 7, 1))
    kpis = {k.metric: k for k in project.application.track.kpis.all()}
    version = ApplicationVersion.objects.get(application=project.application)
    version.snapshot["kpis"] = {str(kpis[m].pk): [str(v), ""] for m, v in COMMITTED.items()}
    version.save(update_fields=["snapshot"])
    return project


def reached_values(project):
    kpis = {k.metric: k for k in project.application.track.kpis.all()}
    return {kpis[m].pk: Decimal(v) for m, v in REACHED.items()}


def test_project_open_schedules_a_midterm_and_a_final_report(nansha_project):
    reports = list(nansha_project.reports.order_by("seq"))
    assert [(r.kind, r.due_on, r.state) for r in reports] == [
        (ReportKind.MIDTERM, dt.date(2025, 2, 28), ReportState.SCHEDULED),
        (ReportKind.FINAL, dt.date(2025, 8, 31), ReportState.SCHEDULED)]


def test_completion_per_kpi_group_and_overall_on_known_numbers(fcg_project):
    unit = unit_member(fcg_project)
    report = fcg_project.reports.get(seq=1)
    report_submit(actor=unit, report=report, values=reached_values(fcg_project), narrative="已完成专利布局。")
    result = report_completion(report)
    by_metric = {line.metric: line for line in result.lines}
    assert [(by_metric[m].of_commitment, by_metric[m].commitment_met, by_metric[m].target_met) for m in REACHED] == [
        (Decimal("100.0"), True, True),     # 3 of 3 committed; target ≥ 2
        (Decimal("80.0"), False, True),     # 20 of 25; target ≥ 20 met
        (Decimal("66.7"), False, False),    # 8 of 12; target ≥ 10 missed
        (Decimal("80.0"), False, True),     # 120 of 150 万元; target ≥ 100 met
        (Decimal("62.5"), False, False),    # 500 of 800 万元; target ≥ 1000 missed
    ]
    (group,) = result.groups
    assert (group.met, group.size, group.min_count, group.satisfied) == (1, 2, 1, True)  # 二者满足其一
    assert by_metric["开展专利奖申报工作"].qualitative
    # three ungrouped targets (two met) and the group (met): 3 of 4
    assert (result.satisfied, result.requirements, result.overall) == (3, 4, Decimal("75.0"))


def test_report_submit_accept_and_return_with_audit(nansha_project, officer, unit, outsider):
    report = nansha_project.reports.get(seq=1)
    with pytest.raises(PermissionDenied):
        report_submit(actor=outsider, report=report, values={}, narrative="x")
    with pytest.raises(PermissionDenied):
        report_submit(actor=officer, report=report, values={}, narrative="x")
    with pytest.raises(ValidationError) as blank:
        report_submit(actor=unit, report=report, values={}, narrative=" ")
    assert "narrative" in blank.value.message_dict
    with pytest.raises(ValidationError):  # nothing submitted yet
        report_review(actor=officer, report=report, accept=True)
    report_submit(actor=unit, report=report, values={}, narrative="中期进展",
                  evidence=[SimpleUploadedFile("证明.pdf", b"%PDF-1.4 x")])
    assert report.evidence.get().original_name == "证明.pdf"
    with pytest.raises(PermissionDenied):
        report_review(actor=unit, report=report, accept=True)
    with pytest.raises(ValidationError) as silent:
        report_review(actor=officer, report=report, accept=False)
    assert "comments" in silent.value.message_dict
    returned = report_review(actor=officer, report=report, accept=False, comments="请补充证明材料")
    assert returned.state == ReportState.RETURNED
    from notifications.models import Notification

    told = Notification.objects.get(recipient=unit, kind="milestones.report_reviewed")
    assert told.values["comments"] == "请补充证明材料"
    report_submit(actor=unit, report=report, values={}, narrative="已补充")
    accepted = report_review(actor=officer, report=report, accept=True)
    assert accepted.state == ReportState.ACCEPTED
    with pytest.raises(ValidationError):
        report_submit(actor=unit, report=report, values={}, narrative="again")
    actions = list(AuditEvent.objects.filter(object_id=str(report.pk), content_type__model="kpireport")
                   .order_by("pk").values_list("action", "to_state"))
    assert actions == [("submit", "submitted"), ("return", "returned"), ("submit", "submitted"),
                       ("accept", "accepted")]


def test_officer_adds_a_report_unit_may_not(nansha_project, officer, unit):
    with pytest.raises(PermissionDenied):
        report_add(actor=unit, project=nansha_project, due_on=dt.date(2025, 5, 1))
    added = report_add(actor=officer, project=nansha_project, due_on=dt.date(2025, 5, 1))
    assert (added.seq, added.kind) == (3, ReportKind.EXTRA)



def test_allowed_report_steps_follow_the_state_the_role_and_the_project(nansha_project, officer, unit):
    from milestones.models import Actor
    from milestones.report_selectors import allowed_report_steps

    report = nansha_project.reports.get(seq=1)
    assert allowed_report_steps(report, Actor.UNIT) == {"submit"}
    assert allowed_report_steps(report, Actor.OFFICER) == frozenset()
    report_submit(actor=unit, report=report, values={}, narrative="进展顺利。")
    report.refresh_from_db()
    assert allowed_report_steps(report, Actor.UNIT) == frozenset()
    assert allowed_report_steps(report, Actor.OFFICER) == {"accept", "return"}
    report_review(actor=officer, report=report, accept=False, comments="补充佐证材料。")
    report.refresh_from_db()
    assert allowed_report_steps(report, Actor.UNIT) == {"submit"}
    type(nansha_project).objects.filter(pk=nansha_project.pk).update(state="terminated")
    report = nansha_project.reports.select_related("project").get(seq=1)
    assert allowed_report_steps(report, Actor.UNIT) == frozenset()  # no longer asked for


@pytest.mark.parametrize("state", ["closed", "terminated"])
def test_report_of_an_ended_project_is_not_required(client, nansha_project, unit, state):
    type(nansha_project).objects.filter(pk=nansha_project.pk).update(state=state)
    final = nansha_project.reports.get(kind=ReportKind.FINAL)
    client.force_login(unit)
    page = client.get(reverse("milestones:project", args=[nansha_project.pk])).content.decode()
    row = page.split(f'data-report="{final.pk}"')[1].split("</tr>")[0]
    assert "无需提交" in row and "待提交" not in row
    report_page = client.get(reverse("milestones:report", args=[nansha_project.pk, final.pk])).content.decode()
    assert "无需提交" in report_page and 'id="report-form"' not in report_page
    assert client.post(reverse("milestones:report", args=[nansha_project.pk, final.pk]),
                       {"narrative": "进展"}).status_code == 404
    with pytest.raises(ValidationError):
        report_submit(actor=unit, report=final, values={}, narrative="进展")
    final.refresh_from_db()
    assert final.state == ReportState.SCHEDULED

def test_report_page_per_role_and_submission_through_it(client, fcg_project, officer, outsider, reviewer):
    unit = unit_member(fcg_project)
    report = fcg_project.reports.get(seq=1)
    url = reverse("milestones:report", args=[fcg_project.pk, report.pk])
    client.force_login(unit)
    assert 'id="report-form"' in client.get(url).content.decode()
    data = {f"kpi_{pk}": str(v) for pk, v in reached_values(fcg_project).items()} | {"narrative": "进展"}
    client.post(url, data)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert 'data-overall="75.0"' in page and 'id="report-review-form"' in page
    assert 'data-percent="66.7"' in page
    for user in (outsider, reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(officer)
    assert client.post(url, data).status_code == 404  # officers review, they do not submit


def test_report_page_runs_a_fixed_number_of_queries_with_one_and_many_files(client, fcg_project, officer,
                                                                           django_assert_num_queries):
    unit = unit_member(fcg_project)
    report = fcg_project.reports.get(seq=1)
    url = reverse("milestones:report", args=[fcg_project.pk, report.pk])
    report_submit(actor=unit, report=report, values=reached_values(fcg_project), narrative="进展",
                  evidence=[SimpleUploadedFile("证明.pdf", b"%PDF-1.4 x")])
    client.force_login(officer)
    # session, user (with the offices it works for: may it review?), the report with its project, application and
    # the application's snapshot, the track's KPIs with their groups and the values reached, the evidence, the
    # header's unread count
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert 'data-overall="75.0"' in page and page.count(".pdf</a>") == 1
    report_review(actor=officer, report=report, accept=False, comments="补充证明")
    report_submit(actor=unit, report=report, values=reached_values(fcg_project), narrative="进展",
                  evidence=[SimpleUploadedFile(f"证明{n}.pdf", b"%PDF-1.4 x") for n in range(4)])
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert 'data-overall="75.0"' in page and 'data-percent="66.7"' in page and page.count(".pdf</a>") == 5
    client.force_login(unit)
    with django_assert_num_queries(7):  # and the unit's membership (may it submit?)
        assert client.get(url).context["evidence"][4].original_name == "证明3.pdf"


def test_program_completion_page_per_project_and_role(client, fcg_project, officer, outsider,
                                                      django_assert_num_queries):
    from programs.models import Program

    unit = unit_member(fcg_project)
    report_submit(actor=unit, report=fcg_project.reports.get(seq=1), values=reached_values(fcg_project),
                  narrative="进展")
    silent = open_project(officer, program=FANGCHENGGANG, code="6", award="200000")
    program = Program.objects.get(code=FANGCHENGGANG)
    url = reverse("milestones:completion", args=[program.pk])
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert f'data-project="{fcg_project.pk}" data-overall="75.0"' in page
    assert f'data-project="{silent.pk}" data-overall=""' in page
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for _ in range(3):
        project = open_project(officer, program=FANGCHENGGANG, code="6", award="100000")
        report_submit(actor=unit_member(project), report=project.reports.get(seq=1), values={}, narrative="x")
    with django_assert_num_queries(len(two.captured_queries)):
        client.get(url)
    for user in (unit, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_report_due_reminders_reach_the_unit_once_per_step(nansha_project, unit):
    from notifications.models import Notification
    from notifications.services import reminder_sweep

    report = nansha_project.reports.get(seq=1)  # due 2025-02-28
    reminder_sweep(today=dt.date(2025, 2, 10))  # 18 days before: nothing yet
    assert not Notification.objects.filter(kind="milestones.report_due").exists()
    reminder_sweep(today=dt.date(2025, 2, 14))
    reminder_sweep(today=dt.date(2025, 2, 15))  # the same 14-day step: not again
    sent = Notification.objects.filter(kind="milestones.report_due", recipient=unit)
    assert sent.count() == 1 and "2025" in str(sent.get().values.get("date"))
    report_submit(actor=unit, report=report, values={}, narrative="按期提交")
    reminder_sweep(today=dt.date(2025, 2, 27))  # submitted: no 1-day reminder
    assert sent.count() == 1


def test_report_review_notice_reads_its_labels_in_the_readers_language(nansha_project, officer, unit):
    """The officer works in English; the unit reads the notice in Chinese, and an English reader in English: the
    report kind and the outcome are stored as labels, not as the officer's words."""
    from django.utils import translation

    from milestones.models import ReportKind
    from notifications.models import Notification
    from notifications.services import render

    report = nansha_project.reports.get(seq=1)
    report_submit(actor=unit, report=report, values={}, narrative="中期进展")
    with translation.override("en"):
        report_review(actor=officer, report=report, accept=False, comments="请补充证明材料")
    told = Notification.objects.get(recipient=unit, kind="milestones.report_reviewed")
    assert told.values["report"] == {"msgid": ReportKind.MIDTERM.label._args[0]}
    with translation.override("zh-hans"):
        title_zh, body_zh = render(told)
        kind_zh, returned_zh = str(ReportKind.MIDTERM.label), str(ReportState.RETURNED.label)
    with translation.override("en"):
        kind_en, returned_en = str(ReportKind.MIDTERM.label), str(ReportState.RETURNED.label)
    title_en, body_en = render(told, "en")
    assert kind_zh != kind_en and returned_zh != returned_en
    assert kind_zh in title_zh and returned_zh in title_zh and kind_en not in title_zh
    assert kind_en in title_en and returned_en in title_en
    assert "请补充证明材料" in body_zh and "请补充证明材料" in body_en
