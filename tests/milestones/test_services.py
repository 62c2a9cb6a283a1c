"""Opening a project: tranches from the track's plan adding up to the award, dates from the period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from audit.models import AuditEvent
from core.money import split_remainder_last
from milestones.models import Project
from milestones.services import add_months, project_open
from offices.models import Office, OfficeMembership
from programs.models import Track, Tranche, TrancheTrigger
from tests.reviews.conftest import NANSHA, passed_application, track_of

pytestmark = pytest.mark.django_db
D0 = Decimal("0.00")


def test_project_open_splits_nanshas_award_fifty_fifty_over_its_year(officer):
    track = track_of(NANSHA, "1")
    Track.objects.filter(pk=track.pk).update(period_months=12)  # 实施周期：1年
    track.refresh_from_db()
    application = passed_application(track)
    project = project_open(actor=officer, application=application, award=Decimal("300000"),
                           starts_on=dt.date(2024, 9, 1))
    tranches = list(project.tranches.all())
    assert [(t.amount, t.condition) for t in tranches] == [
        (Decimal("150000.00"), TrancheTrigger.ON_CONTRACT), (Decimal("150000.00"), TrancheTrigger.ON_ACCEPTANCE)]
    assert project.ends_on == dt.date(2025, 8, 31) and project.officer == officer
    assert AuditEvent.objects.filter(object_id=str(project.pk), action="open").exists()


def test_project_open_puts_the_remainder_on_the_last_tranche(officer):
    track = track_of("yuexiu-2018-ip-operation-fund-plan", "7")  # 60 % after approval, 40 % after acceptance
    project = project_open(actor=officer, application=passed_application(track), award=Decimal("66666.67"),
                           starts_on=dt.date(2025, 1, 1))
    assert [t.amount for t in project.tranches.all()] == [Decimal("40000.00"), Decimal("26666.67")]


def test_project_open_without_a_plan_pays_once_after_approval(officer):
    track = track_of(NANSHA, "1")
    Tranche.objects.filter(track=track).delete()
    project = project_open(actor=officer, application=passed_application(track), award=Decimal("1000"),
                           starts_on=dt.date(2025, 1, 31))
    assert [(t.amount, t.share_percent, t.condition) for t in project.tranches.all()] == [
        (Decimal("1000.00"), Decimal("100"), TrancheTrigger.ON_APPROVAL)]


def test_project_open_refuses_wrong_role_zero_award_and_a_second_project(officer, applicant):
    application = passed_application(track_of(NANSHA, "1"))
    with pytest.raises(PermissionDenied):
        project_open(actor=applicant, application=application, award=Decimal(1), starts_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        project_open(actor=officer, application=application, award=Decimal(0), starts_on=dt.date(2025, 1, 1))
    project_open(actor=officer, application=application, award=Decimal(5), starts_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        project_open(actor=officer, application=application, award=Decimal(5), starts_on=dt.date(2025, 1, 1))
    assert Project.objects.filter(application=application).count() == 1


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 15), 14) == dt.date(2026, 1, 15)


class TranchesAddUp(TestCase):
    @given(award=st.decimals(min_value="0.01", max_value="9999999.99", places=2))
    @settings(max_examples=40, deadline=None)
    def test_tranches_add_up_to_any_award_on_every_guide_plan(self, award):
        from django.contrib.auth import get_user_model

        officer = get_user_model().objects.create(username=f"o{award}", role="officer")
        OfficeMembership.objects.bulk_create(OfficeMembership(user=officer, office=o) for o in Office.objects.all())
        for track in {t.track for t in Tranche.objects.select_related("track__program")}:
            with transaction.atomic():
                application = passed_application(track)
                try:
                    project = project_open(actor=officer, application=application, award=award,
                                           starts_on=dt.date(2025, 1, 1))
                except ValidationError:  # refused only where a tranche would be 0.00 (issue 16)
                    shares = [t.share_percent for t in track.tranches.all()]
                    assert D0 in split_remainder_last(award, shares)
                else:
                    amounts = [t.amount for t in project.tranches.all()]
                    assert sum(amounts) == award and all(a > 0 for a in amounts)
                transaction.set_rollback(True)
