"""Irreversible money steps ask first (issue 16, "confirm what is irreversible"): a release or an acceptance outcome
POSTed without the confirmation shows the sentence naming the project, tranche and amount with 确认 and 返回, and
changes nothing; the confirmed POST proceeds, with its audit row. The project page carries the same sentences for
the script (data-confirm, data-confirm-<outcome>)."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from milestones.models import ProjectState, TrancheState
from milestones.services import acceptance_request, contract_record
from tests.conftest import client_for

from .conftest import pdf, ready_for_acceptance, unit_member

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def asked(response, sentence: str) -> str:
    page = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-question"' in page
    assert sentence in page and "确认" in page and "返回" in page
    return page


@pytest.fixture
def contracted(officer, nansha_project):
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    return nansha_project


def test_release_asks_naming_project_tranche_and_amount_then_pays(client, officer, contracted, settings):
    settings.PAYMENT_SECOND_PERSON = False  # a single-officer office releases in one step, and that step asks
    reference = contracted.application.reference
    sentence = f"确认拨付 {reference} 第 1 笔 150,000.00 元？"
    url = reverse("milestones:release", args=[contracted.pk, 1])
    page = asked(client_for(client, officer).post(url, {"payment_reference": "GK-1"}, **ZH), sentence)
    assert 'name="payment_reference" value="GK-1"' in page
    tranche = contracted.tranches.get(seq=1)
    assert tranche.state == TrancheState.DUE and not tranche.payment_reference
    assert not AuditEvent.objects.filter(action="release").exists()
    project_page = client.get(reverse("milestones:project", args=[contracted.pk]), **ZH).content.decode()
    assert f'data-confirm="{sentence}"' in project_page
    client.post(url, {"payment_reference": "GK-1", "confirm": "yes"})
    tranche.refresh_from_db()
    assert (tranche.state, tranche.payment_reference) == (TrancheState.RELEASED, "GK-1")
    assert AuditEvent.objects.filter(object_id=str(tranche.pk), action="release").count() == 1


def test_payment_confirmation_asks_the_second_officer_naming_the_amount_the_request_does_not(
        client, officer, contracted):
    """Two people: the request pays nothing and is not asked; the second officer's confirmation pays and is."""
    from tests.factories import second_officer

    reference = contracted.application.reference
    sentence = f"确认拨付 {reference} 第 1 笔 150,000.00 元？"
    client_for(client, officer).post(reverse("milestones:release", args=[contracted.pk, 1]),
                                     {"payment_reference": "GK-1"}, **ZH)
    tranche = contracted.tranches.get(seq=1)
    assert tranche.state == TrancheState.REQUESTED
    checker = second_officer()
    url = reverse("milestones:confirm_payment", args=[contracted.pk, 1])
    project_page = client_for(client, checker).get(reverse("milestones:project", args=[contracted.pk]),
                                                   **ZH).content.decode()
    assert f'data-confirm="{sentence}"' in project_page
    asked(client.post(url, {}, **ZH), sentence)
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.REQUESTED
    assert not AuditEvent.objects.filter(object_id=str(tranche.pk), action="confirm_payment").exists()
    client.post(url, {"confirm": "yes"})
    tranche.refresh_from_db()
    assert (tranche.state, tranche.released_by) == (TrancheState.RELEASED, checker)
    assert AuditEvent.objects.filter(object_id=str(tranche.pk), action="confirm_payment").count() == 1


def test_release_with_a_bad_form_names_the_field_without_asking(client, officer, contracted):
    response = client_for(client, officer).post(reverse("milestones:release", args=[contracted.pk, 1]),
                                                {"payment_reference": ""}, follow=True)
    assert 'id="confirm-question"' not in response.content.decode()
    assert contracted.tranches.get(seq=1).state == TrancheState.DUE


@pytest.mark.parametrize("outcome, words, state", [
    ("passed", "验收通过", ProjectState.ACCEPTED), ("failed", "验收不通过", ProjectState.RECTIFYING)])
def test_acceptance_outcome_asks_naming_project_outcome_and_award_then_records(client, officer, contracted, outcome,
                                                                               words, state):
    ready_for_acceptance(contracted)
    acceptance_request(actor=unit_member(contracted), project=contracted, final_report=pdf("report.pdf"),
                       final_accounts=pdf("accounts.pdf"), confirm_early=True)
    sentence = f"确认 {contracted.application.reference} {words}（资助 300,000.00 元）？"
    project_page = client_for(client, officer).get(reverse("milestones:project", args=[contracted.pk]),
                                                   **ZH).content.decode()
    assert f'data-confirm-{outcome}="{sentence}"' in project_page and 'data-confirm-by="outcome"' in project_page
    url = reverse("milestones:acceptance_record", args=[contracted.pk])
    data = {"outcome": outcome, "mode": "on_site", "inspected_on": "2025-09-01", "expert_opinion": "专家意见"}
    asked(client.post(url, data, **ZH), sentence)
    contracted.refresh_from_db()
    assert contracted.state == ProjectState.ACCEPTANCE_REQUESTED and not contracted.acceptances.exclude(
        outcome="").exists()
    client.post(url, {**data, "confirm": "yes"})
    contracted.refresh_from_db()
    assert contracted.state == state
    assert AuditEvent.objects.filter(object_id=str(contracted.pk), action=f"acceptance_{outcome[:4]}").count() == 1
