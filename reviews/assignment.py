"""Automatic assignment as a minimum-cost flow (networkx): every application gets its reviewers, conflicts are
never an edge, no reviewer goes past the load limit, loads are balanced and expertise is preferred.

The network, in principle: source → application (capacity: reviewers still needed) → reviewer (capacity 1, only
where there is no conflict and the pair is not already assigned; cost ``MISMATCH`` where the reviewer's expertise
does not match the track) → the reviewer's k-th place (cost ``LOAD × (held + k)``, one for each place left under
the load limit) → sink. Place costs grow with the load, so moving one assignment from a reviewer with two more
than another always saves more than any expertise preference: loads differ by at most one wherever conflicts and
limits allow, and expertise decides among equally loaded reviewers. The cheapest flow first places as many
assignments as possible.

A shortage is spread: each application's places enter by one edge per level (its first reviewer, its second, …)
whose cost grows with the level by more than any load or expertise cost can change (``_spread``), so every
application that can have a reviewer gets one before any gets a second, and so on: no application is left with
none while another has k, wherever conflicts and limits allow. With no shortage every application gets all its
places and these costs are the same for every assignment.

Built pair by pair that network has applications × reviewers edges (a million at 2,000 × 500: minutes and a
gigabyte). It is built on *classes* instead, which gives the same optimum:

- applications with the same need, the same barred reviewers (conflicts, earlier assignments) and the same
  pairwise expertise matches form one group: they are interchangeable;
- reviewers with the same places left, the same load, the same expertise match and barred by (and matching) the
  same groups form one class: they are interchangeable too.

A group of g applications may take from a class of m reviewers at most g × min(m, need) places (one per reviewer
and application); a class's k-th level holds m places at cost ``LOAD × (held + k)`` (each reviewer's k-th place).
Any flow of this small network splits back into applications and reviewers with the same cost: a group's places
are dealt to its applications in turn, class after class (each application then gets at most min(m, need) from a
class, so distinct reviewers), and a class's places go round its reviewers in turn (their loads differ by at most
one, as the level costs assume). Conflicts are usually few, so there are few groups and classes: a 2,000 × 500
round is a network of a few thousand edges.

A random draw (``seed``) deals the places in a shuffled order and adds a cost below ``JITTER`` to each group–class
edge: a random choice among the equally good, reproducible with the same seed and the same data.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

LOAD = 1000
MISMATCH = 600
JITTER = 100
FIRST_EDGES = 8  # group–class edges to start from, per group and per class (more are added while they help)


@dataclass(frozen=True)
class Problem:
    needs: dict[int, int]  # application id → reviewers still needed
    capacity: dict[int, int]  # reviewer id → places left under the load limit
    load: dict[int, int]  # reviewer id → assignments already held in the round
    # application id → reviewer ids that may be assigned to it; None: every reviewer not in ``forbidden``
    allowed: dict[int, set[int]] | None = None
    matches: set[tuple[int, int]] = frozenset()  # (application id, reviewer id) where expertise matches
    forbidden: dict[int, set[int]] = field(default_factory=dict)  # application id → reviewer ids barred from it
    matching: frozenset[int] = frozenset()  # reviewers whose expertise matches every application


@dataclass
class _Group:
    need: int
    barred: frozenset[int]
    matched: frozenset[int]
    applications: list[int] = field(default_factory=list)


@dataclass
class _Class:
    places: int
    held: int
    matching: bool
    barred_by: frozenset[int]
    matched_by: frozenset[int]
    reviewers: list[int] = field(default_factory=list)
    index: int = 0
    turn: int = 0  # whose turn it is to take the class's next place


def _groups(problem: Problem, active: set[int]) -> list[_Group]:
    pair_matches: dict[int, set[int]] = defaultdict(set)
    for application, reviewer in problem.matches:
        pair_matches[application].add(reviewer)
    groups: dict[tuple, _Group] = {}
    for application, need in sorted(problem.needs.items()):
        if need <= 0:
            continue
        if problem.allowed is not None:
            barred = frozenset(active - problem.allowed.get(application, set()))
        else:
            barred = frozenset(active.intersection(problem.forbidden.get(application, ())))
        if len(barred) == len(active):
            continue  # nobody may review it
        matched = frozenset(active.intersection(pair_matches.get(application, ())) - barred)
        key = (need, barred, matched)
        if key not in groups:
            groups[key] = _Group(need, barred, matched)
        groups[key].applications.append(application)
    return list(groups.values())


def _classes(problem: Problem, reviewers: list[int], groups: list[_Group]) -> list[_Class]:
    barred_by: dict[int, set[int]] = defaultdict(set)
    matched_by: dict[int, set[int]] = defaultdict(set)
    for index, group in enumerate(groups):
        for reviewer in group.barred:
            barred_by[reviewer].add(index)
        for reviewer in group.matched:
            matched_by[reviewer].add(index)
    classes: dict[tuple, _Class] = {}
    for reviewer in reviewers:
        key = (problem.capacity[reviewer], problem.load.get(reviewer, 0), reviewer in problem.matching,
               frozenset(barred_by.get(reviewer, ())), frozenset(matched_by.get(reviewer, ())))
        if key not in classes:
            classes[key] = _Class(*key)
        classes[key].reviewers.append(reviewer)
    found = list(classes.values())
    for index, klass in enumerate(found):
        klass.index = index
    return found


def _cost(g: int, group: _Group, klass: _Class, jitter: dict | None) -> int:
    cost = 0 if klass.matching or g in klass.matched_by else MISMATCH
    return cost + jitter[g, klass.index] if jitter is not None else cost


def network(groups: list[_Group], classes: list[_Class], edges: set[tuple[int, int]],
            jitter: dict | None) -> nx.DiGraph:
    """The class network with the group–class edges ``edges``, as a min-cost flow with a bypass: places no
    reviewer can take flow straight to the sink at a cost more than any way through a reviewer, so the
    cheapest flow fills as many places as possible first. A group's places enter by one edge per level (its
    applications' k-th reviewer, cost ``spread × level``): see ``_spread``."""
    demand = sum(group.need * len(group.applications) for group in groups)
    step = _spread(groups, classes)
    top_need = max(group.need for group in groups)
    graph = nx.DiGraph()
    graph.add_node("s", demand=-demand)
    graph.add_node("t", demand=demand)
    graph.add_edge("s", "t", capacity=demand, weight=step * (top_need + 2))
    levels = set()
    for c, klass in enumerate(classes):
        size = len(klass.reviewers)
        for k in range(1, klass.places + 1):
            level = klass.held + k
            graph.add_edge(("c", c), ("l", level), capacity=size, weight=LOAD * level)
            levels.add(level)
    for level in sorted(levels):
        graph.add_edge(("l", level), "t", capacity=demand, weight=0)
    for g, group in enumerate(groups):
        size = len(group.applications)
        for k in range(1, group.need + 1):
            # The applications' (held + k)-th reviewer; every application needs the same number in all, so
            # ``top_need - need + k`` orders the levels of every group alike.
            graph.add_edge("s", ("k", g, k), capacity=size, weight=step * (top_need - group.need + k))
            graph.add_edge(("k", g, k), ("g", g), capacity=size, weight=0)
    for g, c in sorted(edges):
        _add(graph, g, groups[g], classes[c], jitter)
    return graph


