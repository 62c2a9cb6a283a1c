"""Factories for organisations and their profile rows. Codes are valid unified social credit codes."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from organisations.choices import AwardCategory, OrgType, RecordLevel
from organisations.models import (
    AcceptanceOutcome,
    Certification,
    FinancialYear,
    Membership,
    MembershipRole,
    Organisation,
    Patent,
    PatentKind,
    PatentStatus,
    ProjectRecord,
    Region,
)
from organisations.uscc import check_character

NANSHA = "440115"


def make_uscc(serial: int, division: str = NANSHA) -> str:
    """A valid code for an enterprise (authority 9, type 1) registered in ``division``."""
    first17 = f"91{division}MA{serial:07d}"
    return first17 + check_character(first17)


class OrganisationFactory(DjangoModelFactory):
    """``OrganisationFactory(members=[user, ...])`` also makes those users members; the first one, like the
    applicant who registers an organisation, is its owner."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.LazyFunction(lambda: Region.objects.get(pk=NANSHA))
    uscc = factory.LazyAttributeSequence(lambda o, n: make_uscc(n, o.region.code))
    org_type = OrgType.ENTERPRISE
    is_legal_person = True
    full_time_staff = 50
    contact_name = "张三"
    contact_phone = "020-12345678"

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            for n, user in enumerate(extracted):
                Membership.objects.create(
                    organisation=obj, user=user, role=MembershipRole.OWNER if n == 0 else MembershipRole.MEMBER
                )


class FinancialYearFactory(DjangoModelFactory):
    class Meta:
        model = FinancialYear

    organisation = factory.SubFactory(OrganisationFactory)
    year = factory.Sequence(lambda n: timezone.localdate().year - 1 - n % 30)
    sales_revenue = Decimal("10000000.00")
    rd_spend = Decimal("600000.00")
    ip_spend = Decimal("120000.00")


class PatentFactory(DjangoModelFactory):
    class Meta:
        model = Patent

    organisation = factory.SubFactory(OrganisationFactory)
    kind = PatentKind.INVENTION
    number = factory.Sequence(lambda n: f"ZL20211{n:07d}.X")
    title = factory.Sequence(lambda n: f"一种测试装置{n}")
    granted_on = dt.date(2022, 3, 1)
    status = PatentStatus.VALID


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    organisation = factory.SubFactory(OrganisationFactory)
    standard = "GB/T 29490"
    certificate_number = factory.Sequence(lambda n: f"IPMS-{n:06d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=730))


class ProjectRecordFactory(DjangoModelFactory):
    class Meta:
        model = ProjectRecord

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"高价值专利培育项目{n}")
    level = RecordLevel.DISTRICT
    category = AwardCategory.HIGH_VALUE_PATENT
    awarded_on = dt.date(2020, 6, 1)
    acceptance = AcceptanceOutcome.PENDING
