"""Several files per material (Qingyuan material 3 asks for three kinds of document): each kept, checked, listed,
removable one by one, served only through the checked view, and all of them in what is submitted."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.exports import application_pdf
from applications.models import ApplicationVersion
from audit.models import AuditEvent

from .conftest import PDF_BYTES, valid_submission
from .test_exports import pdf_text, squash

pytestmark = pytest.mark.django_db


def pdf_file(name: str) -> SimpleUploadedFile:
    """A small PDF whose bytes (so its checksum) differ by name."""
    return SimpleUploadedFile(name, PDF_BYTES + f"% {name}\n".encode(), content_type="application/pdf")


@pytest.fixture
def material(nansha):
    return nansha.materials.get(seq=1)


@pytest.fixture
def three_files(applicant, draft, material):
    return [services.material_upload(actor=applicant, application=draft, material=material,
                                     uploaded_file=pdf_file(name))
            for name in ("专利证书.pdf", "合同.pdf", "发票.pdf")]


def test_material_upload_keeps_every_file_of_a_material(draft, three_files):
    assert list(draft.uploads.values_list("original_name", flat=True)) == ["专利证书.pdf", "合同.pdf", "发票.pdf"]
    assert AuditEvent.objects.filter(action="upload").count() == 3


def test_material_upload_checks_each_file(applicant, draft, material, three_files):
    with pytest.raises(ValidationError):
        services.material_upload(actor=applicant, application=draft, material=material,
                                 uploaded_file=SimpleUploadedFile("virus.exe", b"MZ\x90\x00"))
    with pytest.raises(ValidationError):  # the same file twice for one material
        services.material_upload(actor=applicant, application=draft, material=material,
                                 uploaded_file=pdf_file("合同.pdf"))
    assert draft.uploads.count() == 3


def test_material_upload_refuses_more_than_the_limit(applicant, draft, material, monkeypatch):
    from applications import inputs

    monkeypatch.setattr(inputs, "MATERIAL_FILES_MAX", 2)
    for name in ("a.pdf", "b.pdf"):
        services.material_upload(actor=applicant, application=draft, material=material, uploaded_file=pdf_file(name))
    with pytest.raises(ValidationError):
        services.material_upload(actor=applicant, application=draft, material=material,
                                 uploaded_file=pdf_file("c.pdf"))
    assert draft.uploads.count() == 2


def test_material_remove_deletes_one_file_only(applicant, draft, three_files):
    services.material_remove(actor=applicant, upload=three_files[1])
    assert list(draft.uploads.values_list("original_name", flat=True)) == ["专利证书.pdf", "发票.pdf"]


def test_materials_page_lists_each_file_with_its_own_remove(client, applicant, other_applicant, draft, three_files):
    client.force_login(applicant)
    page = client.get(reverse("applications:materials", args=[draft.pk])).content.decode()
    for upload in three_files:
        assert upload.original_name in page
        assert reverse("applications:material_download", args=[draft.pk, upload.pk]) in page
        assert reverse("applications:material_remove", args=[draft.pk, upload.pk]) in page
    client.post(reverse("applications:material_remove", args=[draft.pk, three_files[0].pk]))
    assert draft.uploads.count() == 2
    client.force_login(other_applicant)
    for upload in three_files[1:]:
        assert client.get(reverse("applications:material_download", args=[draft.pk, upload.pk])).status_code == 404
        assert client.post(reverse("applications:material_remove", args=[draft.pk, upload.pk])).status_code == 404
    assert draft.uploads.count() == 2


def test_submitted_version_page_and_pdf_list_every_file(client, applicant, officer, draft, nansha, three_files,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.application_submit(actor=applicant, application=draft, data=valid_submission(nansha))
    version = ApplicationVersion.objects.get(application=draft)
    files = version.snapshot["materials"][str(three_files[0].material_id)]
    assert [f["name"] for f in files] == ["专利证书.pdf", "合同.pdf", "发票.pdf"]
    client.force_login(officer)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    for upload in three_files:
        assert reverse("applications:material_download", args=[draft.pk, upload.pk]) in page
    everything = squash("".join(pdf_text(application_pdf(draft))))
    for upload in three_files:
        assert squash(upload.original_name) in everything and upload.sha256[:12] in everything


def test_migration_turns_single_file_snapshots_into_lists(applicant, draft, material):
    migration = importlib.import_module("applications.migrations.0009_several_files_per_material")
    single = {"materials": {str(material.pk): {"name": "营业执照.pdf", "sha256": "ab" * 32}}, "title": "x"}
    assert migration.files_as_lists(single) == {
        "materials": {str(material.pk): [{"name": "营业执照.pdf", "sha256": "ab" * 32}]}, "title": "x"}
    assert migration.files_as_lists(migration.files_as_lists(single)) == migration.files_as_lists(single)
