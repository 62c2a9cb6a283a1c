"""The funding finder's matcher: every open (or soon opening) track against an organisation's profile, and every
registered organisation against a track, with the eligibility engine's organisation-level rules.

Pure reads. One organisation against every track: the organisation, the tracks, their rules and the regions the
rules name, each read once. Many organisations against a track: the profiles are read once for all tracks (five
queries whatever their number) and each track is matched in memory, no query per organisation or per track.

A call is run for an area: a district's call for units in that district (越秀区企事业单位), a city's for the city,
a province's for the province. Where a track states its own region rule that rule says it; where it states none,
the finder reads the program's region as the area (``area_result``), so a Nansha firm is not offered Yuexiu's
calls. The track's own pages and the submission check keep to the guide's rules alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from applications.eligibility import (
    Facts,
    Outcome,
    RuleResult,
    evaluate,
    facts_for_many,
    profiles,
    regions_cached,
    rule_region_codes,
)
from applications.eligibility.reasons import Reason as _
from organisations.choices import admitted_types
from programs.models import CallStatus, EligibilityRule, RuleKind, Track
from programs.rule_kinds import ORGANISATION_LEVEL
from programs.selectors import is_call_open

from .verdicts import NOT_ELIGIBLE, PUSHED, VERDICTS, verdict_of

AREA = "area"  # the kind of the finder's own result: registered in the area the call is run for


def rules_of(track: Track) -> list[EligibilityRule]:
    """The track's organisation-level rules (prefetched by ``finder_tracks``)."""
    return track.finder_rules


def finder_tracks(*, on: dt.date, office: str = "", region: str = "", open_only: bool = False,
                  track_ids: Iterable[int] | None = None, scope: Q | None = None) -> list[Track]:
    """Tracks whose call is open or opens later (its window set and not yet closed), with their program, its region
    and office and their organisation-level rules: two queries. ``office``: an office's code, its programs;
    ``region``: a region code, the calls run in it or in a region inside it; ``scope``: a staff member's offices
    (offices.selectors.office_scope on ``program__office``)."""
    tracks = (
        Track.objects.active()
        .filter(program__archived_at__isnull=True, program__call_opens__isnull=False, program__call_closes__gte=on)
        .select_related("program__region__parent__parent", "program__office")
        .prefetch_related(Prefetch(
            "rules", to_attr="finder_rules",
            queryset=EligibilityRule.objects.active().filter(kind__in=ORGANISATION_LEVEL).order_by("seq"),
        ))
        .order_by("program__call_closes", "program_id", "position")
    )
    if scope is not None:
        tracks = tracks.filter(scope)
    if office:
        tracks = tracks.filter(program__office_id=office)
    if region:
        tracks = tracks.filter(Q(program__region_id=region) | Q(program__region__parent_id=region)
                               | Q(program__region__parent__parent_id=region))
    if open_only:
        tracks = tracks.filter(program__call_opens__lte=on)
    if track_ids is not None:
        tracks = tracks.filter(pk__in=list(track_ids))
    found = list(tracks)
    if open_only:
        found = [t for t in found if is_call_open(t.program, on)]
    return found


def call_state(track: Track, on: dt.date) -> str:
    """Open, or upcoming (its window opens later, or a draft for comment waits to be published)."""
    return CallStatus.OPEN if is_call_open(track.program, on) else CallStatus.UPCOMING


def area_result(track: Track, organisation) -> RuleResult | None:
    """Registered inside the area the call is run for, when the track has no region rule of its own."""
    if any(rule.kind == RuleKind.REGION for rule in rules_of(track)):
        return None
    area = track.program.region
    values = {"region": organisation.region.full_name, "area": area.full_name, "issuer": track.program.issuer}
    if area.code in organisation.region.lineage_codes():
        outcome, reason = Outcome.PASS, _("Registered in %(region)s, inside %(area)s, where %(issuer)s runs this "
                                          "call") % values
    else:
        outcome, reason = Outcome.FAIL, _("Registered in %(region)s, outside %(area)s, where %(issuer)s runs this "
                                          "call") % values
    return RuleResult(rule_id=0, seq=0, kind=AREA, outcome=outcome.value, message=reason,
                      guide_text=track.program.issuer)


@dataclass(frozen=True)
class TrackMatch:
    """One track as one organisation stands against it."""

    track: Track
    state: str
    verdict: str
    results: tuple[RuleResult, ...]

    @property
    def finder_verdict(self):
        return VERDICTS[self.verdict]

    @property
    def failing(self) -> list[RuleResult]:
        return [r for r in self.results if r.outcome == Outcome.FAIL]

    @property
    def for_officer(self) -> list[RuleResult]:
        return [r for r in self.results if r.outcome == Outcome.OFFICER]


