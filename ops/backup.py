"""Backups you can restore: the database dumped from one consistent snapshot, with every table's row count and
checksum taken in that same snapshot, and a manifest of every stored file (size and SHA-256) read through Django's
storage API, so a bucket and the local disk are backed up alike. ``restore`` rebuilds a new database from the dump
and checks every table and every file against the manifest.

The layout of a backup directory::

    manifest.json      what was saved: database vendor, dump file, tables (rows, sha256), files (name, size, sha256)
    database.dump      PostgreSQL: pg_dump's custom format (restored with pg_restore)
    database.sqlite3   SQLite: a copy made with SQLite's online backup API
    files/...          the stored files themselves, with --copy-files
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage

from .health import PROBE_DIRECTORY

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
FILES = "files"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


# --- tables --------------------------------------------------------------------------------------------------------

def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def table_digests(connection, vendor: str) -> dict[str, dict]:
    """Every table's row count and a checksum of its rows (each row's text hashed, the hashes sorted, so the order
    the database returns them in does not matter). ``connection`` is a plain DB-API connection (psycopg2 or
    sqlite3), the same kind on both sides of a comparison."""
    cursor = connection.cursor()
    tables = _pg_tables(cursor) if vendor == "postgresql" else _sqlite_tables(cursor)
    digests = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (a table name the database listed, quoted)
        hashes = []
        while rows := cursor.fetchmany(2000):
            hashes.extend(hashlib.sha256(repr(tuple(row)).encode()).digest() for row in rows)
        hashes.sort()
        digests[table] = {"rows": len(hashes), "sha256": hashlib.sha256(b"".join(hashes)).hexdigest()}
    cursor.close()
    return digests


# --- PostgreSQL ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PgTarget:
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, db: dict) -> PgTarget:
        return cls(name=db["NAME"], user=db.get("USER") or "", password=db.get("PASSWORD") or "",
                   host=db.get("HOST") or "", port=str(db.get("PORT") or ""))

    def connect(self, name: str | None = None):
        import psycopg2

        params = {"dbname": name or self.name, "user": self.user, "password": self.password, "host": self.host,
                  "port": self.port}
        return psycopg2.connect(**{key: value for key, value in params.items() if value})

    def cli_args(self) -> list[str]:
        args = [f"--dbname={self.name}"]
        if self.host:
            args.append(f"--host={self.host}")
        if self.port:
            args.append(f"--port={self.port}")
        if self.user:
            args.append(f"--username={self.user}")
        return args

    def cli_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(args: list[str], env: dict[str, str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed: install the PostgreSQL client of the server's version "
                          f"(e.g. apt-get install postgresql-client).")
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def _dump_postgresql(target: PgTarget, path: Path) -> dict[str, dict]:
    """pg_dump reads the snapshot of a transaction held open here, in which the tables are also counted: the
    dump and the manifest's table checksums describe the same instant."""
    connection = target.connect()
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        cursor = connection.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = table_digests(connection, "postgresql")
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={path}", *target.cli_args()], target.cli_env())
        connection.rollback()
    finally:
        connection.close()
    return tables


def _is_empty_postgresql(target: PgTarget) -> bool:
    connection = target.connect()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                       "('pg_catalog', 'information_schema')")
        return cursor.fetchone()[0] == 0
    finally:
        connection.close()


def _create_postgresql_database(target: PgTarget) -> bool:
    """Create the target database when it does not exist yet; True if it was created."""
    from psycopg2 import sql

    connection = target.connect("postgres")
    connection.autocommit = True
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name])
        if cursor.fetchone():
            return False
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))
        return True
    finally:
        connection.close()


# --- SQLite --------------------------------------------------------------------------------------------------------

def _sqlite_copy(source: str | Path, destination: str | Path) -> None:
    """SQLite's online backup API: a consistent copy even while the portal writes."""
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _sqlite_digests(path: str | Path) -> dict[str, dict]:
    connection = sqlite3.connect(path)
    try:
        return table_digests(connection, "sqlite")
    finally:
        connection.close()


