"""The benchmark keeps running and stays honest: at a tiny size it seeds the lifecycle, checks that every admin
reference and raw query lists exactly the page's rows, and prints every row with its goal and a verdict."""

import io
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import User
from applications.models import Application, Status
from audit.models import AuditEvent
from benchmarks import checks, extras, seed
from benchmarks.pages import PAGES, Admin
from benchmarks.runner import Result, check_page, sample_for
from milestones.models import KpiReport, Project, ReportState
from notifications.models import Notification
from organisations.models import Organisation
from programs.models import Track
from reviews.models import Assignment, Review

pytestmark = pytest.mark.django_db


def _rows(text: str) -> dict[str, list[str]]:
    """Table rows by their first cell (pages and the other rows), cells stripped."""
    out = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| page ") and not line.startswith("| what "):
            cells = [c.strip() for c in line.split("|")[1:-1]]
            out[cells[0]] = cells
    return out


def test_benchmark_tiny_run_prints_every_row_with_goal_and_verdict(officer):
    kept = Application.objects.count(), Organisation.objects.count()
    out = io.StringIO()
    call_command("benchmark", "--applications", "40", "--rounds", "1", stdout=out)
    text = out.getvalue()
    assert "seeded 8 organisations, 40 applications" in text
    rows = _rows(text)
    for page in PAGES:
        cells = rows[page.name]
        queries, median, goal, verdict = cells[1], cells[3], cells[-2], cells[-1]
        assert int(queries) > 0 and float(median) > 0
        assert goal.startswith(page.goal.text)
        assert verdict == "PASS" or verdict.startswith("FAIL")
        # The references list exactly the page's rows at this size too.
        admin_rows, raw_rows = cells[10], cells[11]
        if page.admin is not None and page.ids is not None:
            assert admin_rows.startswith("same"), (page.name, admin_rows)
        if page.raw_sql is not None and page.ids is not None:
            assert raw_rows.startswith("same"), (page.name, raw_rows)
    others = [name for name in rows if name.startswith(("automatic assignment", "ranking Excel", "ledger Excel",
                                                        "application PDF", "its task book", "loading all guides",
                                                        "reminder sweep"))]
    assert len(others) >= 8
    for name in others:
        assert rows[name][-1] in ("PASS", "FAIL") or rows[name][-1].startswith("FAIL"), rows[name]
        assert rows[name][-2], name  # a goal
    verdicts = [cells[-1] for cells in rows.values()]
    passed = sum(v == "PASS" for v in verdicts)
    assert f"PASS {passed}, FAIL {len(verdicts) - passed} of {len(verdicts)} rows" in text
    # The seeded rows are marked; clearing removes them and nothing else.
    call_command("benchmark", "--clear", stdout=io.StringIO())
    assert (Application.objects.count(), Organisation.objects.count()) == kept
    assert not User.objects.filter(username__startswith=seed.USER_PREFIX).exists()
    assert not Track.objects.filter(program__code__startswith="bench-").exists()
    assert User.objects.filter(pk=officer.pk).exists()


def test_benchmark_seed_covers_every_track_and_state_and_the_lifecycle():
    seed.seed(120)
    current = Application.objects.filter(reference__startswith=seed.REFERENCE_PREFIX).exclude(
        track__program__code__startswith="bench-")
    assert current.count() == 120
    assert set(current.values_list("status", flat=True)) == set(Status.values)
    assert current.values("track").distinct().count() == min(
        120, Track.objects.exclude(program__code__startswith="bench-").count())
    # Withdrawn drafts that were never submitted are part of the data set (officers must not see them).
    assert current.filter(status=Status.WITHDRAWN, submitted_at__isnull=True).exists()
    # Every reviewed application has 3 to 5 reviewers; rounds of earlier editions are there too.
    per_application = set(Assignment.objects.values("application").annotate(n=Count("pk"))
                          .values_list("n", flat=True))
    assert per_application and per_application <= {3, 4, 5}
    assert Review.objects.count() > Application.objects.filter(reference__startswith=seed.REFERENCE_PREFIX).count()
    # Projects with tranches and KPI reports submitted and accepted (with values), notifications, audit events.
    assert Project.objects.count() > 0
    states = set(KpiReport.objects.values_list("state", flat=True))
    assert {ReportState.SUBMITTED, ReportState.ACCEPTED} <= states
    assert KpiReport.objects.filter(state=ReportState.ACCEPTED, values__isnull=False).exists()
    assert Notification.objects.filter(recipient__username__startswith=seed.USER_PREFIX).exists()
    assert AuditEvent.objects.filter(actor__username=f"{seed.USER_PREFIX}officer").count() > 100


