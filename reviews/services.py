"""Every state change of expert review: the pool, rounds, assignments and reviews. The funding decision
(proposal, publicity, objections, approval) is in ``decisions.py``. Each transition: atomic, lock, role and state
check, save with update_fields, audit event, on-commit work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from applications.models import Application
from audit.services import record_event
from core.dispatch import queue
from core.text import text_problem
from organisations.models import Organisation, Region
from organisations.uscc import normalise_uscc
from programs.models import Track
from programs.procedure import procedure_for
from programs.selectors import rubric_for

from . import notices
from .conflicts import REASONS
from .models import (
    ACTIVE_ASSIGNMENT,
    ASSIGNMENT_TRANSITIONS,
    DOSSIER_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ROUND_TRANSITIONS,
    ROUND_WORK,
    SCORE_MAX,
    SCORE_MIN,
    Assignment,
    AssignmentState,
    DeclaredConflict,
    Dossier,
    PasswordMail,
    Recommendation,
    Review,
    ReviewerProfile,
    ReviewRound,
    ReviewScore,
    ReviewState,
    RoundState,
    Transition,
)
from .pool_excel import PoolRow, read_pool
from .pools import candidates, pool_of
from .proposal import Proposal, assignment_propose  # noqa: F401  (the automatic assignment's service)
from .rounds import lock_round, open_conflicts, require_officer, round_applications, round_office
from .selectors import conflict_matrix, expertise_matches
from .shortfall import BLOCKS_START, Shortfall, round_shortfall, shortfall_state
from .welcome import queue_password_mail

# --- helpers -----------------------------------------------------------------------------------------------------


def _require_assigned_reviewer(actor, assignment: Assignment) -> None:
    if not (getattr(actor, "is_reviewer", False) and assignment.reviewer.user_id == actor.pk):
        raise PermissionDenied(_("Only the assigned reviewer may do this."))


def check_state(table: dict[str, Transition], name: str, state: str, label: str) -> Transition:
    transition = table[name]
    if state not in transition.sources:
        raise ValidationError(
            _("This is “%(state)s”; “%(step)s” is not possible from there.")
            % {"state": label, "step": transition.label},
            code="wrong_state",
        )
    return transition


REASON_MAX = 2_000  # the reason box's limit (forms.ReasonForm)


def checked_reason(transition: Transition, reason: str) -> str:
    """The reason, stripped; refused when the step needs one and none was given, or when it is too long or holds
    control characters (such as NUL): then the message says which, not "give a reason"."""
    problem = text_problem(reason or "", label=_("Reason"), max_chars=REASON_MAX)
    if problem:
        raise ValidationError({"reason": problem})
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Give a reason; it is kept in the record.")})
    return reason


def _lock_assignment(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update().select_related("reviewer", "round").get(pk=assignment.pk)


# --- the expert pool ---------------------------------------------------------------------------------------------


@dataclass
class ReviewerData:
    name: str
    email: str
    affiliation_name: str = ""
    affiliation_uscc: str = ""
    title: str = ""
    expertise: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    phone: str = ""
    load_limit: int = 10


def _create_reviewer(data: ReviewerData | PoolRow, organisations: dict[str, int],
                     office: str | None) -> ReviewerProfile:
    user = User(username=data.email, email=data.email, full_name=data.name, phone=data.phone, role=Role.REVIEWER)
    user.set_unusable_password()
    user.save()
    uscc = normalise_uscc(data.affiliation_uscc)
    return ReviewerProfile.objects.create(
        user=user, name=data.name, affiliation_name=data.affiliation_name, affiliation_uscc=uscc,
        affiliation_id=organisations.get(uscc), title=data.title, expertise=list(data.expertise),
        regions=list(data.regions), phone=data.phone, load_limit=data.load_limit, password_mail=PasswordMail.QUEUED,
        office_id=office,
    )


def _duplicate_emails(emails: list[str]) -> set[str]:
    return set(User.objects.filter(username__in=emails).values_list("username", flat=True)) | set(
        User.objects.filter(email__in=emails).values_list("email", flat=True))


@transaction.atomic
def reviewer_add(*, actor, data: ReviewerData, office: str | None) -> ReviewerProfile:
    """An officer adds one reviewer to the pool of ``office``, one the officer works for (None: the shared pool,
    for a platform admin only); the reviewer gets an account and a link to set the password."""
    require_officer(actor, office)
    data.email = data.email.strip().lower()
    if _duplicate_emails([data.email]):
        raise ValidationError({"email": _("An account with this e-mail already exists.")})
    uscc = normalise_uscc(data.affiliation_uscc)
    organisations = dict(Organisation.objects.filter(uscc=uscc).values_list("uscc", "pk")) if uscc else {}
    profile = _create_reviewer(data, organisations, office)
    record_event(target=profile, actor=actor, action="add_reviewer", to_state="active", data={"pool": office})
    queue_password_mail([profile.pk])
    return profile


@dataclass
class ImportResult:
    created: list[ReviewerProfile]


@transaction.atomic
def reviewer_pool_import(*, actor, content: bytes, office: str | None) -> ImportResult:
    """Import experts from an Excel file into the pool of ``office`` (as ``reviewer_add``): all rows or none.
    Raises ValidationError listing every bad row."""
    require_officer(actor, office)
    rows, problems = read_pool(content, known_regions=set(Region.objects.values_list("code", flat=True)))
    taken = _duplicate_emails([r.email for r in rows])
    problems += [_("Row %(row)s: an account with the e-mail %(email)s already exists.")
                 % {"row": r.row, "email": r.email} for r in rows if r.email in taken]
    if problems:
        raise ValidationError(sorted(problems, key=_row_number), code="bad_rows")
    organisations = dict(Organisation.objects.filter(uscc__in=[r.affiliation_uscc for r in rows if r.affiliation_uscc])
                         .values_list("uscc", "pk"))
    created = [_create_reviewer(row, organisations, office) for row in rows]
    for profile in created:
        record_event(target=profile, actor=actor, action="import_reviewer", to_state="active")
    queue_password_mail([p.pk for p in created])
    return ImportResult(created=created)


def _row_number(message: str) -> int:
    digits = "".join(ch if ch.isdigit() else " " for ch in message).split()
    return int(digits[0]) if digits else 0


@transaction.atomic
def conflict_declare_standing(*, actor, reviewer: ReviewerProfile, uscc: str, reason: str) -> DeclaredConflict:
    """A standing tie with an organisation (a parent group, a former employer), declared by the reviewer or
    recorded by an officer; every application of that organisation's family is then a conflict."""
    if reviewer.user_id != actor.pk and not (
            getattr(actor, "is_officer", False)
            and ReviewerProfile.objects.filter(pool_of(actor), pk=reviewer.pk).exists()):  # a pool it draws on
        raise PermissionDenied(_("Only the reviewer or a program officer may do this."))
    code = normalise_uscc(uscc)
    if len(code) != 18 or not (reason or "").strip():
        raise ValidationError(_("Give the organisation's 18-character credit code and the reason."))
    conflict = DeclaredConflict.objects.create(reviewer=reviewer, uscc=code, reason=reason.strip())
    record_event(target=reviewer, actor=actor, action="declare_standing_conflict", reason=reason.strip(),
                 data={"uscc": code})
    return conflict


