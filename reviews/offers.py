"""Which steps a review page offers: read from the round's tables (``ROUND_TRANSITIONS``, ``ROUND_WORK``) and the
assignment, review and award tables, the same the services check, so a page never shows a button its service
refuses for the state, and the templates compare no state themselves. No query: the objects come read."""

from __future__ import annotations

from django.utils import timezone

from .models import (
    ASSIGNMENT_TRANSITIONS,
    AWARD_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ROUND_TRANSITIONS,
    ROUND_WORK,
    AwardState,
    ReviewRound,
    RoundState,
)

# Steps taken only once the publicity period is over and its end confirmed.
AFTER_PUBLICITY = frozenset({"close", "decide_award"})


def open_for_assignment(review_round: ReviewRound | None) -> bool:
    """Reviewers are still being assigned (or replaced): the round page shows the assignment's progress,
    shortfall and declared conflicts, to everyone who reads it."""
    return review_round is not None and review_round.state in ROUND_WORK["assign_by_hand"]


def round_offers(review_round: ReviewRound | None, *, acts: bool) -> frozenset[str]:
    """The round steps and work an officer who ``acts`` in the round's office may take now. Opening a round is
    ``open_round`` (no round yet)."""
    if not acts:
        return frozenset()
    if review_round is None:
        return frozenset({"open_round"})
    state = review_round.state
    names = {name for name, step in ROUND_TRANSITIONS.items() if state in step.sources}
    names |= {name for name, states in ROUND_WORK.items() if state in states}
    decidable = review_round.publicity_over and not review_round.publicity_ends_provisional
    if state == RoundState.PUBLICITY and not decidable:
        names -= AFTER_PUBLICITY
    return frozenset(names)


def replaces_reviewers(review_round: ReviewRound) -> bool:
    """A proposal now fills places left by conflicts and removals (the review has started)."""
    return review_round.state == RoundState.REVIEWING


def assignment_offers(assignment, offers: frozenset[str]) -> frozenset[str]:
    """The steps on one assignment of the round page (``confirm``, ``remove``, and ``reopen`` of its submitted
    review), given the round's ``offers``. Reads ``assignment.review`` as the page loaded it."""
    names = set()
    review = getattr(assignment, "review", None)
    submitted = review is not None and review.state in REVIEW_TRANSITIONS["reopen"].sources
    if "confirm_assignment" in offers and assignment.state in ASSIGNMENT_TRANSITIONS["confirm"].sources:
        names.add("confirm")
    if "remove_assignment" in offers and assignment.state in ASSIGNMENT_TRANSITIONS["remove"].sources \
            and not submitted:
        names.add("remove")
    if "reopen_review" in offers and submitted:
        names.add("reopen")
    return frozenset(names)


def award_offers(award, offers: frozenset[str]) -> frozenset[str]:
    """The steps on one proposed award of the decision page: ``adjust`` while the list is proposed, ``approve``
    and ``not_fund`` once the publicity is over."""
    names = set()
    if "adjust_award" in offers and award.state in AWARD_TRANSITIONS["adjust"].sources:
        names.add("adjust")
    if "decide_award" in offers:
        names.update(step for step in ("approve", "not_fund") if award.state in AWARD_TRANSITIONS[step].sources)
    return frozenset(names)


def plan_open(awards, *, acts: bool) -> bool:
    """The decision page offers the track's tranche plan form until an award is approved: approval opens the
    project, after which ``programs.services.track_plan_set`` refuses a change. Reads the awards the page has."""
    return acts and not any(award.state == AwardState.APPROVED for award in awards)


def objection_offers(objection, *, acts: bool) -> frozenset[str]:
    """How the officer may resolve a publicity objection (``uphold``, ``dismiss``): while it is open."""
    if not acts:
        return frozenset()
    return frozenset(name for name, step in OBJECTION_TRANSITIONS.items() if objection.state in step.sources)


def takes_objections(review_round: ReviewRound) -> bool:
    """Objections to the published list are taken during the publicity period, its last day included (by the
    office's date)."""
    return (review_round.state == RoundState.PUBLICITY and review_round.publicity_ends is not None
            and timezone.localdate() <= review_round.publicity_ends)
