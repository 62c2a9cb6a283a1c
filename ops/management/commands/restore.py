from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Rebuild a new database from a backup written by `manage.py backup`, check every table against its "
            "manifest, and check every stored file (put back the missing ones with --restore-files).")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The directory the backup was written to.")
        parser.add_argument("--database-url", required=True,
                            help="The database to rebuild, e.g. postgres://user@host:5432/ipgrants_restored "
                                 "(created if it does not exist) or sqlite:////path/db.sqlite3.")
        parser.add_argument("--force", action="store_true",
                            help="Replace what the target database holds (refused otherwise unless it is empty).")
        parser.add_argument("--restore-files", action="store_true",
                            help="Save into the storage the backup's copies of files it is missing.")

    def handle(self, *args, **options):
        try:
            report = restore(Path(options["directory"]), database_url=options["database_url"],
                             force=options["force"], restore_files=options["restore_files"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {report.tables} tables ({report.rows} rows), every checksum as in the backup.")
        self.stdout.write(f"Checked {report.files_checked} files: {len(report.files_restored)} put back, "
                          f"{len(report.files_missing)} missing, {len(report.files_different)} different.")
        problems = report.files_missing + report.files_different
        if problems:
            raise CommandError(f"{len(problems)} stored file(s) do not match the manifest, e.g. {problems[0]}: "
                               "restore them from the backup's copies (--restore-files) or the bucket's own backup.")
