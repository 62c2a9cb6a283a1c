"""Reads of appeals (复审) and of the applicants' exclusions (回避申请): the window an applicant has to appeal, the
officer's queue, and the panels on the application's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from applications.models import Application, Exclusion, Status
from audit.models import AuditEvent
from audit.selectors import history_for
from offices.acting import acts_in
from offices.selectors import office_scope
from programs.procedure import procedure_for
from programs.selectors import today
from programs.workdays import period_end

from .conflicts import normalise_name, same_person
from .models import APPEAL_TRANSITIONS, Appeal, AppealStage, AppealState, ReviewerProfile
from .pools import candidates

# The refusals an applicant may appeal: the application's state after it, the audited step, the stage.
APPEALABLE = {Status.REFUSED: ("refuse", AppealStage.FORMAL), Status.NOT_FUNDED: ("not_fund", AppealStage.FUNDING)}


@dataclass(frozen=True)
class AppealWindow:
    """When the applicant may appeal the decision that refused the application."""

    stage: str
    decision: AuditEvent
    notice_day: dt.date  # the day the refusal was decided and its notice sent
    days: int
    day_kind: str
    ends_on: dt.date
    provisional: bool  # a working-day period reaching a year whose holidays are not entered yet

    @property
    def stage_label(self) -> str:
        return str(AppealStage(self.stage).label)

    @property
    def is_open(self) -> bool:
        return today() <= self.ends_on


def appeal_window(application: Application) -> AppealWindow | None:
    """The window for appealing the application's refusal, or None when it was not refused (in formal review) or
    not funded. The period is the track's (``appeal_days``, 15 calendar days by default), counted from the day
    after the notice, as periods in PRC law are (the day of the notice is not counted). One query (two for working
    days: the calendar)."""
    found = APPEALABLE.get(application.status)
    if found is None:
        return None
    action, stage = found
    decision = history_for(application).filter(action=action).order_by("-at", "-pk").first()
    if decision is None:
        return None
    procedure = procedure_for(application.track)
    notice_day = timezone.localdate(decision.at)
    end = period_end(notice_day + dt.timedelta(days=1), procedure.appeal_days, procedure.appeal_day_kind)
    return AppealWindow(stage=stage, decision=decision, notice_day=notice_day, days=procedure.appeal_days,
                        day_kind=procedure.appeal_day_kind, ends_on=end.day, provisional=end.provisional)


def appeal_decidable(appeal: Appeal, user, office_code: str | None = None) -> bool:
    """Whether ``user`` may decide ``appeal`` now: an officer of the program's office (``office_code`` when the
    caller has it; an officer of the office above only reads), and upholding or dismissing is open from its state
    (APPEAL_TRANSITIONS; the services check the same)."""
    if not getattr(user, "is_officer", False) or not any(
            appeal.state in APPEAL_TRANSITIONS[step].sources for step in ("uphold", "dismiss")):
        return False
    return acts_in(user, office_code or appeal.application.track.program.office_id)


def appeal_can_lodge(user, window: AppealWindow | None, made: list[Appeal]) -> bool:
    """Whether ``user`` (a member of the unit, not an officer) may lodge an appeal now: the window is open and no
    appeal was lodged against this decision yet."""
    if getattr(user, "is_officer", False) or window is None or not window.is_open:
        return False
    return not any(appeal.decision_id == window.decision.pk for appeal in made)


def appeal_queue(user) -> QuerySet[Appeal]:
    """The appeals of the programs the officer may read, those awaiting a decision first; nothing for anyone
    else. One query a page."""
    if not getattr(user, "is_officer", False):
        return Appeal.objects.none()
    waiting = Case(When(state=AppealState.LODGED, then=Value(0)), default=Value(1))
    return (Appeal.objects.filter(office_scope(user, "application__track__program__office"))
            .select_related("application__track__program", "application__organisation")
            .order_by(waiting, "-lodged_at", "-pk"))


def appeal_for_officer(user, pk: int) -> Appeal:
    appeal = appeal_queue(user).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal


def appeals_of(application: Application) -> list[Appeal]:
    return list(application.appeals.select_related("lodged_by", "decided_by").order_by("lodged_at", "pk"))


def open_appeal_count() -> int:
    return Appeal.objects.filter(state=AppealState.LODGED).count()


@dataclass(frozen=True)
class ExclusionRow:
    exclusion: Exclusion
    matches: list[ReviewerProfile]


def exclusion_rows(application: Application, *, with_matches: bool) -> list[ExclusionRow]:
    """The applicant's exclusions, each with the pool members it names (for officers: ``with_matches``). Two
    queries: the exclusions, and the pool members of those names."""
    exclusions = list(application.exclusions.all())
    if not exclusions or not with_matches:
        return [ExclusionRow(e, []) for e in exclusions]
    names = {normalise_name(e.name) for e in exclusions}
    # The experts this program may draw (the shared pool, its office's and those above): others are never assigned.
    drawn = ReviewerProfile.objects.filter(candidates(application.track.program.office_id))
    pool = [r for r in drawn.only("pk", "name", "affiliation_name", "active").order_by("name", "pk")
            if normalise_name(r.name) in names]
    return [ExclusionRow(e, [r for r in pool if same_person(e.name, e.employer, r.name, r.affiliation_name)])
            for e in exclusions]
