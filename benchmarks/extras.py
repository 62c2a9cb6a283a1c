"""What the benchmark times besides pages: the automatic-assignment solver, the exports, the PDFs of the largest
allowed application, loading the guides and the reminder sweep. Each row has its goal from issue 17's table.

Whatever writes runs in a transaction rolled back afterwards, so a second run measures the same data. Two
functions are meant to be switched when other branches land: ``solve`` (how the solver is called) and
``largest_application`` (how the largest allowed application is made)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .checks import QueryLog
from .goals import SAME_QUERIES, Goal, seconds
from .pages import Sample

SOLVER_FULL = (2000, 500, 3)  # applications × experts × reviewers each, at --applications 10000 and above
SOLVER_LIMIT = 30.0  # seconds before the solver's process is stopped (its goal is 5)
EXPORT_LIMIT = 60.0  # seconds before the ranking export's process is stopped (its goal is 3)
RANKING_ROWS = 10_000  # review rows (one per submitted review) in the ranking export
SWEEP_CAP = 500  # reminders per source at 2× (half of them at 1×)


@dataclass
class Extra:
    name: str
    size: str
    goal: Goal
    figures: dict = field(default_factory=dict)
    measured: str = ""

    @property
    def verdict(self) -> str:
        met = self.goal.met(self.figures)
        return "PASS" if met else ("FAIL" if met is False else "FAIL: not measured")


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _timed(make, repeats: int) -> list[float]:
    """Seconds of each call; stops repeating once one call took over 5 s (the figure is clear by then)."""
    out = []
    for _n in range(repeats):
        start = time.perf_counter()
        make()
        out.append(time.perf_counter() - start)
        if out[-1] > 5:
            break
    return out


def _seconds_row(name: str, size: str, limit: float, make, repeats: int) -> Extra:
    values = _timed(make, repeats)
    median = statistics.median(values)
    return Extra(name, size, seconds(limit), {"seconds": median}, f"{median:.2f} s")


# --- the assignment solver ---------------------------------------------------------------------------------------


def solve(applications: int, experts: int, per: int) -> dict:
    """THE call of the automatic assignment: the whole service the job runs (read, conflicts, solve, write) on a
    round of this size with a province's conflicts, seeded and removed by benchmarks.assignment_scale."""
    from .assignment_scale import solve_assignment_at_scale

    return solve_assignment_at_scale(applications, experts, per)


def _timed_in_child(make, pipe) -> None:
    start = time.perf_counter()
    outcome = make()
    pipe.send((time.perf_counter() - start, outcome))


