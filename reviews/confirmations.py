"""The sentence each irreversible decision step asks before it runs, naming the object and the amount.

One function per step; the decision page puts them in ``data-confirm`` and the views show them on the
confirmation page (core/confirm.py) when a POST comes without the confirmation.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.money import format_yuan

from .models import Award, AwardState, ReviewRound


def confirm_award_approve(award: Award) -> str:
    return _("Approve %(reference)s with an award of %(amount)s yuan?") % {
        "reference": award.application.reference, "amount": format_yuan(award.amount)}


def confirm_award_not_fund(award: Award) -> str:
    return _("Mark %(reference)s not funded (proposed %(amount)s yuan)?") % {
        "reference": award.application.reference, "amount": format_yuan(award.amount)}


def _listed(review_round: ReviewRound) -> tuple[int, object]:
    amounts = [a.amount for a in review_round.awards.all() if a.state != AwardState.NOT_FUNDED]
    return len(amounts), sum(amounts, 0)


def confirm_round_start_publicity(review_round: ReviewRound) -> str:
    count, total = _listed(review_round)
    return _("Publish the proposed list of %(track)s (公示): %(count)s awards, %(amount)s yuan in total?") % {
        "track": review_round.track.code, "count": count, "amount": format_yuan(total)}


def confirm_round_close(review_round: ReviewRound) -> str:
    count, total = _listed(review_round)
    return _("Close the round of %(track)s: %(count)s awards, %(amount)s yuan in total?") % {
        "track": review_round.track.code, "count": count, "amount": format_yuan(total)}


ROUND_CONFIRMATIONS = {"start_publicity": confirm_round_start_publicity, "close": confirm_round_close}
AWARD_CONFIRMATIONS = {"approve": confirm_award_approve, "not_fund": confirm_award_not_fund}
