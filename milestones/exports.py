"""A program's fund plan and fund ledger as Excel workbooks (bytes). Amounts in the fund plan are in 万元 as the
guides print them; the ledger is in yuan."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import WAN
from core.pdf import render_pdf
from core.spreadsheet import append_row, book_bytes, money, write_only_book
from programs.models import Program

from .selectors import fund_plan, ledger_lines, ledger_totals


def _wan(value: Decimal):
    return money(Decimal(value) / WAN)


def _yuan(value: Decimal):
    return money(Decimal(value))


def _sheet(workbook, title: str, header: list[str], lines, *, widths: dict[str, int] | None = None) -> None:
    """A sheet of ``workbook`` (write-only): the header in bold, the lines, the last line (the totals) in bold."""
    sheet = workbook.create_sheet(title[:31])
    for column, width in (widths or {}).items():
        sheet.column_dimensions[column].width = width
    append_row(sheet, header, bold=True)
    previous = None
    for line in lines:  # each line is written once the next is known: the last one is the totals row
        if previous is not None:
            append_row(sheet, previous)
        previous = line
    if previous is not None:
        append_row(sheet, previous, bold=True)


def _book(title: str, header: list[str], lines: list[list]) -> bytes:
    workbook = write_only_book()
    _sheet(workbook, title, header, lines, widths={"B": 48})
    return book_bytes(workbook)


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
    """Two sheets: by project, and by track, each with its totals row. Written once, row by row (a write-only
    workbook): two queries, the projects' lines and the per-track sums; the program's totals are the tracks' sums."""
    money = [_("Planned (yuan)"), _("Due (yuan)"), _("Released (yuan)")]
    totals = ledger_totals(program)
    total = totals["total"]
    sums = [_yuan(total[key]) for key in ("award", "planned", "due", "released")]
    lines = ([code, f"{reference} {title}", organisation, *map(_yuan, amounts)]  # award, planned, due, released
             for code, reference, title, organisation, *amounts in ledger_lines(program))
    workbook = write_only_book()
    _sheet(workbook, _("Fund ledger"), [_("Track"), _("Project"), _("Organisation"), _("Award (yuan)"), *money],
           itertools.chain(lines, [[_("Total"), "", "", *sums]]), widths={"B": 48})
    _sheet(workbook, _("By track"), [_("Track"), _("Title"), _("Award (yuan)"), *money],
           [*([row["code"], row["title"], *(_yuan(row[key]) for key in ("award", "planned", "due", "released"))]
              for row in totals["tracks"]), [_("Total"), "", *sums]])
    return book_bytes(workbook)


# --- PDFs: the task book (任务书) and the acceptance conclusion (验收结论) ---------------------------------------


def task_book_pdf(project) -> bytes:
    """The task book: project, organisation, KPIs with the committed values (groups as committed), budget and the
    tranche schedule, from the application's last submitted version."""
    from applications.exports import _budget_rows, _kpi_rows

    from .models import Project

    project = Project.objects.select_related("application__organisation", "application__track__program",
                                             "officer").get(pk=project.pk)
    application = project.application
    snapshot = application.versions.order_by("-number").values_list("snapshot", flat=True).first() or {}
    kpis = list(application.track.kpis.select_related("group").order_by("seq"))
    budget = _budget_rows(snapshot.get("budget") or [])
    return render_pdf("milestones/task_book_pdf.html", {
        "project": project, "application": application, "organisation": application.organisation,
        "track": application.track, "program": application.track.program,
        "kpis": _kpi_rows(kpis, snapshot.get("kpis") or {}), "budget": budget,
        "budget_total": sum((row.amount or Decimal(0) for row in budget), Decimal(0)),
        "tranches": list(project.tranches.order_by("seq")), "plan": snapshot.get("plan", ""),
        **_parties(application, snapshot.get("partners") or []),
    })


def _share(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except ArithmeticError:
        return None


def _parties(application, partners: list[dict]) -> dict:
    """The task book's parties: the lead unit and each partner with its tasks and share of the grant (as
    submitted; the lead keeps what the partners leave, when any share is stated), and the signing parties:
    甲方 the office, 乙方 the lead unit, then each partner."""
    rows = [{"name": p.get("name", ""), "uscc": p.get("uscc", ""), "tasks": p.get("role", ""),
             "share": _share(p.get("share_percent"))} for p in partners]
    stated = [row["share"] for row in rows if row["share"] is not None]
    lead_share = Decimal("100.00") - sum(stated, Decimal("0")) if stated else None
    signers = [{"role": _("Party A (the program office)"), "name": application.track.program.issuer},
               {"role": _("Party B (the lead unit)"), "name": application.organisation.name}]
    signers += [{"role": _("Partner %(n)s") % {"n": n}, "name": row["name"]} for n, row in enumerate(rows, 1)]
    return {"partners": rows, "lead_share": lead_share, "signers": signers}


def acceptance_conclusion_pdf(acceptance) -> bytes:
    from .models import Acceptance

    acceptance = Acceptance.objects.select_related(
        "project__application__organisation", "project__application__track__program", "recorded_by").get(
        pk=acceptance.pk)
    project = acceptance.project
    return render_pdf("milestones/conclusion_pdf.html", {
        "acceptance": acceptance, "project": project, "application": project.application,
        "organisation": project.application.organisation, "program": project.application.track.program,
        "tranches": list(project.tranches.order_by("seq")),
    })
