from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from core.storage import is_bucket, storage_problem
from core.storage_move import move_files


class Command(BaseCommand):
    help = ("Copy every file kept on the local disk (PRIVATE_MEDIA_ROOT) to the configured bucket (STORAGE_URL), "
            "verify each copy's SHA-256 read back from the bucket, and check that every file the database names is "
            "there. Safe to run again: files already in the bucket with the same checksum are skipped.")

    def add_arguments(self, parser):
        parser.add_argument("--source", help="the folder to read (default: PRIVATE_MEDIA_ROOT)")
        parser.add_argument("--delete-local", action="store_true",
                            help="remove each local file once its copy in the bucket is verified")
        parser.add_argument("--dry-run", action="store_true", help="say what would be copied; change nothing")

    def handle(self, *args, **options) -> None:
        if not is_bucket(default_storage):
            raise CommandError("The portal's storage is still the local disk: set STORAGE_URL (or "
                               "AWS_STORAGE_BUCKET_NAME and its neighbours) to the bucket first, then run this again.")
        problem = storage_problem(default_storage)
        if problem:
            raise CommandError(f"The bucket does not answer: {problem}. Check STORAGE_URL and that the bucket exists.")
        folder = Path(options["source"] or settings.PRIVATE_MEDIA_ROOT)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder: give the folder the files were kept in with --source.")
        verbose = options["verbosity"] > 1

        def say(line: str) -> None:  # problems always; each copied file with -v 2
            if verbose or not line.startswith(("copied", "would")):
                self.stdout.write(line)

        report = move_files(source=FileSystemStorage(location=folder), destination=default_storage,
                            delete_local=options["delete_local"], dry_run=options["dry_run"], say=say)
        verb = "Would copy" if options["dry_run"] else "Copied"
        self.stdout.write(
            f"{verb} {len(report.copied)} file(s) ({report.bytes_copied / 1024 / 1024:.1f} MB) from {folder} to "
            f"bucket {default_storage.bucket_name}, each checksum verified; {len(report.already_there)} already "
            f"there with the same checksum; {len(report.removed_locally)} local file(s) removed.")
        if not report.ok:
            raise CommandError(
                f"{len(report.conflicts)} conflict(s), {len(report.failed)} failed copy(ies), {len(report.missing)} "
                "file(s) named by the database but found nowhere (listed above). Nothing was overwritten; resolve "
                "them and run the command again.")
        self.stdout.write(self.style.SUCCESS("Every file the database names is in the bucket."))
