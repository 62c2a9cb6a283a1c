"""Automatic assignment (``services.assignment_propose``), worked out in the background for a round of any size.

Two steps. The plan reads the round, the pool with room under its load limits, the conflicts of those reviewers
and the expertise, and solves the flow (``assignment.solve``) with no transaction and no lock held: at a
province's scale that takes seconds, and nobody waits on it. The commit then locks what it writes (the round
row, and the rows of the reviewers it actually chose, in id order) and checks every chosen pair again against the
data as it is now: the application still in the round and short of reviewers, the reviewer active, under the
load limit, free of conflicts (one may have been declared meanwhile) and never assigned to the application
before. A pair that no longer holds is left out and counts as a place still to fill; the pool is never locked
as a whole.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event

from . import assignment as solver
from .models import (
    ACTIVE_ASSIGNMENT,
    ROUND_WORK,
    Assignment,
    AssignmentState,
    ReviewerProfile,
    ReviewRound,
)
from .pools import candidates
from .rounds import lock_round, open_conflicts, require_officer, round_applications, round_office
from .selectors import conflict_matrix, matching_reviewers

# The share of the work done when each step starts (the job's progress bar).
STEPS = {"read": 5, "conflicts": 20, "flow": 35, "deal": 85, "write": 90}


@dataclass
class Proposal:
    created: int
    shortfall: dict[int, int]  # application id → reviewers still missing
    seed: int | None


@dataclass
class Plan:
    chosen: dict[int, list[int]]  # application id → reviewer ids
    matching: set[int]  # reviewers whose expertise matches the track
    seed: int | None


def _check_open(review_round: ReviewRound) -> None:
    if review_round.state not in ROUND_WORK["propose_assignment"]:
        raise ValidationError(_("Reviewers can be assigned only before the awards are proposed."), code="wrong_state")


def _round_state(review_round: ReviewRound, application_ids) -> tuple[Counter, Counter]:
    """(reviewer id → active assignments in the round, application id → active assignments). One query."""
    load, held = Counter(), Counter()
    for application_id, reviewer_id in (Assignment.objects.filter(round=review_round, state__in=ACTIVE_ASSIGNMENT)
                                        .values_list("application_id", "reviewer_id")):
        load[reviewer_id] += 1
        held[application_id] += 1
    return load, held


def assignment_plan(review_round: ReviewRound, *, seed: int | None = None,
                    progress: Callable[[int], None] = lambda _percent: None) -> Plan:
    """Work out the new assignments of a round without writing or locking anything. Nine queries."""
    progress(STEPS["read"])
    applications = list(round_applications(review_round).values_list("pk", flat=True))
    load, held = _round_state(review_round, applications)
    per_application = review_round.reviewers_per_application
    needs = {a: per_application - held[a] for a in applications if per_application - held[a] > 0}
    # Pruned before the flow: inactive reviewers and those at their load limit are never candidates.
    # Only the pools the program draws from (the shared pool, its office's and those above it), in SQL.
    reviewers = [r for r in ReviewerProfile.objects.filter(candidates(round_office(review_round)), active=True).only(
        "pk", "name", "load_limit", "affiliation_id", "affiliation_name", "affiliation_uscc", "expertise")
        .order_by("pk") if r.load_limit - load[r.pk] > 0]
    if review_round.random_draw and seed is None:
        seed = random.SystemRandom().randrange(1, 2**62)
    if not needs or not reviewers:
        return Plan(chosen={}, matching=set(), seed=seed)
    progress(STEPS["conflicts"])
    barred: dict[int, set[int]] = {}
    for application_id, reviewer_id in conflict_matrix(list(needs), reviewers):
        barred.setdefault(application_id, set()).add(reviewer_id)
    for application_id, reviewer_id in Assignment.objects.filter(application_id__in=list(needs)).values_list(
            "application_id", "reviewer_id"):
        barred.setdefault(application_id, set()).add(reviewer_id)  # never the same reviewer twice
    matching = matching_reviewers(review_round.track, reviewers)
    problem = solver.Problem(needs=needs, capacity={r.pk: r.load_limit - load[r.pk] for r in reviewers},
                             load={r.pk: load[r.pk] for r in reviewers}, forbidden=barred,
                             matching=frozenset(matching))
    chosen = solver.solve(problem, seed=seed if review_round.random_draw else None,
                          progress=lambda step: progress(STEPS[step]))
    return Plan(chosen=chosen, matching=matching, seed=seed)


def assignment_propose(*, actor, review_round: ReviewRound, seed: int | None = None,
                       progress: Callable[[int], None] = lambda _percent: None) -> Proposal:
    """Fill every application up to the round's number of reviewers (a first proposal, or replacements for
    declared conflicts and removals). New assignments are proposed; the officer confirms them."""
    require_officer(actor, round_office(review_round))
    current = ReviewRound.objects.select_related("track__program").get(pk=review_round.pk)
    _check_open(current)
    plan = assignment_plan(current, seed=seed, progress=progress)
    progress(STEPS["write"])
    return _commit(actor=actor, review_round=current, plan=plan)


@transaction.atomic
def _commit(*, actor, review_round: ReviewRound, plan: Plan) -> Proposal:
    locked = lock_round(review_round)
    _check_open(locked)
    applications = set(round_applications(locked).values_list("pk", flat=True))
    load, held = _round_state(locked, applications)
    chosen_reviewers = sorted({r for ids in plan.chosen.values() for r in ids})
    profiles = {p.pk: p for p in ReviewerProfile.objects.select_for_update().filter(pk__in=chosen_reviewers)
                .only("pk", "name", "active", "load_limit", "affiliation_id", "affiliation_name", "affiliation_uscc")
                .order_by("pk")}
    candidates = [a for a in plan.chosen if a in applications]
    conflicts = conflict_matrix(candidates, list(profiles.values()))
    ever = set(Assignment.objects.filter(application_id__in=candidates).values_list("application_id", "reviewer_id"))
    per_application = locked.reviewers_per_application
    kept: list[tuple[int, int]] = []
    for application_id in sorted(candidates):
        for reviewer_id in plan.chosen[application_id]:
            profile = profiles.get(reviewer_id)
            if (profile is None or not profile.active or (application_id, reviewer_id) in conflicts
                    or (application_id, reviewer_id) in ever or held[application_id] >= per_application
                    or load[reviewer_id] >= profile.load_limit):
                continue
            kept.append((application_id, reviewer_id))
            held[application_id] += 1
            load[reviewer_id] += 1
    to_replace = open_conflicts(locked, sorted({a for a, _r in kept}))  # a declared conflict's place first
    _insert(locked, [(a, r, r in plan.matching, to_replace[a].pop(0) if to_replace.get(a) else None)
                     for a, r in kept])
    shortfall = {a: per_application - held[a] for a in sorted(applications) if held[a] < per_application}
    seed = plan.seed if locked.random_draw else None
    if locked.random_draw:
        locked.seed = seed
        locked.save(update_fields=["seed"])
    record_event(target=locked, actor=actor, action="propose_assignment", from_state=locked.state,
                 to_state=locked.state, data={"created": len(kept), "seed": seed,
                                              "shortfall": {str(k): v for k, v in shortfall.items()}})
    return Proposal(created=len(kept), shortfall=shortfall, seed=seed)


def _insert(review_round: ReviewRound, rows: list[tuple[int, int, bool, int | None]]) -> None:
    """Write the proposed assignments (application, reviewer, expertise match, replaces). On PostgreSQL one
    INSERT … SELECT FROM unnest() (6,000 model instances cost more than the solver); elsewhere ``bulk_create``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Assignment.objects.bulk_create(
            [Assignment(round=review_round, application_id=a, reviewer_id=r, state=AssignmentState.PROPOSED,
                        expertise_match=match, replaces_id=replaces) for a, r, match, replaces in rows],
            batch_size=2000)
        return
    meta = Assignment._meta
    columns = ", ".join(meta.get_field(name).column for name in (
        "round", "application", "reviewer", "state", "source", "expertise_match", "replaces", "created_at"))
    applications, reviewers, matches, replaced = (list(values) for values in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({columns}) SELECT %s, a, r, %s, %s, m, x, %s "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[], %s::bigint[]) AS t(a, r, m, x)",
            [review_round.pk, AssignmentState.PROPOSED, Assignment.Source.AUTOMATIC, timezone.now(),
             applications, reviewers, matches, replaced])
