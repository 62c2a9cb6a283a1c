"""Turn a valid guide document (programs.guide_format) into rows, safely on a database in use.

Programs are matched by code, tracks by (program, code), tranches by position, KPI groups by code;
KPIs, rules and materials by what they say (metric; kind and sentence; title), so that a KPI an
applicant committed to stays the same row when the guide's list grows or is reordered.

The loader manages only the rows that come from the guide (``origin=guide``); rows the office
added (``origin=office``) are never touched. A guide row that is no longer in the file is deleted
if nothing points to it, and archived (``archived_at`` set) if applications do; an archived row
that comes back is restored. Loading the same file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from offices.models import Office

from .models import (
    KPI,
    Allocation,
    AppliesTo,
    AwardCategory,
    AwardMode,
    Criterion,
    EligibilityRule,
    GuideStatus,
    JointPolicy,
    KPIGroup,
    Material,
    Origin,
    Program,
    Rubric,
    Track,
    Tranche,
)
from .tie_breaks import tie_breaks_of

logger = logging.getLogger("programs.guide_loader")

# Sequence numbers used only while rows swap places (unique per track and seq).
_PARKING = 30000
# Office rows are numbered from here (a convention: guide rows are numbered 1, 2, 3 …).
OFFICE_SEQ_START = 1000


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _normalise_params(params: dict) -> dict:
    out = {}
    for key, value in (params or {}).items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal | float):
            value = str(value)
        out[key] = value
    return out


def _values(row: Model) -> tuple:
    return tuple(getattr(row, field.attname) for field in row._meta.concrete_fields)


def _if_changed(row: Model, before: tuple) -> Iterator[Model]:
    """The row, to be saved, if it is new or the guide changed it: loading an unchanged guide again writes
    nothing."""
    if row.pk is None or _values(row) != before:
        yield row


def _delete_or_archive(row: Model, label: str, now) -> bool:
    """Delete a row the guide dropped; if something protects it, archive it. True if it was kept."""
    try:
        with transaction.atomic():
            row.delete()
    except ProtectedError:
        if row.archived_at is None:
            row.archived_at = now
            row.save(update_fields=["archived_at"])
            logger.warning(_("%(row)s is no longer in the guide but applications use it: archived, not deleted.")
                           % {"row": label})
        return True
    logger.info(_("%(row)s is no longer in the guide: deleted.") % {"row": label})
    return False


def _office_of(p: dict) -> Office:
    """For a guide that names no office (``office:``): the office of the issuer's name, else the region's only
    office, else a new office named after the issuer in the program's region (an admin may move it later)."""
    region = str(p["region"])
    office = Office.objects.filter(name=p.get("issuer") or "").first()
    if office is None:
        in_region = list(Office.objects.filter(region_id=region)[:2])
        office = in_region[0] if len(in_region) == 1 else None
    if office is None:
        code, n = f"office-{region}", 1
        while Office.objects.filter(code=code).exists():
            n += 1
            code = f"office-{region}-{n}"
        office = Office(code=code, name=p.get("issuer") or code, region_id=region)
    return office


