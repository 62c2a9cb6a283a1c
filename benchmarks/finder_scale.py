"""The funding finder at a province's scale, for the benchmark (benchmarks.extras makes its two rows): every
registered organisation (topped up to 10,000, with figures, patents and certificates) against every guide's track
with every call open, as the office's bulk match runs it; and one organisation's list of calls against the admin's
page of that organisation."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .checks import QueryLog
from .goals import Goal
from .history import CODE_PREFIX

FULL = 10_000  # organisations at --applications 10000 and above
USCC_PREFIX = "91449901BF"  # organisations this module adds (rolled back)
REGIONS = ("440115", "440104", "440100", "441802", "441803", "441800", "450600", "440000")
TYPES = (("enterprise", 70), ("patent_agency", 6), ("ip_service", 4), ("university", 4), ("industry_association", 5),
         ("park", 3), ("research_institute", 3), ("social_org", 3), ("training_base", 2))

BULK_ROW = "finder: bulk match 10k organisations"
PAGE_ROW = "finder: one organisation's page"
BULK_GOAL = Goal("< 60 s; queries fixed (½ and all organisations, 1 and every track)",
                 lambda row: None if row.get("seconds") is None
                 else row["seconds"] < 60 and bool(row.get("equal")))
PAGE_GOAL = Goal("fixed queries (1 and every track), ≤ 1.0× admin",
                 lambda row: None if row.get("x_admin") is None else row["x_admin"] <= 1.0 and bool(row.get("equal")))


@contextmanager
def rolled_back():
    """A transaction rolled back at its end (as benchmarks.extras.rolled_back; extras imports this module)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _uscc(n: int) -> str:
    from organisations.uscc import check_character

    first17 = f"{USCC_PREFIX}{n:07d}"
    return first17 + check_character(first17)


def open_every_call(today: dt.date, only: str | None = None) -> None:
    """Every loaded guide's call open today for a month (drafts for comment published); ``only``: that one."""
    from programs.models import Program

    programs = Program.objects.exclude(code__startswith=CODE_PREFIX)
    programs.update(call_opens=None, call_closes=None)
    if only is not None:
        programs = programs.filter(code=only)
    programs.update(call_opens=today - dt.timedelta(days=3), call_closes=today + dt.timedelta(days=30),
                    published_at=timezone.now())


def top_up(total: int) -> int:
    """Organisations up to ``total``, each with three years of figures, some with patents and a certificate; the
    number added. COPY for the profile rows (PostgreSQL)."""
    from organisations.models import Certification, FinancialYear, Organisation, Patent

    from . import bulk

    have = Organisation.objects.count()
    missing = max(0, total - have)
    if not missing:
        return 0
    types = [t for t, weight in TYPES for _n in range(weight)]
    created = Organisation.objects.bulk_create(
        (Organisation(name=f"测算单位{n}", uscc=_uscc(n), region_id=REGIONS[n % len(REGIONS)],
                      org_type=types[n % len(types)], is_legal_person=n % 17 != 0) for n in range(missing)),
        batch_size=2000)
    year = timezone.localdate().year
    bulk.write(FinancialYear, (
        FinancialYear(organisation_id=o.pk, year=y, sales_revenue=Decimal(10_000_000 + 1000 * (i % 997)),
                      rd_spend=Decimal(200_000 + 1000 * (i % 300)), ip_spend=Decimal(10_000 + 100 * (i % 500)))
        for i, o in enumerate(created) for y in range(year - 3, year)))
    bulk.write(Patent, (
        Patent(organisation_id=o.pk, kind="invention" if k % 3 else "utility", number=f"BF{o.pk}-{k}",
               granted_on=dt.date(2020, 1, 1) + dt.timedelta(days=k * 30), status="valid")
        for i, o in enumerate(created) if i % 3 == 0 for k in range(i % 12)))
    bulk.write(Certification, (
        Certification(organisation_id=o.pk, standard="GB/T 29490", valid_from=dt.date(2024, 1, 1),
                      valid_until=dt.date(2030, 12, 31))
        for i, o in enumerate(created) if i % 4 == 0))
    return missing


