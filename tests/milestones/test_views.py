"""Project pages, the ledger and the fund plan: per role (outsiders get 404), actions through the pages, Yuexiu's
fund plan against the guide's table (附表) cell by cell on the page and in Excel, fixed query counts."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from milestones.models import ProjectState, TrancheState
from milestones.services import contract_record
from programs.models import Program
from tests.factories import pay_tranche, second_officer
from tests.jobs.helpers import ask, result
from tests.milestones.conftest import ready_for_acceptance

from .conftest import NANSHA, YUEXIU, open_project, pdf, unit_member

pytestmark = pytest.mark.django_db

# 越秀区 附表 运营服务强区建设项目资金安排计划表: 序号, 项数, 总金额, 第一批, 第二批 (万元).
YUEXIU_TABLE = [
    ("1", "1", 170, 102, 68), ("2", "1", 80, 48, 32), ("3", "1", 480, 288, 192), ("4", "1", 50, 30, 20),
    ("5", "1", 15, 9, 6), ("6", "1", 20, 12, 8), ("7", "≤10", 60, 36, 24), ("8", "2", 100, 60, 40),
    ("9", "1", 25, 15, 10),
]
YUEXIU_TOTAL = (1000, 600, 400)
WAN = Decimal("10000")


def login(client, user):
    client.force_login(user)
    return client


def program(code):
    return Program.objects.get(code=code)


def test_project_page_for_officer_unit_and_outsiders(client, nansha_project, officer, unit, outsider, reviewer):
    url = reverse("milestones:project", args=[nansha_project.pk])
    page = login(client, officer).get(url).content.decode()
    assert 'id="contract-form"' in page and "150,000.00" in page
    page = login(client, unit).get(url).content.decode()
    assert 'id="contract-form"' not in page and 'id="acceptance-request-form"' in page
    for user in (outsider, reviewer):
        assert login(client, user).get(url).status_code == 404


def test_contract_recorded_and_tranche_released_through_the_pages(client, nansha_project, officer, unit,
                                                                  outsider):
    login(client, officer)
    client.post(reverse("milestones:contract", args=[nansha_project.pk]),
                {"signed_on": "2024-09-10", "signed_file": pdf()})
    nansha_project.refresh_from_db()
    assert nansha_project.contract_signed_on == dt.date(2024, 9, 10)
    release = reverse("milestones:release", args=[nansha_project.pk, 1])
    client.post(release, {"payment_reference": "GK-1", "confirm": "yes"})
    response = client.post(release, {"payment_reference": "GK-2", "confirm": "yes"}, follow=True)
    tranche = nansha_project.tranches.get(seq=1)
    assert (tranche.state, tranche.payment_reference) == (TrancheState.REQUESTED, "GK-1")
    assert "GK-1" in response.content.decode()  # the refusal names the first request
    confirm = reverse("milestones:confirm_payment", args=[nansha_project.pk, 1])
    assert 'data-confirm-payment="1"' not in response.content.decode()  # the requester is not offered it
    client.post(confirm)
    assert nansha_project.tranches.get(seq=1).state == TrancheState.REQUESTED
    page = login(client, second_officer()).post(confirm, {"confirm": "yes"}, follow=True).content.decode()
    tranche = nansha_project.tranches.get(seq=1)
    assert (tranche.state, tranche.payment_reference, tranche.released_by) == (
        TrancheState.RELEASED, "GK-1", second_officer())
    assert str(officer) in page and str(second_officer()) in page  # who requested, who confirmed
    login(client, officer)
    file_url = reverse("milestones:contract_file", args=[nansha_project.pk])
    assert b"".join(login(client, unit).get(file_url).streaming_content).startswith(b"%PDF")
    assert login(client, outsider).get(file_url).status_code == 404


def test_unit_cannot_release_and_outsider_gets_404(client, nansha_project, officer, unit, outsider):
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    release = reverse("milestones:release", args=[nansha_project.pk, 1])
    assert login(client, unit).post(release, {"payment_reference": "X"}).status_code == 404
    assert login(client, outsider).post(release, {"payment_reference": "X"}).status_code == 404
    assert nansha_project.tranches.get(seq=1).state == TrancheState.DUE


def test_acceptance_requested_by_the_unit_through_the_page(client, nansha_project, unit):
    ready_for_acceptance(nansha_project)
    login(client, unit).post(reverse("milestones:acceptance_request", args=[nansha_project.pk]),
                             {"final_report": pdf("report.pdf"), "final_accounts": pdf("accounts.pdf")})
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTANCE_REQUESTED


def test_fund_plan_page_reproduces_yuexius_table_cell_by_cell(client, officer, settings):
    response = login(client, officer).get(reverse("milestones:fund_plan", args=[program(YUEXIU).pk]),
                                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    rows = re.findall(r'<tr data-track="([^"]+)" data-total="([^"]+)" data-first="([^"]+)" data-second="([^"]+)">'
                      r'<td>[^<]*</td><td>[^<]*</td>((?:<td class="text-end">[^<]*</td>){4})', html)
    assert len(rows) == 9
    for (code, awards, total, first, second), row in zip(YUEXIU_TABLE, rows, strict=True):
        assert row[0] == code
        assert [Decimal(v) / WAN for v in row[1:4]] == [total, first, second]
        shown = re.findall(r'<td class="text-end">([^<]*)</td>', row[4])
        assert shown[1:] == [f"{total:,} 万元", f"{first:,} 万元", f"{second:,} 万元"]
        assert shown[0] == awards or (awards == "≤10" and shown[0] == "不超过10个")
    foot = re.search(r'id="fund-plan-total" data-total="([^"]+)" data-first="([^"]+)" data-second="([^"]+)">'
                     r'(.*?)</tr>', html, re.S)
    assert tuple(Decimal(v) / WAN for v in foot.groups()[:3]) == YUEXIU_TOTAL
    assert re.findall(r'<td class="text-end">([^<]+)</td>', foot.group(4)) == ["1,000 万元", "600 万元", "400 万元"]


def test_fund_plan_excel_reproduces_yuexius_table_cell_by_cell(client, officer, inline_tasks,
                                                               django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    login(client, officer).cookies.load({"django_language": "zh-hans"})
    job = ask(client, reverse("milestones:fund_plan_export", args=[program(YUEXIU).pk]),
              django_capture_on_commit_callbacks)
    page = client.get(reverse("milestones:fund_plan", args=[program(YUEXIU).pk])).content.decode()
    assert 'id="xlsx-export-box"' in page and f'href="{reverse("jobs:download", args=[job.pk])}"' in page
    sheet = load_workbook(io.BytesIO(result(client, job))).active
    lines = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(lines) == 10
    for (code, awards, total, first, second), line in zip(YUEXIU_TABLE, lines[:9], strict=True):
        assert (line[0], line[3], line[4], line[5]) == (code, total, first, second)
        assert str(line[2]) == awards or (awards == "≤10" and line[2] == "不超过10个")
    assert tuple(lines[-1][3:6]) == YUEXIU_TOTAL


def test_ledger_sums_planned_due_released_and_exports(client, officer, inline_tasks,
                                                     django_capture_on_commit_callbacks):
    first = open_project(officer, program=YUEXIU, code="1", award="1700000")
    open_project(officer, program=YUEXIU, code="9", award="250000")
    pay_tranche(actor=officer, tranche=first.tranches.get(seq=1), payment_reference="YX-1")
    login(client, officer)
    html = client.get(reverse("milestones:ledger", args=[program(YUEXIU).pk])).content.decode()
    total = re.search(r'id="ledger-total">(.*?)</tr>', html, re.S).group(1)
    # award 1,950,000 = released 1,020,000 + due 150,000 + planned 680,000 + 100,000
    assert re.findall(r"[\d,]+\.\d\d", total) == ["1,950,000.00", "780,000.00", "150,000.00", "1,020,000.00"]
    from openpyxl import load_workbook

    job = ask(client, reverse("milestones:ledger_export", args=[program(YUEXIU).pk]),
              django_capture_on_commit_callbacks)
    assert job.result_filename == f"{program(YUEXIU).code}-ledger.xlsx"
    book = load_workbook(io.BytesIO(result(client, job)))
    sheet, by_track = book.worksheets
    assert sheet.max_row == 4  # header, two projects, total
    assert list(sheet.iter_rows(min_row=sheet.max_row, values_only=True))[0][3:] == (
        1950000, 780000, 150000, 1020000)
    assert [row[0:1] + row[2:] for row in by_track.iter_rows(min_row=2, values_only=True)] == [
        ("1", 1700000, 680000, 0, 1020000), ("9", 250000, 100000, 150000, 0), ("合计", 1950000, 780000, 150000,
                                                                             1020000)]


def test_ledger_and_fund_plan_are_for_officers_only(client, officer, applicant, reviewer):
    url = reverse("milestones:ledger", args=[program(NANSHA).pk])
    for user in (applicant, reviewer):
        assert login(client, user).get(url).status_code == 404
        assert client.get(reverse("milestones:fund_plan", args=[program(NANSHA).pk])).status_code == 404
    assert login(client, officer).get(url).status_code == 200


def test_project_list_shows_the_units_projects_only(client, officer, outsider):
    mine, other = open_project(officer), open_project(officer)
    member = unit_member(mine)
    html = login(client, member).get(reverse("milestones:projects")).content.decode()
    assert f'data-project="{mine.pk}"' in html and f'data-project="{other.pk}"' not in html
    html = login(client, outsider).get(reverse("milestones:projects")).content.decode()
    assert "data-project=" not in html
    html = login(client, officer).get(reverse("milestones:projects")).content.decode()
    assert f'data-project="{mine.pk}"' in html and f'data-project="{other.pk}"' in html


@pytest.mark.parametrize("name", ["milestones:projects", "milestones:ledger", "milestones:fund_plan"])
def test_lists_run_a_fixed_number_of_queries(client, officer, django_assert_num_queries, name):
    args = [] if name == "milestones:projects" else [program(YUEXIU).pk]
    login(client, officer)
    open_project(officer, program=YUEXIU, code="1", award="1700000")
    client.get(reverse(name, args=args))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(name, args=args)).status_code == 200
    for code in ("2", "3", "8", "8", "9"):
        open_project(officer, program=YUEXIU, code=code, award="100000")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(reverse(name, args=args)).status_code == 200


def test_project_page_says_when_the_guide_asks_for_a_midterm_check(client, nansha_project, officer):
    from programs.models import Track

    url = reverse("milestones:project", args=[nansha_project.pk])
    Track.objects.filter(pk=nansha_project.application.track_id).update(midterm_check=None)  # the guide is silent
    assert 'id="midterm-required"' not in login(client, officer).get(url).content.decode()
    Track.objects.filter(pk=nansha_project.application.track_id).update(midterm_check=True)
    page = client.get(url).content.decode()
    assert 'id="midterm-required"' in page and 'id="midterm-form"' in page


def test_project_list_totals_disbursement_per_program_for_officers(client, officer):
    first = open_project(officer, program=YUEXIU, code="1", award="1700000")
    open_project(officer, program=YUEXIU, code="9", award="250000")
    pay_tranche(actor=officer, tranche=first.tranches.get(seq=1), payment_reference="YX-1")
    html = login(client, officer).get(reverse("milestones:projects")).content.decode()
    row = re.search(rf'<tr data-program="{YUEXIU}">(.*?)</tr>', html, re.S).group(1)
    # planned 680,000 + 100,000; due 150,000 (Yuexiu 9's first tranche); released 1,020,000
    assert re.findall(r"[\d,]+\.\d\d", row) == ["780,000.00", "150,000.00", "1,020,000.00"]
    assert 'id="disbursement-chart"' in html


def _listed(client, query: str) -> set[int]:
    html = client.get(reverse("milestones:projects") + query).content.decode()
    return {int(pk) for pk in re.findall(r'<tr data-project="(\d+)">', html)}


def test_project_list_filters_what_waits_for_the_office(client, officer, outsider):
    from milestones.services import report_submit

    due = open_project(officer, program=YUEXIU, code="1", award="1700000")  # first tranche due on approval
    reporting = open_project(officer)  # Nansha: nothing due before the contract
    quiet = open_project(officer)
    report_submit(actor=unit_member(reporting), report=reporting.reports.get(seq=1), values={}, narrative="进展")
    login(client, officer)
    assert _listed(client, "") == {due.pk, reporting.pk, quiet.pk}
    assert _listed(client, "?waiting=tranches") == {due.pk}
    assert _listed(client, "?waiting=reports") == {reporting.pk}
    pay_tranche(actor=officer, tranche=due.tranches.get(seq=1), payment_reference="YX-1")
    assert _listed(client, "?waiting=tranches") == set()
    assert _listed(client, f"?state={ProjectState.IN_PROGRESS}&waiting=reports") == {reporting.pk}
    # a unit's member filters only among its own projects; an outsider sees none
    login(client, unit_member(quiet))
    assert _listed(client, "?waiting=reports") == set() and _listed(client, "") == {quiet.pk}
    login(client, outsider)
    assert _listed(client, "?waiting=reports") == set()


def test_project_list_bad_filter_is_named_and_ignored(client, officer):
    project = open_project(officer)
    login(client, officer)
    response = client.get(reverse("milestones:projects") + "?waiting=everything")
    assert "waiting" in response.context["filter"].form.errors
    assert _listed(client, "?waiting=everything") == {project.pk}  # the list ignores the bad value


def test_project_list_waiting_filter_runs_a_fixed_number_of_queries(client, officer, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_project(officer, program=YUEXIU, code="1", award="1700000")
    login(client, officer)
    url = reverse("milestones:projects") + "?waiting=tranches"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for code in ("2", "3", "9"):
        open_project(officer, program=YUEXIU, code=code, award="100000")
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(_listed(client, "?waiting=tranches")) == 4
