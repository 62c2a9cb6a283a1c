"""Equal scores broken the guide's way (its "同等条件下优先", in its order): a computed tie-break separates the tied
applications by their data; at one an officer judges, those still tied stay a tie (the same rank, 并列) until the
officer orders them with a reason (``decisions.round_order_tie``). Computed tie-breaks after a judged one give the
order the tie is listed in while the officer has not ordered it; the officer's order replaces them.

Pure functions over ranking rows: no query here (``selectors.ranking`` reads the stored orders once)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from programs.tie_breaks import TieBreak

from .models import TieOrder


def members_key(ids: Iterable[int]) -> str:
    """How a stored order names its tied applications: their ids, ascending, comma-separated."""
    return ",".join(str(pk) for pk in sorted(ids))


@dataclass
class Tie:
    """Applications equal on score and on every computed tie-break before ``tie_break``, which an officer judges."""

    tie_break: TieBreak
    score: Decimal
    rows: list = field(default_factory=list)  # as listed: the officer's order, else the provisional one
    order: TieOrder | None = None  # the officer's order, when it still holds

    @property
    def ids(self) -> list[int]:
        return [row.application.pk for row in self.rows]

    @property
    def members(self) -> str:
        return members_key(self.ids)

    @property
    def open(self) -> bool:
        """Still a tie on the ranking: the officer has not ordered these applications (or not at this score)."""
        return self.order is None


def rank(rows: list, tie_breaks: list[TieBreak], orders: dict[str, TieOrder]) -> list:
    """``rows`` (ranking rows with ``aggregate`` and ``application``) in rank order, each with ``rank`` and, where a
    judged tie-break was reached, ``tie``; unscored rows last, without a rank. Within a score: the tie-breaks, then
    the reference."""
    scored = sorted((r for r in rows if r.aggregate is not None), key=lambda r: (-r.aggregate, r.application.reference))
    ordered = []
    for _score, group in groupby(scored, key=lambda r: r.aggregate):
        ordered.extend(_separate(list(group), tie_breaks, orders))
    previous = None
    for position, row in enumerate(ordered, 1):
        same_tie = row.tie is not None and row.tie.open and previous is not None and previous.tie is row.tie
        row.rank = previous.rank if same_tie else position
        previous = row
    unscored = sorted((r for r in rows if r.aggregate is None), key=lambda r: r.application.reference)
    for row in unscored:
        row.rank = None
    return ordered + unscored


def _separate(group: list, tie_breaks: list[TieBreak], orders: dict[str, TieOrder]) -> list:
    if len(group) < 2:
        return group
    for i, tie_break in enumerate(tie_breaks):
        rest = tie_breaks[i + 1:]
        if tie_break.computed:
            def value(row, tie_break=tie_break):
                return tie_break.value(row.application)

            parts = [list(part) for _value, part in groupby(sorted(group, key=value), key=value)]
            if len(parts) > 1:
                return [row for part in parts for row in _separate(part, rest, orders)]
            continue
        return _judged(group, tie_break, rest, orders)
    return group


def _judged(group: list, tie_break: TieBreak, rest: list[TieBreak], orders: dict[str, TieOrder]) -> list:
    tie = Tie(tie_break, group[0].aggregate)
    stored = orders.get(members_key(r.application.pk for r in group))
    if stored is not None and stored.tie_break == tie_break.key and stored.score == tie.score:
        position = {pk: i for i, pk in enumerate(stored.order)}
        listed = sorted(group, key=lambda r: position.get(r.application.pk, len(position)))
        tie.order = stored
    else:
        later = [t for t in rest if t.computed]
        listed = sorted(group, key=lambda r: (*(t.value(r.application) for t in later), r.application.reference))
    tie.rows = listed
    for row in listed:
        row.tie = tie
    return listed


def ties_among(rows: list) -> list[Tie]:
    """The ties an officer has still to order among ``rows`` (one page of the ranking), each once, in rank order."""
    found: dict[int, Tie] = {}
    for row in rows:
        if row.tie is not None and row.tie.open:
            found.setdefault(id(row.tie), row.tie)
    return list(found.values())