# --- rounds and assignment ---------------------------------------------------------------------------------------


@transaction.atomic
def round_open(*, actor, track: Track, reviewers_per_application: int | None = None, deadline: dt.date | None = None,
               blind: bool = True, random_draw: bool = False) -> ReviewRound:
    """Open the expert review of a track, with the guide's procedure parameters (portal defaults where silent)."""
    require_officer(actor, Track.objects.filter(pk=track.pk).values_list("program__office", flat=True).first())
    Track.objects.select_for_update().get(pk=track.pk)
    if ReviewRound.objects.filter(track=track).exists():
        raise ValidationError(_("The expert review of this track is already open."), code="exists")
    count = reviewers_per_application or procedure_for(track).reviewers_per_application
    if not 1 <= count <= 15:
        raise ValidationError({"reviewers_per_application": _("Choose from 1 to 15 reviewers per application.")})
    review_round = ReviewRound.objects.create(track=track, reviewers_per_application=count, deadline=deadline,
                                              blind=blind, random_draw=random_draw, created_by=actor)
    record_event(target=review_round, actor=actor, action="open", to_state=review_round.state,
                 data={"reviewers_per_application": count, "blind": blind, "random_draw": random_draw})
    return review_round


@transaction.atomic
def round_update(*, actor, review_round: ReviewRound, reviewers_per_application: int, deadline: dt.date | None,
                 blind: bool, random_draw: bool) -> ReviewRound:
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    if locked.state not in ROUND_WORK["change_settings"]:
        raise ValidationError(_("The settings can change only before the review starts."), code="wrong_state")
    if not 1 <= reviewers_per_application <= 15:
        raise ValidationError({"reviewers_per_application": _("Choose from 1 to 15 reviewers per application.")})
    locked.reviewers_per_application, locked.deadline = reviewers_per_application, deadline
    locked.blind, locked.random_draw = blind, random_draw
    locked.save(update_fields=["reviewers_per_application", "deadline", "blind", "random_draw"])
    record_event(target=locked, actor=actor, action="settings", data={
        "reviewers_per_application": reviewers_per_application, "blind": blind, "random_draw": random_draw,
        "deadline": deadline.isoformat() if deadline else None})
    return locked