def guide_objects(data: dict) -> Iterator[Any]:
    """Yield unsaved model instances in dependency order, matched to existing rows.

    Callers (the YAML deserializer, used by ``loaddata``) save each instance before asking for
    the next, so a child can read its parent's primary key. Run inside a transaction.
    """
    if "rubric" in data:
        yield from _rubric_objects(data["rubric"])
    if "program" not in data:
        return
    p = data["program"]
    now = timezone.now()
    program_rubric = None
    if p.get("rubric"):
        rubric_items = list(_rubric_objects(p["rubric"]))
        yield from rubric_items[:1]
        program_rubric = rubric_items[0]
        yield from rubric_items[1:]
    program = Program.objects.filter(code=p["code"]).first() or Program(code=p["code"])
    for field in ("title", "short_title", "issuer", "level", "call_window_text", "budget_text", "contact",
                  "summary", "source_file", "reference_prefix", "timeline_text", "encoding_notes"):
        setattr(program, field, p.get(field) or "")
    program.region_id = str(p["region"])
    if p.get("office"):
        program.office_id = p["office"]  # the validator has checked it is loaded
    else:
        office = _office_of(p)
        if office._state.adding:
            yield office
        program.office = office
    program.year = p["year"]
    program.call_opens = p.get("call_opens")
    program.call_closes = p.get("call_closes")
    program.total_budget = _dec(p.get("total_budget"))
    program.guide_status = p.get("guide_status") or GuideStatus.FINAL
    program.archived_at = None
    program.rubric = program_rubric
    yield program  # always (one row): loaddata warns of a fixture that yields nothing

    common = p.get("common") or {}
    defaults = p.get("procedure") or {}
    codes = [str(t["code"]) for t in p["tracks"]]
    tracks = {track.code: track for track in Track.objects.filter(program=program)}
    for code, dropped in tracks.items():
        if code not in codes:
            _delete_or_archive(dropped, f"{program.code} / {dropped.code}", now)
    children = _ProgramRows([track.pk for code, track in tracks.items() if code in codes])
    for position, t in enumerate(p["tracks"], 1):
        track_rubric = None
        if t.get("rubric"):
            rubric_items = list(_rubric_objects(t["rubric"]))
            yield from rubric_items[:1]
            track_rubric = rubric_items[0]
            yield from rubric_items[1:]
        track = tracks.get(str(t["code"])) or Track(program=program, code=str(t["code"]))
        before = _values(track)
        if track.archived_at is not None:
            logger.warning(_("%(row)s is back in the guide: restored.") % {"row": f"{program.code} / {track.code}"})
        _fill_track(track, t, defaults, position, track_rubric)
        track.program = program
        yield from _if_changed(track, before)
        yield from _track_children(track, t, common, now, children)


class _ProgramRows:
    """The rows under a program's tracks (tranches, KPI groups, KPIs, rules, materials), read once per program
    (five queries) rather than once per track, grouped by track."""

    def __init__(self, track_ids: list[int]):
        self.rows: dict[type, dict[int, list]] = {}
        for model in (Tranche, KPIGroup, KPI, EligibilityRule, Material):
            grouped: dict[int, list] = defaultdict(list)
            for row in (model.objects.filter(track_id__in=track_ids).order_by("pk") if track_ids else ()):
                grouped[row.track_id].append(row)
            self.rows[model] = grouped

    def of(self, model: type, track: Track) -> list:
        return list(self.rows[model].get(track.pk, [])) if track.pk else []


def _fill_track(track: Track, t: dict, defaults: dict, position: int, rubric) -> None:
    track.position = position
    for field in ("title", "tasks", "kpi_text", "period_text", "funding_mode", "funding_text",
                  "applicant_text", "award_text", "notes", "encoding_notes"):
        setattr(track, field, t.get(field) or "")
    track.period_months = t.get("period_months")
    track.period_is_maximum = bool(t.get("period_is_maximum"))
    track.eligible_org_types = list(t.get("eligible_org_types") or [])
    track.joint_policy = t.get("joint_policy") or JointPolicy.UNSTATED
    track.partner_limit = t.get("partner_limit")
    track.budget = _dec(t.get("budget"))
    track.max_awards = t.get("max_awards")
    track.awards_is_maximum = bool(t.get("awards_is_maximum"))
    track.award_category = t.get("award_category") or AwardCategory.IP_PROJECT
    track.award_mode = t.get("award_mode") or AwardMode.UNSTATED
    track.allocation = t.get("allocation") or Allocation.UNSTATED
    # Procedure: the track's own value, else the program's default, else empty (the portal default applies).
    proc = {key: t[key] if key in t else defaults.get(key) for key in (
        "reviewers_per_application", "score_aggregation", "tie_breaks", "publicity_days", "publicity_day_kind",
        "midterm_check", "procedure_text", "appeal_days", "appeal_day_kind")}
    track.reviewers_per_application = proc["reviewers_per_application"]
    track.score_aggregation = proc["score_aggregation"] or ""
    track.tie_breaks = [t.as_json() for t in tie_breaks_of(proc["tie_breaks"])]
    track.publicity_days = proc["publicity_days"]
    track.publicity_day_kind = proc["publicity_day_kind"] or ""
    track.midterm_check = proc["midterm_check"]
    track.appeal_days = proc["appeal_days"]
    track.appeal_day_kind = proc["appeal_day_kind"] or ""
    track.procedure_text = proc["procedure_text"] or ""
    track.archived_at = None
    track.rubric = rubric


