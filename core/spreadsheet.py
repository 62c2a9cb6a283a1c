"""Writing rows into the portal's Excel exports so that text stays text.

openpyxl stores any string that begins with "=" as a formula, and a spreadsheet program treats text beginning with
= + - @ (or a tab or carriage return before one) as a formula once the cell is edited, copied or saved as CSV: a
project title ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` in a ranking would run on the officer's machine.
As OWASP's "CSV Injection" page advises, such text is written with a leading apostrophe. The apostrophe is part of
the stored value (not only Excel's hidden quote-prefix style), so the escape survives "save as CSV" and copying
into another sheet; the reader sees ``'=HYPERLINK(...)``, which shows the text was written as typed. Numbers,
dates and None are written as they are, so sums and sorting keep working."""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def text_cell(value):
    """``value`` as a cell: text that a spreadsheet could read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_row(sheet, values: Iterable) -> None:
    """``sheet.append`` for every export: each text value through ``text_cell``."""
    sheet.append([text_cell(value) for value in values])
