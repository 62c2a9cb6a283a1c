"""core.spreadsheet: text stays text, money stays a number shown with two places."""

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from core.spreadsheet import MONEY_FORMAT, append_row, money


def _reread(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).active


def test_append_row_money_cells_are_numbers_with_two_places():
    workbook = Workbook()
    append_row(workbook.active, ["=1+1", money(Decimal("150000")), money(Decimal("0.5")), money(None), 3])
    sheet = _reread(workbook)
    text, whole, half, empty, count = sheet[1]
    assert MONEY_FORMAT == "#,##0.00"
    assert text.value == "'=1+1"
    assert whole.value == 150000 and isinstance(whole.value, int | float | Decimal)
    assert half.value == 0.5 and isinstance(half.value, float | Decimal)
    assert (whole.number_format, half.number_format) == ("#,##0.00", "#,##0.00")
    assert empty.value is None
    assert count.value == 3 and count.number_format == "General"