def _track_children(track: Track, t: dict, common: dict, now, children: _ProgramRows) -> Iterator[Any]:
    yield from _tranches(track, t.get("tranches") or [], children.of(Tranche, track))
    groups = yield from _kpi_groups(track, t.get("kpi_groups") or [], children.of(KPIGroup, track))
    yield from _reconcile(track, KPI, t.get("kpis") or [], lambda row: row.metric, lambda d: d["metric"],
                          lambda row, d: _fill_kpi(row, d, groups), now, children.of(KPI, track))
    rules = list(common.get("rules") or []) + list(t.get("rules") or [])
    yield from _reconcile(track, EligibilityRule, rules, lambda row: (row.kind, row.text),
                          lambda d: (d["kind"], d["text"]), _fill_rule, now, children.of(EligibilityRule, track))
    materials = list(common.get("materials") or []) + list(t.get("materials") or [])
    yield from _reconcile(track, Material, materials, lambda row: row.title, lambda d: d["title"],
                          _fill_material, now, children.of(Material, track))


def _fill_kpi(row: KPI, d: dict, groups: dict[str, KPIGroup]) -> None:
    row.metric = d["metric"]
    row.comparator = d.get("comparator") or ""
    row.target = _dec(d.get("target"))
    row.unit = d.get("unit") or ""
    row.qualitative = bool(d.get("qualitative"))
    row.text = d.get("text") or ""
    row.group = groups.get(str(d["group"])) if d.get("group") is not None else None


def _fill_rule(row: EligibilityRule, d: dict) -> None:
    row.kind = d["kind"]
    row.params = _normalise_params(d.get("params") or {})
    row.text = d["text"]
    row.soft = bool(d.get("soft"))
    row.applies_to = d.get("applies_to") or AppliesTo.LEAD
    row.encoding_note = d.get("note") or ""


def _fill_material(row: Material, d: dict) -> None:
    row.title = d["title"]
    row.required = d.get("required", True) is not False
    row.note = d.get("note") or ""


def _tranches(track: Track, items: list[dict], rows: list[Tranche]) -> Iterator[Any]:
    existing = {row.seq: row for row in rows}
    if any(seq > len(items) for seq in existing):
        Tranche.objects.filter(track_id=track.pk, seq__gt=len(items)).delete()
    for seq, d in enumerate(items, 1):
        row = existing.get(seq) or Tranche(track=track, seq=seq)
        before = _values(row)
        row.track = track
        row.share_percent = _dec(d["share_percent"])
        row.amount = _dec(d.get("amount"))
        row.trigger = d["trigger"]
        row.text = d.get("text") or ""
        yield from _if_changed(row, before)


def _kpi_groups(track: Track, items: list[dict], rows: list[KPIGroup]):
    """Yield the track's KPI groups; return them by code (for the KPIs that follow)."""
    existing = {row.code: row for row in rows}
    codes = {str(d["code"]) for d in items}
    if set(existing) - codes:
        KPIGroup.objects.filter(track_id=track.pk).exclude(code__in=codes).delete()
    groups = {}
    for d in items:
        code = str(d["code"])
        row = existing.get(code) or KPIGroup(track=track, code=code)
        before = _values(row)
        row.track = track
        row.min_count = d["min"]
        row.text = d.get("text") or ""
        groups[code] = row
        yield from _if_changed(row, before)
    return groups


