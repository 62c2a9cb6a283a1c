"""The project list, the fund ledger and its Excel at a province's scale: the lists cut on project ids first and
read only the columns they show (never an application's JSON columns), with a fixed number of queries; the ledger
Excel is written once, row by row, its amounts numbers shown as #,##0.00 that add up to the tranches."""

import io
import re
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from milestones.exports import ledger_xlsx
from milestones.models import UNPAID_DUE_STATES, ProjectTranche, TrancheState
from milestones.selectors import ledger_lines, ledger_page
from programs.models import Program
from tests.factories import pay_tranche

from .conftest import YUEXIU, open_project

pytestmark = pytest.mark.django_db

JSON_COLUMNS = ('"applications_application"."draft"', '"applications_application"."verdict"',
                '"applications_application"."explanations"', '"applications_applicationversion"."snapshot"')
# session, user, the page's rows with their total, the programs and their money (two), the header's unread count
PROJECT_LIST_QUERIES = 6
# session, user, program, per-track money (the program's total is their sum), the page's rows with their total,
# the latest export job, the header's unread count
LEDGER_QUERIES = 7


def _yuexiu():
    return Program.objects.get(code=YUEXIU)


def _page_sql(client, url) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(("name", "expected"), [("milestones:projects", PROJECT_LIST_QUERIES),
                                                ("milestones:ledger", LEDGER_QUERIES)])
def test_project_list_and_ledger_query_counts_are_exact_with_one_and_many_projects(client, officer, name,
                                                                                    expected):
    open_project(officer, program=YUEXIU, code="1", award="1700000")
    url = reverse(name, args=[] if name == "milestones:projects" else [_yuexiu().pk])
    client.force_login(officer)
    assert len(_page_sql(client, url)) == expected
    for code in ("2", "3", "8", "8", "9"):
        open_project(officer, program=YUEXIU, code=code, award="100000")
    queries = _page_sql(client, url)
    assert len(queries) == expected
    assert not [sql for sql in queries if any(column in sql for column in JSON_COLUMNS)]


def test_project_list_cuts_the_page_on_project_ids_before_joining(client, officer):
    open_project(officer, program=YUEXIU, code="1", award="1700000")
    client.force_login(officer)
    rows = [sql for sql in _page_sql(client, reverse("milestones:projects")) if '"milestones_project"."award"' in sql]
    assert len(rows) == 1
    # the cut: ids of projects alone (of the officer's offices: a subquery of its own), ordered and limited, inside
    # the query that joins the applications
    assert re.search(r'IN \(SELECT [UV]0\."id"', rows[0]) and "LIMIT 20" in rows[0]


def test_ledger_page_cuts_in_ledger_order(officer):
    projects = [open_project(officer, program=YUEXIU, code=code, award="100000") for code in ("9", "1", "3", "1")]
    expected = sorted(projects, key=lambda p: (p.application.track.position, p.application.reference))
    request = RequestFactory().get("/", {"page": "2"})
    page, _querystring = ledger_page(request, _yuexiu(), per_page=3)
    assert page.paginator.count == 4 and page.number == 2
    assert [p.pk for p in page.object_list] == [expected[3].pk]
    assert page.object_list[0].planned + page.object_list[0].due + page.object_list[0].released == Decimal("100000")


def _independent_sums(program):
    """Per project (by reference) and per track: award, planned, due, released, from the tranches themselves."""
    per_project: dict[str, list[Decimal]] = {}
    per_track: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0")] * 4)
    tranches = ProjectTranche.objects.filter(project__application__track__program=program).select_related(
        "project__application__track")
    for tranche in tranches:
        application = tranche.project.application
        row = per_project.setdefault(application.reference, [tranche.project.award] + [Decimal("0")] * 3)
        column = {TrancheState.PLANNED: 1, TrancheState.RELEASED: 3}.get(
            tranche.state, 2 if tranche.state in UNPAID_DUE_STATES else None)
        row[column] += tranche.amount
        track = per_track[application.track.code]
        track[0] += tranche.amount
        track[column] += tranche.amount
    return per_project, dict(per_track)


def test_ledger_excel_is_written_once_with_headers_money_format_and_independent_sums(officer, monkeypatch):
    first = open_project(officer, program=YUEXIU, code="1", award="1700000")
    open_project(officer, program=YUEXIU, code="9", award="250000.50")
    open_project(officer, program=YUEXIU, code="3", award="4800000")
    pay_tranche(actor=officer, tranche=first.tranches.get(seq=1), payment_reference="YX-1")
    read_back = openpyxl.load_workbook

    def reloaded(*args, **kwargs):
        raise AssertionError("the ledger is written once, never saved, reloaded and saved again")

    monkeypatch.setattr(openpyxl, "load_workbook", reloaded)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", reloaded)
    with translation.override("zh-hans"):
        data = ledger_xlsx(_yuexiu())
    monkeypatch.undo()
    projects, tracks = read_back(io.BytesIO(data)).worksheets
    assert (projects.title, tracks.title) == ("资金台账", "按项目类别")
    money = ["资助金额（元）", "计划（元）", "待拨付（元）", "已拨付（元）"]
    assert [c.value for c in projects[1]] == ["项目方向", "项目", "单位", *money]
    assert [c.value for c in tracks[1]] == ["项目方向", "名称", *money]
    assert all(cell.font.bold for cell in projects[1]) and all(cell.font.bold for cell in tracks[1])
    per_project, per_track = _independent_sums(_yuexiu())
    rows = list(projects.iter_rows(min_row=2, values_only=False))
    *lines, total = rows
    assert len(lines) == 3
    for row in rows:
        for cell in row[3:7]:
            assert isinstance(cell.value, int | float) and cell.number_format == "#,##0.00", cell.coordinate
        assert row[0].number_format == "General"
    for line in lines:
        reference = line[1].value.split(" ")[0]
        assert [Decimal(str(c.value)) for c in line[3:7]] == per_project.pop(reference)
    assert per_project == {}
    assert total[0].value == "合计" and all(cell.font.bold for cell in total)
    sums = [sum((Decimal(str(line[i].value)) for line in lines), Decimal("0")) for i in range(3, 7)]
    assert [Decimal(str(c.value)) for c in total[3:7]] == sums
    assert sums[3] == Decimal("1020000")  # the first tranche released: 60 % of 170万
    *track_lines, track_total = list(tracks.iter_rows(min_row=2))
    for line in track_lines:
        assert [Decimal(str(c.value)) for c in line[2:6]] == per_track.pop(line[0].value)
        assert all(c.number_format == "#,##0.00" for c in line[2:6])
    assert per_track == {}
    assert [Decimal(str(c.value)) for c in track_total[2:6]] == sums


def test_ledger_excel_lines_are_one_query_and_the_export_two_with_one_and_many_projects(officer,
                                                                                       django_assert_num_queries):
    open_project(officer, program=YUEXIU, code="1", award="1700000")
    program = _yuexiu()
    with django_assert_num_queries(2):  # the projects' lines, the per-track sums
        ledger_xlsx(program)
    for code in ("2", "3", "9"):
        open_project(officer, program=YUEXIU, code=code, award="100000")
    with django_assert_num_queries(1):
        assert len(list(ledger_lines(program))) == 4
    with django_assert_num_queries(2):
        ledger_xlsx(program)
