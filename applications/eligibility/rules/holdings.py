"""Rules on what the organisation holds: patents, certifications."""

from __future__ import annotations

import unicodedata

from organisations.models import PatentKind, PatentStatus
from programs.models import RuleKind

from .. import params as P
from ..core import Facts, Outcome, check
from ..params import ParamError
from ..reasons import Reason, labels
from ..reasons import Reason as _


@check(RuleKind.PATENT_COUNT)
def _check_patent_count(params: dict, facts: Facts) -> tuple[str, Reason]:
    minimum = P.whole(params, "min")
    kinds = P.str_list(params, "kinds")
    latest = P.optional_date(params, "granted_on_or_before")
    count = sum(
        1
        for p in facts.organisation.patents.all()
        if p.status == PatentStatus.VALID and p.kind in kinds and (latest is None or p.granted_on <= latest)
    )
    values = {"count": count, "min": minimum, "kinds": labels(PatentKind, kinds)}
    if latest is not None:
        values["date"] = latest.isoformat()
        if count >= minimum:
            return Outcome.PASS, _(
                "Valid patents (%(kinds)s) granted on or before %(date)s: %(count)d ≥ %(min)d"
            ) % values
        return Outcome.FAIL, _(
            "Valid patents (%(kinds)s) granted on or before %(date)s: %(count)d < %(min)d "
            "(patents are entered in the organisation profile)"
        ) % values
    if count >= minimum:
        return Outcome.PASS, _("Valid patents (%(kinds)s): %(count)d ≥ %(min)d") % values
    return Outcome.FAIL, _(
        "Valid patents (%(kinds)s): %(count)d < %(min)d (patents are entered in the organisation profile)"
    ) % values


def _standard_key(standard: str) -> str:
    """So that “GB/T 29490”, “GB/T29490” and “gb／t 29490” compare equal."""
    return "".join(unicodedata.normalize("NFKC", standard).split()).casefold()


@check(RuleKind.CERTIFICATION)
def _check_certification(params: dict, facts: Facts) -> tuple[str, Reason]:
    standard = str(params.get("standard") or "").strip()
    if not standard:
        raise ParamError("standard")
    on = facts.on
    key = _standard_key(standard)
    held = [c for c in facts.organisation.certifications.all() if _standard_key(c.standard) == key]
    values = {"standard": standard, "on": on.isoformat()}
    valid = [c for c in held if c.valid_from <= on <= c.valid_until]
    if valid:
        best = max(valid, key=lambda c: c.valid_until)
        values |= {"from": best.valid_from.isoformat(), "until": best.valid_until.isoformat()}
        return Outcome.PASS, _("%(standard)s certificate valid %(from)s – %(until)s") % values
    if not held:
        return Outcome.FAIL, _(
            "No %(standard)s certificate on record: enter it in the organisation profile"
        ) % values
    expired = [c for c in held if c.valid_until < on]
    if expired:
        values["until"] = max(c.valid_until for c in expired).isoformat()
        return Outcome.FAIL, _("%(standard)s certificate expired on %(until)s (checked on %(on)s)") % values
    values["from"] = min(c.valid_from for c in held).isoformat()
    return Outcome.FAIL, _("%(standard)s certificate valid only from %(from)s (checked on %(on)s)") % values
