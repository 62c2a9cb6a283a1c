"""The goals the benchmark holds each row to (issue 17's table), each a text and a test of the row's figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PAGE_ROWS = 50  # a paginated page shows at most this many rows
FLAT_RATIO = 1.2  # "flat": at most this much slower with twice the data


@dataclass(frozen=True)
class Goal:
    text: str
    met: Callable[[dict], bool | None]  # the row's figures → met, not met, or None (not measured)


def _le(key: str, bound: float) -> Callable[[dict], bool | None]:
    return lambda row: None if row.get(key) is None else row[key] <= bound


ADMIN = Goal("≤ 1.0× admin", _le("x_admin", 1.0))
PAGINATED = Goal(f"paginated (≤ {PAGE_ROWS} rows), ≤ 1.0× admin",
                 lambda row: None if row.get("x_admin") is None
                 else row["rows"] <= PAGE_ROWS and row["x_admin"] <= 1.0)
FAST_QUERY = Goal("slowest query < 5 ms", lambda row: None if row.get("slowest_ms") is None
                  else row["slowest_ms"] < 5)
EACH_READ_ONCE = Goal("each table read once", lambda row: not row.get("repeated"))
FLAT = Goal(f"flat: ≤ {FLAT_RATIO}× with twice the accepted reports, same queries",
            lambda row: None if row.get("flat_ratio") is None
            else row["flat_ratio"] <= FLAT_RATIO and row["flat_queries_equal"])


def seconds(limit: float) -> Goal:
    return Goal(f"≤ {limit:g} s", _le("seconds", limit))


SAME_QUERIES = Goal("queries per source equal at 1× and 2×", lambda row: row.get("equal"))
