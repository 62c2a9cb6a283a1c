"""Writing rows into the portal's Excel exports so that text stays text.

openpyxl stores any string that begins with "=" as a formula, and a spreadsheet program treats text beginning with
= + - @ (or a tab or carriage return before one) as a formula once the cell is edited, copied or saved as CSV: a
project title ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` in a ranking would run on the officer's machine.
As OWASP's "CSV Injection" page advises, such text is written with a leading apostrophe. The apostrophe is part of
the stored value (not only Excel's hidden quote-prefix style), so the escape survives "save as CSV" and copying
into another sheet; the reader sees ``'=HYPERLINK(...)``, which shows the text was written as typed. Numbers,
dates and None are written as they are, so sums and sorting keep working.

Money goes in as ``money(amount)``: a number (never text, so it still sums) shown as ``#,##0.00``, the way a
finance office reads amounts: 150,000.00."""

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


def append_row(sheet, values: Iterable) -> None:
    """``sheet.append`` for every export: each text value through ``text_cell``, each ``money(...)`` as a number
    in ``MONEY_FORMAT``."""
    values = list(values)
    sheet.append([value.amount if isinstance(value, Money) else text_cell(value) for value in values])
    row = sheet.max_row
    for column, value in enumerate(values, 1):
        if isinstance(value, Money) and value.amount is not None:
            sheet.cell(row=row, column=column).number_format = MONEY_FORMAT


def write_only_row(sheet, values: Iterable, *, bold: bool = False) -> None:
    """``append_row`` for a sheet of a write-only workbook (``Workbook(write_only=True)``, which writes each row as
    it comes and keeps none in memory): the same text escape and money cells; ``bold`` for a header row."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for value in values:
        if isinstance(value, Money):
            cell = WriteOnlyCell(sheet, value=value.amount)
            if value.amount is not None:
                cell.number_format = MONEY_FORMAT
        elif bold:
            cell = WriteOnlyCell(sheet, value=text_cell(value))
            cell.font = Font(bold=True)
        else:
            cell = text_cell(value)
        cells.append(cell)
    sheet.append(cells)
