"""What several of expert review's services share about a round: the officer check, the round's lock, the
applications it reviews and the declared conflicts still to replace."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from applications.models import Application, Status
from offices.selectors import may_act_in

from .models import ACTIVE_ASSIGNMENT, Assignment, AssignmentState, ReviewRound


def require_officer(actor, office_code: str | None) -> None:
    """An officer who works for ``office_code`` (the program's office; None: the shared expert pool, which only a
    platform admin changes). An officer of another office, or of the office above that only reads, is refused the
    same way as someone who is no officer."""
    if not getattr(actor, "is_officer", False) or not may_act_in(actor, office_code):
        raise PermissionDenied(_("Only program officers may do this."))


def round_office(review_round: ReviewRound) -> str:
    """The office of the round's program (its track and program are loaded once when not yet)."""
    return review_round.track.program.office_id


def lock_round(review_round: ReviewRound) -> ReviewRound:
    return ReviewRound.objects.select_for_update().select_related("track", "track__program").get(pk=review_round.pk)


def round_applications(review_round: ReviewRound):
    """The applications a round reviews: the track's applications in expert review."""
    return Application.objects.filter(track_id=review_round.track_id, status=Status.PASSED)


def open_conflicts(review_round: ReviewRound, application_ids: list[int]) -> dict[int, list[int]]:
    """Application id → the ids of its declared conflicts in the round whose place no active assignment fills
    yet, oldest first: what a new assignment to that application replaces. One query."""
    filled = Assignment.objects.filter(round=review_round, state__in=list(ACTIVE_ASSIGNMENT),
                                       replaces__isnull=False).values("replaces_id")
    found: dict[int, list[int]] = {}
    for pk, application_id in (Assignment.objects.filter(round=review_round, application_id__in=application_ids,
                                                         state=AssignmentState.CONFLICT)
                               .exclude(pk__in=filled).order_by("pk").values_list("pk", "application_id")):
        found.setdefault(application_id, []).append(pk)
    return found
