"""Read and check guide fixtures (the nested YAML format of fixtures/README.md).

``check_guide`` returns every problem of a document with its place (and, given the text, its
line); ``programs.guide_loader.guide_objects`` turns a valid document into rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.utils.translation import gettext as _

from offices.models import Office
from organisations.choices import OrgType
from organisations.models import Region

from .guide_notes import check_draft_notes
from .models import (
    Aggregation,
    Allocation,
    AppliesTo,
    AwardCategory,
    AwardMode,
    Comparator,
    DayKind,
    FundingMode,
    GuideStatus,
    JointPolicy,
    Level,
    Rubric,
    RuleKind,
    TrancheTrigger,
)
from .rule_kinds import MEMBER_KINDS, RULE_KINDS
from .tie_breaks import TIE_BREAKS, tie_break_of

HUNDRED = Decimal("100")
CHECK_LEVELS = {"national", "province", "city", "district"}
PATENT_KINDS = {"invention", "utility", "design"}

# Procedure parameters: on a track, or in the program's ``procedure:`` block as defaults for its tracks.
PROCEDURE_KEYS = {
    "reviewers_per_application", "score_aggregation", "tie_breaks", "publicity_days", "publicity_day_kind",
    "midterm_check", "procedure_text", "appeal_days", "appeal_day_kind",
}
PROGRAM_KEYS = {
    "code", "title", "short_title", "issuer", "level", "region", "year", "reference_prefix", "call_opens",
    "call_closes", "call_window_text", "total_budget", "budget_text", "contact", "summary", "source_file",
    "rubric", "common", "tracks", "guide_status", "timeline_text", "encoding_notes", "procedure", "office", "draft",
}
# Program codes that are the portal's own pages under /programs/ (programs/urls.py), so no guide may take them.
RESERVED_CODES = frozenset({"calendar"})
PROGRAM_REQUIRED = {"code", "title", "issuer", "level", "region", "year", "reference_prefix", "tracks"}
TRACK_KEYS = {
    "code", "title", "tasks", "kpi_text", "period_months", "period_is_maximum", "period_text", "funding_mode",
    "funding_text", "eligible_org_types", "applicant_text", "joint_policy", "partner_limit", "budget",
    "max_awards", "awards_is_maximum", "award_text", "award_category", "notes", "encoding_notes",
    "award_mode", "allocation", "rubric", "tranches", "kpi_groups", "kpis", "rules", "materials", "draft",
} | PROCEDURE_KEYS
TRACK_REQUIRED = {"code", "title"}
TRANCHE_KEYS = {"share_percent", "amount", "trigger", "text", "draft"}
KPI_GROUP_KEYS = {"code", "min", "text", "draft"}
KPI_KEYS = {"metric", "comparator", "target", "unit", "qualitative", "text", "group", "draft"}
RULE_KEYS = {"kind", "params", "text", "soft", "applies_to", "note", "draft"}
MATERIAL_KEYS = {"title", "required", "note", "draft"}
RUBRIC_KEYS = {"code", "title", "title_en", "source", "criteria"}
CRITERION_KEYS = {"title", "description", "title_en", "description_en", "weight"}

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
    lines: dict[str, int] | None = None
    source: str | bytes | None = None  # the document's text: its lines are mapped at the first problem, if any

    def add(self, place: str, message: str) -> None:
        line = self._line(place)
        where = f"{_('line %(line)s') % {'line': line}}: " if line else ""
        self.problems.append(f"{where}{place}: {message}")

    def _line(self, place: str) -> int | None:
        """The line of the place, or of the nearest enclosing place the text has."""
        if self.lines is None and self.source:
            self.lines = guide_lines(self.source)
        if not self.lines:
            return None
        while place:
            if place in self.lines:
                return self.lines[place]
            cut = max(place.rfind("."), place.rfind("["))
            place = place[:cut] if cut > 0 else ""
        return None

    def boolean(self, place: str, value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            self.add(place, _("write true or false (found %(value)s)") % {"value": value})

    def text(self, place: str, value: Any) -> None:
        if value is not None and not isinstance(value, str):
            self.add(place, _("write text (found %(value)s)") % {"value": value})

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


# libyaml's parser (PyYAML built with it, as its wheels are) reads a guide about ten times faster than the pure
# Python one, with the same safe constructors.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_guide(text: str | bytes) -> dict:
    """Parse YAML; a syntax error becomes a GuideFormatError naming the line."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader: libyaml's where installed)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark else _("file")
        raise GuideFormatError([f"{where}: " + _("not valid YAML (%(error)s)") % {"error": exc}]) from exc
    return data


