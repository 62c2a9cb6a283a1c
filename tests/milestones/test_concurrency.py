"""Fifty officers' browsers confirming one payment request at the same moment pay it exactly once (threads, each with
its own database connection, on the configured database: SQLite by default, PostgreSQL in CI)."""

import datetime as dt
import threading
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditEvent
from milestones.models import ProjectTranche, TrancheState
from milestones.payments import tranche_confirm_payment, tranche_request_payment
from milestones.services import contract_record
from tests.factories import second_officer

from .conftest import open_project, pdf

RACERS = 50


def test_fifty_concurrent_confirmations_of_one_payment_request_pay_once(guides_loaded, officer):
    project = open_project(officer)
    contract_record(actor=officer, project=project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    tranche = project.tranches.get(seq=1)
    tranche_request_payment(actor=officer, tranche=tranche, payment_reference="PAY-REQ")
    checker = second_officer()
    barrier = threading.Barrier(RACERS)
    outcomes: list = [None] * RACERS

    def race(i: int) -> None:
        try:
            barrier.wait()
            tranche_confirm_payment(actor=checker, tranche=tranche)
            outcomes[i] = "paid"
        except ValidationError as exc:
            outcomes[i] = exc.code
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(set(outcomes)) == ["already_released", "paid"], outcomes
    assert outcomes.count("paid") == 1
    tranche = ProjectTranche.objects.get(pk=tranche.pk)
    assert (tranche.state, tranche.released_amount, tranche.payment_reference, tranche.released_by) == (
        TrancheState.RELEASED, Decimal("150000.00"), "PAY-REQ", checker)
    assert AuditEvent.objects.filter(object_id=str(tranche.pk), action="confirm_payment",
                                     content_type__model="projecttranche").count() == 1