def _bulk_queries(organisation_ids, tracks) -> int:
    """The bulk match's queries (profiles read, every track matched) for these organisations and tracks."""
    from finder.matching import bulk_match, registered_organisations

    log = QueryLog()
    with connection.execute_wrapper(log):
        bulk_match(tracks, registered_organisations(organisation_ids), timezone.localdate(), keep=False)
    return log.count


def bulk_match_figures(applications: int) -> tuple[str, dict, str]:
    """THE bulk match the office's job runs (finder.services.demand_forecast_compute: the profiles read, every
    track matched, the forecast written) over every organisation, topped up to 10,000 (at --applications 10000;
    fewer in proportion below), with every call open."""
    from accounts.models import User
    from finder.matching import finder_tracks, region_codes
    from finder.services import demand_forecast_compute
    from organisations.models import Organisation

    from .seed import USER_PREFIX

    total = FULL if applications >= 10_000 else max(100, applications * 5)
    with rolled_back():
        today = timezone.localdate()
        open_every_call(today)
        top_up(total)
        ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        tracks = finder_tracks(on=today)
        counts = {"half": _bulk_queries(ids[: len(ids) // 2], tracks), "all": _bulk_queries(ids, tracks),
                  "one track": _bulk_queries(ids, [t for t in tracks if region_codes([t])][:1])}
        # A platform administrator reads every office's programs: the match runs over every track.
        officer = (User.objects.filter(username__startswith=USER_PREFIX, role="admin").first()
                   or User.objects.filter(role="admin").first())
        start = time.perf_counter()
        summary = demand_forecast_compute(actor=officer)
        seconds = time.perf_counter() - start
    equal = len(set(counts.values())) == 1
    return (f"{summary['organisations']} organisations × {summary['tracks']} tracks",
            {"seconds": seconds, "equal": equal},
            f"{seconds:.2f} s ({summary['matching']} matches; queries of the match "
                 + ", ".join(f"{k}: {v}" for k, v in counts.items()) + ")")


def _timed_get(client: Client, url: str, log: QueryLog | None = None) -> float:
    start = time.perf_counter()
    if log is None:
        response = client.get(url)
    else:
        with connection.execute_wrapper(log):
            response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return (time.perf_counter() - start) * 1000


def page_figures(sample, rounds: int) -> tuple[str, dict, str]:
    """An applicant's list of calls (finder:mine) with one call open and with every call open: the same queries;
    timed with every call open against the admin's change page of the same organisation, interleaved."""
    from finder.selectors import finder_organisation
    from programs.models import Program

    applicant, admin = sample.applicant, sample.admin
    organisation = finder_organisation(applicant, None)
    user_client, admin_client = Client(), Client()
    user_client.force_login(applicant)
    admin_client.force_login(admin)
    page = reverse("finder:mine")
    admin_url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    with rolled_back():
        today = timezone.localdate()
        first = Program.objects.exclude(code__startswith=CODE_PREFIX).order_by("code").values_list(
            "code", flat=True).first()
        open_every_call(today, only=first)
        one = QueryLog()
        _timed_get(user_client, page, one)
        open_every_call(today)
        many = QueryLog()
        _timed_get(user_client, page, many)
        _timed_get(admin_client, admin_url)
        times, admin_times = [], []
        for _n in range(max(1, rounds)):
            times.append(_timed_get(user_client, page))
            admin_times.append(_timed_get(admin_client, admin_url))
    median, admin_median = statistics.median(times), statistics.median(admin_times)
    return (f"{organisation.name}, every call open",
            {"x_admin": median / admin_median, "equal": one.count == many.count},
            f"{median:.1f} ms, admin {admin_median:.1f} ms ({median / admin_median:.2f}× admin); queries "
            f"{one.count} with one call open, {many.count} with every call")
