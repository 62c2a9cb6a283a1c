"""The fund ledger and the fund plan in Excel: money headers name the unit, money cells are numbers shown as
#,##0.00 (150,000.00), text stays text; the ledger page names its money column."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from milestones.exports import fund_plan_xlsx, ledger_xlsx
from programs.models import Program
from tests.factories import pay_tranche

from .conftest import YUEXIU, open_project

pytestmark = pytest.mark.django_db


def _books(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets


def _assert_money(cell, expected):
    assert not isinstance(cell.value, str), cell.coordinate
    assert Decimal(str(cell.value)) == Decimal(expected), cell.coordinate
    assert cell.number_format == "#,##0.00", cell.coordinate


def test_ledger_excel_money_header_and_cells_are_formatted_numbers(officer):
    first = open_project(officer, program=YUEXIU, code="1", award="1700000")
    open_project(officer, program=YUEXIU, code="9", award="250000.50")
    pay_tranche(actor=officer, tranche=first.tranches.get(seq=1), payment_reference="YX-1")
    with translation.override("zh-hans"):
        projects, tracks = _books(ledger_xlsx(Program.objects.get(code=YUEXIU)))
    header = [cell.value for cell in projects[1]]
    assert header[3] == "资助金额（元）" and header[4:] == ["计划（元）", "待拨付（元）", "已拨付（元）"]
    assert [cell.value for cell in tracks[1]][2] == "资助金额（元）"
    rows = list(projects.iter_rows(min_row=2))
    assert len(rows) == 3  # two projects and the total
    for row in rows:
        for cell in row[3:7]:
            _assert_money(cell, str(cell.value))
        assert rows[0][0].number_format == "General"  # the track code is not money
    _assert_money(rows[-1][3], "1950000.50")
    _assert_money(rows[-1][6], "1020000")
    for row in tracks.iter_rows(min_row=2):
        for cell in row[2:6]:
            _assert_money(cell, str(cell.value))
    assert [c.value for c in list(tracks.iter_rows(min_row=2))[1][:3]] == ["9", tracks["B3"].value, 250000.5]


def test_fund_plan_excel_money_cells_are_formatted_numbers():
    with translation.override("zh-hans"):
        (sheet,) = _books(fund_plan_xlsx(Program.objects.get(code=YUEXIU)))
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 10
    for row in rows:
        for cell in row[3:6]:
            _assert_money(cell, str(cell.value))
    _assert_money(rows[-1][3], "1000")
    assert rows[0][2].number_format == "General"  # the number of awards is a count, not money


def test_ledger_page_names_the_award_column_in_yuan(client, officer):
    open_project(officer, program=YUEXIU, code="1", award="1700000")
    client.force_login(officer)
    html = client.get(reverse("milestones:ledger", args=[Program.objects.get(code=YUEXIU).pk]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    tracks_head = html.split('id="ledger-tracks"')[1].split("</thead>")[0]
    projects_head = html.split('id="ledger-projects"')[1].split("</thead>")[0]
    assert "资助金额（元）" in tracks_head and "资助数量" not in tracks_head
    assert "资助金额（元）" in projects_head