@transaction.atomic
def assignment_add(*, actor, review_round: ReviewRound, application: Application,
                   reviewer: ReviewerProfile) -> Assignment:
    """The officer assigns a reviewer by hand; a conflicted reviewer or one at the load limit is refused."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    if locked.state not in ROUND_WORK["assign_by_hand"]:
        raise ValidationError(_("Reviewers can be assigned only before the awards are proposed."), code="wrong_state")
    profile = ReviewerProfile.objects.select_for_update().get(pk=reviewer.pk)
    if not ReviewerProfile.objects.filter(candidates(round_office(locked)), pk=profile.pk).exists():
        raise ValidationError(_("%(name)s is not in a pool this program draws from (the shared pool, its office's "
                                "and the offices above it).") % {"name": profile.name}, code="other_pool")
    if not round_applications(locked).filter(pk=application.pk).exists():
        raise ValidationError(_("This application is not in this round's expert review."))
    if not profile.active:
        raise ValidationError(_("This reviewer is not active."))
    conflict = conflict_matrix([application.pk], [profile]).get((application.pk, profile.pk))
    if conflict:
        raise ValidationError(_("%(name)s has a conflict of interest with this application: %(rule)s.")
                              % {"name": profile.name, "rule": REASONS[conflict]}, code="conflict")
    if Assignment.objects.filter(application=application, reviewer=profile).exists():
        raise ValidationError(_("%(name)s was already assigned to this application.") % {"name": profile.name})
    if Assignment.objects.filter(round=locked, reviewer=profile, state__in=ACTIVE_ASSIGNMENT).count() \
            >= profile.load_limit:
        raise ValidationError(_("%(name)s already has %(n)s applications, the load limit.")
                              % {"name": profile.name, "n": profile.load_limit})
    state = AssignmentState.PROPOSED if locked.state == RoundState.ASSIGNING else AssignmentState.CONFIRMED
    replaces = (open_conflicts(locked, [application.pk]).get(application.pk) or [None])[0]
    created = Assignment.objects.create(
        round=locked, application=application, reviewer=profile, state=state, source=Assignment.Source.MANUAL,
        expertise_match=bool(expertise_matches(locked.track, [profile], [application.pk])), replaces_id=replaces)
    record_event(target=created, actor=actor, action="add", to_state=state,
                 data={"replaces": replaces} if replaces else None)
    if state == AssignmentState.CONFIRMED:
        notices.assigned([created])
        _queue_dossier(created.application_id, locked.blind)
    return created


@transaction.atomic
def assignment_confirm(*, actor, assignment: Assignment) -> Assignment:
    require_officer(actor, round_office(assignment.round))
    locked = _lock_assignment(assignment)
    check_state(ASSIGNMENT_TRANSITIONS, "confirm", locked.state, locked.get_state_display())
    if locked.round.state not in ROUND_WORK["confirm_assignment"]:
        raise ValidationError(_("Start the review to confirm the whole proposal."), code="wrong_state")
    before, locked.state = locked.state, AssignmentState.CONFIRMED
    locked.save(update_fields=["state"])
    record_event(target=locked, actor=actor, action="confirm", from_state=before, to_state=locked.state)
    notices.assigned([locked])
    _queue_dossier(locked.application_id, locked.round.blind)
    return locked


@transaction.atomic
def assignment_remove(*, actor, assignment: Assignment, reason: str) -> Assignment:
    require_officer(actor, round_office(assignment.round))
    locked = _lock_assignment(assignment)
    transition = check_state(ASSIGNMENT_TRANSITIONS, "remove", locked.state, locked.get_state_display())
    reason = checked_reason(transition, reason)
    if locked.round.state not in ROUND_WORK["remove_assignment"]:
        raise ValidationError(_("Reviewers can be removed only before the awards are proposed."), code="wrong_state")
    if Review.objects.filter(assignment=locked, state=ReviewState.SUBMITTED).exists():
        raise ValidationError(_("This reviewer has submitted the review; reopen it first if it must go."))
    before, locked.state = locked.state, AssignmentState.REMOVED
    locked.save(update_fields=["state"])
    record_event(target=locked, actor=actor, action="remove", from_state=before, to_state=locked.state, reason=reason)
    return locked


@transaction.atomic
def round_start_review(*, actor, review_round: ReviewRound) -> ReviewRound:
    """The officer confirms the proposed assignment; reviewers are told and see their applications."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    check_state(ROUND_TRANSITIONS, "start_review", locked.state, locked.get_state_display())
    proposed = Assignment.objects.filter(round=locked, state=AssignmentState.PROPOSED)
    if not proposed.exists():
        raise ValidationError(_("Propose the assignment first."))
    shortfall = round_shortfall(locked)
    if shortfall_state(locked, shortfall) in BLOCKS_START:
        raise ValidationError(_shortfall_message(locked, shortfall), code="shortfall")
    proposed_ids = list(proposed.values_list("pk", flat=True))
    confirmed = proposed.update(state=AssignmentState.CONFIRMED)
    notices.assigned(Assignment.objects.filter(pk__in=proposed_ids)
                     .select_related("reviewer__user", "application", "round__track__program"))
    before, locked.state = locked.state, RoundState.REVIEWING
    locked.save(update_fields=["state"])
    record_event(target=locked, actor=actor, action="start_review", from_state=before, to_state=locked.state,
                 data={"confirmed": confirmed, "missing": shortfall.missing})
    for application_id in round_applications(locked).values_list("pk", flat=True):
        _queue_dossier(application_id, locked.blind)
    return locked