def _add(graph: nx.DiGraph, g: int, group: _Group, klass: _Class, jitter: dict | None) -> None:
    graph.add_edge(("g", g), ("c", klass.index), capacity=len(group.applications) * min(len(klass.reviewers),
                                                                                         group.need),
                   weight=_cost(g, group, klass, jitter))


def _spread(groups: list[_Group], classes: list[_Class]) -> int:
    """The cost of one more reviewer level of an application: more than any load, expertise or draw cost a
    simple cycle of the network can change (one pass through the sink moves load by at most ``LOAD × top``; each
    group or class adds at most two group–class edges), so a shortage is spread first, then loads balanced, then
    expertise preferred."""
    top = max((klass.held + klass.places for klass in classes), default=0)
    return LOAD * (top + 1) + (2 * (len(groups) + len(classes)) + 2) * (MISMATCH + JITTER)


def _first_edges(groups: list[_Group], classes: list[_Class]) -> set[tuple[int, int]]:
    """A sparse start: each group to its largest allowed classes, each class from its largest allowed groups."""
    by_size = sorted(range(len(classes)), key=lambda c: (-len(classes[c].reviewers) * classes[c].places, c))
    edges = {(g, c) for g in range(len(groups)) for c in
             [c for c in by_size if g not in classes[c].barred_by][:FIRST_EDGES]}
    largest = sorted(range(len(groups)), key=lambda g: (-len(groups[g].applications), g))
    for c, klass in enumerate(classes):
        edges.update((g, c) for g in [g for g in largest if g not in klass.barred_by][:FIRST_EDGES])
    return edges


