"""What keeps the benchmark honest: the ids a page lists (read from its template context), the admin reference
configured to list exactly those rows, the check that it does, and the raw lower bound's checks (the same ids, no
more EXPLAIN cost than the page's queries together, and no more time than the page's SQL)."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib import admin
from django.db import connection

_MISSING = object()
_FROM = re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE)


class QueryLog:
    """An execute wrapper counting a request's queries and their time; with ``keep``, every statement too; with
    ``tables``, the slowest statement reading one of them first (``main_table``) apart from the slowest other."""

    def __init__(self, keep: bool = False, tables: tuple[str, ...] = ()) -> None:
        self.count = 0
        self.seconds = 0.0
        self.slowest = 0.0
        self.keep = keep
        self.statements: list[tuple[str, object]] = []
        self.tables = tables
        self.slowest_in_tables = 0.0
        self.slowest_other = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.seconds += elapsed
            self.slowest = max(self.slowest, elapsed)
            self.count += 1
            if self.keep and not many:
                self.statements.append((sql, params))
            if self.tables:
                if main_table(sql) in self.tables:
                    self.slowest_in_tables = max(self.slowest_in_tables, elapsed)
                else:
                    self.slowest_other = max(self.slowest_other, elapsed)


def main_table(sql: str) -> str | None:
    """The table a statement reads first (its first ``FROM`` naming a table; a ``FROM (subquery)`` is skipped to
    the subquery's own ``FROM``)."""
    match = _FROM.search(sql)
    return match.group(1) if match else None


@contextmanager
def template_context():
    """Let the test client keep the template context of its responses (as the test runner does), for the one
    untimed request that reads a page's ids."""
    from django.template import Template
    from django.test.utils import instrumented_test_render

    original = Template._render
    Template._render = instrumented_test_render
    try:
        yield
    finally:
        Template._render = original


def _any_lookup(lookup, value, request=None) -> bool:
    return True


@contextmanager
def admin_as_page(model, *, per_page: int, ordering: tuple | None):
    """The model's admin showing the page's number of rows in the page's order, accepting the lookups that
    express the page's filter (the admin otherwise accepts related lookups only from its list_filter)."""
    model_admin = admin.site._registry[model]
    changes = {"list_per_page": max(1, per_page), "lookup_allowed": _any_lookup}
    if ordering:
        changes["ordering"] = ordering
    saved = {name: model_admin.__dict__.get(name, _MISSING) for name in changes}
    for name, value in changes.items():
        setattr(model_admin, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                delattr(model_admin, name)
            else:
                setattr(model_admin, name, value)


def admin_ids(context, key: str = "pk") -> list:
    """The ids (or ``key``) of the objects an admin changelist (or change form) shows."""
    if "cl" in context:
        return [getattr(obj, key) for obj in context["cl"].result_list]
    return [getattr(context["original"], key)]


@dataclass
class RowCheck:
    """The outcome of comparing a reference's ids with the page's."""

    ok: bool
    text: str


def compare_ids(page: list, other: list) -> RowCheck:
    """Same set of ids (each list is one page of rows; order is the page's business)."""
    mine, theirs = set(page), set(other)
    if mine == theirs and len(page) == len(other):
        return RowCheck(True, f"same {len(page)}")
    return RowCheck(False, f"✗ {len(other)} vs {len(page)}, {len(mine ^ theirs)} differ")


def raw_ids(statements, index: int) -> list:
    """The first column of the raw rows statement (each statement is run, as the timing runs them)."""
    ids = []
    with connection.cursor() as cursor:
        for n, (sql, params) in enumerate(statements):
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if n == (index % len(statements)):
                ids = [row[0] for row in rows]
    return ids


def explain_cost(sql: str, params) -> float | None:
    """PostgreSQL's estimated total cost of a SELECT; None elsewhere or for other statements."""
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Total Cost"])


def total_cost(statements) -> float | None:
    """The summed EXPLAIN cost of a request's (or a raw query's) SELECTs; None when not on PostgreSQL."""
    costs = [c for c in (explain_cost(sql, params) for sql, params in statements) if c is not None]
    return sum(costs) if costs else None


def cost_check(raw: float | None, page: float | None) -> RowCheck | None:
    """A lower bound does no more work than the page: the raw statements' summed EXPLAIN cost is at most that of
    the page's queries."""
    if raw is None or page is None:
        return None
    if raw <= page:
        return RowCheck(True, f"{raw:.0f} ≤ {page:.0f}")
    return RowCheck(False, f"✗ {raw:.0f} > {page:.0f}")


def time_check(raw_ms: float | None, sql_ms: float | None) -> RowCheck | None:
    """A lower bound is not slower than the page's own SQL (medians of the same interleaved rounds)."""
    if raw_ms is None or sql_ms is None:
        return None
    return RowCheck(raw_ms <= sql_ms, "" if raw_ms <= sql_ms else "raw slower")


def repeated_tables(statements) -> list[str]:
    """Tables that more than one SELECT of a request reads first (what "each read once" forbids)."""
    counts = Counter(table for sql, _params in statements
                     if sql.lstrip().upper().startswith("SELECT") and (table := main_table(sql)))
    return sorted(table for table, n in counts.items() if n > 1)


@dataclass
class PageCheck:
    ids: list = field(default_factory=list)
    admin: RowCheck | None = None
    raw: RowCheck | None = None
    cost: RowCheck | None = None
    repeated: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        out = [name for name, c in (("admin rows", self.admin), ("raw rows", self.raw), ("raw cost", self.cost))
               if c is not None and not c.ok]
        return out + self.problems
