"""Time every registered page, interleaved with its admin reference and its raw SQL, after checking that both
list exactly the page's rows; report medians, the goal and a verdict per page."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client

from applications.models import Application
from milestones.models import KpiReport, Project, ReportState
from organisations.models import Organisation
from programs.models import Program, Track
from reviews.models import ReviewerProfile, ReviewRound, RoundState

from . import checks
from .checks import PageCheck, QueryLog
from .goals import EACH_READ_ONCE, FLAT
from .pages import PAGES, QUEUE_PAGE, Page, Sample, search_count
from .seed import REFERENCE_PREFIX, SCOPED_OFFICES, USCC_PREFIX, USER_PREFIX, Seeded, scoped_officer, staff_every_office


@dataclass
class Result:
    page: Page
    check: PageCheck = field(default_factory=PageCheck)
    queries: int = 0
    total: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    slowest: list[float] = field(default_factory=list)  # of the goal's statements (``Page.goal_tables``) if set
    other_slowest: list[float] = field(default_factory=list)  # the slowest of the page's other statements
    admin: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    flat: dict = field(default_factory=dict)

    @staticmethod
    def _median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    @property
    def row(self) -> dict:
        total, sql, admin, raw = (self._median(v) for v in (self.total, self.sql, self.admin, self.raw))
        row = {
            "page": self.page.name, "queries": self.queries, "rows": len(self.check.ids), "median_ms": total,
            "sql_ms": sql, "slowest_ms": self._median(self.slowest),
            "other_slowest_ms": self._median(self.other_slowest), "admin_ms": admin, "raw_ms": raw,
            "x_admin": total / admin if admin else None, "sql_x_raw": sql / raw if raw else None,
            "repeated": self.check.repeated, **self.flat,
        }
        met = self.page.goal.met(row)
        slower = checks.time_check(raw, sql)
        failures = ([] if met else ["goal" if met is False else "goal not measured"]) + self.check.failures
        if slower is not None and not slower.ok:
            failures.append(slower.text)
        row["verdict"] = "PASS" if not failures else "FAIL: " + ", ".join(failures)
        return row


def sample_for(seeded: Seeded) -> Sample:
    applications = Application.objects.filter(reference__startswith=REFERENCE_PREFIX)
    visible = applications.filter(submitted_at__isnull=False)
    busiest = (
        visible.annotate(n=Count("uploads")).order_by("-n", "pk").values_list("pk", flat=True).first()
        or applications.values_list("pk", flat=True).first()
    )
    first = applications.select_related("organisation").order_by("pk").first()
    organisation = Organisation.objects.filter(uscc__startswith=USCC_PREFIX).order_by("pk")
    middle = organisation[organisation.count() // 2]
    last_page = max(1, -(-Application.objects.filter(submitted_at__isnull=False).count() // QUEUE_PAGE))
    title = visible.order_by("pk").values_list("title", flat=True).first() or "专利"
    review_round = (ReviewRound.objects.filter(created_by=seeded.officer, state=RoundState.REVIEWING)
                    .annotate(n=Count("assignments__application", distinct=True)).order_by("-n", "pk").first())
    reviewer = (
        ReviewerProfile.objects.filter(user__username__startswith=USER_PREFIX).annotate(n=Count("assignments"))
        .select_related("user").order_by("-n", "pk").first()
    )
    project = (Project.objects.filter(application__reference__startswith=REFERENCE_PREFIX)
               .values("application__track__program_id").annotate(n=Count("pk")).order_by("-n").first())
    project_row = (Project.objects.filter(application__reference__startswith=REFERENCE_PREFIX,
                                          application__track__program_id=project["application__track__program_id"])
                   .order_by("pk").first() if project else None)
    report = project_row.reports.order_by("seq").first() if project_row else None
    budget_program = (Track.objects.filter(budget__isnull=False).exclude(program__code__startswith="bench-")
                      .values_list("program_id", flat=True).order_by("program_id").first())
    staff_every_office(seeded.officer)
    scoped = scoped_officer()
    scoped_programs = tuple(Program.objects.filter(office__in=SCOPED_OFFICES).order_by("pk")
                            .values_list("pk", flat=True))
    scoped_submitted = Application.objects.filter(submitted_at__isnull=False,
                                                  track__program__office__in=SCOPED_OFFICES).count()
    term = title[2:7] if len(title) >= 7 else title
    matches = search_count(term)
    return Sample(
        budget_program_id=budget_program, search_page=max(1, min(3, -(-matches // QUEUE_PAGE))),
        project_id=project_row.pk if project_row else None,
        project_program_id=project["application__track__program_id"] if project else None,
        report_id=report.pk if report else None,
        review_track_id=review_round.track_id if review_round else None,
        review_round_id=review_round.pk if review_round else None,
        reviewer=reviewer.user if reviewer else None, reviewer_profile_id=reviewer.pk if reviewer else None,
        officer=seeded.officer, admin=seeded.admin, applicant=seeded.applicant,
        organisation_id=first.organisation_id, application_id=busiest, track_id=first.track_id,
        deep_page=min(200, last_page), term=term, uscc_fragment=middle.uscc[-8:],
        scoped_officer=scoped, scoped_offices=SCOPED_OFFICES, scoped_program_ids=scoped_programs,
        scoped_deep_page=min(200, max(1, -(-scoped_submitted // QUEUE_PAGE))),
    )


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(client: Client, url: str, log: QueryLog | None = None):
    start = time.perf_counter()
    if log is None:
        response = client.get(url)
    else:
        with connection.execute_wrapper(log):
            response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed, response


def _raw(statements) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def _get_admin(page: Page, sample: Sample, ids: list, clients: dict):
    """The admin reference, set to the page's page size (else its number of rows) and order."""
    with checks.admin_as_page(page.admin.model, per_page=page.admin.per_page or len(ids),
                              ordering=page.admin.ordering):
        return _get(clients["admin"], page.admin.url(sample, ids))


