"""The one registry of tie-break keys (a guide's "同等条件下优先"): what each prefers and whether the portal
computes it from the application's data or a program officer judges it. Read by the guide validator and loader,
the procedure's plain words, the ranking (reviews.selectors) and fixtures/README.md; adding a key is one line
here and one row in the README's table (a test fails when the README lacks a key or a kind).

A fixture names the kind of each tie-break: ``{key: member_mix, kind: judged}``. ``computed`` is possible only
for a key that names the application field it reads; any key may be ``judged``. The older list of bare keys
(``[matching_funds]``) still loads: each key then takes its default kind (computed when it has a field).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TieBreakKind(models.TextChoices):
    COMPUTED = "computed", _("computed from the application")
    JUDGED = "judged", _("judged by the program officer")


@dataclass(frozen=True)
class TieBreakSpec:
    key: str
    label: Promise
    field: str = ""  # computed: the Application field read (empty counts as 0)
    higher_first: bool = True

    @property
    def kinds(self) -> tuple[str, ...]:
        return (TieBreakKind.COMPUTED, TieBreakKind.JUDGED) if self.field else (TieBreakKind.JUDGED,)

    @property
    def default_kind(self) -> str:
        return self.kinds[0]


TIE_BREAKS: dict[str, TieBreakSpec] = {s.key: s for s in (
    # 广东 四.(四), 清远 十一.(四).4: 承诺配套资金较多者 / 企业配套经费较多的 — the amount the application commits.
    TieBreakSpec("matching_funds", _("higher matching funds"), field="matching_funds"),
    TieBreakSpec("requested_amount_low", _("lower requested amount"), field="requested_amount", higher_first=False),
    # 防城港 课题方向7: 防城港市入驻专利服务机构且有较大服务基础的 — "较大服务基础" is weighed by an officer.
    TieBreakSpec("local_service", _("a local service base")),
    # 广东 四.(三): 专利代理机构、专利运营机构……等要素较为齐全者 — an officer compares the members.
    TieBreakSpec("member_mix", _("a more complete mix of member types")),
    # 清远 十一.(四).4: 已开拓海外市场或协同创新需求大的 — nothing in the application states either; an officer judges.
    TieBreakSpec("overseas_market", _("already in overseas markets")),
    TieBreakSpec("collaboration_need", _("a greater need for collaborative innovation")),
)}


@dataclass(frozen=True)
class TieBreak:
    """One tie-break of a track, in the guide's order."""

    key: str
    kind: str

    @property
    def spec(self) -> TieBreakSpec | None:
        return TIE_BREAKS.get(self.key)

    @property
    def label(self) -> str:
        return str(self.spec.label) if self.spec else self.key

    @property
    def computed(self) -> bool:
        return self.kind == TieBreakKind.COMPUTED and bool(self.spec and self.spec.field)

    def value(self, application) -> Decimal:
        """A computed tie-break's sort value for an application (smaller ranks first)."""
        spec = self.spec
        amount = getattr(application, spec.field) or Decimal("0")
        return -amount if spec.higher_first else amount

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "kind": self.kind}


def tie_break_of(item: Any) -> TieBreak:
    """One stored or written tie-break: a mapping ``{key, kind}``, or a bare key (its default kind)."""
    if isinstance(item, dict):
        key = str(item.get("key", ""))
        kind = item.get("kind") or (TIE_BREAKS[key].default_kind if key in TIE_BREAKS else "")
        return TieBreak(key, str(kind))
    key = str(item)
    return TieBreak(key, TIE_BREAKS[key].default_kind if key in TIE_BREAKS else "")


def tie_breaks_of(value: Any) -> list[TieBreak]:
    """A track's stored tie-breaks (a list of mappings, or the older list of keys) in the guide's order."""
    return [tie_break_of(item) for item in value or []]
