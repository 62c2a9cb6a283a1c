"""Rules only an officer can judge."""

from __future__ import annotations

from programs.models import RuleKind

from ..core import Facts, Outcome, check
from ..reasons import Reason
from ..reasons import Reason as _


@check(RuleKind.OFFICER)
def _check_officer(params: dict, facts: Facts) -> tuple[str, Reason]:
    return Outcome.OFFICER, _("Judged by an officer in formal review")