def check_page(page: Page, sample: Sample, clients: dict) -> PageCheck:
    """One untimed request of the page, of its admin reference and of its raw query: the ids each lists, the
    raw query's and the page's EXPLAIN costs, and the tables the page reads more than once."""
    result = PageCheck()
    log = QueryLog(keep=True)
    with checks.template_context():
        _elapsed, response = _get(clients[page.user], page.url(sample), log)
        if page.ids is not None:
            result.ids = list(page.ids(response.context))
        if page.admin is not None and page.ids is not None:
            _elapsed, admin_response = _get_admin(page, sample, result.ids, clients)
            result.admin = checks.compare_ids(result.ids, checks.admin_ids(admin_response.context, page.admin.key))
    result.repeated = checks.repeated_tables(log.statements)
    if page.raw_sql is not None:
        statements = page.raw_sql(sample)
        if page.ids is not None:
            result.raw = checks.compare_ids(result.ids, checks.raw_ids(statements, page.raw_rows))
        result.cost = checks.cost_check(checks.total_cost(statements), checks.total_cost(log.statements))
    return result


def _time_page(result: Result, sample: Sample, clients: dict, *, counted: bool) -> None:
    page = result.page
    log = QueryLog(tables=page.goal_tables)
    total, _response = _get(clients[page.user], page.url(sample), log)
    admin = None
    if page.admin is not None and result.check.ids:
        admin, _response = _get_admin(page, sample, result.check.ids, clients)
    raw = _raw(page.raw_sql(sample)) if page.raw_sql else None
    if not counted:
        return
    result.queries = log.count
    result.total.append(total)
    result.sql.append(log.seconds * 1000)
    if page.goal_tables:
        result.slowest.append(log.slowest_in_tables * 1000)
        result.other_slowest.append(log.slowest_other * 1000)
    else:
        result.slowest.append(log.slowest * 1000)
    if admin is not None:
        result.admin.append(admin)
    if raw is not None:
        result.raw.append(raw)


