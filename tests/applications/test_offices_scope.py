"""Offices (issue 19): an officer sees the applications of its offices' programs (and of the offices below that let
it read), answers 404 for another office's, and takes formal-review steps only in the offices it works for."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Application, PdfStatus, Status
from applications.selectors import officer_queue, queue_search
from audit.models import AuditEvent
from tests import office_officers

from .conftest import decide_all
from .test_queue import QUEUE_QUERIES, copies

pytestmark = pytest.mark.django_db
nansha_officer, yuexiu_officer, gz_officer, province_officer = (
    office_officers.nansha_officer, office_officers.yuexiu_officer, office_officers.gz_officer,
    office_officers.province_officer)


def queue_refs(client, user, query: str = "") -> set[str]:
    client.force_login(user)
    response = client.get(reverse("applications:officer_queue") + query)
    assert response.status_code == 200
    return {row.reference for row in response.context["page"].object_list}


def queries(client, user, url: str) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queue_shows_only_the_programs_of_the_officers_offices(client, submitted, nansha_officer, yuexiu_officer,
                                                               gz_officer, province_officer):
    assert queue_refs(client, nansha_officer) == {submitted.reference}
    assert queue_refs(client, gz_officer) == {submitted.reference}  # the parent office reads
    assert queue_refs(client, province_officer) == {submitted.reference}  # two levels up, every level lets it read
    assert queue_refs(client, yuexiu_officer) == set()
    # The filter offers only the officer's programs, and a Nansha track in the URL finds nothing for Yuexiu.
    programs = dict(client.get(reverse("applications:officer_queue")).context["filter"].form.fields["program"].choices)
    assert submitted.track.program_id not in programs
    assert queue_refs(client, yuexiu_officer, f"?q={submitted.reference}") == set()


def test_queue_parent_reads_only_while_every_office_on_the_way_lets_it(client, submitted, gz_officer,
                                                                         province_officer):
    from offices.models import Office

    Office.objects.filter(code="gz").update(parent_reads=False)  # Guangzhou keeps its districts from the province
    assert queue_refs(client, gz_officer) == {submitted.reference}
    assert queue_refs(client, province_officer) == set()


def test_queue_search_selector_is_scoped(submitted, yuexiu_officer, nansha_officer):
    assert not queue_search(officer_queue(yuexiu_officer), submitted.reference).exists()
    assert list(queue_search(officer_queue(nansha_officer), submitted.reference)) == [submitted]


def test_queue_scoped_officer_runs_the_same_queries_with_one_and_many_rows(client, submitted, officer,
                                                                           nansha_officer):
    url = reverse("applications:officer_queue")
    one = queries(client, nansha_officer, url)
    assert one == QUEUE_QUERIES == queries(client, officer, url)
    copies(submitted, 40)
    assert queries(client, nansha_officer, url) == one
    assert len(client.get(url).context["page"]) == 25


def test_detail_officer_of_the_office_sees_steps_another_office_404_parent_reads_without_steps(
    client, submitted, nansha_officer, yuexiu_officer, gz_officer
):
    url = reverse("applications:detail", args=[submitted.pk])
    client.force_login(nansha_officer)
    response = client.get(url)
    assert [t.name for t in response.context["steps"]] == ["return", "pass", "refuse"]
    assert response.context["can_decide"]
    client.force_login(yuexiu_officer)
    assert client.get(url).status_code == 404
    client.force_login(gz_officer)
    response = client.get(url)
    assert response.status_code == 200 and submitted.reference in response.content.decode()
    assert response.context["steps"] == [] and not response.context["can_decide"]
    assert reverse("applications:decide", args=[submitted.pk, "return"]) not in response.content.decode()


def test_detail_query_count_is_the_same_for_a_scoped_officer(client, submitted, officer, admin, nansha_officer,
                                                             gz_officer):
    url = reverse("applications:detail", args=[submitted.pk])
    counts = {queries(client, user, url) for user in (officer, nansha_officer, gz_officer)}
    assert len(counts) == 1, counts


def test_decide_parent_office_refused_other_office_404_nothing_changes(client, submitted, yuexiu_officer,
                                                                      gz_officer):
    url = reverse("applications:decide", args=[submitted.pk, "return"])
    client.force_login(gz_officer)
    assert client.post(url, {"reason": "请补充"}).status_code == 403
    client.force_login(yuexiu_officer)
    assert client.post(url, {"reason": "请补充"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(object_id=str(submitted.pk), action="return").exists()


def test_decide_officer_of_the_office_returns(client, submitted, nansha_officer):
    client.force_login(nansha_officer)
    client.post(reverse("applications:decide", args=[submitted.pk, "return"]), {"reason": "请补充"})
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    assert AuditEvent.objects.get(object_id=str(submitted.pk), action="return").actor == nansha_officer


@pytest.mark.parametrize("who", ["gz_officer", "yuexiu_officer", "province_officer"])
def test_formal_review_services_refuse_officers_who_do_not_work_for_the_office(request, submitted, nansha_officer,
                                                                              who):
    outsider = request.getfixturevalue(who)
    for step in (services.application_return, services.application_refuse):
        with pytest.raises(PermissionDenied):
            step(actor=outsider, application=submitted, reason="不符合")
    decide_all(nansha_officer, submitted)
    with pytest.raises(PermissionDenied):
        services.application_pass(actor=outsider, application=submitted)
    with pytest.raises(PermissionDenied):
        services.application_conclude(actor=outsider, application=submitted, step="reopen")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(object_id=str(submitted.pk), actor=outsider).exists()
    services.application_pass(actor=nansha_officer, application=submitted)
    assert Application.objects.get(pk=submitted.pk).status == Status.PASSED


def test_condition_decide_refused_for_the_parent_office(client, submitted, gz_officer):
    from applications.selectors import conditions_to_decide

    rule_id = int(conditions_to_decide(submitted)[0]["rule_id"])
    with pytest.raises(PermissionDenied):
        services.condition_decide(actor=gz_officer, application=submitted, rule_id=rule_id, decision="met")
    assert not submitted.condition_decisions.exists()


def test_files_other_office_404_parent_office_reads(client, submitted, nansha_officer, yuexiu_officer, gz_officer):
    services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    upload = submitted.uploads.get()
    urls = [reverse("applications:material_download", args=[submitted.pk, upload.pk]),
            reverse("applications:pdf", args=[submitted.pk]), reverse("applications:pdf_status", args=[submitted.pk])]
    for url in urls:
        client.force_login(yuexiu_officer)
        assert client.get(url).status_code == 404, url
        for reader in (nansha_officer, gz_officer):
            client.force_login(reader)
            response = client.get(url)
            assert response.status_code == 200, url
            if url != urls[-1]:
                assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_pdf_retry_is_a_step_the_parent_office_does_not_take(client, submitted, gz_officer, nansha_officer):
    Application.objects.filter(pk=submitted.pk).update(pdf_status=PdfStatus.FAILED)
    url = reverse("applications:pdf_retry", args=[submitted.pk])
    client.force_login(gz_officer)
    client.post(url)
    assert Application.objects.get(pk=submitted.pk).pdf_status == PdfStatus.FAILED
    assert not AuditEvent.objects.filter(object_id=str(submitted.pk), action="retry_pdf").exists()
    client.force_login(nansha_officer)
    client.post(url)
    assert AuditEvent.objects.get(object_id=str(submitted.pk), action="retry_pdf").actor == nansha_officer
