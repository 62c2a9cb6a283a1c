import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks import seed
from benchmarks.extras import extras_table, matches, run_extras
from benchmarks.pages import PAGES
from benchmarks.runner import run, sample_for, table


class Command(BaseCommand):
    help = (
        "Seed a realistic data set on the configured database (rows marked bench-/BENCH-), check that each list "
        "page's admin reference and raw SQL list exactly its rows, time them interleaved, then time the solver, "
        "exports, PDFs, guides and the reminder sweep; print Markdown tables with each row's goal and verdict."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=10000, help="applications to seed (default 10000)")
        parser.add_argument("--rounds", type=int, default=15, help="interleaved timing rounds (default 15)")
        parser.add_argument("--quick", action="store_true", help="60 applications, 3 rounds: checks it still runs")
        parser.add_argument("--reseed", action="store_true", help="seed again even if the data set is there")
        parser.add_argument("--only", default="",
                            help="time only rows whose name contains this text (or one of several, comma-separated)")
        parser.add_argument("--clear", action="store_true", help="remove the benchmark's rows and stop")

    def handle(self, *args, applications, rounds, quick, reseed, only, clear, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("The benchmark writes test rows; it refuses to run with IPGRANTS_PROFILE=production.")
        if clear:
            seed.clear()
            self.stdout.write("benchmark rows removed")
            return
        if quick:
            applications, rounds = 60, 3
        if applications < 10 or rounds < 1:
            raise CommandError("--applications must be at least 10 and --rounds at least 1.")
        pages = [p for p in PAGES if matches(p.name, only)]
        if not pages and not only:
            raise CommandError("No page is registered.")
        seeded = seed.existing()
        if reseed or seeded is None or seeded.applications != applications:
            self.stdout.write(f"seeding {applications} applications on {connection.vendor} …")
            start = time.perf_counter()
            seeded = seed.seed(applications, out=self.stdout)
            if connection.vendor == "postgresql":
                # As autovacuum would soon: statistics for the planner, visibility maps for index-only scans
                # (plain ANALYZE inside a transaction, e.g. in the test suite, where VACUUM cannot run).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
            self.stdout.write(f"seed time {time.perf_counter() - start:.0f} s (analyze included)\n")
        elif connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does between two runs where it is on (it is off on some machines, this one included):
            # the rows a run inserts and rolls back (the finder's 10,000 organisations, the solver's assignments)
            # stay as dead rows that every later sequential scan reads (44,000 in the organisations table after
            # two runs: the organisations list 1.05× admin instead of 0.83×).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        sample = sample_for(seeded)
        self.stdout.write(f"\n{seeded.applications} applications, {seeded.organisations} organisations, "
                          f"{connection.vendor}, median of {rounds} interleaved rounds (ms)\n\n")
        results = run(sample, rounds=rounds, pages=pages) if pages else []
        extras = run_extras(sample, seeded.applications, repeats=min(rounds, 3), only=only)
        if not results and not extras:
            raise CommandError(f"No row matches --only {only!r}; pages: {', '.join(p.name for p in PAGES)}.")
        if results:
            self.stdout.write(table(results) + "\n\n")
        if extras:
            self.stdout.write(extras_table(extras) + "\n\n")
        verdicts = [r.row["verdict"] for r in results] + [e.verdict for e in extras]
        passed = sum(v == "PASS" for v in verdicts)
        self.stdout.write(f"PASS {passed}, FAIL {len(verdicts) - passed} of {len(verdicts)} rows\n\n")
        self.stdout.write(
            "queries: SQL statements of the page; rows: ids the page lists; median ms: the whole request; SQL ms: "
            "time in the database driver; slowest ms: its slowest statement (for a goal on named tables, the "
            "slowest of the statements reading them; the slowest other is given beside the goal); admin ms: the "
            "admin changelist set to the page's rows; raw ms: the hand-written lower bound; × admin = median ms / "
            "admin ms; SQL × raw "
            "= SQL ms / raw ms; admin rows / raw rows: the references list the page's ids (✗: they differ); raw "
            "cost ≤ page: summed EXPLAIN cost of the raw statements against the page's queries (PostgreSQL); a "
            "raw query slower than the page's SQL fails the row too.\n"
        )