def guide_lines(text: str | bytes) -> dict[str, int]:
    """Map each place of a guide document (as ``check_guide`` names it) to its line in the text."""
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node, place: str, parent_key: str) -> None:
        if place:
            lines.setdefault(place, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value)
                walk(value_node, f"{place}.{key}" if place else key, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value, 1):
                item_place = f"{place}[{i}]"
                if parent_key == "tracks" and isinstance(item, yaml.MappingNode):
                    code = next((str(v.value) for k, v in item.value if k.value == "code"
                                 and isinstance(v, yaml.ScalarNode)), "?")
                    item_place = f"{item_place} «{code}»"
                walk(item, item_place, "")

    if root is not None:
        walk(root, "", "")
    return lines


def is_guide_document(data: Any) -> bool:
    return isinstance(data, dict) and ("program" in data or "rubric" in data)


def check_guide(data: Any, text: str | bytes | None = None) -> list[str]:
    """Every problem of a guide document, each prefixed with its place (and its line, given the text)."""
    c = _Checker([], source=text)
    if not is_guide_document(data):
        c.add("file", _("a guide file has a top-level “program:” (or “rubric:”) key"))
        return c.problems
    for key in sorted(set(data) - {"program", "rubric"}):
        c.add(key, _("unknown top-level key; only “program” and “rubric” are allowed"))
    if "rubric" in data:
        _check_rubric(c, "rubric", data["rubric"])
    if "program" in data:
        _check_program(c, data["program"])
        check_draft_notes(c, "program", data["program"])
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
    if str(program.get("code")) in RESERVED_CODES:
        c.add(f"{place}.code", _("“%(code)s” is the address of one of the portal's own pages; give the program "
                                 "another code") % {"code": program.get("code")})
    year = c.whole(f"{place}.year", program.get("year"))
    if year is not None and not 2000 <= year <= 2100:
        c.add(f"{place}.year", _("%(year)s is not a plausible year") % {"year": year})
    region = program.get("region")
    if region and not Region.objects.filter(code=str(region)).exists():
        c.add(f"{place}.region", _("region “%(code)s” is not loaded; load fixtures/regions.yaml first or fix the code")
              % {"code": region})
    office = program.get("office")
    if office is not None and (not isinstance(office, str) or not Office.objects.filter(code=office).exists()):
        c.add(f"{place}.office", _("office “%(code)s” is not loaded; load fixtures/offices.yaml first (or add the "
                                   "office on the offices page) or fix the code") % {"code": office})
    c.date(f"{place}.call_opens", program.get("call_opens"))
    c.date(f"{place}.call_closes", program.get("call_closes"))
    opens, closes = program.get("call_opens"), program.get("call_closes")
    if isinstance(opens, dt.date) and isinstance(closes, dt.date) and closes < opens:
        c.add(f"{place}.call_closes", _("the call closes before it opens"))
    c.decimal(f"{place}.total_budget", program.get("total_budget"))
    c.choice(f"{place}.guide_status", program.get("guide_status"), GuideStatus)
    for key in ("title", "timeline_text", "encoding_notes", "call_window_text"):
        c.text(f"{place}.{key}", program.get(key))
    procedure = program.get("procedure")
    if procedure is not None and c.keys(f"{place}.procedure", procedure, PROCEDURE_KEYS, set()):
        _check_procedure(c, f"{place}.procedure", procedure)
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
    c.text(f"{place}.encoding_notes", track.get("encoding_notes"))
    _check_procedure(c, place, track)
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
    _check_award_money(c, place, track, budget)
    if track.get("rubric"):
        _check_rubric(c, f"{place}.rubric", track["rubric"])
    _check_tranches(c, place, track.get("tranches") or [], budget)
    _check_kpis(c, place, track.get("kpis") or [], track.get("kpi_groups") or [])
    _check_rules(c, place, track.get("rules") or [])
    _check_partner_rules(c, place, track)
    _check_materials(c, place, track.get("materials") or [])


def _check_award_money(c: _Checker, place: str, track: dict, budget: Decimal | None) -> None:
    mode, allocation = track.get("award_mode"), track.get("allocation")
    c.choice(f"{place}.award_mode", mode, AwardMode)
    c.choice(f"{place}.allocation", allocation, Allocation)
    if allocation and mode != AwardMode.POOL:
        c.add(f"{place}.allocation", _("an allocation shares a pool; set “award_mode: pool” or remove “allocation”"))
    if mode in (AwardMode.FIXED, AwardMode.CAP, AwardMode.POOL) and budget is None:
        c.add(f"{place}.budget", _("award_mode “%(mode)s” needs the track's budget (the amount, cap or pool, in yuan)")
              % {"mode": mode})
    if mode == AwardMode.POOL and track.get("max_awards") == 1:
        c.add(f"{place}.award_mode", _("a pool is shared by several awards, but max_awards is 1; use “fixed” or "
                                       "“cap”"))


