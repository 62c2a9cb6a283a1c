"""A program's fund plan and fund ledger as Excel workbooks (bytes). Amounts in the fund plan are in 万元 as the
guides print them; the ledger is in yuan."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from programs.models import Program
from programs.money import WAN

from .selectors import fund_plan, ledger_projects, ledger_totals


def _wan(value: Decimal) -> float:
    return float(Decimal(value) / WAN)


def _book(title: str, header: list[str], lines: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(line)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def awards_text(row) -> int | str | None:
    if row.awards is None:
        return None
    return _("at most %(n)s") % {"n": row.awards} if row.awards_is_maximum else row.awards


def fund_plan_xlsx(program: Program) -> bytes:
    rows, total = fund_plan(program)
    header = [_("Track"), _("Project"), _("Awards"), _("Total (10,000 yuan)"), _("First tranche (10,000 yuan)"),
              _("Second tranche (10,000 yuan)")]
    lines = [[r.code, r.title, awards_text(r), _wan(r.total), _wan(r.first), _wan(r.second)] for r in rows]
    lines.append([_("Total"), "", None, _wan(total.total), _wan(total.first), _wan(total.second)])
    return _book(_("Fund plan"), header, lines)


def ledger_xlsx(program: Program) -> bytes:
    header = [_("Track"), _("Project"), _("Organisation"), _("Award (yuan)"), _("Planned (yuan)"), _("Due (yuan)"),
              _("Released (yuan)")]
    lines = [[p.application.track.code, f"{p.application.reference} {p.application.title}",
              p.application.organisation.name, float(p.award), float(p.planned), float(p.due), float(p.released)]
             for p in ledger_projects(program)]
    total = ledger_totals(program)["total"]
    lines.append([_("Total"), "", "", float(total["award"]), float(total["planned"]), float(total["due"]),
                  float(total["released"])])
    return _book(_("Fund ledger"), header, lines)