def in_child(make, limit: float) -> tuple[float, object] | None:
    """Seconds ``make()`` took in a forked process, and what it returned; None if it ran past ``limit`` (then it
    is stopped: a slow solver or export would hold the shared machine for minutes). The child uses the parent's
    database connection while the parent waits; if it is stopped mid-query, the parent's connection is closed
    (Django opens a new one)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_timed_in_child, args=(make, send), daemon=True)
    process.start()
    if receive.poll(limit):
        elapsed, outcome = receive.recv()
        process.join()
        return elapsed, outcome
    process.kill()
    process.join()
    if not connection.in_atomic_block:
        connection.close()
    return None


def solver_row(applications: int) -> Extra:
    scale = min(1.0, applications / 10_000)
    size = (max(20, int(SOLVER_FULL[0] * scale)), max(10, int(SOLVER_FULL[1] * scale)), SOLVER_FULL[2])
    label = "{} × {} × {}".format(*size)
    done = in_child(lambda: solve(*size), SOLVER_LIMIT)
    if done is None:
        return Extra("automatic assignment solver", label, seconds(5), {"seconds": SOLVER_LIMIT},
                     f"> {SOLVER_LIMIT:.0f} s (stopped)")
    outcome = done[1]
    return Extra("automatic assignment solver", label, seconds(5), {"seconds": outcome["seconds"]},
                 f"{outcome['seconds']:.2f} s ({outcome['created']} placed, {outcome['missing']} short)")


# --- exports ----------------------------------------------------------------------------------------------------


def ranking_rounds(limit: int = RANKING_ROWS) -> tuple[list, int, int]:
    """The seeded rounds for the ranking export, largest first (by review rows: submitted reviews of accepted
    assignments, what the workbook's review sheet lists), each taken while the review rows stay within ``limit``
    (the smallest round alone if every round is larger); the rounds, their review rows and their applications."""
    from django.db.models import Count, Q

    from reviews.models import AssignmentState, ReviewRound, ReviewState
    from reviews.selectors import REVIEWED_STATUSES

    from .seed import USER_PREFIX

    submitted = Q(assignments__state=AssignmentState.ACCEPTED, assignments__review__state=ReviewState.SUBMITTED,
                  assignments__application__status__in=REVIEWED_STATUSES)
    candidates = list(ReviewRound.objects.filter(created_by__username__startswith=USER_PREFIX)
                      .annotate(reviews=Count("assignments__review", filter=submitted),
                                applications=Count("assignments__application", filter=submitted, distinct=True))
                      .filter(reviews__gt=0).select_related("track__program").order_by("-reviews", "pk"))
    rounds, reviews = [], 0
    for review_round in candidates:
        if reviews + review_round.reviews <= limit:
            rounds.append(review_round)
            reviews += review_round.reviews
    if not rounds and candidates:
        rounds = [candidates[-1]]
        reviews = candidates[-1].reviews
    return rounds, reviews, sum(r.applications for r in rounds)


def ranking_excel_row() -> Extra:
    """Rounds adding up to about 10,000 review rows (the issue's "10k rows" of the long layout) in one export
    (run once, stopped past EXPORT_LIMIT)."""
    from reviews.exports import ranking_xlsx

    rounds, reviews, applications = ranking_rounds()
    size = f"{reviews} review rows ({applications} applications, {len(rounds)} rounds)"
    done = in_child(lambda: len(ranking_xlsx(rounds)), EXPORT_LIMIT)
    if done is None:
        return Extra("ranking Excel", size, seconds(3), {"seconds": EXPORT_LIMIT},
                     f"> {EXPORT_LIMIT:.0f} s (stopped)")
    return Extra("ranking Excel", size, seconds(3), {"seconds": done[0]}, f"{done[0]:.2f} s")


def ledger_excel_row(sample: Sample, repeats: int) -> Extra:
    from milestones.exports import ledger_xlsx
    from milestones.models import Project
    from programs.models import Program

    program = Program.objects.get(pk=sample.project_program_id)
    projects = Project.objects.filter(application__track__program=program).count()
    return _seconds_row("ledger Excel (the program with the most projects)", f"{projects} projects", 3,
                        lambda: ledger_xlsx(program), repeats)


# --- the largest allowed application's PDFs -----------------------------------------------------------------------


def largest_application(sample: Sample):
    """THE largest application the forms allow (demo.largest: built through the services, every field, partner,
    KPI note, budget line and material file at its limit, on the guide track with the most rows) and its project.
    Call inside a transaction that is rolled back."""
    from demo.largest import largest_application as build
    from demo.largest import largest_project

    return largest_project(build())


def pdf_rows(sample: Sample, repeats: int) -> list[Extra]:
    from applications.exports import application_pdf
    from milestones.exports import task_book_pdf

    with rolled_back():
        project = largest_application(sample)
        application = project.application
        size = f"application {application.reference}"
        book = _seconds_row("application PDF (largest allowed)", size, 1, lambda: application_pdf(application),
                            repeats)
        task = _seconds_row("its task book PDF", size, 1.5, lambda: task_book_pdf(project), repeats)
    return [book, task]


# --- the guides ----------------------------------------------------------------------------------------------


def guides_row(repeats: int) -> Extra:
    from django.core.management import call_command

    files = sorted(str(p) for p in (settings.BASE_DIR / "fixtures").glob("*.yaml")
                   if p.name not in ("regions.yaml", "offices.yaml", "portal-rubric.yaml"))

    def load() -> None:
        with rolled_back():
            call_command("loaddata", *files, verbosity=0)

    return _seconds_row("loading all guides", f"{len(files)} files", 3, load, repeats)


# --- the reminder sweep -----------------------------------------------------------------------------------------


def _make_due(today: dt.date) -> None:
    """Inside the rolled-back transaction: the current calls close in 7 days (drafts are reminded), decided rounds
    end their publicity tomorrow, current projects' final reports are due in 7 days and a third of them must
    rectify after their mid-term check within 3 days. (Overdue reviews, reports, acceptances and unpaid tranches
    are in the seeded data.)"""
    from milestones.models import KpiReport, MidtermCheck, MidtermOutcome, Project, ProjectState, ReportState
    from programs.models import Program
    from reviews.models import ReviewRound, RoundState

    from .history import CODE_PREFIX
    from .seed import REFERENCE_PREFIX, USER_PREFIX

    Program.objects.exclude(code__startswith=CODE_PREFIX).update(call_opens=today - dt.timedelta(days=30),
                                                                 call_closes=today + dt.timedelta(days=7))
    ReviewRound.objects.filter(created_by__username__startswith=USER_PREFIX, state=RoundState.DECIDED).update(
        state=RoundState.PUBLICITY, publicity_starts=today - dt.timedelta(days=5),
        publicity_ends=today + dt.timedelta(days=1))
    current = Project.objects.filter(application__reference__startswith=REFERENCE_PREFIX,
                                     state=ProjectState.IN_PROGRESS, starts_on__year=today.year)
    KpiReport.objects.filter(project__in=current, state=ReportState.SCHEDULED, seq=2).update(
        due_on=today + dt.timedelta(days=7))
    MidtermCheck.objects.bulk_create(
        MidtermCheck(project_id=pk, checked_on=today - dt.timedelta(days=10), outcome=MidtermOutcome.RECTIFY,
                     rectify_by=today + dt.timedelta(days=3), recorded_by_id=officer)
        for pk, officer in current.values_list("pk", "officer_id")[::3])


def _sweep_queries(source, count: int, today: dt.date) -> tuple[int, int]:
    """The sweep's queries with only ``source`` registered and its first ``count`` reminders, and the work it
    leaves for after commit (one queued mail per mailed notification: not a query, never run here)."""
    from notifications import registry, services

    def limited(day):
        return list(source(day))[:count]

    saved = list(registry.REMINDER_SOURCES)
    log = QueryLog()
    registry.REMINDER_SOURCES[:] = [limited]
    try:
        with rolled_back():
            before = len(connection.run_on_commit)
            with connection.execute_wrapper(log):
                services.reminder_sweep(today=today)
            after_commit = len(connection.run_on_commit) - before
    finally:
        registry.REMINDER_SOURCES[:] = saved
    return log.count, after_commit


def sweep_rows() -> list[Extra]:
    """Per reminder source: the sweep's queries with n and with 2n of its reminders (n up to SWEEP_CAP / 2); PASS
    when equal. The source runs whole both times (its own queries, shown apart, are the same at n and 2n: whether
    they grow with the data needs more of it due, which this row does not vary)."""
    from notifications import registry

    today = timezone.localdate()
    out = []
    with rolled_back():
        _make_due(today)
        for source in list(registry.REMINDER_SOURCES):
            name = f"reminder sweep: {source.__module__.split('.')[0]}.{source.__name__}"
            own = QueryLog()
            with connection.execute_wrapper(own):
                due = len(list(source(today)))
            half = min(due, SWEEP_CAP) // 2
            if half == 0:
                out.append(Extra(name, f"{due} due", SAME_QUERIES, {"equal": None}, "nothing due to measure"))
                continue
            _sweep_queries(source, half, today)  # warms the process's caches (content types), not counted
            (one, mails_one), (two, mails_two) = (_sweep_queries(source, half, today),
                                                  _sweep_queries(source, 2 * half, today))
            out.append(Extra(name, f"{half} / {2 * half} reminders of {due} due", SAME_QUERIES, {"equal": one == two},
                             f"{one} / {two} queries (the source alone: {own.count}; "
                             f"{mails_one} / {mails_two} mails queued after commit)"))
    return out


def matches(name: str, only: str) -> bool:
    """Whether a row's name contains ``only``, or one of its comma-separated parts (any case)."""
    return any(part.strip().lower() in name.lower() for part in only.split(",")) if only else True


def run_extras(sample: Sample, applications: int, *, repeats: int, only: str = "") -> list[Extra]:
    """Every row besides pages whose name contains ``only`` (``matches``)."""
    makers = [
        ("automatic assignment solver", lambda: [solver_row(applications)]),
        ("ranking Excel", lambda: [ranking_excel_row()]),
        ("ledger Excel", lambda: [ledger_excel_row(sample, repeats)] if sample.project_program_id else []),
        ("application PDF, task book PDF", lambda: pdf_rows(sample, repeats) if sample.project_id else []),
        ("loading all guides", lambda: [guides_row(repeats)]),
        ("reminder sweep", sweep_rows),
    ]
    return [row for name, make in makers if matches(name, only) for row in make()]


def extras_table(rows: list[Extra]) -> str:
    from .runner import markdown

    return markdown(["what", "size", "measured", "goal", "verdict"],
                    [[r.name, r.size, r.measured, r.goal.text, r.verdict] for r in rows])

