"""Loading the facts the rules read, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from organisations.models import Certification, FinancialYear, Organisation, Patent, ProjectRecord, Region

from .core import Facts, PartnerFacts

_PROFILE = ("financial_years", "patents", "certifications", "project_records__region__parent__parent")


def facts_for(
    *,
    organisation_id: int,
    requested_amount: Decimal | None,
    matching_funds: Decimal | None,
    partner_count: int | None = None,
    on: dt.date,
    partners: Sequence[tuple[str, str, str]] = (),
) -> Facts:
    """Load the organisation with everything the rules read, whatever its size.

    ``partners`` are (name, USCC, type) as the application names them; those registered in the
    portal (matched by USCC) are loaded with their profiles in the same fixed number of queries.
    Raises ``Organisation.DoesNotExist`` for an unknown id.
    """
    organisation = (
        Organisation.objects.select_related("region__parent__parent")
        .prefetch_related(*_PROFILE)
        .get(pk=organisation_id)
    )
    usccs = {uscc.strip().upper() for _n, uscc, _t in partners if uscc and uscc.strip()}
    registered = {}
    if usccs:
        registered = {
            o.uscc: o
            for o in Organisation.objects.select_related("region__parent__parent")
            .prefetch_related(*_PROFILE)
            .filter(uscc__in=usccs)
        }
    partner_facts = tuple(
        PartnerFacts(name=name, org_type=org_type, organisation=registered.get((uscc or "").strip().upper()))
        for name, uscc, org_type in partners
    )
    return Facts(
        organisation=organisation,
        requested_amount=requested_amount,
        matching_funds=matching_funds,
        partner_count=len(partner_facts) if partner_count is None else partner_count,
        on=on,
        partners=partner_facts,
    )


# A profile that is never saved (the funding finder's anonymous quick check) still reads through the organisation's
# related managers, which Django refuses on an instance without a primary key: it gets this placeholder id, which
# no saved organisation has, and its related rows are given as already prefetched, so nothing is read or written.
UNSAVED_ID = 0


def facts_for_unsaved(
    organisation: Organisation, *, financial_years=(), patents=(), certifications=(), on: dt.date,
) -> Facts:
    """Facts for a profile held in memory only: ``organisation`` unsaved, its figures, patents and certificates as
    unsaved rows. No query is made (the organisation's region must be loaded with its parents)."""
    organisation.pk = UNSAVED_ID
    organisation._prefetched_objects_cache = {
        "financial_years": list(financial_years), "patents": list(patents),
        "certifications": list(certifications), "project_records": [],
    }
    return Facts(organisation=organisation, requested_amount=None, matching_funds=None, partner_count=0, on=on)


def facts_for_many(organisations, *, on: dt.date) -> list[Facts]:
    """Facts for many organisations loaded with their profiles (``profiles``)."""
    return [Facts(organisation=o, requested_amount=None, matching_funds=None, partner_count=0, on=on)
            for o in organisations]


def profiles(organisation_ids: Sequence[int] | None = None) -> list[Organisation]:
    """Many organisations (every one, or those of ``organisation_ids``) with everything the organisation-level rules
    read, for a bulk evaluation: six queries whatever their number. The regions are read once and shared; each
    profile table is read once and grouped in memory (Django's prefetch would build a queryset per organisation and
    relation, which at 10,000 organisations costs more than the reading)."""
    regions = {region.code: region for region in Region.objects.all()}
    for region in regions.values():
        region.parent = regions.get(region.parent_id)
    scope = {} if organisation_ids is None else {"organisation_id__in": list(organisation_ids)}
    organisations = Organisation.objects.order_by("pk")
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=list(organisation_ids))
    organisations = list(organisations)
    grouped: dict[str, dict[int, list]] = {}
    for name, model in (("financial_years", FinancialYear), ("patents", Patent), ("certifications", Certification),
                        ("project_records", ProjectRecord)):
        rows = grouped[name] = defaultdict(list)
        for row in model.objects.filter(**scope).order_by("pk"):
            if name == "project_records":
                row.region = regions.get(row.region_id) if row.region_id else None
            rows[row.organisation_id].append(row)
    for organisation in organisations:
        organisation.region = regions[organisation.region_id]
        organisation._prefetched_objects_cache = {name: rows.get(organisation.pk, [])
                                                  for name, rows in grouped.items()}
    return organisations