def _potentials(graph: nx.DiGraph, flow: dict) -> dict:
    """Node potentials of an optimal flow: shortest distances in its residual network (no negative cycle there)."""
    residual = nx.DiGraph()
    for u, v, data in graph.edges(data=True):
        units = flow[u][v]
        if units < data["capacity"]:
            residual.add_edge(u, v, weight=data["weight"])
        if units > 0:
            residual.add_edge(v, u, weight=-data["weight"])
    root = ("root",)
    residual.add_edges_from(((root, node) for node in graph.nodes), weight=0)
    return nx.single_source_bellman_ford_path_length(residual, root)


def _min_cost_flow(groups: list[_Group], classes: list[_Class], jitter: dict | None) -> dict:
    """The optimal flow over every allowed group–class edge, found on a few of them: solve, then add the left-out
    edges whose reduced cost is negative (they would make the flow cheaper or larger), until none is. The result
    is optimal for the full network (reduced costs of every left-out edge are non-negative)."""
    allowed = [(g, c) for g in range(len(groups)) for c, klass in enumerate(classes) if g not in klass.barred_by]
    edges = _first_edges(groups, classes)
    graph = network(groups, classes, edges, jitter)
    while True:
        _cost_total, flow = nx.network_simplex(graph)
        pi = _potentials(graph, flow)
        better = [(g, c) for g, c in allowed if (g, c) not in edges
                  and _cost(g, groups[g], classes[c], jitter) + pi[("g", g)] - pi[("c", c)] < 0]
        if not better:
            return flow
        for g, c in better:
            edges.add((g, c))
            _add(graph, g, groups[g], classes[c], jitter)


def _deal(groups: list[_Group], classes: list[_Class], flow: dict, rng: random.Random | None
          ) -> dict[int, list[int]]:
    """Split the classes' flow back into reviewers per application (see the module's docstring)."""
    if rng is not None:
        for group in groups:
            rng.shuffle(group.applications)
        for klass in classes:
            rng.shuffle(klass.reviewers)
    result: dict[int, list[int]] = defaultdict(list)
    for g, group in enumerate(groups):
        applications = group.applications
        position = 0
        for node, units in sorted(flow.get(("g", g), {}).items()):
            if units <= 0:
                continue
            klass = classes[node[1]]
            taken: dict[int, int] = defaultdict(int)  # application → places from this class
            for i in range(position, position + units):
                taken[applications[i % len(applications)]] += 1
            position += units
            size = len(klass.reviewers)
            for application, n in taken.items():
                result[application].extend(klass.reviewers[(klass.turn + j) % size] for j in range(n))
                klass.turn = (klass.turn + n) % size
    return {application: sorted(chosen) for application, chosen in result.items()}


def solve(problem: Problem, *, seed: int | None = None,
          progress: Callable[[str], None] | None = None) -> dict[int, list[int]]:
    """Application id → newly assigned reviewer ids (sorted). ``seed`` makes a random draw among the qualified,
    reproducible with the same seed and the same data. ``progress(step)`` is told "flow" and "deal"
    as the work reaches them."""
    rng = random.Random(seed) if seed is not None else None
    reviewers = sorted(r for r, places in problem.capacity.items() if places > 0)
    if not reviewers:
        return {}
    groups = _groups(problem, set(reviewers))
    if not groups:
        return {}
    classes = _classes(problem, reviewers, groups)
    jitter = None
    if rng is not None:
        jitter = {(g, c): rng.randrange(JITTER) for g in range(len(groups)) for c in range(len(classes))}
    if progress:
        progress("flow")
    flow = _min_cost_flow(groups, classes, jitter)
    if progress:
        progress("deal")
    return _deal(groups, classes, flow, rng)
