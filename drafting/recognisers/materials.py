"""Materials: the numbered items of 申报材料, each required unless the guide says 如有 / 可选."""

from __future__ import annotations

import re

from ..text import numbered_items
from . import RECOGNISED, with_note

OPTIONAL = re.compile(r"如有|可选|（如适用）|视情况")
ANNEX = re.compile(r"（附件\d+）|\(附件\d+\)")
NOT_MATERIAL = re.compile(r"^(?:上述|以上|所有)材料|均需|一式")


def read_materials(sentences) -> list[dict]:
    out = []
    for s in sentences:
        for item in numbered_items(s.text):
            title = ANNEX.sub("", item).strip("；。，、 ")
            if not title or NOT_MATERIAL.search(title) or len(title) < 3:
                continue
            material = {"title": title[:300], "required": not OPTIONAL.search(title)}
            out.append(with_note(material, s, RECOGNISED))
    return out
