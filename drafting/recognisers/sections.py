"""Sections and tracks: which paragraphs are a track's, and what each paragraph is about (tasks, KPIs, conditions,
materials …), read from the guide's headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import HEADING, Line, strip_number

# Section labels, longest first within the table order; a paragraph opening with a label starts that section.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("money", ("项目资金使用计划", "项目资金", "资金使用计划", "资金规模", "资金安排")),
    ("kpi", ("绩效目标", "考核指标", "项目绩效", "预期目标", "绩效指标")),
    ("applicant", ("申报主体", "建设主体", "申报对象")),
    ("conditions", ("申报条件", "申报要求", "项目实施方式", "申报单位条件")),
    ("materials", ("申报材料",)),
    ("tasks", ("项目主要任务和目标", "项目任务", "工作任务", "主要任务", "项目目标", "建设内容")),
    ("period", ("项目实施时间", "实施周期", "实施时间")),
    ("awards", ("立项数量",)),
    ("funding", ("资助方式",)),
    ("notes", ("注意事项",)),
    ("other", ("指导思想", "保障措施", "项目名称", "项目征集", "联系人", "附表", "项目类别", "征集方式")),
)
# Sections whose label is part of the fact (项目资金：170万元, 实施周期：1年): the paragraph keeps it.
KEEP_LABEL = {"money", "awards", "period", "funding"}
TOP = re.compile(r"^[一二三四五六七八九十]+、")


def section_of(text: str) -> tuple[str, str] | None:
    """(section, the rest of the paragraph after the label) when the paragraph opens a section."""
    body = strip_number(text)
    for name, labels in SECTIONS:
        for label in labels:
            if not body.startswith(label):
                continue
            rest = body[len(label):]
            if "：" in rest[:14]:
                return name, rest[rest.index("：") + 1:]
            if len(body) <= 16 and body[-1] not in "。；":
                return name, ""  # a heading
            return None
    return None


@dataclass
class TrackText:
    title: str
    line: int
    code: str
    paragraphs: list[tuple[str, Line]] = field(default_factory=list)  # (section, paragraph)


@dataclass
class Layout:
    head: list[tuple[str, Line]]  # before the first track (and after the last, when the guide goes on)
    tracks: list[TrackText]


def _next(paras: list[Line], i: int) -> str:
    return paras[i + 1].text if i + 1 < len(paras) else ""


# Track headings, tried in order; each gives the title of the track opened by paragraph i (or None).
def _by_direction(paras: list[Line], i: int, _ctx: dict) -> str | None:
    m = re.match(r"^(?:课题|项目)方向\d+：(.+)$", paras[i].text)
    return m.group(1).strip("。") if m else None


def _by_award_count(paras: list[Line], i: int, _ctx: dict) -> str | None:
    if re.match(r"^\d+[.．、](?!\d)", paras[i].text) and _next(paras, i).startswith("立项数量"):
        return strip_number(paras[i].text).rstrip("。.")
    return None


def _by_task_heading(paras: list[Line], i: int, _ctx: dict) -> str | None:
    nxt = strip_number(_next(paras, i))
    text = paras[i].text
    if nxt.startswith(("项目任务", "工作任务")) and len(text) < 40 and text[-1] not in "。；：":
        return strip_number(text)
    return None


def _by_task_list(paras: list[Line], i: int, ctx: dict) -> str | None:
    """Under a top-level 项目任务 heading, each （一）… line names a track (广东: one centre per industry)."""
    text = paras[i].text
    if TOP.match(text):
        ctx["in_tasks"] = strip_number(text).startswith(("项目任务", "建设内容"))
        return None
    m = re.match(r"^（[一二三四五六七八九十]+）(.{4,40}?)。?$", text)
    if ctx.get("in_tasks") and m:
        return m.group(1)
    return None


TRACK_HEADINGS = (_by_direction, _by_award_count, _by_task_heading, _by_task_list)


def layout(paras: list[Line]) -> Layout:
    """Split the paragraphs into the guide's head and its tracks, each paragraph labelled with its section."""
    starts: dict[int, str] = {}
    for finder in TRACK_HEADINGS:
        ctx: dict = {}
        found = {i: t for i in range(len(paras)) if (t := finder(paras, i, ctx))}
        if found:
            starts = found
            break
    head: list[tuple[str, Line]] = []
    tracks: list[TrackText] = []
    current: TrackText | None = None
    section = "other"
    for i, para in enumerate(paras):
        if i in starts:
            current = TrackText(starts[i], para.number, str(len(tracks) + 1))
            tracks.append(current)
            section = "tasks"
            continue
        if current is not None and TOP.match(para.text) and not any(j > i for j in starts):
            labelled = section_of(para.text)
            if not labelled or labelled[0] in ("other", "money", "conditions", "applicant", "materials"):
                current = None  # the guide goes on after its last track (申报条件, 资金拨付 … for all tracks)
        labelled = section_of(para.text)
        if labelled:
            section, rest = labelled
            if rest and section in KEEP_LABEL:
                rest = f"{strip_number(para.text)}"
            para = Line(para.number, rest) if rest else None
        if para is None:
            continue
        (current.paragraphs if current else head).append((section, para))
    return Layout(head, tracks)


def is_heading(text: str) -> bool:
    return bool(HEADING.match(text))
