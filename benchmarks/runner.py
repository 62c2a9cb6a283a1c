"""Time every registered page, interleaved with its admin changelist and its raw SQL, and report medians."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.test import Client

from applications.models import Application
from milestones.models import Project
from organisations.models import Organisation
from reviews.models import ReviewerProfile, ReviewRound

from .pages import PAGES, QUEUE_PAGE, Page, Sample
from .seed import REFERENCE_PREFIX, USCC_PREFIX, USER_PREFIX, Seeded


class QueryTimer:
    """An execute wrapper counting the queries of a request and the time spent in them."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


@dataclass
class Result:
    page: Page
    queries: int = 0
    total: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    render: list[float] = field(default_factory=list)
    admin: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)

    @staticmethod
    def _median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    @property
    def row(self) -> dict:
        total, sql, admin, raw = (self._median(v) for v in (self.total, self.sql, self.admin, self.raw))
        return {
            "page": self.page.name, "queries": self.queries, "median_ms": total, "sql_ms": sql,
            "render_ms": self._median(self.render), "admin_ms": admin, "raw_ms": raw,
            "x_admin": total / admin if admin else None, "sql_x_raw": sql / raw if raw else None,
        }


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
    last_page = max(1, -(-visible.count() // QUEUE_PAGE))
    title = visible.order_by("pk").values_list("title", flat=True).first() or "专利"
    review_round = ReviewRound.objects.filter(created_by=seeded.officer).first()
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
    return Sample(
        project_id=project_row.pk if project_row else None,
        project_program_id=project["application__track__program_id"] if project else None,
        report_id=report.pk if report else None,
        review_track_id=review_round.track_id if review_round else None,
        review_round_id=review_round.pk if review_round else None,
        reviewer=reviewer.user if reviewer else None, reviewer_profile_id=reviewer.pk if reviewer else None,
        officer=seeded.officer, admin=seeded.admin, applicant=seeded.applicant,
        organisation_id=first.organisation_id, application_id=busiest, track_id=first.track_id,
        deep_page=min(200, last_page), term=title[2:7] if len(title) >= 7 else title, uscc_fragment=middle.uscc[-8:],
    )


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(client: Client, url: str, timer: QueryTimer | None = None) -> float:
    start = time.perf_counter()
    if timer is None:
        response = client.get(url)
    else:
        with connection.execute_wrapper(timer):
            response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed * 1000


def _raw(statements) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def run(sample: Sample, *, rounds: int, pages: list[Page] | None = None) -> list[Result]:
    pages = pages if pages is not None else PAGES
    clients = {
        "officer": _client_for(sample.officer), "applicant": _client_for(sample.applicant),
        "admin": _client_for(sample.admin), "anonymous": _client_for(None),
        "reviewer": _client_for(sample.reviewer),
    }
    admin_client = clients["admin"]
    results = [Result(page) for page in pages]
    for round_number in range(rounds + 1):  # round 0 warms caches and is not counted
        for result in results:
            page = result.page
            timer = QueryTimer()
            total = _get(clients[page.user], page.url(sample), timer)
            admin = _get(admin_client, page.admin_url(sample)) if page.admin_url else None
            raw = _raw(page.raw_sql(sample)) if page.raw_sql else None
            if round_number == 0:
                continue
            sql = timer.seconds * 1000
            result.queries = timer.count
            result.total.append(total)
            result.sql.append(sql)
            result.render.append(total - sql)
            if admin is not None:
                result.admin.append(admin)
            if raw is not None:
                result.raw.append(raw)
    return results


COLUMNS = [
    ("page", "page", "{}"), ("queries", "queries", "{}"), ("median_ms", "median ms", "{:.1f}"),
    ("sql_ms", "SQL ms", "{:.1f}"), ("render_ms", "render ms", "{:.1f}"), ("admin_ms", "admin ms", "{:.1f}"),
    ("raw_ms", "raw ms", "{:.1f}"), ("x_admin", "× admin", "{:.2f}"), ("sql_x_raw", "SQL × raw", "{:.2f}"),
]


def table(results: list[Result]) -> str:
    """A plain-text table (Markdown-compatible), one row per page."""
    cells = [[label for _key, label, _fmt in COLUMNS]]
    for result in results:
        row = result.row
        cells.append(["—" if row[key] is None else fmt.format(row[key]) for key, _label, fmt in COLUMNS])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) if i == 0 else v.rjust(w)
                                 for i, (v, w) in enumerate(zip(values, widths, strict=True))) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), separator, *(line(c) for c in cells[1:])])
