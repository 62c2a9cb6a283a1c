"""Rules on the partners of a joint application."""

from __future__ import annotations

from organisations.choices import OrgType, org_type_admitted
from programs.models import RuleKind

from .. import params as P
from ..core import Facts, Outcome, check
from ..reasons import Reason, labels
from ..reasons import Reason as _


@check(RuleKind.PARTNER_LIMIT)
def _check_partner_limit(params: dict, facts: Facts) -> tuple[str, Reason]:
    maximum = P.whole(params, "max")
    values = {"count": facts.partner_count, "max": maximum}
    if facts.partner_count <= maximum:
        return Outcome.PASS, _("Partners named: %(count)d ≤ %(max)d allowed") % values
    return Outcome.FAIL, _("Partners named: %(count)d > %(max)d allowed") % values


@check(RuleKind.PARTNER_TYPES)
def _check_partner_types(params: dict, facts: Facts) -> tuple[str, Reason]:
    types = P.str_list(params, "types")
    minimum = P.whole(params, "min", minimum=1)
    maximum = P.optional_whole(params, "max", minimum=minimum)
    matching = [p for p in facts.partners if org_type_admitted(p.org_type, types)]
    values = {"count": len(matching), "min": minimum, "types": labels(OrgType, types)}
    if len(matching) < minimum:
        return Outcome.FAIL, _(
            "Partners of the required type (%(types)s): %(count)d < %(min)d; name them in the application"
        ) % values
    if maximum is not None and len(matching) > maximum:
        values["max"] = maximum
        return Outcome.FAIL, _("Partners of the type %(types)s: %(count)d > %(max)d allowed") % values
    return Outcome.PASS, _("Partners of the required type (%(types)s): %(count)d ≥ %(min)d") % values
