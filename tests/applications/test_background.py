"""Without a broker the application PDF is rendered on a background thread, never inside the submit request."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Application, PdfStatus, Status
from core import background
from programs.models import Material, Track

from .conftest import NANSHA, make_org, open_call, pdf_upload, valid_draft


def test_submit_queues_the_pdf_off_the_request(guides_loaded, client, applicant, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker: the embedded default
    settings.BACKGROUND_TASKS_INLINE = False
    from applications import services

    track = Track.objects.select_related("program").get(program__code=NANSHA)
    open_call(track.program)
    material = Material.objects.create(track=track, seq=1, title="项目申报书", required=True)
    org = make_org(applicant, name="广州南沙后台渲染科技有限公司")
    application = services.application_start(actor=applicant, track=track, organisation=org)
    services.material_upload(actor=applicant, application=application, material=material, uploaded_file=pdf_upload())
    client.force_login(applicant)
    with background.held():
        response = client.post(reverse("applications:edit", args=[application.pk]),
                               dict(valid_draft(track), action="submit"))
        assert response.status_code == 302
        during = Application.objects.get(pk=application.pk)
        # The request has answered; the PDF is queued, not made.
        assert during.status == Status.SUBMITTED and during.pdf_status == PdfStatus.PENDING
        assert not during.pdf_file
        status = client.get(reverse("applications:pdf_status", args=[application.pk])).json()
        assert status["status"] == PdfStatus.PENDING
    assert background.wait(timeout=60)
    done = Application.objects.get(pk=application.pk)
    assert done.pdf_status == PdfStatus.READY and done.pdf_version == 1
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(done.pdf_file.read())).pages)
    assert "南沙新能源电池高价值专利组合培育" in text and done.reference in text
    assert client.get(reverse("applications:pdf_status", args=[application.pk])).json()["status"] == PdfStatus.READY


@pytest.mark.django_db
def test_background_inline_setting_runs_the_job_in_the_caller(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.BACKGROUND_TASKS_INLINE = True
    seen = []

    def job(**kwargs):
        seen.append(kwargs)

    background.run_later(job, application_id=1, version=2)
    assert seen == [{"application_id": 1, "version": 2}]
