"""What the project steps accept (issue 15, items 19 and 21): uploaded files of the application materials' types
and size, free text within a limit the forms show with a counter, plausible dates, and no payment of a tranche of
a terminated project. Each refusal names the field and what is wrong; nothing is stored."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from audit.models import AuditEvent
from milestones import services
from milestones.models import Acceptance, KpiEvidence, ProjectState, ProjectTranche, ReportState, TrancheState
from tests.conftest import client_for
from tests.factories import pay_tranche
from tests.milestones.conftest import ready_for_acceptance

from .conftest import pdf, recorded_acceptance, unit_member

pytestmark = pytest.mark.django_db

BAD_FILES = [("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"), ("page.html", b"<html><script>alert(1)</script></html>"),
             ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')]

TWENTY_MB = 20 * 1024 * 1024


def _bad_uploads():
    yield from (SimpleUploadedFile(name, content) for name, content in BAD_FILES)
    yield SimpleUploadedFile("huge.pdf", b"%PDF-1.4\n" + b"0" * TWENTY_MB, content_type="application/pdf")


def _zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def _stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def _page(response) -> str:
    return response.content.decode()


# --- item 19: uploads ----------------------------------------------------------------------------------------------


def test_contract_upload_refuses_other_types_and_oversize(client, nansha_project, officer):
    client_for(client, officer)
    for upload in _bad_uploads():
        page = _page(client.post(reverse("milestones:contract", args=[nansha_project.pk]),
                                 {"signed_on": "2024-09-10", "signed_file": upload}, follow=True))
        assert _zh("Signed contract (PDF)") in page and upload.name in page, upload.name
        nansha_project.refresh_from_db()
        assert nansha_project.contract_signed_on is None and not nansha_project.contract_file
    assert "20 MB" in page  # the oversize refusal says the limit
    assert not _stored_files()
    assert not nansha_project.tranches.filter(state=TrancheState.DUE).exists()


@pytest.mark.parametrize("field, label", [("final_report", "Final report"), ("final_accounts", "Final accounts")])
def test_acceptance_request_uploads_refuse_other_types_and_oversize(client, nansha_project, unit, field, label):
    client_for(client, unit)
    for upload in _bad_uploads():
        data = {"final_report": pdf("report.pdf"), "final_accounts": pdf("accounts.pdf"), field: upload}
        page = _page(client.post(reverse("milestones:acceptance_request", args=[nansha_project.pk]), data,
                                 follow=True))
        assert _zh(label) in page and upload.name in page, upload.name
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.IN_PROGRESS and not Acceptance.objects.exists()
    assert not _stored_files()


def test_report_evidence_refuses_other_types_and_oversize(client, nansha_project, unit):
    report = nansha_project.reports.get(seq=1)
    client_for(client, unit)
    url = reverse("milestones:report", args=[nansha_project.pk, report.pk])
    for upload in _bad_uploads():
        page = _page(client.post(url, {"narrative": "中期进展", "evidence": [pdf("证明.pdf"), upload]}))
        assert _zh("Evidence files") in page and upload.name in page, upload.name
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED and not KpiEvidence.objects.exists()
    assert not _stored_files()


# --- item 21: text limits with a counter -----------------------------------------------------------------------------


def _requested(project):
    ready_for_acceptance(project)
    services.acceptance_request(actor=unit_member(project), project=project, final_report=pdf("report.pdf"),
                                final_accounts=pdf("accounts.pdf"))
    return project


def test_project_step_texts_refuse_more_than_their_limit(nansha_project, officer, unit):
    report = nansha_project.reports.get(seq=1)
    with pytest.raises(ValidationError) as narrative:
        services.report_submit(actor=unit, report=report, values={}, narrative="进" * 6_001)
    assert "6,000" in narrative.value.message_dict["narrative"][0]
    with pytest.raises(ValidationError) as comments:
        services.midterm_record(actor=officer, project=nansha_project, outcome="on_track",
                                checked_on=dt.date(2025, 3, 1), comments="意" * 2_001)
    assert "2,000" in comments.value.message_dict["comments"][0]
    _requested(nansha_project)
    with pytest.raises(ValidationError) as opinion:
        services.acceptance_record(actor=officer, project=nansha_project, outcome="passed", mode="on_site",
                                   inspected_on=dt.date(2025, 9, 1), expert_opinion="见" * 2_001)
    assert "2,000" in opinion.value.message_dict["expert_opinion"][0]
    with pytest.raises(ValidationError) as nul:
        services.acceptance_record(actor=officer, project=nansha_project, outcome="passed", mode="on_site",
                                   inspected_on=dt.date(2025, 9, 1), expert_opinion="达到\x00要求")
    assert "NUL" in nul.value.message_dict["expert_opinion"][0]
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTANCE_REQUESTED
    # the one mid-term check is the on-track check acceptance needed (ready_for_acceptance), not the refused one
    assert list(nansha_project.midterm_checks.values_list("comments", flat=True)) == [""]
    assert report.state == ReportState.SCHEDULED


def test_report_review_comments_refuse_more_than_their_limit(nansha_project, officer, unit):
    report = services.report_submit(actor=unit, report=nansha_project.reports.get(seq=1), values={},
                                    narrative="中期进展")
    with pytest.raises(ValidationError) as comments:
        services.report_review(actor=officer, report=report, accept=False, comments="改" * 2_001)
    assert "2,000" in comments.value.message_dict["comments"][0]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_project_forms_show_the_limit_with_a_counter(client, nansha_project, officer, unit):
    page = _page(client_for(client, unit).get(reverse("milestones:report", args=[
        nansha_project.pk, nansha_project.reports.get(seq=1).pk])))
    assert 'maxlength="6000"' in page and 'data-counter="id_narrative-count"' in page
    assert 'id="id_narrative-count"' in page and "js/charcount.js" in page
    _requested(nansha_project)
    page = _page(client_for(client, officer).get(reverse("milestones:project", args=[nansha_project.pk])))
    assert 'maxlength="2000"' in page and 'id="id_expert_opinion-count"' in page and "js/charcount.js" in page


# --- item 21: plausible dates ----------------------------------------------------------------------------------------


FUTURE, ANCIENT = dt.date(2099, 1, 1), dt.date(1900, 1, 1)


def _contract(project, officer, day):
    return services.contract_record(actor=officer, project=project, signed_on=day, signed_file=pdf())


def _release(project, officer, day):
    _contract(project, officer, dt.date(2024, 9, 10))
    return pay_tranche(actor=officer, tranche=project.tranches.get(seq=1), payment_reference="GK-1",
                                    released_on=day)


def _midterm(project, officer, day):
    return services.midterm_record(actor=officer, project=project, outcome="on_track", checked_on=day)


def _inspection(project, officer, day):
    return services.acceptance_record(actor=officer, project=_requested(project), outcome="passed",
                                      mode="on_site", inspected_on=day, expert_opinion="达到任务书要求")


def _report_due(project, officer, day):
    return services.report_add(actor=officer, project=project, due_on=day)


@pytest.mark.parametrize("step, field, label", [
    (_contract, "signed_on", "Contract signed on"), (_release, "released_on", "Paid on"),
    (_midterm, "checked_on", "Checked on"), (_inspection, "inspected_on", "Inspected on"),
    (_report_due, "due_on", "Due on")], ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("day", [FUTURE, ANCIENT], ids=["2099", "1900"])
def test_project_step_dates_must_be_plausible(nansha_project, officer, step, field, label, day):
    events = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        step(nansha_project, officer, day)
    message = refused.value.message_dict[field][0]
    assert label in message and day.isoformat() in message
    if step is _release:
        assert nansha_project.tranches.get(seq=1).state == TrancheState.DUE
        events += 2  # the contract and the tranche made due
    elif step is _inspection:
        events += 4  # the contract, its tranche made due, the mid-term check and the acceptance request
    assert AuditEvent.objects.count() == events


def test_rectification_deadline_must_follow_the_check(nansha_project, officer):
    with translation.override("en"), pytest.raises(ValidationError) as before:
        services.midterm_record(actor=officer, project=nansha_project, outcome="rectify",
                                checked_on=dt.date(2025, 3, 1), rectify_by=dt.date(2025, 2, 1))
    assert "2025-02-01" in before.value.message_dict["rectify_by"][0]
    with translation.override("en"), pytest.raises(ValidationError) as far:
        services.midterm_record(actor=officer, project=nansha_project, outcome="rectify",
                                checked_on=dt.date(2025, 3, 1), rectify_by=dt.date(2099, 1, 1))
    assert "2099-01-01" in far.value.message_dict["rectify_by"][0]
    assert not nansha_project.midterm_checks.exists()


# --- item 21: no payment for a terminated project ------------------------------------------------------------------


def test_due_tranche_of_a_terminated_project_is_not_released(client, nansha_project, officer):
    _contract(nansha_project, officer, dt.date(2024, 9, 10))
    recorded_acceptance(officer, nansha_project, outcome="failed")
    type(nansha_project).objects.filter(pk=nansha_project.pk).update(state=ProjectState.TERMINATED)
    tranche = nansha_project.tranches.get(seq=1)
    assert tranche.state == TrancheState.DUE
    with pytest.raises(ValidationError) as refused:
        pay_tranche(actor=officer, tranche=tranche, payment_reference="GK-1")
    assert refused.value.code == "project_ended"
    tranche = ProjectTranche.objects.get(pk=tranche.pk)
    assert tranche.state == TrancheState.DUE and tranche.released_amount is None
    assert not AuditEvent.objects.filter(action="release").exists()
    page = _page(client_for(client, officer).get(reverse("milestones:project", args=[nansha_project.pk])))
    assert reverse("milestones:release", args=[nansha_project.pk, 1]) not in page  # no button offered
