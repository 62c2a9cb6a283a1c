"""Read, check and apply guide fixtures (the nested YAML format of fixtures/README.md).

``check_guide`` returns every problem of a document with its place; ``guide_objects`` turns a
valid document into model instances matched to existing rows by natural key, so that loading a
guide twice updates it and never duplicates it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.utils.translation import gettext as _

from organisations.choices import OrgType
from organisations.models import Region

from .models import (
    KPI,
    AwardCategory,
    Comparator,
    Criterion,
    EligibilityRule,
    FundingMode,
    JointPolicy,
    Level,
    Material,
    Program,
    Rubric,
    RuleKind,
    Track,
    Tranche,
    TrancheTrigger,
)
from .rule_kinds import RULE_KINDS

HUNDRED = Decimal("100")
CHECK_LEVELS = {"national", "province", "city", "district"}
PATENT_KINDS = {"invention", "utility", "design"}

PROGRAM_KEYS = {
    "code", "title", "short_title", "issuer", "level", "region", "year", "reference_prefix", "call_opens",
    "call_closes", "call_window_text", "total_budget", "budget_text", "contact", "summary", "source_file",
    "rubric", "common", "tracks",
}
PROGRAM_REQUIRED = {"code", "title", "issuer", "level", "region", "year", "reference_prefix", "tracks"}
TRACK_KEYS = {
    "code", "title", "tasks", "kpi_text", "period_months", "period_is_maximum", "period_text", "funding_mode",
    "funding_text", "eligible_org_types", "applicant_text", "joint_policy", "partner_limit", "budget",
    "max_awards", "awards_is_maximum", "award_text", "award_category", "notes",
    "rubric", "tranches", "kpis", "rules", "materials",
}
TRACK_REQUIRED = {"code", "title"}
TRANCHE_KEYS = {"share_percent", "amount", "trigger", "text"}
KPI_KEYS = {"metric", "comparator", "target", "unit", "qualitative", "text"}
RULE_KEYS = {"kind", "params", "text"}
MATERIAL_KEYS = {"title", "required", "note"}
RUBRIC_KEYS = {"code", "title", "source", "criteria"}
CRITERION_KEYS = {"title", "description", "weight"}

# kind -> (required params, optional params), from the one registry of rule kinds.
RULE_PARAMS: dict[str, tuple[set[str], set[str]]] = {
    kind: (set(spec.required), set(spec.optional)) for kind, spec in RULE_KINDS.items()
}


class GuideFormatError(Exception):
    """Raised with every problem of a guide document, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Checker:
    problems: list[str]

    def add(self, place: str, message: str) -> None:
        self.problems.append(f"{place}: {message}")

    def keys(self, place: str, data: Any, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(data, dict):
            self.add(place, _("expected a mapping of keys to values"))
            return False
        for key in sorted(set(data) - allowed):
            self.add(place, _("unknown key “%(key)s”; allowed keys are: %(allowed)s")
                     % {"key": key, "allowed": ", ".join(sorted(allowed))})
        for key in sorted(required - set(data)):
            if data.get(key) in (None, ""):
                self.add(place, _("“%(key)s” is missing") % {"key": key})
        return True

    def decimal(self, place: str, value: Any, *, allow_none: bool = True) -> Decimal | None:
        if value is None or value == "":
            if not allow_none:
                self.add(place, _("a number is required"))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.add(place, _("“%(value)s” is not a number") % {"value": value})
            return None
        if not number.is_finite():
            self.add(place, _("“%(value)s” is not a number") % {"value": value})
            return None
        if number < 0:
            self.add(place, _("must not be negative (found %(value)s)") % {"value": value})
        return number

    def whole(self, place: str, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.add(place, _("must be a whole number of 0 or more (found %(value)s)") % {"value": value})
            return None
        return value

    def choice(self, place: str, value: Any, choices: type, *, allow_blank: bool = True) -> None:
        if value in (None, "") and allow_blank:
            return
        if value not in choices.values:
            self.add(place, _("“%(value)s” is not one of: %(choices)s")
                     % {"value": value, "choices": ", ".join(choices.values)})

    def date(self, place: str, value: Any) -> None:
        if value is None or isinstance(value, dt.date):
            return
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(place, _("“%(value)s” is not a date; write YYYY-MM-DD") % {"value": value})


def parse_guide(text: str | bytes) -> dict:
    """Parse YAML; a syntax error becomes a GuideFormatError naming the line."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark else _("file")
        raise GuideFormatError([f"{where}: " + _("not valid YAML (%(error)s)") % {"error": exc}]) from exc
    return data


def is_guide_document(data: Any) -> bool:
    return isinstance(data, dict) and ("program" in data or "rubric" in data)


def check_guide(data: Any) -> list[str]:
    """Every problem of a guide document, each prefixed with its place."""
    c = _Checker([])
    if not is_guide_document(data):
        c.add("file", _("a guide file has a top-level “program:” (or “rubric:”) key"))
        return c.problems
    for key in sorted(set(data) - {"program", "rubric"}):
        c.add(key, _("unknown top-level key; only “program” and “rubric” are allowed"))
    if "rubric" in data:
        _check_rubric(c, "rubric", data["rubric"])
    if "program" in data:
        _check_program(c, data["program"])
    return c.problems


def _check_rubric(c: _Checker, place: str, rubric: Any) -> None:
    if not c.keys(place, rubric, RUBRIC_KEYS, {"code", "title", "criteria"}):
        return
    c.choice(f"{place}.source", rubric.get("source"), Rubric.Source)
    criteria = rubric.get("criteria") or []
    if not isinstance(criteria, list) or not criteria:
        c.add(f"{place}.criteria", _("list at least one criterion"))
        return
    total = Decimal("0")
    for i, crit in enumerate(criteria, 1):
        cp = f"{place}.criteria[{i}]"
        if c.keys(cp, crit, CRITERION_KEYS, {"title", "weight"}):
            total += c.decimal(f"{cp}.weight", crit.get("weight"), allow_none=False) or 0
    if total != HUNDRED:
        c.add(f"{place}.criteria", _("criteria weights add up to %(total)s, not 100") % {"total": total})


def _check_program(c: _Checker, program: Any) -> None:
    place = "program"
    if not c.keys(place, program, PROGRAM_KEYS, PROGRAM_REQUIRED):
        return
    c.choice(f"{place}.level", program.get("level"), Level, allow_blank=False)
    year = c.whole(f"{place}.year", program.get("year"))
    if year is not None and not 2000 <= year <= 2100:
        c.add(f"{place}.year", _("%(year)s is not a plausible year") % {"year": year})
    region = program.get("region")
    if region and not Region.objects.filter(code=str(region)).exists():
        c.add(f"{place}.region", _("region “%(code)s” is not loaded; load fixtures/regions.yaml first or fix the code")
              % {"code": region})
    c.date(f"{place}.call_opens", program.get("call_opens"))
    c.date(f"{place}.call_closes", program.get("call_closes"))
    opens, closes = program.get("call_opens"), program.get("call_closes")
    if isinstance(opens, dt.date) and isinstance(closes, dt.date) and closes < opens:
        c.add(f"{place}.call_closes", _("the call closes before it opens"))
    c.decimal(f"{place}.total_budget", program.get("total_budget"))
    if program.get("rubric"):
        _check_rubric(c, f"{place}.rubric", program["rubric"])
    common = program.get("common") or {}
    if common and c.keys(f"{place}.common", common, {"rules", "materials"}, set()):
        _check_rules(c, f"{place}.common", common.get("rules") or [])
        _check_materials(c, f"{place}.common", common.get("materials") or [])
    tracks = program.get("tracks")
    if not isinstance(tracks, list) or not tracks:
        c.add(f"{place}.tracks", _("list at least one track"))
        return
    seen: dict[str, int] = {}
    for i, track in enumerate(tracks, 1):
        code = str(track.get("code")) if isinstance(track, dict) else "?"
        tp = f"{place}.tracks[{i}] «{code}»"
        if code in seen:
            c.add(tp, _("duplicate track code “%(code)s” (also tracks[%(other)s])")
                  % {"code": code, "other": seen[code]})
        seen[code] = i
        _check_track(c, tp, track)


def _check_track(c: _Checker, place: str, track: Any) -> None:
    if not c.keys(place, track, TRACK_KEYS, TRACK_REQUIRED):
        return
    c.whole(f"{place}.period_months", track.get("period_months"))
    c.whole(f"{place}.partner_limit", track.get("partner_limit"))
    c.whole(f"{place}.max_awards", track.get("max_awards"))
    c.choice(f"{place}.funding_mode", track.get("funding_mode"), FundingMode)
    c.choice(f"{place}.joint_policy", track.get("joint_policy"), JointPolicy)
    c.choice(f"{place}.award_category", track.get("award_category"), AwardCategory)
    types = track.get("eligible_org_types") or []
    if not isinstance(types, list):
        c.add(f"{place}.eligible_org_types", _("write a list of organisation types"))
    else:
        for t in types:
            c.choice(f"{place}.eligible_org_types", t, OrgType, allow_blank=False)
    if track.get("joint_policy") == JointPolicy.REFUSED and track.get("partner_limit"):
        c.add(f"{place}.partner_limit", _("a track that refuses joint applications cannot allow partners"))
    budget = c.decimal(f"{place}.budget", track.get("budget"))
    if track.get("rubric"):
        _check_rubric(c, f"{place}.rubric", track["rubric"])
    _check_tranches(c, place, track.get("tranches") or [], budget)
    _check_kpis(c, place, track.get("kpis") or [])
    _check_rules(c, place, track.get("rules") or [])
    _check_materials(c, place, track.get("materials") or [])


def _check_tranches(c: _Checker, place: str, tranches: Any, budget: Decimal | None) -> None:
    if not isinstance(tranches, list):
        c.add(f"{place}.tranches", _("write a list of tranches"))
        return
    if not tranches:
        return
    shares, amounts = Decimal("0"), []
    for i, tranche in enumerate(tranches, 1):
        tp = f"{place}.tranches[{i}]"
        if not c.keys(tp, tranche, TRANCHE_KEYS, {"share_percent", "trigger"}):
            continue
        shares += c.decimal(f"{tp}.share_percent", tranche.get("share_percent"), allow_none=False) or 0
        amounts.append(c.decimal(f"{tp}.amount", tranche.get("amount")))
        c.choice(f"{tp}.trigger", tranche.get("trigger"), TrancheTrigger, allow_blank=False)
    if shares != HUNDRED:
        c.add(f"{place}.tranches", _("tranche shares add up to %(total)s %%, not 100 %%") % {"total": shares})
    given = [a for a in amounts if a is not None]
    if given and len(given) != len(amounts):
        c.add(f"{place}.tranches", _("give an amount for every tranche or for none"))
    elif given and budget is not None and sum(given) != budget:
        c.add(f"{place}.tranches", _("tranche amounts add up to %(total)s yuan, not the budget of %(budget)s yuan")
              % {"total": sum(given), "budget": budget})
    elif given and budget is None:
        c.add(f"{place}.budget", _("tranche amounts are given, so the track needs its budget"))


def _check_kpis(c: _Checker, place: str, kpis: Any) -> None:
    if not isinstance(kpis, list):
        c.add(f"{place}.kpis", _("write a list of KPIs"))
        return
    for i, kpi in enumerate(kpis, 1):
        kp = f"{place}.kpis[{i}]"
        if not c.keys(kp, kpi, KPI_KEYS, {"metric"}):
            continue
        if kpi.get("qualitative"):
            if kpi.get("target") is not None:
                c.add(kp, _("a qualitative KPI has no target; remove “qualitative” or the target"))
            continue
        if kpi.get("target") in (None, ""):
            c.add(f"{kp}.target", _("KPI “%(metric)s” has no target; give one or mark it qualitative: true")
                  % {"metric": kpi.get("metric")})
        else:
            c.decimal(f"{kp}.target", kpi.get("target"))
        c.choice(f"{kp}.comparator", kpi.get("comparator"), Comparator, allow_blank=False)
        if not kpi.get("unit"):
            c.add(f"{kp}.unit", _("a numeric KPI needs its unit (家, 件, 人次, 万元, % …)"))


def _check_rules(c: _Checker, place: str, rules: Any) -> None:
    if not isinstance(rules, list):
        c.add(f"{place}.rules", _("write a list of rules"))
        return
    for i, rule in enumerate(rules, 1):
        rp = f"{place}.rules[{i}]"
        if not c.keys(rp, rule, RULE_KEYS, {"kind", "text"}):
            continue
        kind = rule.get("kind")
        if kind not in RULE_PARAMS:
            c.add(f"{rp}.kind", _("unknown rule kind “%(kind)s”; known kinds: %(kinds)s")
                  % {"kind": kind, "kinds": ", ".join(RuleKind.values)})
            continue
        params = rule.get("params") or {}
        if not isinstance(params, dict):
            c.add(f"{rp}.params", _("write the parameters as a mapping"))
            continue
        required, optional = RULE_PARAMS[kind]
        for key in sorted(required - set(params)):
            c.add(f"{rp}.params", _("rule kind “%(kind)s” needs the parameter “%(key)s”") % {"kind": kind, "key": key})
        for key in sorted(set(params) - required - optional):
            c.add(f"{rp}.params", _("rule kind “%(kind)s” has no parameter “%(key)s”") % {"kind": kind, "key": key})
        _check_rule_values(c, f"{rp}.params", kind, params)


def _check_rule_values(c: _Checker, place: str, kind: str, params: dict) -> None:
    for key in ("min_percent", "min_amount", "min_ratio"):
        if key in params:
            c.decimal(f"{place}.{key}", params[key], allow_none=False)
    for key in ("years", "min", "max", "min_enterprises"):
        if key in params:
            c.whole(f"{place}.{key}", params[key])
    if kind == RuleKind.MATCHING_FUNDS and ("min_amount" in params) == ("min_ratio" in params):
        c.add(place, _("give exactly one of “min_amount” or “min_ratio”"))
    if kind == RuleKind.ORG_TYPE:
        for t in params.get("types") or []:
            c.choice(f"{place}.types", t, OrgType, allow_blank=False)
    if kind == RuleKind.PATENT_COUNT:
        for k in params.get("kinds") or []:
            if k not in PATENT_KINDS:
                c.add(f"{place}.kinds", _("“%(value)s” is not one of: %(choices)s")
                      % {"value": k, "choices": ", ".join(sorted(PATENT_KINDS))})
        c.date(f"{place}.granted_on_or_before", params.get("granted_on_or_before"))
    if kind == RuleKind.REGION and not Region.objects.filter(code=str(params.get("region"))).exists():
        c.add(f"{place}.region", _("region “%(code)s” is not loaded; load fixtures/regions.yaml first or fix the code")
              % {"code": params.get("region")})
    if "category" in params:
        c.choice(f"{place}.category", params["category"], AwardCategory, allow_blank=False)
    levels = params.get("levels") or ([params["level"]] if params.get("level") else [])
    for level in levels:
        if level not in CHECK_LEVELS:
            c.add(f"{place}.levels", _("“%(value)s” is not one of: %(choices)s")
                  % {"value": level, "choices": ", ".join(sorted(CHECK_LEVELS))})


def _check_materials(c: _Checker, place: str, materials: Any) -> None:
    if not isinstance(materials, list):
        c.add(f"{place}.materials", _("write a list of materials"))
        return
    for i, material in enumerate(materials, 1):
        c.keys(f"{place}.materials[{i}]", material, MATERIAL_KEYS, {"title"})


# --- turning a valid document into rows -------------------------------------------------------


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


def guide_objects(data: dict) -> Iterator[Any]:
    """Yield unsaved model instances in dependency order, matched to existing rows.

    Callers (the YAML deserializer, used by ``loaddata``) save each instance before asking for
    the next, so a child can read its parent's primary key. Stale children are removed as their
    parent's list is replaced. Run inside a transaction.
    """
    if "rubric" in data:
        yield from _rubric_objects(data["rubric"])
    if "program" not in data:
        return
    p = data["program"]
    program_rubric = None
    if p.get("rubric"):
        rubric_items = list(_rubric_objects(p["rubric"]))
        yield from rubric_items[:1]
        program_rubric = rubric_items[0]
        yield from rubric_items[1:]
    program = Program.objects.filter(code=p["code"]).first() or Program(code=p["code"])
    for field in ("title", "short_title", "issuer", "level", "call_window_text", "budget_text", "contact",
                  "summary", "source_file", "reference_prefix"):
        setattr(program, field, p.get(field) or "")
    program.region_id = str(p["region"])
    program.year = p["year"]
    program.call_opens = p.get("call_opens")
    program.call_closes = p.get("call_closes")
    program.total_budget = _dec(p.get("total_budget"))
    program.rubric = program_rubric
    yield program

    common = p.get("common") or {}
    codes = [str(t["code"]) for t in p["tracks"]]
    Track.objects.filter(program=program).exclude(code__in=codes).delete()
    for position, t in enumerate(p["tracks"], 1):
        track_rubric = None
        if t.get("rubric"):
            rubric_items = list(_rubric_objects(t["rubric"]))
            yield from rubric_items[:1]
            track_rubric = rubric_items[0]
            yield from rubric_items[1:]
        track = Track.objects.filter(program=program, code=str(t["code"])).first() or Track(
            program=program, code=str(t["code"])
        )
        track.program = program
        track.position = position
        for field in ("title", "tasks", "kpi_text", "period_text", "funding_mode", "funding_text",
                      "applicant_text", "award_text", "notes"):
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
        track.rubric = track_rubric
        yield track

        yield from _children(track, Tranche, t.get("tranches") or [], lambda row, d: (
            setattr(row, "share_percent", _dec(d["share_percent"])),
            setattr(row, "amount", _dec(d.get("amount"))),
            setattr(row, "trigger", d["trigger"]),
            setattr(row, "text", d.get("text") or ""),
        ))
        yield from _children(track, KPI, t.get("kpis") or [], lambda row, d: (
            setattr(row, "metric", d["metric"]),
            setattr(row, "comparator", d.get("comparator") or ""),
            setattr(row, "target", _dec(d.get("target"))),
            setattr(row, "unit", d.get("unit") or ""),
            setattr(row, "qualitative", bool(d.get("qualitative"))),
            setattr(row, "text", d.get("text") or ""),
        ))
        rules = list(common.get("rules") or []) + list(t.get("rules") or [])
        yield from _children(track, EligibilityRule, rules, lambda row, d: (
            setattr(row, "kind", d["kind"]),
            setattr(row, "params", _normalise_params(d.get("params") or {})),
            setattr(row, "text", d["text"]),
        ))
        materials = list(common.get("materials") or []) + list(t.get("materials") or [])
        yield from _children(track, Material, materials, lambda row, d: (
            setattr(row, "title", d["title"]),
            setattr(row, "required", d.get("required", True) is not False),
            setattr(row, "note", d.get("note") or ""),
        ))


def _children(track: Track, model: type, items: list[dict], fill) -> Iterator[Any]:
    existing = {row.seq: row for row in model.objects.filter(track_id=track.pk)} if track.pk else {}
    model.objects.filter(track_id=track.pk, seq__gt=len(items)).delete()
    for seq, item in enumerate(items, 1):
        row = existing.get(seq) or model(track=track, seq=seq)
        row.track = track
        fill(row, item)
        yield row


def _rubric_objects(r: dict) -> Iterator[Any]:
    rubric = Rubric.objects.filter(code=r["code"]).first() or Rubric(code=r["code"])
    rubric.title = r["title"]
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
        row.weight = _dec(item["weight"])
        yield row
