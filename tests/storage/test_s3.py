"""Every file the portal keeps goes to the private bucket when one is configured, on a real S3 server (moto's
standalone server, or the one IPGRANTS_TEST_S3_URL names): a material uploaded through the applicant's form, its
download through the checked view (streamed, or a presigned URL valid a minute), the application PDF the Celery
worker renders, an export job's result. Nothing lands on the web node's disk."""

from __future__ import annotations

import io
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from applications import services
from applications.models import Application, PdfStatus
from core.storage import is_bucket, storage_ok, storage_problem
from jobs.models import Job, JobState
from milestones.jobs import LEDGER_XLSX
from programs.models import Material, Program, Track
from tests.applications.conftest import (  # noqa: F401 (fixtures)
    PDF_BYTES,
    draft,
    make_org,
    nansha,
    open_call,
    org,
    valid_draft,
    valid_submission,
)

from .conftest import bucket_bytes, bucket_keys

CONTENT = PDF_BYTES + "% 专利证书 storage test\n".encode()


def files_on_disk(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload_through_the_form(client, application, material) -> None:
    response = client.post(reverse("applications:materials", args=[application.pk]), {
        "material": material.pk, "file": SimpleUploadedFile("专利证书.pdf", CONTENT, content_type="application/pdf")})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.django_db
def test_storage_material_uploaded_through_the_form_is_kept_in_the_bucket_and_served_by_the_checked_view(
        client, applicant, other_applicant, draft, nansha, s3_server, s3_bucket, settings):  # noqa: F811
    assert is_bucket()
    client.force_login(applicant)
    upload_through_the_form(client, draft, nansha.materials.get(seq=1))

    upload = draft.uploads.get()
    assert bucket_keys(s3_server, s3_bucket) == [upload.file.name]
    assert bucket_bytes(s3_server, s3_bucket, upload.file.name) == CONTENT
    assert files_on_disk(settings) == []
    url = reverse("applications:material_download", args=[draft.pk, upload.pk])
    download = client.get(url)
    assert b"".join(download.streaming_content) == CONTENT
    assert download["Content-Length"] == str(len(CONTENT)) and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"] and download["Cache-Control"] == "private, no-store"

    client.force_login(other_applicant)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page, never the file


@pytest.mark.django_db
def test_storage_redirect_mode_sends_a_presigned_url_valid_for_a_minute(
        client, applicant, other_applicant, draft, nansha, s3_server, s3_bucket, settings):  # noqa: F811
    settings.STORAGE_SERVE = "redirect"
    client.force_login(applicant)
    upload_through_the_form(client, draft, nansha.materials.get(seq=1))
    upload = draft.uploads.get()
    url = reverse("applications:material_download", args=[draft.pk, upload.pk])

    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{s3_server.endpoint_url}/{s3_bucket}/") and query["X-Amz-Expires"] == ["60"]
    with urllib.request.urlopen(location, timeout=30) as fetched:
        assert fetched.read() == CONTENT
        assert fetched.headers["Content-Disposition"].startswith("attachment")
        assert fetched.headers["Content-Type"] == "application/pdf"
    client.force_login(other_applicant)
    assert client.get(url).status_code == 404  # the permission check comes first, as when streaming


@pytest.mark.django_db
def test_storage_ok_says_whether_the_bucket_answers(s3_server, s3_bucket, settings):
    assert storage_ok()
    missing = {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "ipgrants-no-such-bucket"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": missing}}
    assert not storage_ok()
    assert "ipgrants-no-such-bucket not reachable" in storage_problem()


def test_storage_ok_on_the_local_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    assert storage_ok() and (tmp_path / "files").is_dir()


def wait_until(pk: int, model, done, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = model.objects.get(pk=pk)
        if done(row):
            return row
        time.sleep(0.2)
    pytest.fail(f"{model.__name__} {pk} was not finished within {seconds:.0f} s")


def test_storage_application_pdf_rendered_by_the_celery_worker_goes_to_the_bucket(
        guides_loaded, celery_worker_thread, applicant, client, s3_server, s3_bucket, settings, services_required):
    if services_required:
        assert celery_worker_thread is not None, "CI renders the PDF on the real Celery worker"
    track = Track.objects.select_related("program").get(program__code="nansha-2024-high-value-patent-center")
    open_call(track.program)
    material = Material.objects.create(track=track, seq=1, title="项目申报书", required=True)
    organisation = make_org(applicant, name="广州南沙存储测试科技有限公司")
    application = services.application_start(actor=applicant, track=track, organisation=organisation)
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))
    services.material_upload(actor=applicant, application=application, material=material,
                             uploaded_file=SimpleUploadedFile("申报书.pdf", CONTENT, content_type="application/pdf"))
    services.application_submit(actor=applicant, application=application, data=valid_submission(track))

    done = wait_until(application.pk, Application, lambda a: a.pdf_status in (PdfStatus.READY, PdfStatus.FAILED))
    assert done.pdf_status == PdfStatus.READY
    assert done.pdf_file.name in bucket_keys(s3_server, s3_bucket)
    stored = bucket_bytes(s3_server, s3_bucket, done.pdf_file.name)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored)).pages)
    assert done.reference in text and "广州南沙存储测试科技有限公司" in text
    client.force_login(applicant)
    assert b"".join(client.get(reverse("applications:pdf", args=[done.pk])).streaming_content) == stored
    assert files_on_disk(settings) == []


def test_storage_export_job_result_goes_to_the_bucket(guides_loaded, celery_worker_thread, officer, client,
                                                      s3_server, s3_bucket, settings):
    program = Program.objects.order_by("pk").first()
    client.force_login(officer)
    client.post(reverse("milestones:ledger_export", args=[program.pk]))
    job = wait_until(Job.objects.get(kind=LEDGER_XLSX).pk, Job, lambda j: j.state in (JobState.DONE, JobState.FAILED))
    assert job.state == JobState.DONE and job.result_file.name in bucket_keys(s3_server, s3_bucket)
    stored = bucket_bytes(s3_server, s3_bucket, job.result_file.name)
    assert stored[:2] == b"PK"  # an xlsx is a zip
    assert b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content) == stored
    assert files_on_disk(settings) == []


def test_storage_private_bucket_refuses_an_unsigned_request(s3_server, s3_bucket):
    s3_server.client().put_object(Bucket=s3_bucket, Key="materials/x", Body=b"secret")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint_url}/{s3_bucket}/materials/x", timeout=30)
    assert refused.value.code == 403


@pytest.mark.django_db
def test_storage_ok_gives_up_quickly_on_an_endpoint_that_does_not_answer(s3_server, s3_bucket, settings):
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        options = {**settings.STORAGES["default"]["OPTIONS"],
                   "endpoint_url": f"http://127.0.0.1:{silent.getsockname()[1]}"}
        settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}
        started = time.monotonic()
        assert not storage_ok(timeout=1)
        assert time.monotonic() - started < 10
