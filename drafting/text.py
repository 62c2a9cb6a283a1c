"""A guide's text as lines, paragraphs and sentences, each knowing its line in the original.

Sources quote the guide; matching reads a normalised copy (half-width brackets and colons made full-width,
spaces between Chinese characters and numbers dropped) so that PDF and Word exports read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.．、](?!\d)|（\d+）|"
    r"(?:课题|项目)方向\s*\d+)"
)
END = "。；;！？：:"
WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "％": "%"})


def normalise(text: str) -> str:
    text = text.translate(WIDTH).replace("\u3000", " ").replace("\xa0", " ")
    text = re.sub(r"\[bookmark:[^\]]*\]", "", text)
    # Spaces next to a CJK character or a full-width mark are layout, not words ("实施周期 1 年").
    text = re.sub(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+", "", text)
    text = re.sub(r"(?<=\d)\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+(?=\d)", "", text)
    return text.strip()


@dataclass
class Line:
    number: int  # 1-based line in the guide's text
    text: str  # normalised
    last: int = 0  # the last line joined into this paragraph

    @property
    def line(self) -> int:
        return self.number


def paragraphs(raw: str) -> list[Line]:
    """Non-empty lines, a line broken mid-sentence (PDF export) joined to the next one."""
    lines = [Line(i, normalise(t)) for i, t in enumerate(raw.splitlines(), 1)]
    lines = [line for line in lines if line.text]
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        # A long line, or a numbered item （2）…, broken before its end; across a blank line only a body line (a PDF
        # export's), not a title.
        next_line = prev is not None and line.number == (prev.last or prev.number) + 1
        broken = prev is not None and (len(prev.text) >= 16 or re.match(r"^（\d+）", prev.text))
        if (broken and (next_line or len(prev.text) >= 40) and prev.text[-1] not in END + "。）"
                and not HEADING.match(line.text) and not re.match(r"^(申报|考核|资助|项目|绩效|实施|立项)", line.text)
                and not re.match(r"^(?:课题|项目)方向", prev.text)):
            prev.text += line.text
            prev.last = line.number
        else:
            out.append(Line(line.number, line.text))
    return out


@dataclass
class Sentence:
    line: int
    text: str


def sentences(text: str, line: int) -> list[Sentence]:
    """Split a paragraph at 。；, keeping the mark; brackets are not split inside."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（《“":
            depth += 1
        elif ch in "）》”":
            depth = max(0, depth - 1)
        elif ch in "。；" and depth == 0:
            piece = text[start:i + 1].strip()
            if piece.strip("。；"):
                out.append(Sentence(line, piece))
            start = i + 1
    rest = text[start:].strip()
    if rest:
        out.append(Sentence(line, rest))
    return out


def strip_number(text: str) -> str:
    """"1.建设…" → "建设…"; "（二）绩效目标" → "绩效目标"."""
    numbering = r"^(?:\d+[.．、](?!\d)|（\d+）|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)\s*"
    return re.sub(numbering, "", text).strip()


def numbered_items(text: str) -> list[str]:
    """"（1）甲；（2）乙" or "1.甲。2.乙" → ["甲；", "乙"] (the text itself when it is not numbered)."""
    parts = re.split(r"(?:(?<=^)|(?<=[。；，：]))\s*(?:（\d+）|\d+[.．、](?!\d))", text)
    parts = [p.strip() for p in parts if p and p.strip()]
    return parts or [text]
