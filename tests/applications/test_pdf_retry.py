"""A failed application PDF shows as failed with a retry button; an officer or a member retries it (audited)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications import services
from applications.models import Application, PdfStatus
from audit.models import AuditEvent


@pytest.fixture
def failed(submitted):
    Application.objects.filter(pk=submitted.pk).update(pdf_status=PdfStatus.FAILED)
    submitted.refresh_from_db()
    return submitted


@pytest.mark.parametrize("role", ["applicant", "officer"])
def test_application_retry_pdf_requeues_and_renders(request, role, failed, inline_tasks,
                                                    django_capture_on_commit_callbacks):
    actor = request.getfixturevalue(role)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = services.application_retry_pdf(actor=actor, application=failed)
    assert application.pdf_status == PdfStatus.PENDING and len(callbacks) == 1
    event = AuditEvent.objects.filter(action="retry_pdf", object_id=str(failed.pk)).get()
    assert event.actor == actor and event.data == {"version": 1}
    callbacks[0]()  # the queued render (inline in the test suite)
    failed.refresh_from_db()
    assert failed.pdf_status == PdfStatus.READY and failed.pdf_version == 1


def test_application_retry_pdf_wrong_state(applicant, submitted):
    with pytest.raises(ValidationError) as exc:
        services.application_retry_pdf(actor=applicant, application=submitted)  # pending, not failed
    assert exc.value.code == "wrong_state"
    assert not AuditEvent.objects.filter(action="retry_pdf").exists()


@pytest.mark.parametrize("role", ["other_applicant", "reviewer"])
def test_application_retry_pdf_wrong_role(request, role, failed):
    with pytest.raises(PermissionDenied):
        services.application_retry_pdf(actor=request.getfixturevalue(role), application=failed)
    failed.refresh_from_db()
    assert failed.pdf_status == PdfStatus.FAILED


def test_application_render_pdf_marks_running_while_it_works(submitted, monkeypatch):
    seen = []

    def spy(application):
        seen.append(Application.objects.get(pk=application.pk).pdf_status)
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("applications.exports.application_pdf", spy)
    with pytest.raises(RuntimeError):
        services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    submitted.refresh_from_db()
    assert seen == [PdfStatus.RUNNING] and submitted.pdf_status == PdfStatus.FAILED


@pytest.mark.parametrize(("role", "status"), [("applicant", 302), ("officer", 302), ("other_applicant", 404),
                                              ("reviewer", 404)])
def test_pdf_retry_view_per_role(client, request, role, status, failed):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("applications:pdf_retry", args=[failed.pk]))
    assert response.status_code == status
    failed.refresh_from_db()
    assert failed.pdf_status == (PdfStatus.PENDING if status == 302 else PdfStatus.FAILED)  # queued on commit
    assert AuditEvent.objects.filter(action="retry_pdf").exists() == (status == 302)


def test_detail_page_shows_the_retry_button_only_when_failed(client, applicant, failed):
    client.force_login(applicant)
    body = client.get(reverse("applications:detail", args=[failed.pk])).content.decode()
    assert 'id="pdf-retry"' in body and 'id="pdf-retry" method="post" action="' in body
    assert 'class="d-none"' not in body.split('id="pdf-retry"')[1].split(">")[0]
    Application.objects.filter(pk=failed.pk).update(pdf_status=PdfStatus.RUNNING)
    body = client.get(reverse("applications:detail", args=[failed.pk])).content.decode()
    assert 'class="d-none"' in body.split('id="pdf-retry"')[1].split(">")[0]
    assert client.get(reverse("applications:pdf_status", args=[failed.pk])).json()["status"] == "running"
