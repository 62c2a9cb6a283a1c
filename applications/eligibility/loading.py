"""Loading the facts the rules read, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Prefetch

from organisations.models import Organisation, ProjectRecord

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
    """Facts for many organisations already loaded with ``PROFILE`` prefetched (see ``profile_queryset``)."""
    return [Facts(organisation=o, requested_amount=None, matching_funds=None, partner_count=0, on=on)
            for o in organisations]


def profile_queryset():
    """Organisations with everything the organisation-level rules read: five queries whatever their number (the
    past awards with their regions in one)."""
    return Organisation.objects.select_related("region__parent__parent").prefetch_related(
        "financial_years", "patents", "certifications",
        Prefetch("project_records", queryset=ProjectRecord.objects.select_related("region__parent__parent")))