def _flatness(result: Result, sample: Sample, clients: dict, rounds: int) -> None:
    """The page with the accepted and submitted reports of every other project set back to scheduled (in a
    transaction rolled back afterwards): how much slower it is with all of them, twice as many."""
    half = []
    with transaction.atomic():
        reports = KpiReport.objects.filter(state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED])
        projects = sorted(set(reports.values_list("project_id", flat=True)))[::2]
        reports.filter(project_id__in=projects).update(state=ReportState.SCHEDULED)
        queries = None
        for n in range(rounds + 1):
            log = QueryLog()
            elapsed, _response = _get(clients[result.page.user], result.page.url(sample), log)
            if n:
                half.append(elapsed)
                queries = log.count
        transaction.set_rollback(True)
    full = statistics.median(result.total)
    result.flat = {"flat_ratio": full / statistics.median(half), "flat_queries_equal": queries == result.queries,
                   "half_ms": statistics.median(half)}


def run(sample: Sample, *, rounds: int, pages: list[Page] | None = None) -> list[Result]:
    pages = pages if pages is not None else PAGES
    clients = {
        "officer": _client_for(sample.officer), "applicant": _client_for(sample.applicant),
        "admin": _client_for(sample.admin), "anonymous": _client_for(None),
        "reviewer": _client_for(sample.reviewer), "scoped_officer": _client_for(sample.scoped_officer),
    }
    results = [Result(page) for page in pages]
    for result in results:
        result.check = check_page(result.page, sample, clients)
    for round_number in range(rounds + 1):  # round 0 warms caches and is not counted
        for result in results:
            _time_page(result, sample, clients, counted=round_number > 0)
    for result in results:
        if result.page.goal is FLAT:
            _flatness(result, sample, clients, rounds)
    return results


def _fmt(value, fmt: str) -> str:
    return "—" if value is None else fmt.format(value)


def markdown(header: list[str], lines: list[list[str]]) -> str:
    """A Markdown table, columns padded, text left and figures right."""
    cells = [header, *lines]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) if i == 0 or not _numeric(v) else v.rjust(w)
                                 for i, (v, w) in enumerate(zip(values, widths, strict=True))) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), separator, *(line(c) for c in lines)])


def _numeric(text: str) -> bool:
    return text.replace(".", "", 1).replace("×", "").strip().isdigit()


HEADER = ["page", "queries", "rows", "median ms", "SQL ms", "slowest ms", "admin ms", "× admin", "raw ms",
          "SQL × raw", "admin rows", "raw rows", "raw cost ≤ page", "goal", "verdict"]


def table(results: list[Result]) -> str:
    lines = []
    for result in results:
        row, check = result.row, result.check
        note = ""
        if row["repeated"] and result.page.goal is EACH_READ_ONCE:
            note = " (read twice: " + ", ".join(row["repeated"]) + ")"
        if result.page.goal_tables:
            note = (f" ({', '.join(result.page.goal_tables)} statements; slowest other "
                    f"{_fmt(row['other_slowest_ms'], '{:.1f}')} ms, for information)")
        if "flat_ratio" in row:
            note = f" ({row['flat_ratio']:.2f}× of {row['half_ms']:.1f} ms with half)"
        lines.append([
            row["page"], str(row["queries"]), str(row["rows"]) if result.page.ids else "—",
            _fmt(row["median_ms"], "{:.1f}"), _fmt(row["sql_ms"], "{:.1f}"), _fmt(row["slowest_ms"], "{:.1f}"),
            _fmt(row["admin_ms"], "{:.1f}"), _fmt(row["x_admin"], "{:.2f}"), _fmt(row["raw_ms"], "{:.1f}"),
            _fmt(row["sql_x_raw"], "{:.2f}"), check.admin.text if check.admin else "—",
            check.raw.text if check.raw else "—", check.cost.text if check.cost else "—",
            result.page.goal.text + note, row["verdict"],
        ])
    return markdown(HEADER, lines)
