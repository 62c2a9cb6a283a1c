"""Reads for the guide-draft pages: the list, one draft, and what the page shows beside the guide's text."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from programs.guide_format import GuideFormatError, parse_guide
from programs.models import Program

from .models import DRAFT_TRANSITIONS, DraftStatus, GuideDraft

LIST_FIELDS = ("id", "source_name", "source_kind", "status", "created_at", "updated_at", "problems", "program__code",
               "program__title", "created_by__username")


def draft_list() -> QuerySet[GuideDraft]:
    return GuideDraft.objects.select_related("program", "created_by").only(*LIST_FIELDS)


def draft_steps(draft: GuideDraft) -> frozenset[str]:
    """The steps the draft's page offers an admin (save, fill, load), as the services check them."""
    return frozenset(name for name, step in DRAFT_TRANSITIONS.items() if draft.status in step.sources)


def draft_detail(draft_id: int) -> GuideDraft:
    return get_object_or_404(GuideDraft.objects.select_related("program"), pk=draft_id)


@dataclass
class Fact:
    """One drafted item as the page lists it, linked to its sentence."""

    place: str  # program, tracks.2, tracks.2.kpis[3] …
    holder: str  # program or tracks.N: where a flagged field is filled in
    field: str  # the field of a program or track; empty for a list item
    summary: str
    confidence: str
    line: int
    source: str
    value: str = ""


LIST_KEYS = ("tranches", "kpi_groups", "kpis", "rules", "materials")


def _summary(key: str, item: dict) -> str:
    if key == "kpis":
        if item.get("qualitative"):
            return f"{item.get('metric', '')}"
        return f"{item.get('metric', '')} {item.get('comparator', '')} {item.get('target', '')} {item.get('unit', '')}"
    if key == "rules":
        params = ", ".join(f"{k}: {v}" for k, v in (item.get("params") or {}).items())
        return f"{item.get('kind')}{' (' + params + ')' if params else ''}{' · soft' if item.get('soft') else ''}"
    if key == "tranches":
        return f"{item.get('share_percent')} % · {item.get('trigger')}"
    if key == "kpi_groups":
        return f"{item.get('code')}: ≥ {item.get('min')}"
    return str(item.get("title", ""))


def _notes(place: str, holder: str, node: dict, key: str | None) -> list[Fact]:
    out = []
    for n in node.get("draft") or []:
        if not isinstance(n, dict):
            continue
        field = str(n.get("field") or "")
        value = node.get(field) if field else None
        summary = f"{field}: {value}" if field else _summary(key or "", node)
        out.append(Fact(place=place, holder=holder, field=field, summary=summary,
                        confidence=str(n.get("confidence", "")), line=int(n.get("line") or 0),
                        source=str(n.get("source") or ""), value="" if value is None else str(value)))
    return out


def draft_facts(draft: GuideDraft) -> list[Fact]:
    """Every drafted fact of the draft (as now edited), in the draft's order; none when the YAML does not parse."""
    try:
        document = parse_guide(draft.draft_yaml)
        program = document["program"]
        tracks = program.get("tracks") or []
    except (GuideFormatError, KeyError, TypeError, AttributeError):
        return []
    facts = _notes("program", "program", program, None)
    common = program.get("common") or {}
    holders = [("common", "program", common)] + [(f"tracks.{i}", f"tracks.{i}", t) for i, t in enumerate(tracks, 1)
                                                   if isinstance(t, dict)]
    for place, holder, node in holders:
        if place != "common":
            facts += _notes(place, holder, node, None)
        for key in LIST_KEYS:
            for j, item in enumerate(node.get(key) or [], 1):
                if isinstance(item, dict):
                    facts += _notes(f"{place}.{key}[{j}]", holder, item, key)
    return facts


def program_replaced(draft: GuideDraft) -> Program | None:
    """The program a load would update in place (the loader matches programs by code), if there is one."""
    if draft.status != DraftStatus.DRAFTED:
        return None
    try:
        code = parse_guide(draft.draft_yaml)["program"]["code"]
    except (GuideFormatError, KeyError, TypeError):
        return None
    return Program.objects.filter(code=str(code)).only("code", "title").first()


def guide_lines(draft: GuideDraft) -> list[tuple[int, str]]:
    return list(enumerate(draft.source_text.splitlines(), 1))
