"""Acceptance you can read: the project page lists every file the unit submitted (signed contract, each acceptance
request's final report and final accounts, each KPI report's evidence) with links through the permission-checked
views; officers (admins are officers) and the unit's members download them, everyone else gets 404."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milestones.models import Acceptance, KpiEvidence
from milestones.services import contract_record, report_submit
from organisations.models import Membership

from .conftest import open_project, unit_member

pytestmark = pytest.mark.django_db

CONTRACT = b"%PDF-1.4\n% contract signed by both parties\n%%EOF\n"
REPORT = b"%PDF-1.4\n% final report of the project\n%%EOF\n"
ACCOUNTS = b"%PDF-1.4\n% final accounts of the project\n%%EOF\n"
EVIDENCE = b"%PDF-1.4\n% patent certificate\n%%EOF\n"


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def submitted(officer, applicant):
    """A project whose unit (``applicant`` among its members) submitted a contract, evidence and an acceptance
    request. The request row is written directly: when a unit may request acceptance is other tests' business."""
    project = open_project(officer)
    Membership.objects.create(organisation=project.application.organisation, user=applicant)
    contract_record(actor=officer, project=project, signed_on=dt.date(2024, 9, 10),
                    signed_file=_upload("合同.pdf", CONTRACT))
    report = project.reports.order_by("seq").first()
    report_submit(actor=unit_member(project), report=report, values={}, narrative="中期进展",
                  evidence=[_upload("专利证书.pdf", EVIDENCE)])
    acceptance = Acceptance(project=project, seq=1, requested_by=unit_member(project))
    acceptance.final_report.save("结题报告.pdf", ContentFile(REPORT), save=False)
    acceptance.final_accounts.save("决算.pdf", ContentFile(ACCOUNTS), save=False)
    acceptance.save()
    return project


def _links(client, project) -> dict[str, str]:
    html = client.get(reverse("milestones:project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    section = re.search(r'<section id="submitted-files".*?</section>', html.content.decode(), re.S)
    assert section, "the project page lists the submitted files"
    return dict(re.findall(r'<a href="([^"]+)"[^>]*data-file="([^"]+)"', section.group(0)))


def _bytes(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_project_files_listed_for_the_officer_with_every_submitted_file(client, submitted, officer):
    client.force_login(officer)
    links = {kind: url for url, kind in _links(client, submitted).items()}
    evidence = submitted.reports.order_by("seq").first().evidence.get()
    assert set(links) == {"contract", "final_report-1", "final_accounts-1", f"evidence-{evidence.pk}"}
    page = client.get(reverse("milestones:project", args=[submitted.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "已提交的材料" in text and "结题报告（第 1 次验收申请）" in text
    assert "财务决算报告（第 1 次验收申请）" in text
    assert "佐证材料（中期报告）" in text and "专利证书.pdf" in text and "2024-09-10" in text
    expected = {"contract": CONTRACT, "final_report-1": REPORT, "final_accounts-1": ACCOUNTS}
    for kind, url in links.items():
        assert _bytes(client.get(url)) == expected.get(kind, EVIDENCE), kind


@pytest.mark.parametrize("role", ["applicant", "officer", "admin"])
def test_project_files_downloaded_by_the_unit_and_officers(client, submitted, role, request):
    client.force_login(request.getfixturevalue(role))
    links = {kind: url for url, kind in _links(client, submitted).items()}
    assert len(links) == 4
    got = {kind: _bytes(client.get(url)) for kind, url in links.items()}
    assert got["contract"] == CONTRACT and got["final_report-1"] == REPORT and got["final_accounts-1"] == ACCOUNTS
    assert [v for k, v in got.items() if k.startswith("evidence-")] == [EVIDENCE]


@pytest.mark.parametrize("role", ["other_applicant", "reviewer"])
def test_project_files_are_404_for_everyone_else(client, submitted, officer, role, request):
    client.force_login(officer)
    urls = list(_links(client, submitted))
    client.force_login(request.getfixturevalue(role))
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_project_files_unknown_acceptance_or_kind_is_404(client, submitted, applicant):
    client.force_login(applicant)
    assert client.get(reverse("milestones:acceptance_file", args=[submitted.pk, 2, "final_report"])
                      ).status_code == 404
    assert client.get(reverse("milestones:acceptance_file", args=[submitted.pk, 1, "conclusion"])
                      ).status_code == 404


def test_project_files_page_queries_do_not_grow_with_files(client, submitted, officer):
    client.force_login(officer)
    url = reverse("milestones:project", args=[submitted.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    report = submitted.reports.order_by("seq").first()
    for n in range(3):
        item = KpiEvidence(report=report, original_name=f"证明{n}.pdf")
        item.file.save(f"证明{n}.pdf", ContentFile(EVIDENCE), save=True)
    second = Acceptance(project=submitted, seq=2, requested_by=officer)
    second.final_report.save("r2.pdf", ContentFile(REPORT), save=False)
    second.final_accounts.save("a2.pdf", ContentFile(ACCOUNTS), save=False)
    second.save()
    with CaptureQueriesContext(connection) as after:
        links = _links(client, submitted)
    assert len(links) == 4 + 3 + 2
    assert len(after) == len(before)
