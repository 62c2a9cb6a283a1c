"""Rules on who the organisation is: region, type, legal person, park size."""

from __future__ import annotations

from organisations.choices import OrgType, org_type_admitted
from organisations.models import Region
from organisations.regions import region_named
from programs.models import RuleKind

from .. import params as P
from ..core import Facts, Outcome, check
from ..params import ParamError
from ..reasons import Reason, labels
from ..reasons import Reason as _


@check(RuleKind.REGION)
def _check_region(params: dict, facts: Facts) -> tuple[str, Reason]:
    code = str(params.get("region") or "")
    if not code:
        raise ParamError("region")
    region = facts.organisation.region
    lineage: dict[str, Region] = {}
    node: Region | None = region
    while node is not None:
        lineage[node.code] = node
        node = node.parent
    values = {"region": region.full_name}
    if code == region.code:
        return Outcome.PASS, _("Registered in %(region)s") % values
    if code in lineage:
        values["required"] = lineage[code].full_name
        return Outcome.PASS, _("Registered in %(region)s, inside %(required)s") % values
    required = region_named(code)
    values["required"] = required.full_name if required else code
    return Outcome.FAIL, _("Registered in %(region)s, outside %(required)s") % values


@check(RuleKind.ORG_TYPE)
def _check_org_type(params: dict, facts: Facts) -> tuple[str, Reason]:
    types = P.str_list(params, "types")
    org_type = facts.organisation.org_type
    values = {"type": P.label(OrgType, org_type), "types": labels(OrgType, types)}
    if org_type_admitted(org_type, types):
        return Outcome.PASS, _("Organisation type %(type)s is among the eligible types: %(types)s") % values
    return Outcome.FAIL, _("Organisation type %(type)s is not among the eligible types: %(types)s") % values


@check(RuleKind.LEGAL_PERSON)
def _check_legal_person(params: dict, facts: Facts) -> tuple[str, Reason]:
    if facts.organisation.is_legal_person:
        return Outcome.PASS, _("An independent legal person, as the organisation profile states")
    if params.get("branch_exception") and facts.organisation.is_separately_counted_branch:
        return Outcome.PASS, _(
            "A branch counted separately in statistics, which this guide treats as an independent legal person"
        )
    if params.get("branch_exception"):
        return Outcome.FAIL, _(
            "Neither an independent legal person nor a branch counted separately in statistics, "
            "as the organisation profile states"
        )
    return Outcome.FAIL, _("Not an independent legal person, as the organisation profile states")


@check(RuleKind.PARK_SIZE)
def _check_park_size(params: dict, facts: Facts) -> tuple[str, Reason]:
    minimum = P.whole(params, "min_enterprises")
    count = facts.organisation.park_enterprise_count
    if count is None:
        return Outcome.FAIL, _(
            "Enter the number of qualifying enterprises in the park in the organisation profile "
            "(at least %(min)d needed)"
        ) % {"min": minimum}
    values = {"count": count, "min": minimum}
    if count >= minimum:
        return Outcome.PASS, _("Qualifying enterprises in the park: %(count)d ≥ %(min)d") % values
    return Outcome.FAIL, _("Qualifying enterprises in the park: %(count)d < %(min)d") % values
