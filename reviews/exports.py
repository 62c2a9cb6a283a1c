"""Exports of expert review, each a function returning bytes: the reviewer's PDF (redacted for blind review),
the ranking workbook, the approval notice (立项通知书)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.exports import URL_FETCHER
from applications.models import Application, ApplicationVersion
from core.money import format_yuan
from core.spreadsheet import append_row
from organisations.choices import OrgType
from programs.selectors import rubric_for

from .models import Award, ReviewRound
from .redaction import redactor_for
from .selectors import ranking

# --- the reviewer's view of an application ---------------------------------------------------------------------


def dossier_context(application: Application, *, blind: bool) -> dict:
    """What a reviewer sees of an application, from its latest submitted version; identity removed if blind."""
    snapshot = (ApplicationVersion.objects.filter(application=application, number=application.version)
                .values_list("snapshot", flat=True).first()) or {}
    clean = redactor_for(application, snapshot) if blind else (lambda value: str(value or ""))

    org_types = dict(OrgType.choices)
    kpis = {str(k.pk): k for k in application.track.kpis.all()}
    partners = [{
        "name": _("Partner %(n)s") % {"n": i} if blind else partner.get("name", ""),
        "uscc": "" if blind else partner.get("uscc", ""),
        "org_type": str(org_types.get(partner.get("org_type", ""), partner.get("org_type", ""))),
        "role": clean(partner.get("role", "")),
    } for i, partner in enumerate(snapshot.get("partners") or [], 1)]
    return {
        "application": application, "track": application.track, "program": application.track.program,
        "blind": blind,
        "organisation": None if blind else application.organisation,
        "org_type": str(org_types.get(application.organisation.org_type, "")),
        "title": clean(snapshot.get("title") or application.title),
        "plan": clean(snapshot.get("plan", "")),
        "requested_amount": snapshot.get("requested_amount") or application.requested_amount,
        "matching_funds": snapshot.get("matching_funds") or application.matching_funds,
        "partners": partners,
        "kpis": [{"metric": kpis[k].metric if k in kpis else k, "unit": kpis[k].unit if k in kpis else "",
                  "value": (v or [None, ""])[0] or "", "note": clean((v or [None, ""])[1])}
                 for k, v in (snapshot.get("kpis") or {}).items()],
        "budget": [{"item": clean(b.get("item")), "source": b.get("source", ""), "amount": b.get("amount")}
                   for b in snapshot.get("budget") or []],
    }


def _pdf(template: str, context: dict) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=URL_FETCHER).write_pdf()


def dossier_pdf(application: Application, *, blind: bool) -> bytes:
    application = Application.objects.select_related("track__program", "organisation", "created_by").get(
        pk=application.pk)
    return _pdf("reviews/dossier_pdf.html", dossier_context(application, blind=blind))


# --- the ranking workbook ----------------------------------------------------------------------------------------


def ranking_xlsx(rounds: list[ReviewRound]) -> bytes:
    """One sheet per track: rank, aggregate, spread, each reviewer's total and score per criterion. Numbers are
    numbers; headers in the reader's language (the caller's active language)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for review_round in rounds:
        rows = ranking(review_round, with_scores=True)
        rubric = rubric_for(review_round.track)
        criteria = list(rubric.criteria.all()) if rubric else []
        sheet = workbook.create_sheet(title=_sheet_title(review_round, workbook.sheetnames))
        reviewers = sorted({r for row in rows for r in row.scores})
        header = [_("Rank"), _("Reference"), _("Project title"), _("Aggregate score"), _("Normalised (z)"),
                  _("Spread"), _("Reviews done"), _("Reviews missing")]
        for n, _reviewer in enumerate(reviewers, 1):
            header += [_("Expert %(n)s: %(criterion)s") % {"n": n, "criterion": c.display_title} for c in criteria]
            header.append(_("Expert %(n)s: weighted total") % {"n": n})
        append_row(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            line = [row.rank, row.application.reference, row.application.title, _num(row.aggregate),
                    _num(row.normalised), _num(row.spread), row.done, row.missing]
            for reviewer in reviewers:
                scores = row.scores.get(reviewer)
                line += [_num(scores.get(c.pk)) if scores else None for c in criteria]
                line.append(_num(_total(scores, criteria)) if scores else None)
            append_row(sheet, line)
        for i in range(1, len(header) + 1):
            sheet.column_dimensions[get_column_letter(i)].width = 14 if i != 3 else 36
    if not workbook.sheetnames:
        workbook.create_sheet(_("Ranking"))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _total(scores: dict, criteria) -> Decimal | None:
    from .scoring import weighted_total

    if not scores or any(scores.get(c.pk) is None for c in criteria):
        return None
    return weighted_total([(scores[c.pk], c.weight) for c in criteria])


def _num(value):
    return float(value) if isinstance(value, Decimal) else value


def _sheet_title(review_round: ReviewRound, taken: list[str]) -> str:
    program = review_round.track.program
    base = re.sub(r"[\[\]:*?/\\]", "", f"{program.reference_prefix}-{review_round.track.code}")[:28]
    title, n = base, 2
    while title in taken:
        title, n = f"{base}-{n}", n + 1
    return title


# --- the approval notice -----------------------------------------------------------------------------------------


def approval_notice_pdf(award: Award) -> bytes:
    award = Award.objects.select_related("application__organisation", "application__track__program",
                                         "application__project").get(pk=award.pk)
    project = award.application.project
    return _pdf("reviews/notice_pdf.html", {
        "award": award, "application": award.application, "track": award.application.track,
        "program": award.application.track.program, "organisation": award.application.organisation,
        "project": project, "tranches": list(project.tranches.all()),
        "amount": format_yuan(award.amount), "date": timezone.localdate(),
    })
