"""Reads of organisations. Visibility lives here: a user sees only the organisations they belong to;
officers and administrators see all. Lists run a fixed number of queries whatever their size."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    AcceptanceOutcome,
    Certification,
    FinancialYear,
    Membership,
    Organisation,
    Patent,
    PatentStatus,
    ProjectRecord,
    Region,
)

# Enough parents for Region.full_name (district → city → province) without further queries.
REGION_PATH = ("region", "region__parent", "region__parent__parent")


def _is_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_officer", False))


def organisations_for(user) -> QuerySet[Organisation]:
    """Every organisation the user may see, with its region path loaded."""
    queryset = Organisation.objects.select_related(*REGION_PATH).order_by("name", "pk")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if _is_officer(user):
        return queryset
    return queryset.filter(memberships__user=user)


def organisation_for(user, pk) -> Organisation:
    """One organisation the user may see; 404 whether it does not exist or is not theirs."""
    return get_object_or_404(organisations_for(user), pk=pk)


def is_member(user, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(organisation=organisation, user=user).exists()


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Members and officers may change an organisation's profile and its members."""
    return _is_officer(user) or is_member(user, organisation)


def can_create_organisation(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_applicant or user.is_officer))


def region_choices() -> QuerySet[Region]:
    """Regions for a select, ordered by code so each province is followed by its cities and districts."""
    return Region.objects.select_related("parent", "parent__parent").order_by("code")


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("created_at", "pk")


def organisation_financial_years(organisation: Organisation) -> QuerySet[FinancialYear]:
    return organisation.financial_years.order_by("-year")


def organisation_patents(organisation: Organisation) -> QuerySet[Patent]:
    return organisation.patents.order_by("-granted_on", "number")


def organisation_certifications(organisation: Organisation) -> QuerySet[Certification]:
    return organisation.certifications.order_by("-valid_until", "pk")


def organisation_project_records(organisation: Organisation) -> QuerySet[ProjectRecord]:
    return organisation.project_records.select_related("recorded_by").order_by("-awarded_on", "pk")


def project_record_for(organisation: Organisation, pk) -> ProjectRecord:
    return get_object_or_404(organisation.project_records, pk=pk)


def membership_for(organisation: Organisation, pk) -> Membership:
    return get_object_or_404(organisation.memberships.select_related("user"), pk=pk)


# ---------------------------------------------------------------- facts for eligibility checks


@dataclass(frozen=True)
class OrganisationFacts:
    """What the eligibility rules ask about one organisation, read in a fixed number of queries."""

    organisation: Organisation
    region_codes: list[str]
    financial_years: list[FinancialYear]
    patents: list[Patent]
    certifications: list[Certification]
    project_records: list[ProjectRecord]
    on: dt.date = field(default_factory=timezone.localdate)

    @property
    def latest_year(self) -> FinancialYear | None:
        return self.financial_years[0] if self.financial_years else None

    def year(self, year: int) -> FinancialYear | None:
        return next((fy for fy in self.financial_years if fy.year == year), None)

    def rd_intensity(self, year: int | None = None) -> Decimal | None:
        """R&D spend as a share of sales revenue (0.05 = 5%); None when unknown or no revenue."""
        fy = self.year(year) if year is not None else self.latest_year
        if fy is None or not fy.sales_revenue:
            return None
        return fy.rd_spend / fy.sales_revenue

    def ip_spend_share(self, year: int | None = None) -> Decimal | None:
        """IP spend as a share of R&D spend; None when unknown or no R&D spend."""
        fy = self.year(year) if year is not None else self.latest_year
        if fy is None or not fy.rd_spend:
            return None
        return fy.ip_spend / fy.rd_spend

    def valid_patent_count(self, kinds: list[str] | tuple[str, ...] | None = None) -> int:
        return sum(1 for p in self.patents if p.status == PatentStatus.VALID and (not kinds or p.kind in kinds))

    def holds_certification(self, standard: str | None = None) -> bool:
        """A certificate (of the given standard, if named) valid on the facts' date."""
        return any(
            c.valid_from <= self.on <= c.valid_until and (not standard or c.standard == standard)
            for c in self.certifications
        )

    @property
    def has_failed_acceptance(self) -> bool:
        return any(r.acceptance == AcceptanceOutcome.FAILED for r in self.project_records)

    def prior_awards(self, category: str | None = None) -> list[ProjectRecord]:
        return [r for r in self.project_records if not category or r.category == category]

    def is_in_region(self, code: str) -> bool:
        return code in self.region_codes


def organisation_facts(organisation: Organisation, *, on: dt.date | None = None) -> OrganisationFacts:
    """Load an organisation's profile once (5 queries) for the eligibility rules."""
    org = (
        Organisation.objects.select_related(*REGION_PATH)
        .prefetch_related(
            Prefetch("financial_years", queryset=FinancialYear.objects.order_by("-year")),
            Prefetch("patents", queryset=Patent.objects.order_by("-granted_on")),
            Prefetch("certifications", queryset=Certification.objects.order_by("-valid_until")),
            Prefetch("project_records", queryset=ProjectRecord.objects.order_by("-awarded_on")),
        )
        .get(pk=organisation.pk)
    )
    return OrganisationFacts(
        organisation=org,
        region_codes=org.region.lineage_codes(),
        financial_years=list(org.financial_years.all()),
        patents=list(org.patents.all()),
        certifications=list(org.certifications.all()),
        project_records=list(org.project_records.all()),
        on=on or timezone.localdate(),
    )
