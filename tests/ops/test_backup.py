"""Backups restored: a PostgreSQL database with demo data (applications in every state, uploads, a project with a
released tranche) is backed up, restored into a fresh database made by the test, and compared table by table (rows
and a checksum of every row) and file by file (SHA-256): nothing lost. Also: a non-empty database is not
overwritten without --force, files missing from the storage are put back from the backup's copies, and SQLite
databases are backed up with SQLite's backup API."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from milestones.models import TrancheState
from milestones.services import contract_record
from ops.backup import MANIFEST, PgTarget, backup, restore, stored_files, table_digests
from tests.factories import pay_tranche
from tests.milestones.conftest import open_project, pdf

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL")


def _url(db: dict, name: str) -> str:
    credentials = quote(db.get("USER") or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture
def fresh_database_url():
    """A database name nobody uses; dropped after the test (restore creates it)."""
    db = django_settings.DATABASES["default"]
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield _url(db, name), name
    maintenance = PgTarget.from_settings(db).connect("postgres")
    maintenance.autocommit = True
    try:
        maintenance.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        maintenance.close()


def _demo_world(officer) -> None:
    """Committed rows, as a running portal has them: the demo (every application state, a project) and a Nansha
    project with its signed contract (a stored file) and its first tranche released by two officers."""
    call_command("seed_demo", verbosity=0)
    project = open_project(officer)
    contract_record(actor=officer, project=project, signed_on=dt.date(2024, 9, 10), signed_file=pdf("合同.pdf"))
    tranche = pay_tranche(actor=officer, tranche=project.tranches.get(seq=1), payment_reference="GK-2024-0001",
                          released_on=dt.date(2024, 9, 20))
    assert tranche.state == TrancheState.RELEASED
    default_storage.save("materials/2024/09/营业执照 扫描件.pdf", ContentFile(b"%PDF-1.4\n" + bytes(range(256)) * 64))


def _storage_checksums() -> dict[str, str]:
    sums = {}
    for name in stored_files(default_storage):
        with default_storage.open(name, "rb") as handle:
            sums[name] = hashlib.sha256(handle.read()).hexdigest()
    return sums


def _digests_of(name: str | None = None) -> dict:
    target = PgTarget.from_settings(django_settings.DATABASES["default"])
    raw = target.connect(name)
    try:
        return table_digests(raw, "postgresql")
    finally:
        raw.close()


@postgresql_only
def test_backup_restore_postgresql_loses_nothing(guides_loaded, officer, tmp_path, fresh_database_url):
    _demo_world(officer)
    before_tables, before_files = _digests_of(), _storage_checksums()
    assert before_tables["milestones_projecttranche"]["rows"] >= 2
    assert before_tables["applications_materialupload"]["rows"] >= 1
    assert len(before_files) >= 3

    call_command("backup", str(tmp_path / "backup"), "--copy-files", verbosity=0)
    url, name = fresh_database_url
    call_command("restore", str(tmp_path / "backup"), "--database-url", url, verbosity=0)

    # Every table, every row: the same tables, the same counts, the same checksum of all rows.
    after = _digests_of(name)
    assert set(after) == set(before_tables)
    different = {table for table in before_tables if before_tables[table] != after[table]}
    assert not different
    assert sum(t["rows"] for t in after.values()) > 500
    restored = PgTarget.from_settings(django_settings.DATABASES["default"]).connect(name)
    try:
        cursor = restored.cursor()
        cursor.execute("SELECT count(*), sum(released_amount) FROM milestones_projecttranche WHERE state = 'released'")
        released = cursor.fetchone()
    finally:
        restored.close()
    assert released[0] >= 1 and released[1] > 0
    # Every stored file: in the manifest with its size and checksum, and copied into the backup unchanged.
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == before_files
    for entry in manifest["files"]:
        copy = (tmp_path / "backup" / "files" / entry["name"]).read_bytes()
        assert hashlib.sha256(copy).hexdigest() == entry["sha256"] and len(copy) == entry["size"]
    # The manifest's tables were counted in the dump's own snapshot.
    assert manifest["database"]["tables"] == before_tables


@postgresql_only
def test_restore_refuses_a_non_empty_database_without_force(guides_loaded, officer, tmp_path, fresh_database_url):
    default_storage.save("materials/a.pdf", ContentFile(b"%PDF-1.4 a"))
    backup(tmp_path / "b", copy_files=True)
    url, name = fresh_database_url
    restore(tmp_path / "b", database_url=url)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "b"), "--database-url", url, verbosity=0)
    # With --force it is replaced, and a file lost from the storage is put back from the backup's copy.
    default_storage.delete("materials/a.pdf")
    report = restore(tmp_path / "b", database_url=url, force=True, restore_files=True)
    assert report.files_restored == ["materials/a.pdf"] and not report.files_missing
    with default_storage.open("materials/a.pdf", "rb") as handle:
        assert handle.read() == b"%PDF-1.4 a"
    assert _digests_of(name) == json.loads((tmp_path / "b" / MANIFEST).read_text())["database"]["tables"]


@postgresql_only
def test_restore_names_a_file_missing_from_the_storage(guides_loaded, tmp_path, fresh_database_url):
    default_storage.save("materials/b.pdf", ContentFile(b"%PDF-1.4 b"))
    backup(tmp_path / "b")
    default_storage.delete("materials/b.pdf")
    with pytest.raises(CommandError, match="materials/b.pdf"):
        call_command("restore", str(tmp_path / "b"), "--database-url", fresh_database_url[0], verbosity=0)


def test_backup_refuses_a_directory_that_holds_one(tmp_path, db):
    (tmp_path / MANIFEST).write_text("{}")
    with pytest.raises(CommandError, match="already holds a backup"):
        call_command("backup", str(tmp_path), verbosity=0)


def test_restore_refuses_a_directory_without_a_backup(tmp_path):
    with pytest.raises(CommandError, match="holds no manifest.json"):
        call_command("restore", str(tmp_path), "--database-url", "sqlite:///x.sqlite3", verbosity=0)


def test_backup_restore_sqlite_with_the_backup_api(tmp_path):
    source = tmp_path / "portal.sqlite3"
    with sqlite3.connect(source) as raw:
        raw.execute("CREATE TABLE grant_money (id INTEGER PRIMARY KEY, title TEXT, amount TEXT)")
        raw.executemany("INSERT INTO grant_money (title, amount) VALUES (?, ?)",
                        [(f"项目{i}", f"{i * 1000}.00") for i in range(200)])
    raw.close()
    backup(tmp_path / "b", database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)})
    target = tmp_path / "restored.sqlite3"
    report = restore(tmp_path / "b", database_url=f"sqlite:///{target}")
    assert report.tables == 1 and report.rows == 200
    check = sqlite3.connect(target)
    assert table_digests(check, "sqlite") == table_digests(sqlite3.connect(source), "sqlite")
    check.close()
    from ops.backup import BackupError

    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "b", database_url=f"sqlite:///{target}")


def test_backup_manifest_lists_every_stored_file_but_a_health_probe(tmp_path):
    default_storage.save("materials/2024/申报书.pdf", ContentFile(b"%PDF-1.4 one"))
    default_storage.save("jobs/2024/ledger.xlsx", ContentFile(b"PK two"))
    default_storage.save("healthz/probe.txt", ContentFile(b"ok"))
    source = tmp_path / "empty.sqlite3"
    sqlite3.connect(source).close()
    manifest = backup(tmp_path / "b", copy_files=True, database={"ENGINE": "django.db.backends.sqlite3",
                                                                  "NAME": str(source)})
    assert [(f["name"], f["size"]) for f in manifest["files"]] == [("jobs/2024/ledger.xlsx", 6),
                                                                   ("materials/2024/申报书.pdf", 12)]
    assert manifest["files"][1]["sha256"] == hashlib.sha256(b"%PDF-1.4 one").hexdigest()
    assert (tmp_path / "b" / "files" / "materials" / "2024" / "申报书.pdf").read_bytes() == b"%PDF-1.4 one"
