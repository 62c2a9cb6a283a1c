"""The regions eligibility rules name, read once per batch instead of once per organisation or per rule.

A check that quotes a region it was not registered in (a failing region rule, a history rule's awarding region),
and a rule in plain words (programs.rule_words), read it with ``region_named``. Outside ``regions_cached`` that is
one query per call, as before; inside it, the codes given are read in one query up front and any other code once,
so evaluating many organisations (the funding finder's bulk match, one organisation against every open track)
runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .models import Region

_CACHE: ContextVar[dict[str, Region | None] | None] = ContextVar("eligibility_regions", default=None)


def _read(codes: Iterable[str]) -> dict[str, Region | None]:
    codes = {str(c) for c in codes if c}
    found = {r.code: r for r in Region.objects.select_related("parent__parent").filter(code__in=codes)}
    return {code: found.get(code) for code in codes}


@contextmanager
def regions_cached(codes: Iterable[str] = ()) -> Iterator[None]:
    """Within the block, ``region_named`` reads each region once; ``codes`` are read together at the start."""
    outer = _CACHE.get()
    cache = dict(outer or {})
    missing = [c for c in codes if c and c not in cache]
    if missing:
        cache.update(_read(missing))
    token = _CACHE.set(cache)
    try:
        yield
    finally:
        _CACHE.reset(token)


def region_named(code: str) -> Region | None:
    """The region with this code (its parents loaded), or None."""
    cache = _CACHE.get()
    if cache is not None and code in cache:
        return cache[code]
    region = _read([code]).get(code)
    if cache is not None:
        cache[code] = region
    return region


def rule_region_codes(rules: Iterable) -> set[str]:
    """The region codes a set of rules names (the ``region`` parameter of region and history rules)."""
    return {str(r.params["region"]) for r in rules if isinstance(r.params, dict) and r.params.get("region")}
