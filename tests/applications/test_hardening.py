"""Bad input never answers 500, never vanishes silently, and never loses the rest of the draft."""

import pytest
from django.contrib import messages
from django.urls import reverse

from applications import services
from applications.inputs import MAX_BUDGET_LINES, PLAN_MAX_CHARS
from applications.models import Application, Status
from audit.models import AuditEvent

from .conftest import pdf_upload, valid_draft

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def events(application, action):
    return AuditEvent.objects.filter(object_id=str(application.pk), action=action)


# --- NUL characters ----------------------------------------------------------------------------


def test_autosave_strips_nul_and_keeps_the_rest(client, applicant, draft, nansha):
    data = {**valid_draft(nansha), "title": "标题\x00含空字符", "plan": "第一段\x00\n第二段"}
    response = login(client, applicant).post(reverse("applications:autosave", args=[draft.pk]), data)
    assert response.status_code == 200 and response.json()["saved"] is True
    assert response.json()["notes"]  # the applicant is told what was removed
    draft.refresh_from_db()
    assert draft.draft["title"] == "标题含空字符" and draft.draft["plan"] == "第一段\n第二段"
    assert draft.draft["budget-1-amount"] == "100000"


def test_save_strips_nul_in_a_row_field_and_in_a_key(client, applicant, draft, nansha):
    data = {**valid_draft(nansha), "partners-0-role": "专利\x00挖掘", "x\x00": "y", "action": "save"}
    response = login(client, applicant).post(reverse("applications:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.draft["partners-0-role"] == "专利挖掘" and "x\x00" not in draft.draft
    assert "控制字符" in response.content.decode() or "control characters" in response.content.decode()


def test_submit_with_nul_submits_the_cleaned_text(client, applicant, ready_draft, nansha):
    data = {**valid_draft(nansha), "title": "南沙\x00项目", "action": "submit"}
    response = login(client, applicant).post(reverse("applications:edit", args=[ready_draft.pk]), data)
    assert response.status_code == 302
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.SUBMITTED
    assert ready_draft.versions.get().snapshot["title"] == "南沙项目"


# --- bounded rows --------------------------------------------------------------------------------


def test_autosave_huge_total_forms_is_bounded(client, applicant, draft, nansha):
    data = {**valid_draft(nansha), "budget-TOTAL_FORMS": "20000", "partners-TOTAL_FORMS": "20000",
            "budget-25000-item": "越界行"}
    response = login(client, applicant).post(reverse("applications:autosave", args=[draft.pk]), data)
    assert response.status_code == 200 and len(response.json()["notes"]) == 2
    draft.refresh_from_db()
    assert draft.draft["budget-TOTAL_FORMS"] == str(MAX_BUDGET_LINES)
    assert int(draft.draft["partners-TOTAL_FORMS"]) == services.row_limits(nansha)["partners"]
    assert "budget-25000-item" not in draft.draft and draft.draft["budget-0-item"] == "专利申请与代理费"
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert page.count('name="budget-') <= 3 * MAX_BUDGET_LINES + 4  # item, source, amount + management


def test_edit_page_bounds_rows_of_an_old_draft(client, applicant, draft):
    Application.objects.filter(pk=draft.pk).update(draft={**draft.draft, "budget-TOTAL_FORMS": "20000"})
    page = login(client, applicant).get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert f'name="budget-{MAX_BUDGET_LINES}-item"' not in page
    assert f'name="budget-{MAX_BUDGET_LINES - 1}-item"' in page


# --- plan size -----------------------------------------------------------------------------------


def test_autosave_refuses_a_plan_over_the_limit_and_keeps_the_saved_draft(client, applicant, draft, nansha):
    data = {**valid_draft(nansha), "plan": "字" * (PLAN_MAX_CHARS + 1)}
    response = login(client, applicant).post(reverse("applications:autosave", args=[draft.pk]), data)
    assert response.status_code == 409 and str(PLAN_MAX_CHARS) in response.json()["error"]
    draft.refresh_from_db()
    assert draft.draft["plan"] == valid_draft(nansha)["plan"]


def test_save_refuses_a_5mb_plan_and_shows_what_was_typed(client, applicant, draft, nansha):
    data = {**valid_draft(nansha), "plan": "x" * (5 * 1024 * 1024), "title": "新标题", "action": "save"}
    response = login(client, applicant).post(reverse("applications:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "新标题" in body  # shown again, not lost
    draft.refresh_from_db()
    assert draft.draft["title"] == valid_draft(nansha)["title"]


def test_edit_page_states_the_plan_limit_and_counts(client, applicant, draft):
    body = login(client, applicant).get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert f'maxlength="{PLAN_MAX_CHARS}"' in body and 'id="plan-count"' in body and "charcount.js" in body
    assert f"{PLAN_MAX_CHARS:,}" in body


# --- uploads and URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize("material", ["", "abc", "99999999", "1\x00"])
def test_upload_with_a_bad_material_id_says_so(client, applicant, draft, material):
    response = login(client, applicant).post(reverse("applications:materials", args=[draft.pk]),
                                             {"material": material, "file": pdf_upload()})
    assert response.status_code == 200
    assert "Choose which material" in response.content.decode() or "请选择" in response.content.decode()
    assert not draft.uploads.exists()


def test_upload_without_material_field_says_so(client, applicant, draft):
    response = login(client, applicant).post(reverse("applications:materials", args=[draft.pk]),
                                             {"file": pdf_upload()})
    assert response.status_code == 200 and not draft.uploads.exists()


@pytest.mark.parametrize("path", ["/programs/nansha-2024-high-value-patent-center/%00/", "/programs/%00/",
                                  "/programs/nansha-2024-high-value-patent-center/1%00/"])
def test_program_urls_with_nul_are_404(client, path):
    assert client.get(path).status_code == 404


# --- withdraw reason -------------------------------------------------------------------------------


def test_withdraw_reason_over_500_refused_and_nothing_changes(client, applicant, submitted):
    response = login(client, applicant).post(reverse("applications:withdraw", args=[submitted.pk]),
                                             {"reason": "因" * 501})
    assert response.status_code == 200
    assert "500" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and not events(submitted, "withdraw").exists()


def test_withdraw_service_refuses_a_long_reason(applicant, submitted):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.application_withdraw(actor=applicant, application=submitted, reason="因" * 501)
    assert "reason" in exc.value.message_dict
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_withdraw_reason_of_500_is_kept(client, applicant, submitted):
    login(client, applicant).post(reverse("applications:withdraw", args=[submitted.pk]), {"reason": "因" * 500})
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN and events(submitted, "withdraw").get().reason == "因" * 500


# --- a submit after the submission ---------------------------------------------------------------


def test_second_submit_answers_already_submitted(client, applicant, ready_draft, nansha):
    url = reverse("applications:edit", args=[ready_draft.pk])
    login(client, applicant)
    data = {**valid_draft(nansha), "action": "submit"}
    assert client.post(url, data, follow=True).redirect_chain  # submitted; its message shown
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[ready_draft.pk])
    shown = list(response.context["messages"])
    assert [m.level for m in shown] == [messages.INFO] and "1" in str(shown[0])
    assert ready_draft.versions.count() == 1 and events(ready_draft, "submit").count() == 1


def test_autosave_after_submission_is_a_409_not_a_500(client, applicant, submitted, nansha):
    response = login(client, applicant).post(reverse("applications:autosave", args=[submitted.pk]),
                                             valid_draft(nansha))
    assert response.status_code == 409 and response.json()["saved"] is False


def test_submit_service_refuses_too_many_or_too_long_budget_lines(applicant, ready_draft, nansha):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from applications.inputs import BUDGET_ITEM_MAX
    from applications.services import BudgetData

    from .conftest import valid_submission

    data = valid_submission(nansha)
    data.budget = [BudgetData("专" * (BUDGET_ITEM_MAX + 1), "grant", Decimal("300000.00")),
                   *[BudgetData("研发", "matching", Decimal("0")) for _ in range(MAX_BUDGET_LINES)]]
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=applicant, application=ready_draft, data=data)
    assert len(exc.value.message_dict["budget"]) >= 2
    assert Application.objects.get(pk=ready_draft.pk).status == Status.DRAFT