def _page(name):
    return next(p for p in PAGES if p.name == name)


@pytest.fixture
def seeded_sample():
    return sample_for(seed.seed(40))


@pytest.fixture
def clients(seeded_sample):
    from benchmarks.runner import _client_for

    s = seeded_sample
    return {"officer": _client_for(s.officer), "admin": _client_for(s.admin), "applicant": _client_for(s.applicant),
            "reviewer": _client_for(s.reviewer), "anonymous": _client_for(None)}


def test_compare_ids_accepts_the_same_rows_and_rejects_others():
    assert checks.compare_ids([3, 2, 1], [1, 2, 3]).ok
    assert not checks.compare_ids([1, 2, 3], [1, 2, 3, 4]).ok  # the admin shows more rows
    assert not checks.compare_ids([1, 2, 3], [1, 2, 4]).ok
    assert not checks.compare_ids([1, 1, 2], [1, 2]).ok


def test_admin_reference_over_other_rows_fails_the_row(seeded_sample, clients):
    page = _page("queue track filter")
    assert check_page(page, seeded_sample, clients).admin.ok
    # The admin changelist without the track filter lists other submitted applications than the page.
    wrong = replace(page, admin=replace(page.admin, query=lambda s, ids: "submitted_at__isnull=False"))
    check = check_page(wrong, seeded_sample, clients)
    assert not check.admin.ok and check.admin.text.startswith("✗")
    result = Result(wrong, check=check, total=[2.0], sql=[1.0], admin=[4.0], raw=[1.0])
    assert result.row["verdict"].startswith("FAIL") and "admin rows" in result.row["verdict"]


def test_raw_query_returning_other_ids_fails_the_row(seeded_sample, clients):
    page = _page("queue page 1")
    assert check_page(page, seeded_sample, clients).raw.ok
    # Oldest first instead of newest first: other ids, however fast.
    wrong = replace(page, raw_sql=lambda s: [("SELECT id FROM applications_application WHERE submitted_at IS NOT "
                                              "NULL ORDER BY submitted_at, id LIMIT 25", [])])
    check = check_page(wrong, seeded_sample, clients)
    assert not check.raw.ok
    result = Result(wrong, check=check, total=[2.0], sql=[1.0], admin=[4.0], raw=[1.0])
    assert "raw rows" in result.row["verdict"]


def test_raw_query_costing_more_than_the_page_fails_the_row():
    assert checks.cost_check(10.0, 20.0).ok
    check = checks.cost_check(30.0, 20.0)
    assert not check.ok and check.text == "✗ 30 > 20"
    assert checks.cost_check(None, 20.0) is None  # SQLite: no cost to compare


def test_each_read_once_names_the_tables_read_twice():
    statements = [('SELECT "a"."id" FROM "accounts_user" WHERE id = %s', [1]),
                  ('SELECT * FROM "applications_materialupload" WHERE x', []),
                  ('SELECT "a"."id" FROM "accounts_user" WHERE id = %s', [1]), ("UPDATE t SET x = 1", [])]
    assert checks.repeated_tables(statements) == ["accounts_user"]


def test_admin_reference_is_configured_only_while_timed():
    from django.contrib import admin

    model_admin = admin.site._registry[Application]
    before = model_admin.list_per_page, model_admin.ordering
    with checks.admin_as_page(Application, per_page=7, ordering=("pk",)):
        assert (model_admin.list_per_page, model_admin.ordering) == (7, ("pk",))
    assert (model_admin.list_per_page, model_admin.ordering) == before
    assert "lookup_allowed" not in model_admin.__dict__


def test_sweep_row_passes_only_with_equal_query_counts():
    row = extras.Extra("reminder sweep: x", "1 / 2", extras.SAME_QUERIES, {"equal": True})
    assert row.verdict == "PASS"
    assert replace(row, figures={"equal": False}).verdict == "FAIL"


def test_benchmark_refuses_a_filter_matching_nothing():
    with pytest.raises(CommandError, match="No row matches"):
        call_command("benchmark", "--applications", "10", "--only", "no such page", stdout=io.StringIO())


def test_admin_reference_url_for_a_change_form():
    assert Admin(Application, change=True).url(None, [5]) == "/admin/applications/application/5/change/"


def test_raw_query_slower_than_the_page_sql_fails_the_row():
    page = _page("queue page 1")
    fast = Result(page, total=[2.0], sql=[1.0], admin=[4.0], raw=[0.5])
    assert fast.row["verdict"] == "PASS"
    slow = Result(page, total=[2.0], sql=[1.0], admin=[4.0], raw=[5.0])
    assert slow.row["verdict"] == "FAIL: raw slower"
