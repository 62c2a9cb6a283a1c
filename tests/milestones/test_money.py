"""Money properties: every guide's fund plan adds up row by row; releasing every tranche of any award on any
guide's plan pays the award exactly, once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from milestones.models import ProjectState
from milestones.selectors import fund_plan
from milestones.services import acceptance_record, acceptance_request, contract_record
from offices.models import Office, OfficeMembership
from programs.models import Program, Tranche
from tests.factories import pay_tranche
from tests.milestones.conftest import ready_for_acceptance

from .conftest import accept_final_report, open_project, pdf, unit_member


@pytest.mark.django_db
def test_every_guides_fund_plan_adds_up_row_by_row_and_in_total():
    for program in Program.objects.all():
        rows, total = fund_plan(program)
        for row in rows:
            assert row.first + row.second == row.total, (program.code, row.code)
        assert total.first + total.second == total.total == sum(r.total for r in rows)


class ReleasesPayTheAward(TestCase):
    # From one yuan: a smaller award that would make a 0.00 tranche is refused at opening (test_zero_tranche.py).
    @given(award=st.decimals(min_value="1.00", max_value="99999999.99", places=2))
    @settings(max_examples=15, deadline=None)
    def test_releasing_every_tranche_pays_any_award_exactly_once(self, award):
        from django.contrib.auth import get_user_model

        officer = get_user_model().objects.create(username=f"o{award}", role="officer")
        OfficeMembership.objects.bulk_create(OfficeMembership(user=officer, office=o) for o in Office.objects.all())
        plans = {(t.track.program.code, t.track.code) for t in Tranche.objects.select_related("track__program")}
        for program, code in sorted(plans):
            with transaction.atomic():
                project = open_project(officer, program=program, code=code, award=str(award),
                                       starts_on=dt.date(2024, 1, 1))
                contract_record(actor=officer, project=project, signed_on=dt.date(2024, 1, 5), signed_file=pdf())
                accept_final_report(officer, project)
                ready_for_acceptance(project)
                acceptance_request(actor=unit_member(project), project=project, final_report=pdf("r.pdf"),
                                   final_accounts=pdf("a.pdf"))
                acceptance_record(actor=officer, project=project, outcome="passed", mode="written",
                                  inspected_on=dt.date(2024, 12, 1), expert_opinion="通过")
                for tranche in project.tranches.order_by("seq"):
                    pay_tranche(actor=officer, tranche=tranche, payment_reference=f"P{tranche.seq}")
                project.refresh_from_db()
                assert sum(t.released_amount for t in project.tranches.all()) == Decimal(award)
                assert project.state == ProjectState.CLOSED
                transaction.set_rollback(True)