def _shortfall_message(review_round: ReviewRound, shortfall: Shortfall) -> str:
    count = len(shortfall.short)
    counts = {"missing": shortfall.missing, "count": count}
    if review_round.shortfall_stamp:
        return ngettext(
            "The assignment changed after the shortfall was confirmed: %(missing)s reviewer places are unfilled on "
            "%(count)s application. Confirm the shortfall again, or add experts to the pool and propose again.",
            "The assignment changed after the shortfall was confirmed: %(missing)s reviewer places are unfilled on "
            "%(count)s applications. Confirm the shortfall again, or add experts to the pool and propose again.",
            count) % counts
    return ngettext(
        "%(missing)s reviewer places are unfilled on %(count)s application. Add experts to the pool and propose "
        "again, or confirm the shortfall with a reason before starting the review.",
        "%(missing)s reviewer places are unfilled on %(count)s applications. Add experts to the pool and propose "
        "again, or confirm the shortfall with a reason before starting the review.",
        count) % counts


@transaction.atomic
def round_confirm_shortfall(*, actor, review_round: ReviewRound, reason: str) -> ReviewRound:
    """The officer accepts that the review starts with fewer reviewers than wanted, for the assignment as it is
    now; the confirmation no longer counts once the assignment changes."""
    require_officer(actor, round_office(review_round))
    locked = lock_round(review_round)
    transition = check_state(ROUND_TRANSITIONS, "confirm_shortfall", locked.state, locked.get_state_display())
    reason = checked_reason(transition, reason)
    shortfall = round_shortfall(locked)
    if not shortfall.missing:
        raise ValidationError(_("Every application has all its reviewers: there is no shortfall to confirm."),
                              code="no_shortfall")
    locked.shortfall_confirmed_by, locked.shortfall_confirmed_at = actor, timezone.now()
    locked.shortfall_reason, locked.shortfall_missing = reason, shortfall.missing
    locked.shortfall_stamp = shortfall.stamp
    locked.save(update_fields=["shortfall_confirmed_by", "shortfall_confirmed_at", "shortfall_reason",
                               "shortfall_missing", "shortfall_stamp"])
    record_event(target=locked, actor=actor, action="confirm_shortfall", from_state=locked.state,
                 to_state=locked.state, reason=reason, data={
                     "missing": shortfall.missing, "wanted": shortfall.wanted, "stamp": shortfall.stamp,
                     "gaps": {str(gap.application_id): gap.missing for gap in shortfall.short}})
    return locked


