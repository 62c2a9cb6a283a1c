"""Periods: 实施周期：1年 / 实施周期为2年 / 实施周期不超过2年 / 18个月."""

from __future__ import annotations

import re

from ..numbers import NUMBER, to_decimal
from . import RECOGNISED, set_field

PERIOD = re.compile(
    rf"(?:实施周期|项目周期|实施期限|建设周期)(?:为|：)?(不超过|最长|不超|最多)?({NUMBER})\s*(年|个月)(以内|内)?")


def read_period(track: dict, sentences) -> None:
    for s in sentences:
        m = PERIOD.search(s.text)
        if not m:
            continue
        value = to_decimal(m.group(2))
        if value is None:
            continue
        months = int(value * 12) if m.group(3) == "年" else int(value)
        set_field(track, "period_months", months, s, RECOGNISED)
        set_field(track, "period_is_maximum", bool(m.group(1) or m.group(4)), s, RECOGNISED)
        set_field(track, "period_text", s.text[:200], s, RECOGNISED)
        return
