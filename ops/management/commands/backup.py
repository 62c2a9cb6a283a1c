from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Write a consistent dump of the database and a manifest of every stored file (size, SHA-256) into a new "
            "directory; --copy-files also copies the files. Restore it with `manage.py restore`.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A new or empty directory to write the backup into.")
        parser.add_argument("--copy-files", action="store_true",
                            help="Copy every stored file into DIRECTORY/files as well (not only list it).")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["directory"]), copy_files=options["copy_files"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Backed up {len(tables)} tables ({sum(t['rows'] for t in tables.values())} rows) and "
            f"{len(manifest['files'])} files{' (copied)' if manifest['files_copied'] else ' (listed)'} "
            f"to {options['directory']}.")
