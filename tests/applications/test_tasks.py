"""The application PDF is made by a Celery task queued on commit: on the real broker in CI."""

import io
import time

import pytest
from pypdf import PdfReader

from applications import services
from applications.models import Application, PdfStatus
from organisations.models import Organisation

from .conftest import make_org, open_call, pdf_upload, valid_draft, valid_submission


def wait_for_pdf(pk: int, seconds: float = 60) -> Application:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        application = Application.objects.get(pk=pk)
        if application.pdf_status in (PdfStatus.READY, PdfStatus.FAILED):
            return application
        time.sleep(0.2)
    pytest.fail("the PDF task did not finish")


def test_generate_application_pdf_runs_on_commit_through_celery(guides_loaded, celery_worker_thread, applicant):
    from programs.models import Material, Track

    track = Track.objects.select_related("program").get(program__code="nansha-2024-high-value-patent-center")
    open_call(track.program)
    material = Material.objects.create(track=track, seq=1, title="项目申报书", required=True)
    org = make_org(applicant, name="广州南沙芯能科技有限公司")
    application = services.application_start(actor=applicant, track=track, organisation=org)
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))
    services.material_upload(actor=applicant, application=application, material=material, uploaded_file=pdf_upload())
    services.application_submit(actor=applicant, application=application, data=valid_submission(track))

    done = wait_for_pdf(application.pk)
    assert done.pdf_status == PdfStatus.READY and done.pdf_version == 1
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(done.pdf_file.read())).pages)
    assert "南沙新能源电池高价值专利组合培育" in text
    assert Organisation.objects.get(pk=org.pk).name in text
    assert done.reference in text