def _check_procedure(c: _Checker, place: str, data: dict) -> None:
    """Procedure parameters, on a track or in a program's ``procedure:`` block."""
    reviewers = c.whole(f"{place}.reviewers_per_application", data.get("reviewers_per_application"))
    if reviewers == 0:
        c.add(f"{place}.reviewers_per_application", _("at least one reviewer reads each application"))
    c.choice(f"{place}.score_aggregation", data.get("score_aggregation"), Aggregation)
    _check_tie_breaks(c, f"{place}.tie_breaks", data.get("tie_breaks"))
    _check_period(c, place, data, "publicity", _("a publicity period lasts at least one day"))
    _check_period(c, place, data, "appeal", _("an appeal period lasts at least one day"))
    c.boolean(f"{place}.midterm_check", data.get("midterm_check"))
    c.text(f"{place}.procedure_text", data.get("procedure_text"))


def _check_period(c: _Checker, place: str, data: dict, period: str, too_short: str) -> None:
    """A period's ``<period>_days`` (at least one) and ``<period>_day_kind`` (calendar or working; needs the days)."""
    days, kind = f"{period}_days", f"{period}_day_kind"
    if c.whole(f"{place}.{days}", data.get(days)) == 0:
        c.add(f"{place}.{days}", too_short)
    c.choice(f"{place}.{kind}", data.get(kind), DayKind)
    if data.get(kind) and data.get(days) is None:
        c.add(f"{place}.{kind}", _("give “%(days)s” too, or remove “%(kind)s”") % {"days": days, "kind": kind})


TIE_BREAK_KEYS = {"key", "kind"}


def _check_tie_breaks(c: _Checker, place: str, tie_breaks: Any) -> None:
    """``[{key: member_mix, kind: judged}, …]`` (or the older list of bare keys): known keys, each once, each with
    a kind its key allows (``computed`` only where the portal can read the application's data)."""
    if tie_breaks is None:
        return
    if not isinstance(tie_breaks, list):
        c.add(place, _("write a list of tie-breaks, each “{key: …, kind: computed|judged}”"))
        return
    seen: set[str] = set()
    for i, item in enumerate(tie_breaks, 1):
        at = f"{place}[{i}]"
        if isinstance(item, dict):
            if not c.keys(at, item, TIE_BREAK_KEYS, TIE_BREAK_KEYS):
                continue
        elif not isinstance(item, str):
            c.add(at, _("write “{key: …, kind: computed|judged}”"))
            continue
        tie_break = tie_break_of(item)
        key_place = f"{at}.key" if isinstance(item, dict) else at
        spec = TIE_BREAKS.get(tie_break.key)
        if spec is None:
            c.add(key_place, _("“%(value)s” is not one of: %(choices)s")
                  % {"value": tie_break.key, "choices": ", ".join(TIE_BREAKS)})
            continue
        if tie_break.key in seen:
            c.add(key_place, _("a tie-break key is listed twice"))
        seen.add(tie_break.key)
        if tie_break.kind not in spec.kinds:
            c.add(f"{at}.kind", _("“%(key)s” can be %(kinds)s, not “%(value)s”")
                  % {"key": spec.key, "kinds": " / ".join(spec.kinds), "value": tie_break.kind})


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


def _check_kpi_groups(c: _Checker, place: str, groups: Any) -> dict[str, tuple[str, int | None]]:
    """The track's KPI groups: code -> (place, min)."""
    found: dict[str, tuple[str, int | None]] = {}
    if not isinstance(groups, list):
        c.add(f"{place}.kpi_groups", _("write a list of KPI groups"))
        return found
    for i, group in enumerate(groups, 1):
        gp = f"{place}.kpi_groups[{i}]"
        if not c.keys(gp, group, KPI_GROUP_KEYS, {"code", "min"}):
            continue
        code = str(group.get("code"))
        if code in found:
            c.add(f"{gp}.code", _("duplicate KPI group code “%(code)s”") % {"code": code})
        minimum = c.whole(f"{gp}.min", group.get("min"))
        if minimum is not None and minimum < 1:
            c.add(f"{gp}.min", _("a group asks for at least 1 of its KPIs (found %(value)s)") % {"value": minimum})
        c.text(f"{gp}.text", group.get("text"))
        found[code] = (gp, minimum)
    return found


