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
from offices.models import Office
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
            "reviewer": _client_for(s.reviewer), "anonymous": _client_for(None),
            "scoped_officer": _client_for(s.scoped_officer)}


def test_scoped_officer_works_for_two_offices_and_its_admin_reference_lists_only_their_rows(seeded_sample, clients):
    from benchmarks.runner import _get_admin
    from offices.models import OfficeMembership

    s = seeded_sample
    assert set(OfficeMembership.objects.filter(user=s.scoped_officer).values_list("office_id", flat=True)) == set(
        seed.SCOPED_OFFICES)
    assert OfficeMembership.objects.filter(user=s.officer).count() == Office.objects.count()
    page = _page("queue page 1 (officer of two offices)")
    response = _get_admin(page, s, [], clients)[1]
    listed = [row.pk for row in response.context["cl"].result_list]
    assert listed and set(Application.objects.filter(pk__in=listed).values_list(
        "track__program__office", flat=True)) <= set(seed.SCOPED_OFFICES)
    raw = page.raw_sql(s)[-1]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(*raw)
        assert {row[0] for row in cursor.fetchall()} == set(listed)


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


@pytest.mark.parametrize("broad", [False, True])
def test_search_references_list_the_page_ids_whether_organisations_match_or_not(seeded_sample, clients, monkeypatch,
                                                                                broad):
    import applications.selectors

    if broad:  # more organisations match than are passed as ids: the page and the raw query read them in a subquery
        monkeypatch.setattr(applications.selectors, "SEARCH_ORGANISATION_IDS", 1)
    for name in ("queue search title", "queue search USCC", "queue deep search"):
        check = check_page(_page(name), seeded_sample, clients)
        assert check.ids and check.raw.ok and check.admin.ok, (name, check.raw.text, check.admin.text)
    assert Organisation.objects.filter(uscc__startswith=seed.USCC_PREFIX).count() > 1
    common = replace(seeded_sample, uscc_fragment=seed.USCC_PREFIX)  # every seeded organisation matches
    check = check_page(_page("queue search USCC"), common, clients)
    assert len(check.ids) == 25 and check.raw.ok and check.admin.ok


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


def test_only_matches_one_of_several_names():
    assert extras.matches("fund ledger", "ranking, Ledger") and extras.matches("anything", "")
    assert not extras.matches("inbox", "ranking,ledger")


def test_admin_reference_url_for_a_change_form():
    assert Admin(Application, change=True).url(None, [5]) == "/admin/applications/application/5/change/"


def test_raw_query_slower_than_the_page_sql_fails_the_row():
    page = _page("queue page 1")
    fast = Result(page, total=[2.0], sql=[1.0], admin=[4.0], raw=[0.5])
    assert fast.row["verdict"] == "PASS"
    slow = Result(page, total=[2.0], sql=[1.0], admin=[4.0], raw=[5.0])
    assert slow.row["verdict"] == "FAIL: raw slower"


# --- references and goals that follow the pages as they read today ------------------------------------------------


