"""Draft a guide fixture from a guide's text: the recognisers of ``drafting.recognisers`` put together.

``draft_guide(text)`` returns a document in the guide format (fixtures/README.md); every drafted fact carries a
``draft`` note with its source sentence, its line and a confidence. ``validate_guide`` names each fact whose
confidence is ``needs_person`` until a person fills it in and removes the note (or marks it recognised).
"""

from __future__ import annotations

import re

import yaml

from organisations.models import Region

from .recognisers import money, periods, tranches
from .recognisers.conditions import Context, materials_asked, read_applicant, read_condition, types_in
from .recognisers.header import read_header
from .recognisers.kpis import read_kpis
from .recognisers.materials import read_materials
from .recognisers.sections import layout
from .text import Sentence, paragraphs, sentences

# A condition that names who applies: 申报主体…, 申报单位为…, …联合…申报, or a sentence ending on the organisation
# (…且计划在科创板上市的本地企业；).
APPLICANT_HINT = re.compile(
    r"申报主体|建设主体|申报单位为|申报企业|牵头|联合|单独申报|可由|(?:企业|机构|单位|协会|园区)[；。]?$")


def region_table() -> list[tuple[str, str, str]]:
    """(name, code, level) of the loaded regions, longest name first, so 广州市南沙区 wins over 南沙区."""
    rows = Region.objects.values_list("name", "code", "level")
    return sorted(rows, key=lambda r: len(r[0]), reverse=True)


def _sentences(items) -> list[tuple[str, Sentence]]:
    return [(section, s) for section, para in items for s in sentences(para.text, para.number)]


def _conditions(track: dict, items: list[tuple[str, Sentence]], ctx: Context, asked: list[dict]) -> list[dict]:
    """The rules of the conditions' sentences; the documents they ask for go to ``asked`` (materials)."""
    rules: list[dict] = []
    for section, s in items:
        if section not in ("applicant", "conditions"):
            continue
        asked.extend(materials_asked(s))
        if types_in(s.text) and (APPLICANT_HINT.search(s.text) or section == "applicant"):
            read_applicant(track, s, ctx, rules)
            rules.extend(read_condition(s, ctx, fallback=False, applicant=True))
        else:
            rules.extend(read_condition(s, ctx))
    return rules


def _track(code: str, title: str, items: list[tuple[str, Sentence]], head_triggers: dict, ctx: Context,
           title_sentence: Sentence) -> dict:
    from .recognisers import GUESSED, RECOGNISED, set_field

    track: dict = {"code": code}
    set_field(track, "title", title[:300], title_sentence, RECOGNISED if title_sentence.text else GUESSED)
    every = [s for _section, s in items]
    money.read_money(track, every)
    periods.read_period(track, every)
    tranches.read_tranches(track, every, head_triggers)
    kpi_sentences = [s for section, s in items if section == "kpi"]
    if kpi_sentences:
        read_kpis(track, kpi_sentences)
    else:
        read_kpis(track, [s for section, s in items if section == "tasks"], fallback=True)
    tasks = "\n".join(s.text for section, s in items if section == "tasks")
    if tasks:
        track["tasks"] = tasks
    if any(re.search(r"中期检查", s.text) for s in every):
        source = next(s for s in every if re.search(r"中期检查", s.text))
        set_field(track, "midterm_check", True, source, RECOGNISED)
    asked: list[dict] = []
    rules = _conditions(track, items, ctx, asked)
    if rules:
        track["rules"] = rules
    materials = read_materials([s for section, s in items if section == "materials"]) + asked
    if materials:
        track["materials"] = materials
    money.clean(track)
    return track


def _office(program: dict, first) -> None:
    """The office that publishes the call: the one named as the issuer, else the only office of the guide's
    region (a guess), else a person chooses it (the validator names the field until it is a loaded office)."""
    from offices.models import Office

    from .recognisers import GUESSED, NEEDS_PERSON, RECOGNISED, set_field

    named = Office.objects.filter(name=program.get("issuer") or "").values_list("code", flat=True).first()
    if named:
        set_field(program, "office", named, first, RECOGNISED)
        return
    in_region = list(Office.objects.filter(region_id=program.get("region") or "").values_list("code", flat=True)[:2])
    if len(in_region) == 1:
        set_field(program, "office", in_region[0], first, GUESSED)
    else:
        set_field(program, "office", "", first, NEEDS_PERSON)


