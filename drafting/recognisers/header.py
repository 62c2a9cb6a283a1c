"""The program header: title, year, region and level (from the place the title names), issuer, status, contact."""

from __future__ import annotations

import re

from ..text import HEADING
from . import GUESSED, NEEDS_PERSON, RECOGNISED, set_field

YEAR = re.compile(r"(20\d\d)\s*年")
OFFICE = r"(?:市场监督管理局|市场监管局|知识产权局|科学技术局|科技局|财政局)"
CITED = re.compile(r"《[^》]*》")  # a document the guide cites names its own issuer, not this guide's
TITLE_NOISE = re.compile(r"^(?:附件\s*\d*|（征求意见稿）|\(征求意见稿\))$")
TITLE_TAIL = re.compile(r"(?:实施方案|申报指南|资金安排计划|指南)$")
DRAFT_FOR_COMMENT = re.compile(r"征求意见稿")
CONTACT = re.compile(r"^联系人[：:]")
LEVEL_OF = {"province": "province", "city": "city", "district": "district"}


def read_header(program: dict, paragraphs, regions: list[tuple[str, str, str]], source_file: str | None) -> None:
    """Fill the program's header from the first paragraphs; regions are (name, code, level)."""
    title_lines = []
    for para in paragraphs[:6]:
        if TITLE_NOISE.match(para.text) or para.text in ("申报指南",):
            continue
        if para.text[-1] in "。；：" or len(para.text) > 60 or (title_lines and HEADING.match(para.text)):
            break
        title_lines.append(para)
    first = title_lines[0] if title_lines else paragraphs[0]
    title = TITLE_TAIL.sub("", "".join(p.text for p in title_lines)) or first.text[:200]
    set_field(program, "title", title[:300], first, GUESSED)
    year = YEAR.search(title)
    if year:
        set_field(program, "year", int(year.group(1)), first, RECOGNISED)
    else:  # the first year the guide's opening paragraphs name (越秀: 2018年市局从中央财政专项资金中下拨…)
        found = next(((int(m.group(1)), p) for p in paragraphs[:12] if (m := YEAR.search(p.text))), None)
        if found:
            set_field(program, "year", found[0], found[1], GUESSED)
    place = None
    for name, code, level in regions:
        at = title.find(name)
        if at >= 0 and (place is None or len(code.rstrip("0")) > len(place[1].rstrip("0"))):
            place = (name, code, level)
    if place:
        set_field(program, "region", place[1], first, RECOGNISED)
        set_field(program, "level", LEVEL_OF.get(place[2], "district"), first, RECOGNISED)
    else:
        set_field(program, "region", "", first, NEEDS_PERSON)
        set_field(program, "level", "city", first, NEEDS_PERSON)
    whole = list(paragraphs)
    issuer = _issuer(whole, regions)
    if issuer:
        set_field(program, "issuer", issuer[0], issuer[1], GUESSED)
    else:  # the guide names no office of a known place: a person names it
        set_field(program, "issuer", place[0] if place else title[:20], first, NEEDS_PERSON)
    if any(DRAFT_FOR_COMMENT.search(p.text) for p in paragraphs[:8]):
        status = next(p for p in paragraphs[:8] if DRAFT_FOR_COMMENT.search(p.text))
        set_field(program, "guide_status", "draft_for_comment", status, RECOGNISED)
    contact = next((p for p in whole if CONTACT.search(p.text)), None)
    if contact:
        set_field(program, "contact", contact.text[:300], contact, RECOGNISED)
    code = re.sub(r"[^a-z0-9-]+", "-", (source_file or "").rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()).strip("-")
    year_text = str(program.get("year", ""))
    set_field(program, "code", code or f"guide-{year_text}", first, GUESSED if code else NEEDS_PERSON)
    # No rule turns a place into the office's prefix (NS, QY …): a person chooses it.
    prefix = f"G{year_text}" if year_text else "G"
    set_field(program, "reference_prefix", prefix, first, NEEDS_PERSON)


def _issuer(paragraphs, regions) -> tuple[str, object] | None:
    """An office named with its place (广州市南沙区市场监督管理局), outside the documents the guide cites."""
    names = "|".join(re.escape(name) for name, _code, _level in regions)
    if not names:
        return None
    pattern = re.compile(rf"((?:{names})+{OFFICE})")
    for para in paragraphs:
        m = pattern.search(CITED.sub("", para.text))
        if m:
            return m.group(1), para
    return None