def _check_kpis(c: _Checker, place: str, kpis: Any, groups: Any) -> None:
    declared = _check_kpi_groups(c, place, groups)
    if not isinstance(kpis, list):
        c.add(f"{place}.kpis", _("write a list of KPIs"))
        return
    members: dict[str, int] = {code: 0 for code in declared}
    for i, kpi in enumerate(kpis, 1):
        kp = f"{place}.kpis[{i}]"
        if not c.keys(kp, kpi, KPI_KEYS, {"metric"}):
            continue
        if kpi.get("group") is not None:
            code = str(kpi["group"])
            if code not in declared:
                c.add(f"{kp}.group", _("KPI group “%(code)s” is not declared in this track's kpi_groups")
                      % {"code": code})
            else:
                members[code] += 1
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
    for code, (gp, minimum) in declared.items():
        if members[code] == 0:
            c.add(gp, _("KPI group “%(code)s” has no KPI; give KPIs “group: %(code)s” or remove the group")
                  % {"code": code})
        elif minimum is not None and minimum > members[code]:
            c.add(f"{gp}.min", _("KPI group “%(code)s” asks for %(min)s of its KPIs but has only %(count)s")
                  % {"code": code, "min": minimum, "count": members[code]})


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
        c.boolean(f"{rp}.soft", rule.get("soft"))
        c.text(f"{rp}.note", rule.get("note"))
        c.choice(f"{rp}.applies_to", rule.get("applies_to"), AppliesTo)
        if rule.get("applies_to") == AppliesTo.ALL_MEMBERS and kind not in MEMBER_KINDS:
            c.add(f"{rp}.applies_to", _("rule kind “%(kind)s” is checked for the lead only; “all_members” is for: "
                                        "%(kinds)s") % {"kind": kind, "kinds": ", ".join(sorted(MEMBER_KINDS))})
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
    if kind in (RuleKind.ORG_TYPE, RuleKind.PARTNER_TYPES):
        types = params.get("types")
        if not isinstance(types, list) or not types:
            c.add(f"{place}.types", _("write a list of at least one organisation type"))
        else:
            for t in types:
                c.choice(f"{place}.types", t, OrgType, allow_blank=False)
    if kind == RuleKind.PARTNER_TYPES:
        low, high = params.get("min"), params.get("max")
        if isinstance(low, int) and not isinstance(low, bool) and low < 1:
            c.add(f"{place}.min", _("a partner requirement asks for at least 1 partner (found %(value)s)")
                  % {"value": low})
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) and high < low:
            c.add(f"{place}.max", _("“max” (%(max)s) is smaller than “min” (%(min)s)") % {"max": high, "min": low})
    if "branch_exception" in params:
        c.boolean(f"{place}.branch_exception", params["branch_exception"])
    if "include_unfinished" in params:
        c.boolean(f"{place}.include_unfinished", params["include_unfinished"])
    if "issuer" in params and (not isinstance(params["issuer"], str) or not params["issuer"].strip()):
        c.add(f"{place}.issuer", _("write the awarding office's name as the guide gives it"))
    if kind == RuleKind.PATENT_COUNT:
        for k in params.get("kinds") or []:
            if k not in PATENT_KINDS:
                c.add(f"{place}.kinds", _("“%(value)s” is not one of: %(choices)s")
                      % {"value": k, "choices": ", ".join(sorted(PATENT_KINDS))})
        c.date(f"{place}.granted_on_or_before", params.get("granted_on_or_before"))
    if "region" in params and not Region.objects.filter(code=str(params.get("region"))).exists():
        c.add(f"{place}.region", _("region “%(code)s” is not loaded; load fixtures/regions.yaml first or fix the code")
              % {"code": params.get("region")})
    if "category" in params:
        c.choice(f"{place}.category", params["category"], AwardCategory, allow_blank=False)
    levels = params.get("levels") or ([params["level"]] if params.get("level") else [])
    for level in levels:
        if level not in CHECK_LEVELS:
            c.add(f"{place}.levels", _("“%(value)s” is not one of: %(choices)s")
                  % {"value": level, "choices": ", ".join(sorted(CHECK_LEVELS))})


def _check_partner_rules(c: _Checker, place: str, track: dict) -> None:
    """A partner requirement must fit the track's joint policy and partner limit."""
    limit = track.get("partner_limit")
    for i, rule in enumerate(track.get("rules") or [], 1):
        if not isinstance(rule, dict) or rule.get("kind") != RuleKind.PARTNER_TYPES:
            continue
        params = rule.get("params") if isinstance(rule.get("params"), dict) else {}
        low = params.get("min")
        if track.get("joint_policy") == JointPolicy.REFUSED:
            c.add(f"{place}.rules[{i}]", _("a track that refuses joint applications cannot require partners"))
        elif isinstance(limit, int) and isinstance(low, int) and low > limit:
            c.add(f"{place}.rules[{i}].params.min", _("requires %(min)s partners but partner_limit is %(limit)s")
                  % {"min": low, "limit": limit})


def _check_materials(c: _Checker, place: str, materials: Any) -> None:
    if not isinstance(materials, list):
        c.add(f"{place}.materials", _("write a list of materials"))
        return
    for i, material in enumerate(materials, 1):
        c.keys(f"{place}.materials[{i}]", material, MATERIAL_KEYS, {"title"})
