"""Writing rows into the portal's Excel exports so that text stays text.

openpyxl stores any string that begins with "=" as a formula, and a spreadsheet program treats text beginning with
= + - @ (or a tab or carriage return before one) as a formula once the cell is edited, copied or saved as CSV: a
project title ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` in a ranking would run on the officer's machine.
As OWASP's "CSV Injection" page advises, such text is written with a leading apostrophe. The apostrophe is part of
the stored value (not only Excel's hidden quote-prefix style), so the escape survives "save as CSV" and copying
into another sheet; the reader sees ``'=HYPERLINK(...)``, which shows the text was written as typed. Numbers,
dates and None are written as they are, so sums and sorting keep working.

Money goes in as ``money(amount)``: a number (never text, so it still sums) shown as ``#,##0.00``, the way a
finance office reads amounts: 150,000.00.

Large exports use a write-only workbook (``write_only_book``): rows stream to the file as they are appended, in
constant memory, and the file is written once. ``append_row`` serves both kinds of sheet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Money:
    """An amount for a money cell; ``append_row`` writes the number and gives the cell ``MONEY_FORMAT``."""

    amount: Decimal | float | int | None


def money(amount) -> Money:
    return Money(amount)


def text_cell(value):
    """``value`` as a cell: text that a spreadsheet could read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_row(sheet, values: Iterable, *, bold: bool = False) -> None:
    """``sheet.append`` for every export: each text value through ``text_cell``, each ``money(...)`` as a number
    in ``MONEY_FORMAT``; ``bold`` for a header or totals row. On a write-only sheet the cells are made with their
    format before they are written (a written row cannot be changed)."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    values = list(values)
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([_write_only_cell(sheet, value, bold) for value in values])
        return
    sheet.append([value.amount if isinstance(value, Money) else text_cell(value) for value in values])
    row = sheet._current_row  # the row just appended (``max_row`` would scan every cell: quadratic in rows)
    for column, value in enumerate(values, 1):
        cell = None
        if isinstance(value, Money) and value.amount is not None:
            cell = sheet.cell(row=row, column=column)
            cell.number_format = MONEY_FORMAT
        if bold:
            (cell or sheet.cell(row=row, column=column)).font = _bold_font()


def _bold_font():
    from openpyxl.styles import Font

    return Font(bold=True)


def _write_only_cell(sheet, value, bold: bool):
    from openpyxl.cell import WriteOnlyCell

    money_value = isinstance(value, Money)
    if not (money_value or bold):
        return text_cell(value)  # a plain value: no cell object to make (the common case, and the fast one)
    cell = WriteOnlyCell(sheet, value=value.amount if money_value else text_cell(value))
    if money_value and value.amount is not None:
        cell.number_format = MONEY_FORMAT
    if bold:
        cell.font = _bold_font()
    return cell


def write_only_book():
    """A workbook that streams its rows (``create_sheet`` per sheet; ``append_row`` to fill them)."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def book_bytes(workbook) -> bytes:
    import io

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_only_row(sheet, values: Iterable, *, bold: bool = False) -> None:
    """``append_row`` for a sheet of a write-only workbook (``write_only_book``), named for the call sites that
    only ever write to one."""
    append_row(sheet, values, bold=bold)