def _queue_dossier(application_id: int, blind: bool) -> None:
    Dossier.objects.update_or_create(application_id=application_id,
                                     defaults={"blind": blind, "status": Dossier.Status.PENDING})
    queue("reviews.generate_dossier", application_id=application_id)


@transaction.atomic
def dossier_retry(*, actor, assignment: Assignment) -> Dossier:
    """Make the reviewer's PDF again after it failed: the reviewer who accepted the assignment, or an officer."""
    if not getattr(actor, "is_officer", False):
        _require_assigned_reviewer(actor, assignment)
    locked = Dossier.objects.select_for_update().filter(application_id=assignment.application_id).first()
    if locked is None:
        raise ValidationError(_("There is no PDF of this application to make again."), code="wrong_state")
    transition = check_state(DOSSIER_TRANSITIONS, "retry", locked.status, locked.get_status_display())
    before, locked.status = locked.status, transition.target
    locked.save(update_fields=["status"])
    record_event(target=locked, actor=actor, action="retry_dossier", from_state=before, to_state=locked.status)
    _queue_dossier(locked.application_id, locked.blind)
    return locked


@transaction.atomic
def dossiers_redact_again(*, actor=None) -> int:
    """Make every redacted reviewer's PDF again (after the withholding rules changed, so that no PDF made under the
    old rules stays downloadable); one already being made is left to finish. Returns how many were queued."""
    transition = DOSSIER_TRANSITIONS["redact_again"]
    queued = 0
    for dossier in Dossier.objects.select_for_update().filter(blind=True, status__in=transition.sources).order_by("pk"):
        record_event(target=dossier, actor=actor, action=transition.name, from_state=dossier.status,
                     to_state=transition.target)
        _queue_dossier(dossier.application_id, True)
        queued += 1
    return queued


# --- the reviewer ------------------------------------------------------------------------------------------------


