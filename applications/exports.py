"""Exports of applications as files; each export is a function returning bytes.

``application_pdf`` renders the application book (申报书) of one submitted version. It reads the
frozen ``ApplicationVersion.snapshot``, never the live draft, so the PDF of version 1 stays the
same after the applicant edits and resubmits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from organisations.choices import OrgType
from programs.models import KPI, Material

from .eligibility import Outcome, Overall, RuleResult
from .models import Application, ApplicationVersion, BudgetLine, ConditionDecision, submitted_files

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class KPIRow:
    seq: int
    metric: str
    target: str
    committed: str
    note: str
    group: str = ""  # "至少承诺其中 1 项（二者满足其一）" on the first KPI of a group


@dataclass(frozen=True)
class BudgetRow:
    item: str
    source: str
    source_label: str
    amount: Decimal | None


@dataclass(frozen=True)
class RuleRow:
    seq: int
    outcome: str
    outcome_label: str
    reason: str
    guide_text: str
    soft: bool = False
    explanation: str = ""


@dataclass(frozen=True)
class MaterialFile:
    file_name: str
    sha256_prefix: str


@dataclass(frozen=True)
class MaterialRow:
    seq: int | None
    title: str
    required: bool
    files: tuple[MaterialFile, ...] = ()


def application_pdf(application: Application, *, version: int | None = None) -> bytes:
    """The application book of ``version`` (default: the latest submitted one) as PDF bytes.

    Rendered in the portal's language (``settings.LANGUAGE_CODE``): it is the document filed with
    the office, whoever asks for it. Raises ``ApplicationVersion.DoesNotExist`` if that version
    was never submitted. Four queries, whatever the size of the application.
    """
    application = Application.objects.select_related(
        "track__program", "organisation__region__parent__parent"
    ).get(pk=application.pk)
    number = application.version if version is None else version
    submitted = ApplicationVersion.objects.get(application=application, number=number)
    return render_pdf("applications/pdf.html", _context(application, submitted))


def _context(application: Application, submitted: ApplicationVersion) -> dict:
    snapshot = submitted.snapshot
    track = application.track
    budget = _budget_rows(snapshot.get("budget") or [])
    verdict = snapshot.get("verdict") or {}
    return {
        "application": application,
        "program": track.program,
        "track": track,
        "organisation": application.organisation,
        "org_type": _org_type_label(application.organisation.org_type),
        "number": submitted.number,
        "submitted_at": timezone.localtime(submitted.submitted_at, SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "title": snapshot.get("title") or "",
        "plan": snapshot.get("plan") or "",
        "requested_amount": _decimal(snapshot.get("requested_amount")),
        "matching_funds": _decimal(snapshot.get("matching_funds")),
        "matching_committed": bool(snapshot.get("matching_committed")),
        "partners": [
            {**partner, "org_type_label": _org_type_label(partner.get("org_type", ""))}
            for partner in snapshot.get("partners") or []
        ],
        "budget": budget,
        "grant_total": _total(budget, BudgetLine.Source.GRANT),
        "matching_total": _total(budget, BudgetLine.Source.MATCHING),
        "budget_total": sum((row.amount or Decimal(0) for row in budget), Decimal(0)),
        "kpis": _kpi_rows(list(track.kpis.select_related("group")), snapshot.get("kpis") or {}),
        "verdict_overall": verdict.get("overall", ""),
        "verdict_overall_label": _overall_label(verdict),
        "verdict_evaluated_on": verdict.get("evaluated_on", ""),
        "rules": _rule_rows(verdict.get("results") or [], snapshot.get("explanations") or {}),
        "materials": _material_rows(track.materials.all(), snapshot.get("materials") or {}),
        "page_footer": _css_page_counter(),
        "decisions": _decision_rows(snapshot.get("decisions") or []),
        "declaration": _declaration(snapshot.get("declaration") or {}),
    }


def _local(iso: str) -> str:
    try:
        return timezone.localtime(dt.datetime.fromisoformat(iso), SHANGHAI).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return ""


def _decision_rows(decisions: list[dict]) -> list[dict]:
    labels = dict(ConditionDecision.Decision.choices)
    return [{**d, "label": str(labels.get(d.get("decision"), d.get("decision", ""))), "at": _local(d.get("at"))}
            for d in decisions]


def _declaration(declaration: dict) -> dict:
    return {**declaration, "at_display": _local(declaration.get("at"))}


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _org_type_label(code: str) -> str:
    return str(dict(OrgType.choices).get(code, code))


def _outcome_label(code: str) -> str:
    return str(dict(Outcome.choices).get(code, code))


def _overall_label(verdict: dict) -> str:
    code = verdict.get("overall", "")
    return str(dict(Overall.choices).get(code, code))


def _budget_rows(lines: list[dict]) -> list[BudgetRow]:
    labels = dict(BudgetLine.Source.choices)
    return [
        BudgetRow(
            item=line.get("item", ""),
            source=line.get("source", ""),
            source_label=str(labels.get(line.get("source", ""), line.get("source", ""))),
            amount=_decimal(line.get("amount")),
        )
        for line in lines
    ]


def _total(rows: list[BudgetRow], source: str) -> Decimal:
    return sum((row.amount or Decimal(0) for row in rows if row.source == source), Decimal(0))


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _kpi_target(kpi: KPI) -> str:
    if kpi.qualitative or kpi.target is None:
        return _("qualitative")
    return " ".join(part for part in (kpi.get_comparator_display(), _number(kpi.target), kpi.unit) if part)


def _pair(entry) -> tuple[str | None, str]:
    """A snapshot KPI entry ``[value, note]``; tolerant of a missing or short entry."""
    entry = list(entry or [])
    value = entry[0] if entry else None
    note = entry[1] if len(entry) > 1 else ""
    return value, note or ""


def _kpi_rows(kpis, committed: dict[str, list]) -> list[KPIRow]:
    rows, seen_groups = [], set()
    for kpi in sorted(kpis, key=lambda k: k.seq):
        if kpi.archived_at is not None and str(kpi.pk) not in committed:
            continue
        value, note = _pair(committed.get(str(kpi.pk)))
        amount = _number(_decimal(value))
        group = ""
        if kpi.group_id is not None and kpi.group_id not in seen_groups:
            seen_groups.add(kpi.group_id)
            members = sum(1 for k in kpis if k.group_id == kpi.group_id)
            group = _("Commit to at least %(min)s of the following %(n)s targets") % {
                "min": kpi.group.min_count, "n": members}
            if kpi.group.text:
                group += f"（{kpi.group.text}）"
        rows.append(KPIRow(
            seq=kpi.seq,
            metric=kpi.metric,
            target=_kpi_target(kpi),
            committed=f"{amount} {kpi.unit}".strip() if amount else "",
            note=note,
            group=group,
        ))
    return rows


def _rule_rows(results: list[dict], explanations: dict) -> list[RuleRow]:
    return [
        RuleRow(
            seq=result.get("seq", i),
            outcome=result.get("outcome", ""),
            outcome_label=_outcome_label(result.get("outcome", "")),
            reason=RuleResult.from_dict(result).reason if "rule_id" in result else result.get("reason", ""),
            guide_text=result.get("guide_text", ""),
            soft=bool(result.get("soft")),
            explanation=str(explanations.get(str(result.get("rule_id")), "")),
        )
        for i, result in enumerate(results, 1)
    ]


def _material_rows(materials, uploaded: dict[str, list[dict] | dict]) -> list[MaterialRow]:
    rows = [_material_row(m, uploaded.get(str(m.pk))) for m in materials]
    listed = {str(m.pk) for m in materials}
    # An upload for a material the guide no longer lists is still part of what was submitted.
    rows += [
        MaterialRow(seq=None, title=", ".join(f.file_name for f in files), required=False, files=files)
        for material_id, entry in uploaded.items()
        if material_id not in listed and (files := _material_files(entry))
    ]
    return rows


def _material_files(entry) -> tuple[MaterialFile, ...]:
    return tuple(MaterialFile(file_name=f.get("name", ""), sha256_prefix=(f.get("sha256") or "")[:12])
                 for f in submitted_files(entry))


def _material_row(material: Material, entry) -> MaterialRow:
    return MaterialRow(seq=material.seq, title=material.title, required=material.required,
                       files=_material_files(entry))


def _css_string(text: str) -> str:
    """A CSS string literal; ``<`` escaped too, since it sits inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


def _css_page_counter() -> SafeString:
    """“Page X of Y” as a CSS ``content`` value, in the translator's word order."""
    text = _("Page %(page)s of %(pages)s")
    marker = "\x00"
    parts = (text % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}).split(marker)
    tokens = []
    for i, part in enumerate(parts):
        if i % 2:
            tokens.append(f"counter({part})")
        elif part:
            tokens.append(_css_string(part))
    # Safe: the only literal parts went through _css_string.
    return mark_safe(" ".join(tokens))
