"""The shape of a lifecycle's transition table, shared by every app that has one (applications, reviews, …).

Each app keeps its own table of allowed steps; services enforce it and templates read it to show buttons.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actor: str
    needs_reason: bool = False


def transition_table(*transitions: Transition) -> dict[str, Transition]:
    """The table of a lifecycle, by step name."""
    return {t.name: t for t in transitions}