def _reconcile(track: Track, model: type, items: list[dict], row_key: Callable, item_key: Callable,
               fill: Callable, now, track_rows: list) -> Iterator[Any]:
    """Match the guide's list to the track's guide rows (``track_rows``: all the track's rows, read with the
    program's); archive or delete the rest; number them 1..N."""
    rows = sorted((r for r in track_rows if r.origin == Origin.GUIDE), key=lambda r: r.seq)
    by_key: dict[Any, list] = defaultdict(list)
    for row in rows:
        by_key[row_key(row)].append(row)
    chosen: list[Any] = []
    for seq, d in enumerate(items, 1):
        candidates = by_key.get(item_key(d)) or []
        row = next((r for r in candidates if r.seq == seq), None) or (candidates[0] if candidates else None)
        if row is not None:
            candidates.remove(row)
        chosen.append(row)
    label = model._meta.verbose_name
    leftovers = [r for rs in by_key.values() for r in rs]
    kept = [r for r in leftovers
            if _delete_or_archive(r, f"{track.program.code} / {track.code}: {label} “{r}”", now)]
    for row in chosen:
        if row is not None and row.archived_at is not None:
            logger.warning(_("%(row)s is back in the guide: restored.")
                           % {"row": f"{track.program.code} / {track.code}: {label} “{row}”"})
    # Archived rows move out of 1..N, clear of the office's rows; the chosen rows take 1..N.
    office = {r.pk: r.seq for r in track_rows if r.origin != Origin.GUIDE}
    taken = set(office.values())
    for pk, seq in sorted(office.items(), key=lambda item: item[1]):
        if seq <= len(items):  # an office row numbered among the guide's: renumber it, keep it
            new_seq = max(OFFICE_SEQ_START, *taken) + 1
            model.objects.filter(pk=pk).update(seq=new_seq)
            taken.add(new_seq)
            logger.warning(_("%(row)s: an office row numbered %(old)s is renumbered %(new)s, clear of the guide's "
                             "rows.") % {"row": f"{track.program.code} / {track.code}", "old": seq, "new": new_seq})
    final: dict[int, int] = {}
    for row in sorted(kept, key=lambda r: r.seq):
        seq = row.seq
        while seq <= len(items) or seq in taken:
            seq = max(seq, len(items)) + 1
        taken.add(seq)
        final[row.pk] = seq
    for seq, row in enumerate(chosen, 1):
        if row is not None:
            final[row.pk] = seq
    moving = [row for row in kept + [r for r in chosen if r is not None] if row.seq != final[row.pk]]
    for i, row in enumerate(moving):
        model.objects.filter(pk=row.pk).update(seq=_PARKING + i)
    for row in kept:
        if row in moving:
            model.objects.filter(pk=row.pk).update(seq=final[row.pk])
    for seq, (row, d) in enumerate(zip(chosen, items, strict=True), 1):
        if row is None:
            row = model(track=track, seq=seq, origin=Origin.GUIDE)
        before = _values(row)
        row.track = track
        row.seq = seq
        row.archived_at = None
        fill(row, d)
        yield from _if_changed(row, before)


def _rubric_objects(r: dict) -> Iterator[Any]:
    rubric = Rubric.objects.filter(code=r["code"]).first() or Rubric(code=r["code"])
    rubric.title = r["title"]
    rubric.title_en = r.get("title_en") or ""
    rubric.source = r.get("source") or Rubric.Source.OFFICE
    rubric.is_portal_default = rubric.source == Rubric.Source.PORTAL
    yield rubric
    criteria = r.get("criteria") or []
    existing = {row.seq: row for row in Criterion.objects.filter(rubric_id=rubric.pk)} if rubric.pk else {}
    Criterion.objects.filter(rubric_id=rubric.pk, seq__gt=len(criteria)).delete()
    for seq, item in enumerate(criteria, 1):
        row = existing.get(seq) or Criterion(rubric=rubric, seq=seq)
        row.rubric = rubric
        row.title = item["title"]
        row.description = item.get("description") or ""
        row.title_en = item.get("title_en") or ""
        row.description_en = item.get("description_en") or ""
        row.weight = _dec(item["weight"])
        yield row
