"""Automatic assignment as a minimum-cost flow (networkx): every application gets its reviewers, conflicts are
never an edge, no reviewer goes past the load limit, loads are balanced and expertise is preferred.

The network: source → application (capacity: reviewers still needed) → reviewer (capacity 1, only where there is
no conflict and the pair is not already assigned; cost ``MISMATCH`` where the reviewer's expertise does not match
the track, plus a random cost below ``JITTER`` when the officer asks for a random draw) → the reviewer's k-th slot
(capacity 1, cost ``LOAD × k``, one slot for each place left under the load limit) → sink. Slot costs grow with
the load, so moving one assignment from a reviewer with two more than another always saves more than any
expertise preference: loads differ by at most one wherever conflicts and limits allow, and expertise decides
among equally loaded reviewers. ``max_flow_min_cost`` first places as many assignments as possible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import networkx as nx

LOAD = 1000
MISMATCH = 600
JITTER = 100


@dataclass(frozen=True)
class Problem:
    needs: dict[int, int]  # application id → reviewers still needed
    capacity: dict[int, int]  # reviewer id → places left under the load limit
    load: dict[int, int]  # reviewer id → assignments already held in the round
    allowed: dict[int, set[int]]  # application id → reviewer ids that may be assigned to it
    matches: set[tuple[int, int]]  # (application id, reviewer id) where expertise matches


def solve(problem: Problem, *, seed: int | None = None) -> dict[int, list[int]]:
    """Application id → newly assigned reviewer ids (sorted). ``seed`` makes a random draw among the qualified,
    reproducible with the same seed and the same data."""
    rng = random.Random(seed) if seed is not None else None
    graph = nx.DiGraph()
    source, sink = "s", "t"
    graph.add_node(source)
    graph.add_node(sink)
    for reviewer, places in sorted(problem.capacity.items()):
        held = problem.load.get(reviewer, 0)
        for k in range(1, places + 1):
            slot = ("slot", reviewer, k)
            graph.add_edge(("r", reviewer), slot, capacity=1, weight=LOAD * (held + k))
            graph.add_edge(slot, sink, capacity=1, weight=0)
    for application, need in sorted(problem.needs.items()):
        if need <= 0:
            continue
        graph.add_edge(source, ("a", application), capacity=need, weight=0)
        for reviewer in sorted(problem.allowed.get(application, ())):
            if problem.capacity.get(reviewer, 0) <= 0:
                continue
            cost = 0 if (application, reviewer) in problem.matches else MISMATCH
            if rng is not None:
                cost += rng.randrange(JITTER)
            graph.add_edge(("a", application), ("r", reviewer), capacity=1, weight=cost)
    if graph.out_degree(source) == 0:
        return {}
    flow = nx.max_flow_min_cost(graph, source, sink)
    result: dict[int, list[int]] = {}
    for application in problem.needs:
        node = ("a", application)
        if node not in flow:
            continue
        chosen = sorted(r for (_tag, r), units in flow[node].items() if units > 0)
        if chosen:
            result[application] = chosen
    return result
