"""The decision steps' confirmation sentences (reviews/confirmations.py) for the decision page's ``data-confirm``."""

from django import template

from reviews.confirmations import AWARD_CONFIRMATIONS, ROUND_CONFIRMATIONS

register = template.Library()


@register.filter
def award_question(award, step: str) -> str:
    return AWARD_CONFIRMATIONS[step](award)


@register.filter
def round_question(review_round, step: str) -> str:
    return ROUND_CONFIRMATIONS[step](review_round)
