from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks import seed
from benchmarks.pages import PAGES
from benchmarks.runner import run, sample_for, table


class Command(BaseCommand):
    help = (
        "Seed a realistic data set on the configured database (rows marked bench-/BENCH-), then time every list "
        "page against the Django admin changelist over the same rows and a hand-written SQL query; print medians."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=10000, help="applications to seed (default 10000)")
        parser.add_argument("--rounds", type=int, default=15, help="interleaved timing rounds (default 15)")
        parser.add_argument("--quick", action="store_true", help="60 applications, 3 rounds: checks it still runs")
        parser.add_argument("--reseed", action="store_true", help="seed again even if the data set is there")
        parser.add_argument("--only", default="", help="time only pages whose name contains this text")
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
        seeded = seed.existing()
        if reseed or seeded is None or seeded.applications != applications:
            self.stdout.write(f"seeding {applications} applications on {connection.vendor} …")
            seeded = seed.seed(applications, out=self.stdout)
            if connection.vendor == "postgresql":
                # As autovacuum would soon: statistics for the planner, visibility maps for index-only scans
                # (plain ANALYZE inside a transaction, e.g. in the test suite, where VACUUM cannot run).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        pages = [p for p in PAGES if only.lower() in p.name.lower()]
        if not pages:
            raise CommandError(f"No page matches --only {only!r}; pages: {', '.join(p.name for p in PAGES)}.")
        sample = sample_for(seeded)
        self.stdout.write(f"{seeded.applications} applications, {seeded.organisations} organisations, "
                          f"{connection.vendor}, median of {rounds} interleaved rounds (ms)\n")
        results = run(sample, rounds=rounds, pages=pages)
        self.stdout.write(table(results))
        self.stdout.write(
            "\nmedian ms: whole request through the test client; SQL ms: time in the database driver; render ms: "
            "the rest (views, templates, middleware); × admin: median ms / admin ms; SQL × raw: SQL ms / raw ms."
        )
