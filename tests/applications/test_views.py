import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, PdfStatus, Status
from organisations.models import FinancialYear

from .conftest import make_org, pdf_upload, valid_draft, valid_submission

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- who sees what ----------------------------------------------------------------------------

PAGES = ["applications:detail", "applications:edit", "applications:check", "applications:materials",
         "applications:pdf_status"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["other_applicant", "reviewer"])
def test_application_pages_404_for_outsiders(client, request, draft, name, role):
    login(client, request.getfixturevalue(role))
    assert client.get(reverse(name, args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_application_pages_anonymous_redirected_to_login(client, draft, name):
    response = client.get(reverse(name, args=[draft.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_application_draft_hidden_from_officers(client, officer, draft):
    login(client, officer)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_application_detail_for_member_shows_history(client, applicant, submitted):
    body = login(client, applicant).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert submitted.reference in body and "南沙新能源电池高价值专利组合培育" in body
    assert reverse("applications:versions", args=[submitted.pk]) not in body  # one version only
    assert submitted.versions.count() == 1


def test_application_detail_for_officer_offers_the_review_steps(client, officer, submitted):
    body = login(client, officer).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    for step in ("return", "pass", "refuse"):
        assert reverse("applications:decide", args=[submitted.pk, step]) in body


def test_material_download_only_for_members_and_officers(client, applicant, other_applicant, officer, reviewer,
                                                        submitted):
    upload = submitted.uploads.get()
    url = reverse("applications:material_download", args=[submitted.pk, upload.pk])
    response = login(client, applicant).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(client, officer).get(url).status_code == 200
    for outsider in (other_applicant, reviewer):
        assert login(client, outsider).get(url).status_code == 404


def test_material_not_served_from_a_public_media_url(client, applicant, submitted, settings):
    upload = submitted.uploads.get()
    login(client, applicant)
    assert client.get(settings.MEDIA_URL + upload.file.name).status_code == 404
    assert client.get("/media/" + upload.file.name).status_code == 404


def test_pdf_download_for_member_officer_and_404_for_others(client, applicant, other_applicant, officer, submitted):
    services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    url = reverse("applications:pdf", args=[submitted.pk])
    for user in (applicant, officer):
        response = login(client, user).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(client, other_applicant).get(url).status_code == 404


def test_pdf_status_reports_pending_then_ready(client, applicant, submitted):
    login(client, applicant)
    url = reverse("applications:pdf_status", args=[submitted.pk])
    assert client.get(url).json()["status"] == PdfStatus.PENDING
    services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    assert client.get(url).json()["status"] == PdfStatus.READY


# --- the applicant's work ---------------------------------------------------------------------


def test_start_page_and_start(client, applicant, org, nansha):
    login(client, applicant)
    assert org.name in client.get(reverse("applications:start", args=[nansha.pk])).content.decode()
    response = client.post(reverse("applications:start", args=[nansha.pk]), {"organisation": org.pk})
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:edit", args=[application.pk])


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_start_404_for_non_applicants(client, request, role, nansha):
    assert login(client, request.getfixturevalue(role)).get(
        reverse("applications:start", args=[nansha.pk])).status_code == 404


def test_start_cannot_use_another_applicants_organisation(client, other_applicant, org, other_org, nansha):
    login(client, other_applicant)
    response = client.post(reverse("applications:start", args=[nansha.pk]), {"organisation": org.pk})
    assert response.status_code == 200 and not Application.objects.exists()


def test_autosave_keeps_what_was_typed(client, applicant, draft):
    login(client, applicant)
    data = dict(draft.draft, title="自动保存的标题", requested_amount="三十万")
    response = client.post(reverse("applications:autosave", args=[draft.pk]), data)
    assert response.json()["saved"] is True
    draft.refresh_from_db()
    assert draft.draft["title"] == "自动保存的标题" and draft.draft["requested_amount"] == "三十万"


def test_autosave_404_for_other_applicant(client, other_applicant, draft):
    login(client, other_applicant)
    response = client.post(reverse("applications:autosave", args=[draft.pk]), {"title": "hijack"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != "hijack"


def test_edit_page_renders_the_draft_and_kpi_targets(client, applicant, draft, nansha):
    body = login(client, applicant).get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert 'value="南沙新能源电池高价值专利组合培育"' in body
    assert "≥ 15 件" in body or "≥ 15" in body


def test_draft_survives_a_failed_submit(client, applicant, draft):
    login(client, applicant)
    data = dict(valid_draft(draft.track), title="我的项目", requested_amount="abc", action="submit")
    response = client.post(reverse("applications:edit", args=[draft.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="我的项目"' in body and 'value="abc"' in body  # what was typed is shown again
    assert 'id="error_1_id_requested_amount"' in body or "is-invalid" in body
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.draft["title"] == "我的项目"
    assert draft.draft["requested_amount"] == "abc"


def test_submit_through_the_form(client, applicant, ready_draft):
    login(client, applicant)
    data = dict(valid_draft(ready_draft.track), action="submit")
    response = client.post(reverse("applications:edit", args=[ready_draft.pk]), data)
    assert response.status_code == 302
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.SUBMITTED and ready_draft.version == 1


def test_submit_with_kpi_below_target_names_the_field(client, applicant, ready_draft):
    login(client, applicant)
    data = dict(valid_draft(ready_draft.track), action="submit")
    kpi = ready_draft.track.kpis.get(target=15)
    data[f"kpi_{kpi.pk}"] = "10"
    body = client.post(reverse("applications:edit", args=[ready_draft.pk]), data).content.decode()
    assert f'id="id_kpi_{kpi.pk}"' in body and "is-invalid" in body
    assert Application.objects.get(pk=ready_draft.pk).status == Status.DRAFT


def test_check_page_explains_a_failing_rd_rule(client, applicant, draft, org):
    FinancialYear.objects.filter(organisation=org).update(rd_spend="210000")
    body = login(client, applicant).get(reverse("applications:check", args=[draft.pk])).content.decode()
    assert "2.1 %" in body and "3 %" in body
    assert "近三年研发投入占销售收入的比例原则上不低于3%" in body
    assert 'value="submit"' not in body  # cannot submit while a rule fails


def test_check_page_offers_submit_when_complete(client, applicant, ready_draft):
    body = login(client, applicant).get(reverse("applications:check", args=[ready_draft.pk])).content.decode()
    assert 'value="submit"' in body


def test_materials_page_refuses_wrong_type_with_message(client, applicant, draft, nansha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, applicant)
    material = nansha.materials.get(seq=1)
    response = client.post(reverse("applications:materials", args=[draft.pk]),
                           {"material": material.pk, "file": SimpleUploadedFile("a.exe", b"MZ")})
    assert response.status_code == 200 and "a.exe" in response.content.decode()
    assert not draft.uploads.exists()
    response = client.post(reverse("applications:materials", args=[draft.pk]),
                           {"material": material.pk, "file": pdf_upload()})
    assert response.status_code == 302 and draft.uploads.count() == 1


def test_withdraw_through_the_page(client, applicant, submitted):
    login(client, applicant).post(reverse("applications:withdraw", args=[submitted.pk]), {"reason": "不再申报"})
    assert Application.objects.get(pk=submitted.pk).status == Status.WITHDRAWN


# --- the officer's work -----------------------------------------------------------------------


def test_decide_return_pass_and_refusal_without_reason(client, officer, submitted):
    login(client, officer)
    client.post(reverse("applications:decide", args=[submitted.pk, "return"]), {"reason": ""})
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED  # a return needs a reason
    client.post(reverse("applications:decide", args=[submitted.pk, "return"]), {"reason": "补充材料"})
    assert Application.objects.get(pk=submitted.pk).status == Status.RETURNED


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer"])
def test_decide_404_for_non_officers(client, request, role, submitted):
    login(client, request.getfixturevalue(role))
    assert client.post(reverse("applications:decide", args=[submitted.pk, "pass"])).status_code == 404
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_version_diff_shows_changes(client, applicant, officer, submitted, nansha):
    services.application_return(actor=officer, application=submitted, reason="改标题")
    data = valid_submission(nansha)
    data.title = "第二版标题"
    services.application_resubmit(actor=applicant, application=Application.objects.get(pk=submitted.pk), data=data)
    body = login(client, officer).get(reverse("applications:versions", args=[submitted.pk])).content.decode()
    assert "第二版标题" in body and "南沙新能源电池高价值专利组合培育" in body


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_queue_404_for_non_officers(client, request, role):
    assert login(client, request.getfixturevalue(role)).get(reverse("applications:officer_queue")).status_code == 404


def test_queue_filters_and_shows_verdict_and_completeness(client, officer, submitted):
    login(client, officer)
    response = client.get(reverse("applications:officer_queue"), {"status": "submitted", "eligibility": "officer"})
    rows = list(response.context["page"])
    assert rows == [submitted] and rows[0].uploaded_count == rows[0].required_count == 1
    response = client.get(reverse("applications:officer_queue"), {"eligibility": "fail"})
    assert list(response.context["page"]) == []


def _submit_many(applicant, nansha, n):
    org = make_org(applicant)
    for _ in range(n):
        app = services.application_start(actor=applicant, track=nansha, organisation=org)
        services.application_save_draft(actor=applicant, application=app, data=valid_draft(nansha))
        services.material_upload(actor=applicant, application=app, material=nansha.materials.get(seq=1),
                                 uploaded_file=pdf_upload())
        services.application_submit(actor=applicant, application=app, data=valid_submission(nansha))


@pytest.mark.parametrize("url_name", ["applications:officer_queue", "applications:mine"])
def test_lists_run_a_fixed_number_of_queries(client, applicant, officer, nansha, url_name,
                                             django_assert_num_queries, django_assert_max_num_queries):
    user = officer if url_name.endswith("queue") else applicant
    login(client, user)
    _submit_many(applicant, nansha, 1)
    client.get(reverse(url_name))  # warm the session and caches
    with django_assert_max_num_queries(20) as one:
        client.get(reverse(url_name))
    _submit_many(applicant, nansha, 29)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse(url_name))
    assert response.context["page"].paginator.count == 30


@pytest.mark.parametrize("name", ["applications:edit", "applications:check", "applications:materials"])
def test_applicant_work_pages_404_for_officers(client, officer, submitted, name):
    assert login(client, officer).get(reverse(name, args=[submitted.pk])).status_code == 404


@pytest.mark.parametrize("role", ["officer", "reviewer", "admin"])
def test_my_applications_404_for_non_applicants(client, request, role):
    assert login(client, request.getfixturevalue(role)).get(reverse("applications:mine")).status_code == 404


def test_my_applications_lists_only_my_organisations(client, applicant, other_applicant, draft, other_org, nansha):
    services.application_start(actor=other_applicant, track=nansha, organisation=other_org)
    page = login(client, applicant).get(reverse("applications:mine")).context["page"]
    assert [a.pk for a in page] == [draft.pk]


def test_applicant_sees_the_refusal_reason(client, applicant, officer, submitted):
    services.application_refuse(actor=officer, application=submitted, reason="申报单位不在南沙区")
    body = login(client, applicant).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "申报单位不在南沙区" in body and "alert-danger" in body
