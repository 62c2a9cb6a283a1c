"""Projects and money are scoped to the officer's offices: the office's officers see and pay; another office's
officers get 404 and do not see the project in lists; the office above reads the project, its payments and
ledger and takes no step (no buttons, the services refuse, nothing changes, no audit row); the second person of a
payment must work for the office too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from milestones.models import TrancheState
from milestones.payments import tranche_confirm_payment, tranche_request_payment, tranche_steps
from milestones.services import contract_record, report_add
from tests.conftest import client_for
from tests.milestones.conftest import NANSHA, YUEXIU, open_project, pdf

from .conftest import officer_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def project(officer):
    project = open_project(officer)
    contract_record(actor=officer, project=project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    return project


def _tranche_events(tranche) -> int:
    return AuditEvent.objects.filter(object_id=str(tranche.pk), content_type__model="projecttranche").count()


def test_project_page_office_officer_sees_the_payment_step(client, nansha_officer, project):
    page = client_for(client, nansha_officer).get(reverse("milestones:project", args=[project.pk]))
    assert page.status_code == 200 and "data-release=" in page.content.decode()


def test_project_pages_and_files_another_office_gets_404(client, yuexiu_officer, project):
    client_for(client, yuexiu_officer)
    for url in (reverse("milestones:project", args=[project.pk]),
                reverse("milestones:contract_file", args=[project.pk]),
                reverse("milestones:task_book_status", args=[project.pk]),
                reverse("milestones:report", args=[project.pk, project.reports.first().pk]),
                reverse("milestones:ledger", args=[project.application.track.program_id]),
                reverse("milestones:fund_plan", args=[project.application.track.program_id]),
                reverse("milestones:completion", args=[project.application.track.program_id])):
        assert client.get(url).status_code == 404, url
    release = client.post(reverse("milestones:release", args=[project.pk, 1]), {"payment_reference": "GK-1"})
    assert release.status_code == 404
    assert project.tranches.get(seq=1).state == TrancheState.DUE


def test_project_list_shows_only_the_offices_projects(client, officer, nansha_officer, yuexiu_officer, gz_officer,
                                                      project):
    other = open_project(officer, program=YUEXIU, code="1")
    for user, expected in ((nansha_officer, {project.pk}), (yuexiu_officer, {other.pk}),
                           (gz_officer, {project.pk, other.pk})):
        page = client_for(client, user).get(reverse("milestones:projects"))
        assert {p.pk for p in page.context["page"]} == expected, user
        assert {p.code for p in page.context["programs"]} >= ({NANSHA} if project.pk in expected else set())
        if user == yuexiu_officer:
            assert NANSHA not in {p.code for p in page.context["programs"]}


def test_parent_office_reads_the_project_without_steps_and_the_services_refuse(client, gz_officer, project):
    tranche = project.tranches.get(seq=1)
    page = client_for(client, gz_officer).get(reverse("milestones:project", args=[project.pk]))
    assert page.status_code == 200 and "data-release=" not in page.content.decode()
    assert tranche_steps(project, tranche, gz_officer) == frozenset()
    before = _tranche_events(tranche)
    response = client.post(reverse("milestones:release", args=[project.pk, 1]), {"payment_reference": "GK-1"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        tranche_request_payment(actor=gz_officer, tranche=tranche, payment_reference="GK-1")
    with pytest.raises(PermissionDenied):
        report_add(actor=gz_officer, project=project, due_on=dt.date(2025, 3, 1))
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.DUE and _tranche_events(tranche) == before
    assert project.reports.count() == 2
    ledger = client.get(reverse("milestones:ledger", args=[project.application.track.program_id]))
    assert ledger.status_code == 200


def test_the_second_person_must_work_for_the_office_too(nansha_officer, yuexiu_officer, gz_officer, project):
    tranche = project.tranches.get(seq=1)
    tranche_request_payment(actor=nansha_officer, tranche=tranche, payment_reference="GK-2024-7")
    before = _tranche_events(tranche)
    for outsider in (yuexiu_officer, gz_officer):
        assert "confirm_payment" not in tranche_steps(project, tranche, outsider)
        with pytest.raises(PermissionDenied):
            tranche_confirm_payment(actor=outsider, tranche=tranche)
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.REQUESTED and _tranche_events(tranche) == before
    colleague = officer_of("gz-nansha", name="南沙复核人")
    assert "confirm_payment" in tranche_steps(project, tranche, colleague)
    assert tranche_confirm_payment(actor=colleague, tranche=tranche).state == TrancheState.RELEASED


def test_project_list_query_count_is_fixed_under_scoping_with_one_and_many_projects(client, officer, gz_officer):
    open_project(officer)
    url = reverse("milestones:projects")
    client_for(client, gz_officer).get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for code in ("1", "2", "3"):
        open_project(officer, program=YUEXIU, code=code, award="100000")
    open_project(officer, program="qingyuan-2023-ip-reserve-projects", code="1", award="100000")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(one)
    assert len(page.context["page"].object_list) == 4  # Guangzhou reads Nansha's and Yuexiu's, not Qingyuan's


def test_ledger_export_job_is_seen_only_by_who_may_read_the_program(client, nansha_officer, project,
                                                                     django_capture_on_commit_callbacks):
    from jobs import services as job_services
    from milestones.jobs import LEDGER_XLSX
    from offices.models import OfficeMembership

    program = project.application.track.program
    yuexiu = officer_of("gz-yuexiu")
    with pytest.raises(PermissionDenied):
        job_services.job_request(actor=yuexiu, kind=LEDGER_XLSX, target=program)
    with django_capture_on_commit_callbacks(execute=False):
        job = job_services.job_request(actor=nansha_officer, kind=LEDGER_XLSX, target=program)
    url = reverse("jobs:status", args=[job.pk])
    assert client_for(client, nansha_officer).get(url).status_code == 200
    OfficeMembership.objects.filter(user=nansha_officer).update(office_id="gz-yuexiu")  # moved to another office
    assert client.get(url).status_code == 404
