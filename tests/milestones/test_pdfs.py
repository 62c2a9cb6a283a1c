"""The task book (任务书) rendered in the background when the project opens, and the acceptance conclusion."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from milestones.models import PdfStatus
from tests.milestones.conftest import ready_for_acceptance

from .conftest import open_project, pdf, unit_member

pytestmark = pytest.mark.django_db

FANGCHENGGANG = "fangchenggang-2022-ip-projects"


def text_of(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_task_book_is_rendered_after_commit_with_kpis_groups_and_tranches(officer, client, inline_tasks,
                                                                          django_capture_on_commit_callbacks):
    from applications.models import ApplicationVersion

    with django_capture_on_commit_callbacks(execute=True):
        project = open_project(officer, program=FANGCHENGGANG, code="6", award="200000")
        kpi = project.application.track.kpis.get(metric="培育专利")
        version = ApplicationVersion.objects.get(application=project.application)
        version.snapshot["kpis"] = {str(kpi.pk): ["25", ""]}
        version.snapshot["budget"] = [{"item": "专利挖掘", "source": "grant", "amount": "120000"}]
        version.save(update_fields=["snapshot"])
    project.refresh_from_db()
    assert project.task_book_status == PdfStatus.READY
    client.force_login(unit_member(project))
    response = client.get(reverse("milestones:task_book", args=[project.pk]))
    text = text_of(b"".join(response.streaming_content))
    assert "任务书" in text and project.application.organisation.name in text
    assert "培育专利" in text and "25" in text  # the committed value
    assert "至少" in text  # the KPI group (新增专利质押融资额 / 新增专利产品产值, one of two)
    assert "专利挖掘" in text and "120,000.00" in text
    assert "200,000.00" in text


def test_task_book_waits_for_the_commit(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project = open_project(officer)
    project.refresh_from_db()
    assert project.task_book_status == PdfStatus.PENDING and not project.task_book and len(callbacks) == 1


def test_acceptance_conclusion_pdf_names_outcome_and_deadline(officer, client, inline_tasks,
                                                              django_capture_on_commit_callbacks):
    from milestones.services import acceptance_record, acceptance_request

    project = open_project(officer)
    unit = unit_member(project)
    ready_for_acceptance(project)
    acceptance_request(actor=unit, project=project, final_report=pdf("r.pdf"), final_accounts=pdf("a.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        acceptance_record(actor=officer, project=project, outcome="failed", mode="on_site",
                          inspected_on=dt.date(2025, 9, 1), expert_opinion="专利布局未达到任务书要求")
    client.force_login(unit)
    response = client.get(reverse("milestones:conclusion", args=[project.pk, 1]))
    text = text_of(b"".join(response.streaming_content))
    assert "验收结论" in text and "不通过" in text and "2025年12月1日" in text and "专利布局未达到任务书要求" in text
