"""The money steps' confirmation sentences (milestones/confirmations.py) for the project page's ``data-confirm``."""

from django import template

from milestones.confirmations import confirm_acceptance_record, confirm_tranche_release
from milestones.models import AcceptanceOutcomeChoice

register = template.Library()


@register.filter
def release_question(tranche) -> str:
    return confirm_tranche_release(tranche)


@register.filter
def acceptance_questions(project) -> list[tuple[str, str]]:
    """(outcome, sentence) per acceptance outcome, for the form's ``data-confirm-<outcome>`` attributes."""
    return [(outcome, confirm_acceptance_record(project, outcome)) for outcome in AcceptanceOutcomeChoice.values]
