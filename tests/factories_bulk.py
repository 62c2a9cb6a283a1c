"""Factories for rows a test makes by the hundred: ``bulk(Factory, n, ...)`` builds ``n`` rows with the factory's
sequences and defaults and writes them in one INSERT (no save(), no signal, no service: the rows as the services
leave them, for tests of reads and sweeps over many of them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role
from applications.models import Application, Status
from milestones.models import (
    Acceptance,
    AcceptanceOutcomeChoice,
    KpiReport,
    MidtermCheck,
    MidtermOutcome,
    Project,
    ProjectTranche,
    ReportKind,
    TrancheState,
)
from organisations.models import Membership, MembershipRole, Region
from programs.models import Track, TrancheTrigger
from reviews.models import Assignment, AssignmentState, ReviewerProfile, ReviewRound
from tests.factories import UserFactory
from tests.organisations.factories import NANSHA, OrganisationFactory, make_uscc


def bulk(model_factory, n: int, **fields) -> list:
    """``n`` rows of ``model_factory``'s model in one INSERT; a list value gives each row its own (its i-th item)."""
    rows = [model_factory.build(**{name: value[i] if isinstance(value, list) else value
                                   for name, value in fields.items()}) for i in range(n)]
    created = model_factory._meta.model.objects.bulk_create(rows)
    officers = [user for user in created if model_factory is UserFactory and user.role == Role.OFFICER]
    if officers:  # officers work for every office, as UserFactory's do
        from offices.models import Office, OfficeMembership

        OfficeMembership.objects.bulk_create(
            OfficeMembership(office=office, user=user) for office in Office.objects.all() for user in officers)
    return created


def bulk_units(n: int, **user_fields) -> tuple[list, list]:
    """``n`` organisations, each with one applicant member (its owner): the organisations and the members."""
    region = Region.objects.get(pk=NANSHA)
    users = bulk(UserFactory, n, **user_fields)
    organisations = bulk(OrganisationFactory, n, region=region)
    Membership.objects.bulk_create(Membership(organisation=org, user=user, role=MembershipRole.OWNER)
                                   for org, user in zip(organisations, users, strict=True))
    return organisations, users


class TrackFactory(DjangoModelFactory):
    class Meta:
        model = Track

    code = factory.Sequence(lambda n: f"T{n}")
    position = factory.Sequence(lambda n: 100 + n)
    title = factory.Sequence(lambda n: f"测试专项{n}")


class ApplicationFactory(DjangoModelFactory):
    """A draft; give ``track``, ``organisation`` and ``created_by``."""

    class Meta:
        model = Application

    reference = factory.Sequence(lambda n: f"BULK-{n:06d}")
    status = Status.DRAFT
    title = factory.Sequence(lambda n: f"高价值专利培育项目{n}")
    requested_amount = Decimal("300000.00")
    matching_funds = Decimal("100000.00")


class ProjectFactory(DjangoModelFactory):
    """A project in progress; give ``application`` and ``officer``."""

    class Meta:
        model = Project

    award = Decimal("300000.00")
    starts_on = dt.date(2024, 9, 1)
    ends_on = dt.date(2025, 8, 31)


class KpiReportFactory(DjangoModelFactory):
    """A scheduled mid-term report; give ``project`` and ``due_on``."""

    class Meta:
        model = KpiReport

    seq = 1
    kind = ReportKind.MIDTERM


class ProjectTrancheFactory(DjangoModelFactory):
    """A due first tranche of the whole award; give ``project`` and ``due_on``."""

    class Meta:
        model = ProjectTranche

    seq = 1
    amount = Decimal("300000.00")
    share_percent = Decimal("100.00")
    condition = TrancheTrigger.ON_CONTRACT
    state = TrancheState.DUE


class AcceptanceFactory(DjangoModelFactory):
    """A failed first acceptance; give ``project``, ``requested_by``, ``recorded_by`` and ``rectify_by``."""

    class Meta:
        model = Acceptance

    seq = 1
    final_report = "acceptance/2025/report.pdf"
    final_accounts = "acceptance/2025/accounts.pdf"
    outcome = AcceptanceOutcomeChoice.FAILED


class MidtermCheckFactory(DjangoModelFactory):
    """A mid-term check asking for rectification; give ``project``, ``recorded_by`` and ``rectify_by``."""

    class Meta:
        model = MidtermCheck

    checked_on = dt.date(2025, 3, 1)
    outcome = MidtermOutcome.RECTIFY


class ReviewerProfileFactory(DjangoModelFactory):
    """Give ``user`` (a reviewer)."""

    class Meta:
        model = ReviewerProfile

    name = factory.Sequence(lambda n: f"专家{n}")
    affiliation_name = factory.Sequence(lambda n: f"某大学{n}")
    affiliation_uscc = factory.Sequence(lambda n: make_uscc(800000 + n, "440104"))


class ReviewRoundFactory(DjangoModelFactory):
    """Give ``track``, ``created_by`` and ``state``."""

    class Meta:
        model = ReviewRound

    reviewers_per_application = 1


class AssignmentFactory(DjangoModelFactory):
    """A confirmed assignment; give ``round``, ``application`` and ``reviewer``."""

    class Meta:
        model = Assignment

    state = AssignmentState.CONFIRMED
