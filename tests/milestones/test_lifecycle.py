"""Tranches (planned → due → released, once), the contract, the mid-term check, acceptance and closure."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from audit.models import AuditEvent
from milestones.models import MidtermOutcome, ProjectState, TrancheState
from milestones.payments import tranche_confirm_payment, tranche_release, tranche_request_payment
from milestones.selectors import tranches_due
from milestones.services import (
    acceptance_record,
    acceptance_request,
    contract_record,
    midterm_record,
)
from notifications.models import Notification
from organisations.models import AcceptanceOutcome, ProjectRecord
from programs.models import TrancheTrigger
from tests.factories import pay_tranche, second_officer
from tests.milestones.conftest import ready_for_acceptance

from .conftest import YUEXIU, accept_final_report, open_project, pdf, unit_member

pytestmark = pytest.mark.django_db


def events(obj, action):
    return AuditEvent.objects.filter(object_id=str(obj.pk), action=action,
                                     content_type__model=obj._meta.model_name)


def states(project):
    return [t.state for t in project.tranches.order_by("seq")]


def test_project_open_makes_approval_tranches_due_at_once(officer):
    project = open_project(officer, program=YUEXIU, code="1", award="1700000")
    first = project.tranches.get(seq=1)
    assert states(project) == [TrancheState.DUE, TrancheState.PLANNED]
    assert first.condition == TrancheTrigger.ON_APPROVAL and first.due_on is not None
    assert events(first, "make_due").get().to_state == TrancheState.DUE


def test_contract_record_makes_contract_tranches_due(nansha_project, officer):
    assert states(nansha_project) == [TrancheState.PLANNED, TrancheState.PLANNED]
    project = contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10),
                              signed_file=pdf())
    assert project.contract_signed_on == dt.date(2024, 9, 10) and project.contract_file.name.endswith(".pdf")
    assert states(project) == [TrancheState.DUE, TrancheState.PLANNED]
    assert events(project, "record_contract").get().actor == officer


def test_contract_record_refuses_wrong_role_a_second_time_and_bad_input(nansha_project, officer, unit):
    with pytest.raises(PermissionDenied):
        contract_record(actor=unit, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    with pytest.raises(ValidationError) as bad:
        contract_record(actor=officer, project=nansha_project, signed_on=None, signed_file=None)
    assert set(bad.value.message_dict) == {"signed_on", "signed_file"}
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    with pytest.raises(ValidationError):
        contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 11), signed_file=pdf())
    nansha_project.refresh_from_db()
    assert nansha_project.contract_signed_on == dt.date(2024, 9, 10)


def test_tranche_release_pays_once_with_reference_officer_and_audit(nansha_project, officer, unit, settings):
    settings.PAYMENT_SECOND_PERSON = False  # a single-officer office releases in one step
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    tranche = nansha_project.tranches.get(seq=1)
    released = tranche_release(actor=officer, tranche=tranche, payment_reference="GK-2024-0001",
                               released_on=dt.date(2024, 9, 20))
    assert (released.state, released.released_amount, released.released_on, released.released_by) == (
        TrancheState.RELEASED, Decimal("150000.00"), dt.date(2024, 9, 20), officer)
    event = events(tranche, "release").get()
    assert (event.from_state, event.to_state, event.data["amount"]) == ("due", "released", "150000.00")
    assert Notification.objects.filter(recipient=unit, kind="milestones.tranche_released").exists()
    with pytest.raises(ValidationError) as again:
        tranche_release(actor=officer, tranche=tranche, payment_reference="GK-2024-0002")
    assert again.value.code == "already_released"
    tranche.refresh_from_db()
    assert tranche.payment_reference == "GK-2024-0001" and tranche.released_amount == Decimal("150000.00")
    assert events(tranche, "release").count() == 1


def test_tranche_release_refused_before_its_condition_and_for_a_wrong_role(nansha_project, officer, unit,
                                                                          settings):
    settings.PAYMENT_SECOND_PERSON = False
    tranche = nansha_project.tranches.get(seq=1)
    with pytest.raises(ValidationError) as early:
        tranche_release(actor=officer, tranche=tranche, payment_reference="X1")
    assert early.value.code == "not_due"
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    with pytest.raises(PermissionDenied):
        tranche_release(actor=unit, tranche=tranche, payment_reference="X1")
    with pytest.raises(ValidationError) as blank:
        tranche_release(actor=officer, tranche=tranche, payment_reference="  ")
    assert "payment_reference" in blank.value.message_dict
    with pytest.raises(ValidationError):  # the acceptance tranche stays planned until acceptance passes
        tranche_release(actor=officer, tranche=nansha_project.tranches.get(seq=2), payment_reference="X2")
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.DUE and not events(tranche, "release").exists()


def test_midterm_record_on_track_or_rectify_with_default_deadline(nansha_project, officer, unit):
    check = midterm_record(actor=officer, project=nansha_project, outcome=MidtermOutcome.RECTIFY,
                           checked_on=dt.date(2025, 3, 1), comments="进度滞后")
    assert check.rectify_by == dt.date(2025, 6, 1)
    assert events(nansha_project, "record_midterm").get().data["outcome"] == "rectify"
    with pytest.raises(PermissionDenied):
        midterm_record(actor=unit, project=nansha_project, outcome=MidtermOutcome.ON_TRACK,
                       checked_on=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        midterm_record(actor=officer, project=nansha_project, outcome="maybe", checked_on=dt.date(2025, 3, 1))


def request(project, user):
    ready_for_acceptance(project)
    return acceptance_request(actor=user, project=project, final_report=pdf("final.pdf"),
                              final_accounts=pdf("accounts.pdf"))


def record(project, officer, outcome, on=dt.date(2025, 9, 15)):
    return acceptance_record(actor=officer, project=project, outcome=outcome, mode="on_site", inspected_on=on,
                             expert_opinion="专家组意见")


def test_acceptance_pass_makes_last_tranche_due_and_its_release_closes(nansha_project, officer, unit):
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    accept_final_report(officer, nansha_project)
    pay_tranche(actor=officer, tranche=nansha_project.tranches.get(seq=1), payment_reference="P1")
    request(nansha_project, unit)
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTANCE_REQUESTED
    assert Notification.objects.filter(recipient=officer, kind="milestones.acceptance_requested").exists()
    record(nansha_project, officer, "passed")
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTED and states(nansha_project)[1] == TrancheState.DUE
    passed = ProjectRecord.objects.get(organisation=nansha_project.application.organisation)
    assert passed.acceptance == AcceptanceOutcome.PASSED and passed.source == "portal"
    pay_tranche(actor=officer, tranche=nansha_project.tranches.get(seq=2), payment_reference="P2")
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.CLOSED and nansha_project.closed_on is not None
    assert events(nansha_project, "close").get().from_state == ProjectState.ACCEPTED
    assert sum(t.released_amount for t in nansha_project.tranches.all()) == Decimal("300000.00")


def test_acceptance_failure_then_rectification_then_request_again(nansha_project, officer, unit, monkeypatch):
    request(nansha_project, unit)
    failed = record(nansha_project, officer, "failed")
    assert failed.rectify_by == dt.date(2025, 12, 15)
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.RECTIFYING and nansha_project.rectify_by == dt.date(2025, 12, 15)
    on_record = ProjectRecord.objects.get(organisation=nansha_project.application.organisation)
    assert on_record.acceptance == AcceptanceOutcome.PENDING  # a first failure is not yet a failed acceptance
    monkeypatch.setattr("milestones.services.today", lambda: dt.date(2025, 9, 15))  # the day of the failure
    with pytest.raises(ValidationError) as early:
        request(nansha_project, unit)
    assert early.value.code == "rectifying"
    monkeypatch.setattr("milestones.services.today", lambda: dt.date(2025, 12, 1))  # before the deadline
    second = request(nansha_project, unit)
    assert second.seq == 2
    record(nansha_project, officer, "passed", on=dt.date(2025, 12, 20))
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.ACCEPTED


def test_second_acceptance_failure_terminates_and_records_failed_acceptance(nansha_project, officer, unit,
                                                                           monkeypatch):
    request(nansha_project, unit)
    record(nansha_project, officer, "failed")
    monkeypatch.setattr("milestones.services.today", lambda: dt.date(2026, 1, 1))
    request(nansha_project, unit)
    record(nansha_project, officer, "failed", on=dt.date(2026, 1, 10))
    nansha_project.refresh_from_db()
    assert nansha_project.state == ProjectState.TERMINATED
    assert events(nansha_project, "acceptance_fail").last().to_state == ProjectState.TERMINATED
    program = nansha_project.application.track.program
    failed = ProjectRecord.objects.get(organisation=nansha_project.application.organisation)
    assert (failed.acceptance, failed.region, failed.issuer, failed.accepted_on) == (
        AcceptanceOutcome.FAILED, program.region, program.issuer, dt.date(2026, 1, 10))
    with pytest.raises(ValidationError):
        request(nansha_project, unit)
    # neither the due tranche (after the contract) nor the planned one (after acceptance) is paid now: cancelled
    assert states(nansha_project) == [TrancheState.CANCELLED, TrancheState.CANCELLED]


def test_acceptance_record_second_failure_cancels_every_unpaid_tranche_with_a_reason(officer):
    """Found by the state machine: a terminated project's unpaid tranches stayed due or planned for ever (listed
    among the tranches to pay, counted in the fund totals), with nothing saying they would never be paid."""
    project = open_project(officer, program=YUEXIU, code="1", award="500000")
    unit = unit_member(project)
    first, last = project.tranches.order_by("seq")
    tranche_request_payment(actor=officer, tranche=first, payment_reference="PZ-2024-001")  # waits for a second
    request(project, unit)
    record(project, officer, "failed")
    request(project, unit)
    record(project, officer, "failed", on=dt.date(2025, 10, 1))
    project.refresh_from_db()
    first.refresh_from_db()
    assert project.state == ProjectState.TERMINATED
    assert states(project) == [TrancheState.CANCELLED, TrancheState.CANCELLED]
    assert (first.requested_by, first.payment_reference, first.released_on, first.released_amount) == (
        None, "", None, None)
    reason = gettext("The project was terminated after a second failed acceptance: this tranche is not paid.")
    assert reason == "项目第二次验收不通过已终止：本笔资金不再拨付。"  # the office's language, as audit reasons are
    assert [(e.from_state, e.reason, e.actor) for e in events(first, "cancel")] == [
        (TrancheState.REQUESTED, reason, officer)]
    assert events(first, "cancel").get().data == {"amount": "300000.00", "payment_reference": "PZ-2024-001"}
    assert [(e.from_state, e.reason) for e in events(last, "cancel")] == [(TrancheState.PLANNED, reason)]
    assert not tranches_due().filter(project=project).exists()
    with pytest.raises(ValidationError):
        tranche_confirm_payment(actor=second_officer(), tranche=first)
    assert states(project) == [TrancheState.CANCELLED, TrancheState.CANCELLED]


def test_acceptance_steps_refuse_wrong_role_and_wrong_state(nansha_project, officer, unit, outsider):
    with pytest.raises(PermissionDenied):
        request(nansha_project, outsider)
    with pytest.raises(PermissionDenied):
        request(nansha_project, officer)
    with pytest.raises(ValidationError) as wrong:  # nothing requested yet
        record(nansha_project, officer, "passed")
    assert wrong.value.code == "wrong_state"
    request(nansha_project, unit)
    with pytest.raises(ValidationError):
        request(nansha_project, unit)
    with pytest.raises(PermissionDenied):
        record(nansha_project, unit, "passed")
    with pytest.raises(ValidationError) as bad:
        acceptance_record(actor=officer, project=nansha_project, outcome="passed", mode="", inspected_on=None,
                          expert_opinion="")
    assert set(bad.value.message_dict) == {"mode", "inspected_on", "expert_opinion"}
    assert events(nansha_project, "request_acceptance").count() == 1


def test_unit_member_of_another_project_is_an_outsider(officer):
    first, second = open_project(officer), open_project(officer)
    with pytest.raises(PermissionDenied):
        request(second, unit_member(first))


GUANGDONG = "guangdong-2021-ip-cluster-centers"


def history_rule(organisation):
    """Guangdong's rule: no failed acceptance of a provincial IP project in the last three years (四.(五))."""
    from applications.eligibility import evaluate_rule, facts_for
    from programs.models import EligibilityRule, RuleKind

    rule = EligibilityRule.objects.filter(track__program__code=GUANGDONG, kind=RuleKind.NO_FAILED_ACCEPTANCE).first()
    facts = facts_for(organisation_id=organisation.pk, requested_amount=None, matching_funds=None,
                      on=dt.date(2026, 6, 1))
    return evaluate_rule(rule, facts).outcome