def match_one(track: Track, facts: Facts, on: dt.date) -> TrackMatch:
    area = area_result(track, facts.organisation)
    results = ((area,) if area is not None else ()) + evaluate(rules_of(track), facts).results
    return TrackMatch(track=track, state=call_state(track, on), verdict=verdict_of(results), results=results)


def region_codes(tracks: Sequence[Track]) -> set[str]:
    return set().union(*(rule_region_codes(rules_of(t)) for t in tracks)) if tracks else set()


def match_tracks(facts: Facts, tracks: Sequence[Track], on: dt.date) -> list[TrackMatch]:
    """One organisation against every track; the regions the rules name are read in one query."""
    with regions_cached(region_codes(tracks)):
        return [match_one(track, facts, on) for track in tracks]


# --- many organisations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Gate:
    """What a track asks of who the organisation is (its hard region and type rules, or the call's area), read once
    per track: an organisation that fails it is neither offered the track nor told of it, so the rest of the rules
    are evaluated only for those that pass."""

    regions: frozenset[str]  # every hard region rule's region (the organisation's lineage must hold each)
    types: tuple[frozenset[str], ...]  # the types each hard type rule admits (families included)
    rest: tuple[EligibilityRule, ...]  # the rules the gate does not decide

    def passes(self, lineage: frozenset[str], org_type: str) -> bool:
        return self.regions <= lineage and all(org_type in admitted for admitted in self.types)


def _gate(track: Track) -> _Gate:
    regions, types, decided = set(), [], set()
    for rule in rules_of(track):
        params = rule.params if isinstance(rule.params, dict) else {}
        if rule.soft:
            continue
        if rule.kind == RuleKind.REGION and params.get("region"):
            regions.add(str(params["region"]))
            decided.add(rule.pk)
        elif rule.kind == RuleKind.ORG_TYPE and isinstance(params.get("types"), list | str) and params["types"]:
            named = [params["types"]] if isinstance(params["types"], str) else params["types"]
            types.append(frozenset(admitted_types(named)))
            decided.add(rule.pk)
    if not any(rule.kind == RuleKind.REGION for rule in rules_of(track)):
        regions.add(track.program.region_id)  # the call's area (area_result)
    return _Gate(frozenset(regions), tuple(types), tuple(r for r in rules_of(track) if r.pk not in decided))


@dataclass
class Demand:
    """How many organisations stand how against one track; the matches that are pushed kept whole."""

    track: Track
    state: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    pushed: list[tuple[object, TrackMatch]] = field(default_factory=list)

    @property
    def matching(self) -> int:
        return sum(n for code, n in self.counts.items() if code in PUSHED)


def registered_organisations(organisation_ids: Iterable[int] | None = None) -> list:
    """Every registered organisation with its profile (a fixed number of queries whatever their number)."""
    return profiles(None if organisation_ids is None else list(organisation_ids))


def bulk_match(tracks: Sequence[Track], organisations: Sequence, on: dt.date, *, keep: bool = True,
               progress: Callable[[int], None] | None = None) -> list[Demand]:
    """Every organisation against every track, in memory: no query per organisation or per track (the regions the
    rules name are read in one). Each track's gate (``_Gate``: region, type, area) is checked on sets; the rest of
    its rules are evaluated for those that pass it, and their verdict is the same as the whole track's (the gate's
    rules passed). ``keep``: keep the pushed matches, with the results of the rules the gate did not decide (their
    reasons are what a notice quotes), else only the counts."""
    demands = []
    facts = facts_for_many(organisations, on=on)
    lineages = {}
    for fact in facts:
        region = fact.organisation.region
        lineages[region.code] = lineages.get(region.code) or frozenset(region.lineage_codes())
    with regions_cached(region_codes(tracks)):
        for done, track in enumerate(tracks, 1):
            demand = Demand(track=track, state=call_state(track, on))
            gate = _gate(track)
            for fact in facts:
                organisation = fact.organisation
                if not gate.passes(lineages[organisation.region_id], organisation.org_type):
                    demand.counts[NOT_ELIGIBLE] += 1
                    continue
                results = evaluate(gate.rest, fact).results
                verdict = verdict_of(results)
                demand.counts[verdict] += 1
                if keep and verdict in PUSHED:
                    demand.pushed.append((organisation, TrackMatch(track=track, state=demand.state, verdict=verdict,
                                                                   results=results)))
            demands.append(demand)
            if progress is not None:
                progress(done * 100 // len(tracks))
    return demands
