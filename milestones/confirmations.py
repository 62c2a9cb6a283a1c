"""The sentence each irreversible money step asks before it runs, naming the project, tranche and amount.

One function per step; the project page puts them in ``data-confirm`` and the views show them on the
confirmation page (core/confirm.py) when a POST comes without the confirmation.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.money import format_yuan

from .models import AcceptanceOutcomeChoice, Project, ProjectTranche


def confirm_tranche_release(tranche: ProjectTranche) -> str:
    return _("Release tranche %(seq)s of %(reference)s: %(amount)s yuan?") % {
        "reference": tranche.project.application.reference, "seq": tranche.seq,
        "amount": format_yuan(tranche.amount)}


def confirm_acceptance_record(project: Project, outcome: str) -> str:
    values = {"reference": project.application.reference, "amount": format_yuan(project.award)}
    if outcome == AcceptanceOutcomeChoice.PASSED:
        return _("Record that %(reference)s passed acceptance (award %(amount)s yuan)?") % values
    return _("Record that %(reference)s failed acceptance (award %(amount)s yuan)?") % values