def _is_empty_sqlite(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    connection = sqlite3.connect(path)
    try:
        return not _sqlite_tables(connection.cursor())
    finally:
        connection.close()


# --- files ---------------------------------------------------------------------------------------------------------

def stored_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in ``storage``, through its API (listdir), so a bucket is walked like the disk."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from stored_files(storage, f"{directory}/{sub}" if directory else sub)


def _digest_stored(storage: Storage, name: str, copy_to: Path | None = None) -> dict:
    sha, size = hashlib.sha256(), 0
    out = None
    if copy_to is not None:
        copy_to.parent.mkdir(parents=True, exist_ok=True)
        out = copy_to.open("wb")
    try:
        with storage.open(name, "rb") as handle:
            while chunk := handle.read(CHUNK):
                sha.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return {"name": name, "size": size, "sha256": sha.hexdigest()}


def _digest_path(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _safe_copy_path(root: Path, name: str) -> Path:
    path = (root / name).resolve()
    if root.resolve() not in path.parents:
        raise BackupError(f"The stored file name {name!r} points outside the backup directory.")
    return path


# --- backup --------------------------------------------------------------------------------------------------------

def backup(directory: Path, *, copy_files: bool = False, storage: Storage | None = None,
           database: str | dict = "default") -> dict:
    """Write the dump, then the manifest of every stored file (after the dump: every file the dump refers to was
    stored before it). Returns the manifest."""
    storage = storage or default_storage
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / MANIFEST).exists():
        raise BackupError(f"{directory} already holds a backup ({MANIFEST}): choose a new, empty directory.")
    db = settings.DATABASES[database] if isinstance(database, str) else database
    engine = db["ENGINE"]
    if "postgresql" in engine:
        vendor, dump = "postgresql", PG_DUMP
        tables = _dump_postgresql(PgTarget.from_settings(db), directory / dump)
    elif "sqlite3" in engine:
        vendor, dump = "sqlite", SQLITE_DUMP
        _sqlite_copy(db["NAME"], directory / dump)
        tables = _sqlite_digests(directory / dump)
    else:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")
    files = []
    for name in stored_files(storage):
        if name.startswith(f"{PROBE_DIRECTORY}/"):
            continue  # a health probe's file, there for a moment
        try:
            files.append(_digest_stored(storage, name, _safe_copy_path(directory / FILES, name) if copy_files
                                        else None))
        except FileNotFoundError:
            continue  # deleted since it was listed (an expired job result): not part of this backup
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "dump": dump, "sha256": _digest_path(directory / dump),
                     "tables": tables},
        "files_copied": copy_files,
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


# --- restore -------------------------------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files_checked: int = 0
    files_restored: list[str] = field(default_factory=list)
    files_missing: list[str] = field(default_factory=list)
    files_different: list[str] = field(default_factory=list)


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise BackupError(f"{directory} holds no {MANIFEST}: give the directory a backup was written to.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is in format {manifest.get('format')!r}; this version reads format {FORMAT}.")
    dump = Path(directory) / manifest["database"]["dump"]
    if not dump.exists() or _digest_path(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} is missing or is not the file the manifest describes (its checksum differs).")
    return manifest


def restore(directory: Path, *, database_url: str, force: bool = False, restore_files: bool = False,
            storage: Storage | None = None) -> RestoreReport:
    """Rebuild a new database from the backup in ``directory`` and check every table against the manifest; then
    check every file of the manifest in the storage (and put back, with ``restore_files``, those missing from it
    from the backup's copies)."""
    import dj_database_url

    directory = Path(directory)
    manifest = read_manifest(directory)
    db = dj_database_url.parse(database_url)
    vendor = manifest["database"]["vendor"]
    dump = directory / manifest["database"]["dump"]
    if vendor == "postgresql":
        if "postgresql" not in db["ENGINE"]:
            raise BackupError("This backup is of a PostgreSQL database: give a postgres:// --database-url.")
        target = PgTarget.from_settings(db)
        created = _create_postgresql_database(target)
        if not created and not _is_empty_postgresql(target) and not force:
            raise BackupError(f"The database {target.name} is not empty: restore into a new database, or add "
                              "--force to replace what it holds.")
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              *(["--clean", "--if-exists"] if force and not created else []), *target.cli_args(), str(dump)],
             target.cli_env())
        connection = target.connect()
        try:
            restored = table_digests(connection, "postgresql")
        finally:
            connection.close()
    elif vendor == "sqlite":
        if "sqlite3" not in db["ENGINE"]:
            raise BackupError("This backup is of an SQLite database: give a sqlite:///path --database-url.")
        path = Path(db["NAME"])
        if not _is_empty_sqlite(path) and not force:
            raise BackupError(f"The database {path} is not empty: restore into a new file, or add --force to "
                              "replace it.")
        _sqlite_copy(dump, path)
        restored = _sqlite_digests(path)
    else:
        raise BackupError(f"Unknown database vendor in the manifest: {vendor!r}.")

    expected = manifest["database"]["tables"]
    wrong = sorted(name for name in set(expected) | set(restored) if expected.get(name) != restored.get(name))
    if wrong:
        raise BackupError(f"The restored database differs from the backup in {len(wrong)} table(s): "
                          f"{', '.join(wrong[:10])}.")
    report = RestoreReport(tables=len(restored), rows=sum(t["rows"] for t in restored.values()))
    _check_files(manifest, directory, storage or default_storage, restore_files, report)
    return report


def _check_files(manifest: dict, directory: Path, storage: Storage, restore_files: bool,
                 report: RestoreReport) -> None:
    for entry in manifest["files"]:
        name = entry["name"]
        report.files_checked += 1
        if storage.exists(name):
            if _digest_stored(storage, name) != entry:
                report.files_different.append(name)
            continue
        copy = _safe_copy_path(directory / FILES, name)
        if restore_files and manifest.get("files_copied") and copy.exists() and _digest_path(copy) == entry["sha256"]:
            with copy.open("rb") as handle:
                saved = storage.save(name, File(handle))
            if saved != name or _digest_stored(storage, name) != entry:
                report.files_different.append(name)
            else:
                report.files_restored.append(name)
        else:
            report.files_missing.append(name)
