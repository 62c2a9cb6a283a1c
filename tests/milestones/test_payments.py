"""Two people for every payment (四眼): an officer requests a tranche's payment, a second officer confirms it; the
same person cannot do both; a request may be cancelled back to due; a single-officer office releases in one step."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from milestones.models import ProjectTranche, TrancheState
from milestones.payments import (
    tranche_cancel_request,
    tranche_confirm_payment,
    tranche_release,
    tranche_request_payment,
    tranche_steps,
)
from milestones.selectors import tranches_due, with_money
from milestones.services import contract_record
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import second_officer

from .conftest import pdf

pytestmark = pytest.mark.django_db


def events(tranche, action):
    return AuditEvent.objects.filter(object_id=str(tranche.pk), action=action, content_type__model="projecttranche")


@pytest.fixture
def due_tranche(nansha_project, officer):
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    return nansha_project.tranches.get(seq=1)


def test_payment_request_then_second_officer_confirms_releases_once(due_tranche, officer, unit):
    requested = tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-2024-0001",
                                        released_on=dt.date(2024, 9, 20))
    assert (requested.state, requested.requested_by, requested.released_amount) == (
        TrancheState.REQUESTED, officer, None)
    assert not Notification.objects.filter(recipient=unit, kind="milestones.tranche_released").exists()
    checker = second_officer()
    assert not Notification.objects.filter(recipient=officer, kind="milestones.payment_requested").exists()
    released = tranche_confirm_payment(actor=checker, tranche=due_tranche)
    assert (released.state, released.released_amount, released.released_on, released.payment_reference,
            released.requested_by, released.released_by) == (
        TrancheState.RELEASED, Decimal("150000.00"), dt.date(2024, 9, 20), "GK-2024-0001", officer, checker)
    asked, paid = events(due_tranche, "request_payment").get(), events(due_tranche, "confirm_payment").get()
    assert (asked.actor, asked.from_state, asked.to_state, asked.data["amount"]) == (
        officer, "due", "requested", "150000.00")
    assert (paid.actor, paid.from_state, paid.to_state) == (checker, "requested", "released")
    assert Notification.objects.filter(recipient=unit, kind="milestones.tranche_released").exists()
    with pytest.raises(ValidationError) as again:
        tranche_confirm_payment(actor=checker, tranche=due_tranche)
    assert again.value.code == "already_released"


def test_payment_confirmation_by_the_requester_is_refused(due_tranche, officer):
    tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-1")
    with pytest.raises(ValidationError) as same:
        tranche_confirm_payment(actor=officer, tranche=due_tranche)
    assert same.value.code == "same_person"
    tranche = ProjectTranche.objects.get(pk=due_tranche.pk)
    assert tranche.state == TrancheState.REQUESTED and tranche.released_amount is None
    assert not events(due_tranche, "confirm_payment").exists()


def test_payment_steps_refused_in_the_wrong_state(nansha_project, due_tranche, officer):
    with pytest.raises(ValidationError) as unrequested:
        tranche_confirm_payment(actor=second_officer(), tranche=due_tranche)
    assert unrequested.value.code == "not_requested"
    with pytest.raises(ValidationError) as nothing:
        tranche_cancel_request(actor=officer, tranche=due_tranche, reason="错误")
    assert nothing.value.code == "not_requested"
    with pytest.raises(ValidationError) as planned:  # the acceptance tranche is not due yet
        tranche_request_payment(actor=officer, tranche=nansha_project.tranches.get(seq=2), payment_reference="X")
    assert planned.value.code == "not_due"
    tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-1")
    with pytest.raises(ValidationError) as twice:
        tranche_request_payment(actor=second_officer(), tranche=due_tranche, payment_reference="GK-2")
    assert twice.value.code == "already_requested"
    assert ProjectTranche.objects.get(pk=due_tranche.pk).payment_reference == "GK-1"


def test_payment_steps_refused_for_a_wrong_role(due_tranche, officer, unit):
    with pytest.raises(PermissionDenied):
        tranche_request_payment(actor=unit, tranche=due_tranche, payment_reference="GK-1")
    tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-1")
    with pytest.raises(PermissionDenied):
        tranche_confirm_payment(actor=unit, tranche=due_tranche)
    with pytest.raises(PermissionDenied):
        tranche_cancel_request(actor=unit, tranche=due_tranche, reason="x")
    assert ProjectTranche.objects.get(pk=due_tranche.pk).state == TrancheState.REQUESTED


def test_payment_request_cancelled_with_reason_is_due_again(due_tranche, officer):
    tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-1")
    with pytest.raises(ValidationError) as blank:
        tranche_cancel_request(actor=second_officer(), tranche=due_tranche, reason=" ")
    assert "reason" in blank.value.message_dict
    cancelled = tranche_cancel_request(actor=second_officer(), tranche=due_tranche, reason="凭证号有误")
    assert (cancelled.state, cancelled.payment_reference, cancelled.requested_by) == (TrancheState.DUE, "", None)
    event = events(due_tranche, "cancel_request").get()
    assert (event.data["reason"], event.data["payment_reference"], event.to_state) == ("凭证号有误", "GK-1", "due")
    # the requester may cancel their own request too, and a fresh request starts over
    tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-2")
    assert tranche_cancel_request(actor=officer, tranche=due_tranche, reason="重复").state == TrancheState.DUE


def test_payment_request_tells_every_other_officer(due_tranche, officer):
    checker = second_officer()
    tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-1")
    told = Notification.objects.filter(kind="milestones.payment_requested")
    assert list(told.values_list("recipient__username", flat=True)) == [checker.username]


def test_payment_requested_tranche_still_counts_as_due(client, nansha_project, due_tranche, officer):
    tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-1")
    project = with_money(type(nansha_project).objects.filter(pk=nansha_project.pk)).get()
    assert (project.due, project.released) == (Decimal("150000.00"), Decimal("0.00"))
    assert due_tranche.pk in {t.pk for t in tranches_due()}
    page = client_for(client, officer).get(reverse("dashboards:officer")).content.decode()
    row = page[page.index(f'data-tranche="{due_tranche.pk}"'):]
    assert "data-requested" in row[:row.index("</tr>")]  # on the officer's dashboard, marked as waiting


def test_payment_one_step_release_refused_while_two_people_are_required(due_tranche, officer):
    with pytest.raises(ValidationError) as two:
        tranche_release(actor=officer, tranche=due_tranche, payment_reference="GK-1")
    assert two.value.code == "second_person_required"
    assert ProjectTranche.objects.get(pk=due_tranche.pk).state == TrancheState.DUE


def test_payment_single_person_setting_releases_in_one_step_and_says_so(client, settings, nansha_project,
                                                                        due_tranche, officer):
    settings.PAYMENT_SECOND_PERSON = False
    url = reverse("milestones:project", args=[nansha_project.pk])
    page = client_for(client, officer).get(url).content.decode()
    assert "本单位设置为单人拨付" in page
    client.post(reverse("milestones:release", args=[nansha_project.pk, 1]), {"payment_reference": "GK-1",
                                                                             "confirm": "yes"})
    tranche = ProjectTranche.objects.get(pk=due_tranche.pk)
    assert (tranche.state, tranche.released_by, tranche.requested_by) == (TrancheState.RELEASED, officer, None)
    assert events(tranche, "release").get().actor == officer


def test_payment_project_page_offers_two_forms_and_shows_who(client, nansha_project, due_tranche, officer):
    url = reverse("milestones:project", args=[nansha_project.pk])
    page = client_for(client, officer).get(url).content.decode()
    assert 'data-release="1"' in page and "本单位设置为单人拨付" not in page
    client.post(reverse("milestones:release", args=[nansha_project.pk, 1]), {"payment_reference": "GK-1"})
    page = client.get(url).content.decode()
    assert 'data-waiting="1"' in page and 'data-confirm-payment="1"' not in page and 'data-cancel-payment="1"' in page
    page = client_for(client, second_officer()).get(url).content.decode()
    assert 'data-confirm-payment="1"' in page and str(officer) in page


def test_tranche_steps_follow_the_table_the_role_and_the_second_person(settings, nansha_project, due_tranche,
                                                                        officer, unit):
    """What the project page offers on a tranche is what the services allow: nothing to a unit member; a due tranche
    requested (or released in one step where the office pays alone); a requested one confirmed by another officer
    only, cancelled by either; nothing once the project no longer pays."""
    assert tranche_steps(nansha_project, due_tranche, unit) == frozenset()
    assert tranche_steps(nansha_project, due_tranche, officer) == {"request_payment"}
    settings.PAYMENT_SECOND_PERSON = False
    assert tranche_steps(nansha_project, due_tranche, officer) == {"release"}
    settings.PAYMENT_SECOND_PERSON = True
    requested = tranche_request_payment(actor=officer, tranche=due_tranche, payment_reference="GK-2024-0009")
    assert tranche_steps(nansha_project, requested, officer) == {"cancel_request"}
    assert tranche_steps(nansha_project, requested, second_officer()) == {"confirm_payment", "cancel_request"}
    nansha_project.state = "closed"
    assert tranche_steps(nansha_project, requested, second_officer()) == frozenset()
