"""The shortfall of a round's assignment: how many reviewers each application still lacks before the review
starts, in all, and whether the officer's confirmation of it still holds.

A confirmation is given for one assignment, named by ``stamp``: a digest of the number of reviewers per
application and of every application's active assignments. Any change (a proposal, a reviewer added or removed,
another application in review, another number per application) gives another stamp, and the confirmation no
longer counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from .models import ACTIVE_ASSIGNMENT, ReviewRound
from .rounds import round_applications

SHOWN = 50  # short applications named on the round page (the table of applications gives every one's gap)


@dataclass(frozen=True)
class Gap:
    application_id: int
    reference: str
    assigned: int
    missing: int


@dataclass(frozen=True)
class Shortfall:
    wanted: int  # reviewer places in all: applications × reviewers per application
    missing: int  # places no active assignment fills
    short: list[Gap]  # the applications with a gap, in reference order
    stamp: str

    @property
    def by_size(self) -> list[tuple[int, int]]:
        """(reviewers missing, applications missing that many), fewest missing first."""
        return sorted(Counter(gap.missing for gap in self.short).items())

    @property
    def shown(self) -> list[Gap]:
        return self.short[:SHOWN]

    @property
    def not_shown(self) -> int:
        return max(0, len(self.short) - SHOWN)


def round_shortfall(review_round: ReviewRound) -> Shortfall:
    """The round's gaps (reviewers per application − active assignments) and its stamp. One query."""
    per = review_round.reviewers_per_application
    rows = (round_applications(review_round)
            .annotate(active=FilteredRelation("review_assignments", condition=Q(
                review_assignments__round=review_round, review_assignments__state__in=list(ACTIVE_ASSIGNMENT))))
            .order_by("reference", "pk").values_list("pk", "reference", "active__pk"))
    held: dict[int, list[int]] = {}
    references: dict[int, str] = {}
    for application_id, reference, assignment_id in rows:
        references[application_id] = reference
        held.setdefault(application_id, [])
        if assignment_id is not None:
            held[application_id].append(assignment_id)
    short = [Gap(a, references[a], len(ids), per - len(ids)) for a, ids in held.items() if len(ids) < per]
    digest = hashlib.sha256(f"{per}|".encode())
    for application_id in sorted(held):
        digest.update(f"{application_id}:{','.join(map(str, sorted(held[application_id])))};".encode())
    return Shortfall(wanted=per * len(held), missing=sum(gap.missing for gap in short), short=short,
                     stamp=digest.hexdigest())


def shortfall_state(review_round: ReviewRound, shortfall: Shortfall) -> str:
    """"none" (every place filled), "confirmed" (for this very assignment), "stale" (confirmed for an assignment
    that has changed since) or "unconfirmed"."""
    if not shortfall.missing:
        return "none"
    if review_round.shortfall_stamp == shortfall.stamp:
        return "confirmed"
    return "stale" if review_round.shortfall_stamp else "unconfirmed"


# The shortfall states in which the review may not start (the officer confirms the shortfall first).
BLOCKS_START = frozenset({"unconfirmed", "stale"})
