"""Exports of expert review, each a function returning bytes: the reviewer's PDF (redacted for blind review),
the ranking workbook, the approval notice (立项通知书)."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationVersion
from core.money import format_yuan
from core.pdf import render_pdf
from core.spreadsheet import money, write_only_row
from organisations.choices import OrgType
from programs.selectors import rubric_for

from . import scoring
from .models import AssignmentState, Award, Review, ReviewRound, ReviewScore, ReviewState
from .redaction import redactor_for
from .selectors import Ranking, ranking

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


def dossier_pdf(application: Application, *, blind: bool) -> bytes:
    application = Application.objects.select_related("track__program", "organisation", "created_by").get(
        pk=application.pk)
    return render_pdf("reviews/dossier_pdf.html", dossier_context(application, blind=blind))


# --- the ranking workbook ----------------------------------------------------------------------------------------


@dataclass
class _RoundData:
    review_round: ReviewRound
    ranked: Ranking
    criteria: list
    applications: dict[int, tuple[str, str]]  # id → (title, organisation's name)
    reviews: list[tuple[int, int, str, Decimal]]  # (review id, application id, reviewer's name, total)
    scores: dict[int, dict[int, Decimal | None]]  # review id → criterion id → score
    awards: dict[int, Decimal]  # application id → proposed award


def _rounds_data(rounds: list[ReviewRound]) -> list[_RoundData]:
    """What the workbook shows of each round: its ranking (the page's selector, per round), then the scores, the
    reviews, the applications' titles and the awards of every round at once (values, no model rows)."""
    ranked = {r.pk: ranking(r) for r in rounds}
    submitted = Review.objects.filter(assignment__round__in=rounds, state=ReviewState.SUBMITTED,
                                      assignment__state=AssignmentState.ACCEPTED)
    scores: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for review_id, criterion_id, score in ReviewScore.objects.filter(review__in=submitted).order_by().values_list(
            "review_id", "criterion_id", "score"):
        scores[review_id][criterion_id] = score
    reviews: dict[int, list] = defaultdict(list)
    for round_id, *review in submitted.order_by().values_list(
            "assignment__round_id", "pk", "assignment__application_id", "assignment__reviewer__name", "total"):
        reviews[round_id].append(tuple(review))
    applications = {pk: (title, organisation) for pk, title, organisation in Application.objects.filter(
        pk__in=[row.application.pk for rows in ranked.values() for row in rows]).order_by().values_list(
        "pk", "title", "organisation__name")}
    awards: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for round_id, application_id, amount in Award.objects.filter(round__in=rounds).values_list(
            "round_id", "application_id", "amount"):
        awards[round_id][application_id] = amount
    return [_RoundData(
        review_round=r, ranked=ranked[r.pk], criteria=_criteria(r), applications=applications,
        reviews=reviews[r.pk], scores=scores, awards=awards[r.pk],
    ) for r in rounds]


def _criteria(review_round: ReviewRound) -> list:
    rubric = rubric_for(review_round.track)
    return list(rubric.criteria.all()) if rubric else []


def ranking_xlsx(rounds: list[ReviewRound]) -> bytes:
    """The ranking in a long layout, written once (openpyxl's write-only mode): a sheet of every submitted review,
    one row each (application, organisation, track, reviewer, each criterion's score, total), in rank order; then
    one summary sheet per track (rank, reference, title, score, mean, number of reviews, proposed award). The
    officer's workbook names the reviewers as the round page does. Numbers are numbers, money in the money format;
    headers in the reader's language (the caller's active language)."""
    from openpyxl import Workbook

    data = _rounds_data(rounds)
    criteria = list({c.pk: c for d in data for c in d.criteria}.values())  # every track's, in order, once
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Review scores"))
    header = [_("Reference"), _("Project title"), _("Organisation"), _("Track"), _("Reviewer")]
    header += [c.display_title for c in criteria] + [_("Weighted total")]
    _widths(sheet, [16, 36, 30, 24, 14] + [12] * (len(criteria) + 1))
    write_only_row(sheet, header, bold=True)
    for d in data:
        track_name = f"{d.review_round.track.program}: {d.review_round.track}"
        order = {row.application.pk: i for i, row in enumerate(d.ranked)}
        reference = {row.application.pk: row.application.reference for row in d.ranked}
        for review_id, application_id, reviewer, total in sorted(
                (r for r in d.reviews if r[1] in order), key=lambda r: (order[r[1]], r[2], r[0])):
            title, organisation = d.applications[application_id]
            scores = d.scores.get(review_id, {})
            write_only_row(sheet, [reference[application_id], title, organisation, track_name, reviewer,
                                   *(_num(scores.get(c.pk)) for c in criteria), _num(total)])
    taken: list[str] = [sheet.title]
    for d in data:
        summary = workbook.create_sheet(title=_sheet_title(d.review_round, taken))
        taken.append(summary.title)
        _widths(summary, [8, 16, 36, 12, 12, 10, 16, 36, 40])
        write_only_row(summary, [_("Rank"), _("Reference"), _("Project title"), _("Aggregate score"),
                                 _("Mean score"), _("Reviews done"), _("Proposed award (yuan)"), _("Tie"),
                                 _("Reason for the officer's order")], bold=True)
        for row in d.ranked:
            pk = row.application.pk
            award = d.awards.get(pk)
            write_only_row(summary, [
                row.rank, row.application.reference, d.applications[pk][0], _num(row.aggregate),
                _num(scoring.mean(row.totals)) if row.totals else None, row.done,
                money(award) if award is not None else None, *_tie_cells(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _tie_cells(row) -> list[str]:
    """What the summary says of a row's tie: still tied (a tie-break the officer judges), or the officer's order
    (this row's place in it, who ordered it) and the reason."""
    tie = row.tie
    if tie is None:
        return ["", ""]
    if tie.open:
        return [_("tied: %(preference)s, to be judged by the officer") % {"preference": tie.tie_break.label},
                ""]
    return [_("ordered by %(officer)s, place %(place)s of %(count)s: %(preference)s") % {
        "officer": str(tie.order.ordered_by),
        "place": tie.ids.index(row.application.pk) + 1, "count": len(tie.ids), "preference": tie.tie_break.label},
        tie.order.reason]


def _widths(sheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width


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
    return render_pdf("reviews/notice_pdf.html", {
        "award": award, "application": award.application, "track": award.application.track,
        "program": award.application.track.program, "organisation": award.application.organisation,
        "project": project, "tranches": list(project.tranches.all()),
        "amount": format_yuan(award.amount), "date": timezone.localdate(),
    })
