"""回避申请: at submission an applicant names at most three experts (name, employer, reason) who should not review;
the draft keeps what was typed, the submission keeps the rows and the snapshot, a bad row says what to do."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services
from applications.models import Application, Exclusion, Status
from applications.services import ExclusionData

from .conftest import valid_draft, valid_submission

EXCLUDED = {"exclusions-TOTAL_FORMS": "3", "exclusions-INITIAL_FORMS": "0",
            "exclusions-0-name": "李 四", "exclusions-0-employer": "华南理工大学",
            "exclusions-0-reason": "与本单位存在竞争关系"}


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages and messages in English (the msgids); the Chinese catalogue is checked by tests/test_i18n.py."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def test_exclusion_rows_kept_in_the_draft_by_autosave(client, applicant, draft):
    client.force_login(applicant)
    data = {**valid_draft(draft.track), **EXCLUDED, "exclusions-1-name": "王五"}
    response = client.post(reverse("applications:autosave", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert response.json()["saved"] is True
    assert draft.draft["exclusions-0-name"] == "李 四" and draft.draft["exclusions-1-name"] == "王五"
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert 'value="李 四"' in page and 'value="王五"' in page


def test_exclusions_submitted_through_the_form_become_rows_and_snapshot(client, applicant, ready_draft):
    client.force_login(applicant)
    data = {**valid_draft(ready_draft.track), **EXCLUDED, "action": "submit"}
    response = client.post(reverse("applications:edit", args=[ready_draft.pk]), data)
    assert response.status_code == 302
    application = Application.objects.get(pk=ready_draft.pk)
    assert application.status == Status.SUBMITTED
    assert list(application.exclusions.values_list("seq", "name", "employer", "reason")) == [
        (1, "李 四", "华南理工大学", "与本单位存在竞争关系")]
    snapshot = application.versions.get(number=1).snapshot
    assert snapshot["exclusions"] == [{"name": "李 四", "employer": "华南理工大学", "reason": "与本单位存在竞争关系"}]


def test_exclusion_row_without_employer_or_reason_is_refused_and_the_draft_kept(client, applicant, ready_draft):
    client.force_login(applicant)
    data = {**valid_draft(ready_draft.track), "exclusions-TOTAL_FORMS": "3", "exclusions-INITIAL_FORMS": "0",
            "exclusions-0-name": "李四", "action": "submit"}
    response = client.post(reverse("applications:edit", args=[ready_draft.pk]), data)
    page = response.content.decode()
    assert "Enter the expert&#x27;s employer, so the office can tell who is meant." in page
    assert "Say why this expert should not review your application." in page
    application = Application.objects.get(pk=ready_draft.pk)
    assert application.status == Status.DRAFT and not Exclusion.objects.exists()
    assert application.draft["exclusions-0-name"] == "李四"


def test_exclusion_reason_too_long_names_the_limit(client, applicant, ready_draft):
    client.force_login(applicant)
    data = {**valid_draft(ready_draft.track), **EXCLUDED, "exclusions-0-reason": "理" * 301, "action": "submit"}
    page = client.post(reverse("applications:edit", args=[ready_draft.pk]), data).content.decode()
    assert "The reason has 301 characters; shorten it to at most 300." in page
    assert Application.objects.get(pk=ready_draft.pk).status == Status.DRAFT


def test_more_than_three_exclusions_are_not_kept_in_the_draft(client, applicant, draft):
    client.force_login(applicant)
    data = {**valid_draft(draft.track), "exclusions-TOTAL_FORMS": "5", "exclusions-INITIAL_FORMS": "0",
            **{f"exclusions-{i}-name": f"专家{i}" for i in range(5)}}
    response = client.post(reverse("applications:autosave", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert "At most 3 experts may be excluded; rows beyond that were not kept." in response.json()["message"]
    assert draft.draft["exclusions-TOTAL_FORMS"] == "3" and "exclusions-3-name" not in draft.draft


def test_submission_with_four_exclusions_is_refused_by_the_service(applicant, ready_draft, nansha):
    data = dataclasses.replace(valid_submission(nansha), exclusions=[
        ExclusionData(name=f"专家{i}", employer="某大学", reason="竞争") for i in range(4)])
    with pytest.raises(ValidationError) as caught:
        services.application_submit(actor=applicant, application=ready_draft, data=data)
    assert caught.value.message_dict["exclusions"] == [
        "Name at most 3 experts who should not review; you named 4."]
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT and not Exclusion.objects.exists()