class _Clock:
    """A stand-in for the ``time`` module in benchmarks.checks: each statement takes the time it is told."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


def _log_statements(log, clock, statements):
    for sql, seconds in statements:
        def execute(sql, params, many, context, seconds=seconds):
            clock.now += seconds
        log(execute, sql, [], False, None)


def test_audit_goal_reads_only_audit_statements(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(checks, "time", clock)
    log = checks.QueryLog(tables=("audit_auditevent",))
    _log_statements(log, clock, [
        ('SELECT COUNT(*) FROM (SELECT "audit_auditevent"."id" FROM "audit_auditevent" WHERE x LIMIT 9) s', 0.002),
        ('SELECT "audit_auditevent"."id" FROM "audit_auditevent" INNER JOIN "django_content_type" ON x', 0.003),
        ('SELECT "django_content_type"."id" FROM "django_content_type" WHERE EXISTS(SELECT 1 FROM '
         '"audit_auditevent" U0)', 0.030),
        ('SELECT "accounts_user"."role", COUNT(*) FROM "accounts_user" GROUP BY 1', 0.010),
    ])
    assert (log.slowest_in_tables, log.slowest_other, log.slowest) == pytest.approx((0.003, 0.030, 0.030))
    page = _page("audit log by actor")
    assert page.goal_tables == (AuditEvent._meta.db_table,)
    # The goal holds on the audit statements; the slower content types are reported beside it, not judged.
    result = Result(page, total=[9.0], sql=[5.0], slowest=[3.0], other_slowest=[30.0], admin=[20.0], raw=[4.0])
    assert result.row["verdict"] == "PASS" and result.row["other_slowest_ms"] == 30.0
    from benchmarks.runner import table
    assert "slowest other 30.0 ms" in table([result])
    slow = replace(result, slowest=[6.0])
    assert slow.row["verdict"] == "FAIL: goal"


def test_audit_goal_names_the_statements_the_page_runs(seeded_sample, clients):
    """On the page itself: the count and the rows read the audit table first; the search form's content types
    (an EXISTS over the audit table) and the users per role are the others."""
    from benchmarks.runner import _get

    page = _page("audit log by actor")
    log = checks.QueryLog(keep=True)
    _get(clients["admin"], page.url(seeded_sample), log)
    audit = [sql for sql, _p in log.statements if checks.main_table(sql) in page.goal_tables]
    assert len(audit) == 2 and "COUNT(*)" in audit[0] and "ORDER BY" in audit[1]
    assert any(checks.main_table(sql) == "django_content_type" and "audit_auditevent" in sql
               for sql, _p in log.statements)


@pytest.fixture
def large_round(seeded_sample):
    """The sample's round with every seeded reviewed application and its reviews moved into it (a round of a
    dozen or more, ranked over a page of 3 below)."""
    reviewed = Application.objects.filter(reference__startswith=seed.REFERENCE_PREFIX,
                                          status__in=[Status.PASSED, Status.APPROVED, Status.NOT_FUNDED])
    ids = list(reviewed.filter(review_assignments__isnull=False).distinct().values_list("pk", flat=True))
    Application.objects.filter(pk__in=ids).update(track_id=seeded_sample.review_track_id)
    Assignment.objects.filter(application_id__in=ids).update(round_id=seeded_sample.review_round_id)
    return seeded_sample


@pytest.mark.parametrize("aggregation,ties", [("mean", []), ("trimmed_mean", ["matching_funds",
                                                                               "requested_amount_low"])])
def test_ranking_raw_reference_returns_the_page_ids(large_round, clients, monkeypatch, aggregation, ties):
    """The ranking page ranks the whole round and shows one page: the raw reference ranks in SQL by the same
    aggregate and tie-breaks and cuts with LIMIT, so it lists the page's rows in the page's order (a page of 3
    here, so that the cut matters at this size)."""
    import reviews.views
    from benchmarks import pages
    from benchmarks.checks import raw_ids

    monkeypatch.setattr(reviews.views, "RANKING_PAGE", 3)
    monkeypatch.setattr(pages, "RANKING_PAGE", 3)
    Track.objects.filter(pk=large_round.review_track_id).update(score_aggregation=aggregation, tie_breaks=ties)
    assert Application.objects.filter(track_id=large_round.review_track_id).count() > 6
    page = _page("expert-review ranking")
    check = check_page(page, large_round, clients)
    assert len(check.ids) == 3 and check.raw.ok and check.admin.ok, (check.raw, check.admin)
    assert raw_ids(page.raw_sql(large_round), page.raw_rows) == check.ids  # the same order too
    # Ranked the other way round, the raw query lists other applications and the row fails.
    wrong = replace(page, raw_sql=lambda s: [(sql.replace("sc.score DESC", "sc.score ASC"), params)
                                             for sql, params in pages._ranking_sql(s)])
    assert not check_page(wrong, large_round, clients).raw.ok


def test_ranking_excel_exports_about_ten_thousand_review_rows(seeded_sample):
    """The export row's rounds add up to review rows (one per submitted review, the workbook's first sheet),
    largest rounds first and within the limit."""
    import openpyxl

    from reviews.exports import ranking_xlsx

    rounds, reviews, applications = extras.ranking_rounds()
    assert rounds and applications > 0
    sizes = [r.reviews for r in rounds]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == reviews
    assert Review.objects.filter(assignment__round__in=rounds).count() >= reviews
    workbook = openpyxl.load_workbook(io.BytesIO(ranking_xlsx(rounds)), read_only=True)
    assert sum(1 for _row in workbook.worksheets[0].iter_rows()) - 1 == reviews  # the header, then a row per review
    # A limit below the largest round keeps the rounds that fit.
    smaller, within, _n = extras.ranking_rounds(limit=sizes[0] - 1) if sizes[0] > 1 else ([], 0, 0)
    assert within <= max(sizes[0] - 1, 0) or len(smaller) == 1


def test_seed_stores_completion_as_the_services_do(seeded_sample):
    """Submitted and accepted reports keep the figures the submitting and accepting services store
    (milestones.completion.store of selectors.report_completion); scheduled ones none."""
    from milestones.completion import STORED_FIELDS, figures
    from milestones.report_selectors import report_completion

    reported = KpiReport.objects.filter(state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED])
    assert reported.filter(state=ReportState.SUBMITTED).exists() and reported.filter(
        state=ReportState.ACCEPTED).exists()
    for report in reported.select_related("project__application__track"):
        assert {name: getattr(report, name) for name in STORED_FIELDS} == figures(report_completion(report)), report
    assert reported.filter(kpi_requirements__gt=0).exists()
    assert not KpiReport.objects.filter(state=ReportState.SCHEDULED, kpi_requirements__isnull=False).exists()


def test_benchmark_finder_rows_measure_the_bulk_match_and_the_page(officer):
    """The funding finder's two rows at a tiny size: the bulk match over every organisation (topped up) and every
    track with the same queries at ½ and all organisations and at 1 and every track, and the applicant's page with
    the same queries with one call and every call open; nothing they write is kept."""
    from benchmarks.finder_scale import BULK_GOAL, PAGE_GOAL
    from finder.models import DemandSnapshot

    seeded = seed.seed(40)
    kept = Organisation.objects.count()
    bulk = extras.finder_bulk_row(40)
    assert bulk.goal is BULK_GOAL and bulk.figures["equal"] is True and bulk.figures["seconds"] > 0
    assert bulk.size.startswith("200 organisations × ") and bulk.verdict == "PASS"
    page = extras.finder_page_row(sample_for(seeded), 1)
    assert page.goal is PAGE_GOAL and page.figures["equal"] is True and page.figures["x_admin"] > 0
    assert Organisation.objects.count() == kept and not DemandSnapshot.objects.exists()