def draft_guide(text: str, *, source_file: str | None = None, regions=None) -> dict:
    """The fixture draft of a guide's text."""
    from .recognisers import RECOGNISED, set_field

    regions = region_table() if regions is None else regions
    paras = paragraphs(text)
    if not paras:
        raise ValueError("empty guide")
    program: dict = {}
    read_header(program, paras, regions, source_file)
    _office(program, paras[0])
    ctx = Context(region=program.get("region") or None, regions=[(n, c) for n, c, _level in regions])
    shape = layout(paras)
    head = _sentences(shape.head)
    head_sentences = [s for _section, s in head]
    total = money.program_total(head_sentences)
    if total:
        set_field(program, "total_budget", format(total[0], "f"), total[1], RECOGNISED)
        budget_line = total[1]
        set_field(program, "budget_text", budget_line.text[:1000], budget_line, RECOGNISED)
    if source_file:
        program["source_file"] = source_file.rsplit("/", 1)[-1]
    head_triggers = tranches.batch_triggers(head_sentences)
    if shape.tracks:
        tracks = []
        for t in shape.tracks:
            items = _sentences(t.paragraphs)
            tracks.append(_track(t.code, t.title, items, head_triggers, ctx, Sentence(t.line, t.title)))
        common: dict = {}
        holder: dict = {}
        asked: list[dict] = []
        rules = _conditions(holder, head, ctx, asked)
        if rules:
            common["rules"] = rules
        materials = read_materials([s for section, s in head if section == "materials"]) + asked
        if materials:
            common["materials"] = materials
        if holder.get("joint_policy") or holder.get("eligible_org_types"):
            for track in tracks:
                for key in ("joint_policy", "eligible_org_types", "partner_limit", "applicant_text"):
                    if key in holder and key not in track:
                        track[key] = holder[key]
                track.setdefault("draft", []).extend(n for n in holder.get("draft", []) if n.get("field") in (
                    "joint_policy", "eligible_org_types", "partner_limit", "applicant_text"))
        if common:
            program["common"] = common
    else:
        first = Sentence(paras[0].number, program["title"])
        title = re.sub(r"^\d{4}年度?", "", program["title"])
        title = re.sub(r"^[\u4e00-\u9fff]{2,6}?[省市区县](?=[\u4e00-\u9fff]{4})", "", title)
        tracks = [_track("1", title, head, head_triggers, ctx, first)]
        if total and "budget" not in tracks[0]:
            track = tracks[0]
            set_field(track, "budget", format(total[0], "f"), total[1], RECOGNISED)
            money.read_money(track, head_sentences)
            tranches.read_tranches(track, head_sentences, head_triggers)
            money.clean(track)
    program["tracks"] = tracks
    return {"program": _ordered(program)}


PROGRAM_ORDER = ("code", "title", "office", "issuer", "level", "region", "year", "reference_prefix", "guide_status")


def _ordered(program: dict) -> dict:
    out = {key: program[key] for key in PROGRAM_ORDER if key in program}
    out.update({k: v for k, v in program.items() if k not in out and k not in ("tracks", "draft")})
    out["tracks"] = program["tracks"]
    out["draft"] = program.get("draft", [])
    return out


def draft_yaml(document: dict) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


def notes(node) -> list[dict]:
    """Every draft note of a document (or part of one)."""
    found: list[dict] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "draft" and isinstance(value, list):
                found.extend(n for n in value if isinstance(n, dict))
            else:
                found.extend(notes(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(notes(item))
    return found


def count_notes(document: dict) -> dict[str, int]:
    counts = {"recognised": 0, "guessed": 0, "needs_person": 0}
    for n in notes(document):
        if n.get("confidence") in counts:
            counts[n["confidence"]] += 1
    return counts


def strip_notes(node):
    """The document without its draft notes: what is loaded once a person has confirmed it."""
    if isinstance(node, dict):
        return {k: strip_notes(v) for k, v in node.items() if k != "draft"}
    if isinstance(node, list):
        return [strip_notes(v) for v in node]
    return node