@transaction.atomic
def assignment_accept(*, actor, assignment: Assignment) -> Assignment:
    """The reviewer declares no conflict of interest; the application opens and a draft review starts."""
    locked = _lock_assignment(assignment)
    _require_assigned_reviewer(actor, locked)
    check_state(ASSIGNMENT_TRANSITIONS, "accept", locked.state, locked.get_state_display())
    before, locked.state = locked.state, AssignmentState.ACCEPTED
    locked.save(update_fields=["state"])
    Review.objects.get_or_create(assignment=locked)
    record_event(target=locked, actor=actor, action="accept", from_state=before, to_state=locked.state,
                 reason=_("No conflict of interest declared."))
    return locked


@transaction.atomic
def assignment_declare_conflict(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """The reviewer declares a conflict: the assignment drops and the officer is asked to replace it."""
    locked = _lock_assignment(assignment)
    _require_assigned_reviewer(actor, locked)
    transition = check_state(ASSIGNMENT_TRANSITIONS, "declare_conflict", locked.state, locked.get_state_display())
    reason = checked_reason(transition, reason)
    before, locked.state = locked.state, AssignmentState.CONFLICT
    locked.save(update_fields=["state"])
    DeclaredConflict.objects.create(reviewer=locked.reviewer, application_id=locked.application_id, reason=reason)
    record_event(target=locked, actor=actor, action="declare_conflict", from_state=before, to_state=locked.state,
                 reason=reason)
    notices.conflict_declared(locked, reason, timezone.localdate())
    return locked


def _lock_review(review: Review) -> Review:
    return Review.objects.select_for_update().select_related(
        "assignment__reviewer", "assignment__round__track__program").get(pk=review.pk)


@dataclass
class ScoreData:
    scores: dict[int, tuple[Decimal | None, str]]  # criterion id → (score, comment)
    opinion: str = ""
    recommendation: str = ""


def _score_problems(criteria, data: ScoreData, *, complete: bool) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for criterion in criteria:
        score, _comment = data.scores.get(criterion.pk, (None, ""))
        if score is None:
            if complete:
                problems.setdefault(f"score_{criterion.pk}", []).append(_("Give a score from %(min)s to %(max)s.")
                                                                         % {"min": SCORE_MIN, "max": SCORE_MAX})
        elif not (SCORE_MIN <= score <= SCORE_MAX) or score.as_tuple().exponent < -2:
            problems.setdefault(f"score_{criterion.pk}", []).append(
                _("A score is a number from %(min)s to %(max)s with at most two decimals.")
                % {"min": SCORE_MIN, "max": SCORE_MAX})
    if complete and not data.opinion.strip():
        problems.setdefault("opinion", []).append(_("Write your overall opinion."))
    if data.recommendation and data.recommendation not in Recommendation.values:
        problems.setdefault("recommendation", []).append(_("Choose a recommendation."))
    elif complete and not data.recommendation:
        problems.setdefault("recommendation", []).append(_("Choose a recommendation."))
    return problems


def _write_scores(review: Review, criteria, data: ScoreData) -> None:
    existing = {s.criterion_id: s for s in review.scores.all()}
    for criterion in criteria:
        score, comment = data.scores.get(criterion.pk, (None, ""))
        row = existing.get(criterion.pk) or ReviewScore(review=review, criterion=criterion)
        row.score, row.comment = score, (comment or "").strip()
        row.save()


def _editable_review(actor, review: Review) -> tuple[Review, list]:
    locked = _lock_review(review)
    _require_assigned_reviewer(actor, locked.assignment)
    if locked.assignment.state != AssignmentState.ACCEPTED:
        raise ValidationError(_("This assignment is no longer yours to score."), code="wrong_state")
    if locked.assignment.round.state not in ROUND_WORK["score"]:
        raise ValidationError(_("The review of this track is closed."), code="wrong_state")
    rubric = rubric_for(locked.assignment.round.track)
    return locked, list(rubric.criteria.all()) if rubric else []


@transaction.atomic
def review_save(*, actor, review: Review, data: ScoreData) -> Review:
    """Keep a draft: scores may be missing, but those given must be in range."""
    locked, criteria = _editable_review(actor, review)
    if locked.state != ReviewState.DRAFT:
        raise ValidationError(_("A submitted review is locked; an officer may reopen it."), code="wrong_state")
    problems = _score_problems(criteria, data, complete=False)
    if problems:
        raise ValidationError(problems)
    _write_scores(locked, criteria, data)
    locked.opinion, locked.recommendation = data.opinion.strip(), data.recommendation
    locked.save(update_fields=["opinion", "recommendation", "updated_at"])
    return locked


@transaction.atomic
def review_submit(*, actor, review: Review, data: ScoreData) -> Review:
    """Submit the review: every criterion scored, the weighted total fixed; the review is then locked."""
    from .scoring import weighted_total

    locked, criteria = _editable_review(actor, review)
    check_state(REVIEW_TRANSITIONS, "submit", locked.state, locked.get_state_display())
    if not criteria:
        raise ValidationError(_("This track has no review criteria; ask the office to set a rubric."))
    problems = _score_problems(criteria, data, complete=True)
    if problems:
        raise ValidationError(problems)
    _write_scores(locked, criteria, data)
    before = locked.state
    locked.total = weighted_total([(data.scores[c.pk][0], c.weight) for c in criteria])
    locked.opinion, locked.recommendation = data.opinion.strip(), data.recommendation
    locked.state, locked.submitted_at = ReviewState.SUBMITTED, timezone.now()
    locked.save(update_fields=["total", "opinion", "recommendation", "state", "submitted_at", "updated_at"])
    record_event(target=locked, actor=actor, action="submit", from_state=before, to_state=locked.state,
                 data={"total": f"{locked.total:.2f}"})
    return locked


@transaction.atomic
def review_reopen(*, actor, review: Review, reason: str) -> Review:
    """An officer reopens a submitted review (the reviewer may change it and submit again)."""
    require_officer(actor, round_office(review.assignment.round))
    locked = _lock_review(review)
    transition = check_state(REVIEW_TRANSITIONS, "reopen", locked.state, locked.get_state_display())
    reason = checked_reason(transition, reason)
    if locked.assignment.round.state not in ROUND_WORK["reopen_review"]:
        raise ValidationError(_("Reviews can be reopened only while the review runs."), code="wrong_state")
    before, locked.state, locked.total = locked.state, ReviewState.DRAFT, None
    locked.save(update_fields=["state", "total", "updated_at"])
    record_event(target=locked, actor=actor, action="reopen", from_state=before, to_state=locked.state, reason=reason)
    notices.reopened(locked, reason)
    return locked


def parse_score(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return Decimal("-1")  # reported as out of range
    return number if number.is_finite() else Decimal("-1")


def dossier_render(*, application_id: int, final: bool = True) -> None:
    """Render and store the reviewers' PDF of an application (background work; a passing error is tried again by
    the task, see ``jobs.retrying``)."""
    from django.core.files.base import ContentFile

    from jobs.retrying import pdf_attempt

    from .exports import dossier_pdf

    dossier = Dossier.objects.filter(application_id=application_id).select_related("application").first()
    if dossier is None:
        return

    def make() -> None:
        content = dossier_pdf(dossier.application, blind=dossier.blind)
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            old = locked.pdf_file.name if locked.pdf_file else None
            locked.pdf_file.save(f"{dossier.application.reference}-review.pdf", ContentFile(content), save=False)
            locked.status = Dossier.Status.READY
            locked.save(update_fields=["pdf_file", "status"])
            if old and old != locked.pdf_file.name:
                storage = locked.pdf_file.storage
                transaction.on_commit(lambda: storage.delete(old))

    pdf_attempt(rows=Dossier.objects.filter(pk=dossier.pk), field="status", final=final, make=make)
