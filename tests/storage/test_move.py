"""`manage.py move_files_to_storage`: an installation's files on disk go to the bucket under the same names, every
copy verified by checksum; running it again copies nothing; conflicts and files the database names but nobody has
are reported, never overwritten."""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from applications.models import MaterialUpload
from ipgrants.storage_env import S3_BACKEND
from tests.applications.conftest import PDF_BYTES, draft, nansha, org  # noqa: F401 (fixtures)

from .conftest import bucket_bytes, bucket_keys

pytestmark = pytest.mark.django_db


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def disk_files(settings, tmp_path, applicant, draft, nansha):  # noqa: F811
    """An installation that kept its files on disk: two material uploads the database names, one stray file."""
    settings.MEDIA_ROOT = tmp_path / "private"
    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    material = nansha.materials.get(seq=1)
    uploads = []
    for n in range(2):
        content = PDF_BYTES + f"% file {n}\n".encode()
        name = disk.save(f"materials/2026/01/{draft.pk}-1-{n}", ContentFile(content))
        uploads.append(MaterialUpload.objects.create(
            application=draft, material=material, file=name, original_name=f"证书{n}.pdf", size=len(content),
            content_type="application/pdf", sha256=sha(content), uploaded_by=applicant))
    disk.save("jobs/2026/job-1-ledger.xlsx", ContentFile(b"PK\x03\x04 ledger"))
    return disk, uploads


def use_bucket(settings, s3_server, bucket: str) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": S3_BACKEND, "OPTIONS": s3_server.options(bucket)}}


def move(*args) -> str:
    out = StringIO()
    call_command("move_files_to_storage", *args, stdout=out)
    return out.getvalue()


def test_move_files_to_storage_copies_every_file_and_verifies_its_checksum(
        client, applicant, settings, s3_server, s3_bucket, disk_files):
    disk, uploads = disk_files
    use_bucket(settings, s3_server, s3_bucket)  # the operator sets STORAGE_URL, then runs the command

    out = move()

    names = sorted([u.file.name for u in uploads] + ["jobs/2026/job-1-ledger.xlsx"])
    assert bucket_keys(s3_server, s3_bucket) == names
    for upload in uploads:
        assert sha(bucket_bytes(s3_server, s3_bucket, upload.file.name)) == upload.sha256
    assert "Copied 3 file(s)" in out and "each checksum verified" in out and "0 already there" in out
    assert "Every file the database names is in the bucket." in out
    assert Path(disk.path(uploads[0].file.name)).exists()  # kept until --delete-local
    client.force_login(applicant)
    download = client.get(reverse("applications:material_download", args=[uploads[0].application_id, uploads[0].pk]))
    assert sha(b"".join(download.streaming_content)) == uploads[0].sha256  # served from the bucket now

    again = move("--delete-local")
    assert "Copied 0 file(s)" in again and "3 already there with the same checksum" in again
    assert "3 local file(s) removed" in again and not Path(disk.path(uploads[0].file.name)).exists()
    assert bucket_keys(s3_server, s3_bucket) == names


def test_move_files_to_storage_dry_run_changes_nothing(settings, s3_server, s3_bucket, disk_files):
    use_bucket(settings, s3_server, s3_bucket)
    out = move("--dry-run")
    assert "Would copy 3 file(s)" in out and bucket_keys(s3_server, s3_bucket) == []


def test_move_files_to_storage_reports_a_conflict_and_a_missing_file_and_overwrites_nothing(
        settings, s3_server, s3_bucket, disk_files):
    disk, uploads = disk_files
    s3_server.client().put_object(Bucket=s3_bucket, Key=uploads[0].file.name, Body=b"someone else's file")
    disk.delete(uploads[1].file.name)  # lost from the disk before the move
    use_bucket(settings, s3_server, s3_bucket)
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("move_files_to_storage", stdout=out)
    assert "1 conflict(s)" in str(refused.value) and "1 file(s) named by the database but found nowhere" in str(
        refused.value)
    assert f"CONFLICT {uploads[0].file.name}" in out.getvalue()
    assert f"MISSING {uploads[1].file.name}: applications.MaterialUpload #{uploads[1].pk} file" in out.getvalue()
    assert bucket_bytes(s3_server, s3_bucket, uploads[0].file.name) == b"someone else's file"
    assert bucket_keys(s3_server, s3_bucket) == sorted([uploads[0].file.name, "jobs/2026/job-1-ledger.xlsx"])


def test_move_files_to_storage_refuses_while_the_storage_is_the_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    with pytest.raises(CommandError, match="still the local disk: set STORAGE_URL"):
        move()


def test_move_files_to_storage_refuses_a_bucket_that_does_not_answer(settings, s3_server, tmp_path):
    use_bucket(settings, s3_server, "ipgrants-no-such-bucket")
    with pytest.raises(CommandError, match="bucket does not answer"):
        move("--source", str(tmp_path))
