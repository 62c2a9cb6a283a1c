"""Moving an installation's files from the local disk to the configured bucket, every copy verified by checksum
(``manage.py move_files_to_storage``). Names stay exactly as the database rows hold them; running it again copies
only what is not there yet, so an interrupted move is finished by running it once more."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models

from .storage import checksum


@dataclass
class MoveReport:
    copied: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    removed_locally: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # in the bucket already, with other content: left alone
    failed: list[str] = field(default_factory=list)  # the copy read back differs: removed from the bucket
    missing: list[str] = field(default_factory=list)  # a row names a file found in neither place
    bytes_copied: int = 0

    @property
    def ok(self) -> bool:
        return not (self.conflicts or self.failed or self.missing)


def files_on_disk(source: FileSystemStorage) -> Iterator[str]:
    """Every file under the source folder, as storage names (forward slashes), in a stable order."""
    root = source.location
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")


def referenced_names() -> Iterator[tuple[str, str]]:
    """(storage name, "app.Model #pk field") for every file a row of any model points at."""
    for model in apps.get_models():
        file_fields = [f for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        for file_field in file_fields:
            rows = (model._default_manager.exclude(**{file_field.name: ""}).exclude(**{file_field.attname: None})
                    .values_list("pk", file_field.attname).order_by("pk").iterator())
            for pk, name in rows:
                yield name, f"{model._meta.label} #{pk} {file_field.name}"


def move_files(*, source: FileSystemStorage, destination: Storage, delete_local: bool = False, dry_run: bool = False,
               say: Callable[[str], None] = lambda line: None) -> MoveReport:
    """Copy every file of ``source`` to ``destination`` under the same name and verify its SHA-256 read back from
    there; then check that every file a row names is in the destination."""
    report = MoveReport()
    for name in files_on_disk(source):
        local_sum = checksum(source, name)
        if destination.exists(name):
            if checksum(destination, name) == local_sum:
                report.already_there.append(name)
            else:
                report.conflicts.append(name)
                say(f"CONFLICT {name}: the bucket already has a different file of this name; left both alone.")
                continue
        elif dry_run:
            report.copied.append(name)
            say(f"would copy {name}")
            continue
        else:
            with source.open(name, "rb") as local:
                stored_as = destination.save(name, File(local, name=os.path.basename(name)))
            if stored_as != name or checksum(destination, stored_as) != local_sum:
                destination.delete(stored_as)
                report.failed.append(name)
                say(f"FAILED {name}: the copy read back from the bucket differs (stored as {stored_as}); removed it.")
                continue
            report.copied.append(name)
            report.bytes_copied += source.size(name)
            say(f"copied {name} (sha256 {local_sum[:12]}… verified)")
        if delete_local and not dry_run:
            source.delete(name)
            report.removed_locally.append(name)
    for name, where in referenced_names():
        if name in report.copied or name in report.already_there:
            continue
        if dry_run and source.exists(name):
            continue
        if not destination.exists(name):
            report.missing.append(f"{name} ({where})")
            say(f"MISSING {name}: {where} names it, but it is neither on the disk nor in the bucket.")
    return report