def test_history_rule_reads_the_portals_acceptance_outcomes(officer, monkeypatch):
    from applications.eligibility import Outcome

    rectified = open_project(officer, program=GUANGDONG, code="1", award="1000000",
                             starts_on=dt.date(2024, 1, 1))
    failed_twice = open_project(officer, program=GUANGDONG, code="1", award="1000000",
                                starts_on=dt.date(2024, 1, 1))
    for project in (rectified, failed_twice):
        request(project, unit_member(project))
        record(project, officer, "failed", on=dt.date(2025, 1, 10))
    monkeypatch.setattr("milestones.services.today", lambda: dt.date(2025, 4, 10))
    request(rectified, unit_member(rectified))
    record(rectified, officer, "passed", on=dt.date(2025, 4, 20))
    request(failed_twice, unit_member(failed_twice))
    record(failed_twice, officer, "failed", on=dt.date(2025, 4, 20))
    assert history_rule(rectified.application.organisation) == Outcome.PASS
    assert history_rule(failed_twice.application.organisation) == Outcome.FAIL


def test_steps_on_a_terminated_project_are_refused_as_wrong_state(nansha_project, officer, unit, monkeypatch):
    from milestones.services import report_add

    request(nansha_project, unit)
    record(nansha_project, officer, "failed")
    monkeypatch.setattr("milestones.services.today", lambda: dt.date(2026, 1, 1))
    request(nansha_project, unit)
    record(nansha_project, officer, "failed", on=dt.date(2026, 1, 10))
    before = events(nansha_project, "record_contract").count(), events(nansha_project, "record_midterm").count()
    for step in (
        lambda: contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2025, 1, 1),
                                signed_file=pdf()),
        lambda: midterm_record(actor=officer, project=nansha_project, outcome=MidtermOutcome.ON_TRACK,
                               checked_on=dt.date(2025, 3, 1)),
        lambda: report_add(actor=officer, project=nansha_project, due_on=dt.date(2026, 3, 1)),
    ):
        with pytest.raises(ValidationError) as wrong:
            step()
        assert wrong.value.code == "wrong_state"
    after = events(nansha_project, "record_contract").count(), events(nansha_project, "record_midterm").count()
    assert after == before  # only the contract and check recorded before acceptance was requested


def test_report_add_writes_its_audit_row(nansha_project, officer):
    from milestones.services import report_add

    added = report_add(actor=officer, project=nansha_project, due_on=dt.date(2025, 5, 1))
    event = events(added, "add").get()
    assert (event.actor, event.to_state, event.data["due_on"]) == (officer, "scheduled", "2025-05-01")
