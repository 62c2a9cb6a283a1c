"""Reads of expert review: conflicts, the reviewer's queue, the assignment page, the ranking, publicity.

Every list runs a fixed number of queries whatever the number of applications, reviewers and reviews: rows are
loaded in one query per kind and joined in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from applications.models import Application, Exclusion, Partner, Status
from core.counts import count_of
from offices.selectors import may_read, office_scope
from organisations.uscc import normalise_uscc
from programs.models import Track
from programs.procedure import procedure_for

from . import scoring, ties
from .conflicts import (
    REASONS,
    REVIEWER_VISIBLE,
    Parties,
    ReviewerTies,
    conflict_reason,
    family_key,
    normalise_name,
    same_person,
)
from .models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentState,
    Award,
    AwardState,
    DeclaredConflict,
    Objection,
    ObjectionState,
    Review,
    ReviewerProfile,
    ReviewRound,
    ReviewScore,
    ReviewState,
    RoundState,
    TieOrder,
)
from .pools import candidates, pool_of

REVIEWED_STATUSES = (Status.PASSED, Status.APPROVED, Status.NOT_FUNDED)


# --- conflicts and expertise -------------------------------------------------------------------------------------


def parties_of(application_ids: list[int]) -> dict[int, Parties]:
    parties = {
        pk: Parties(lead_id=org_id, lead_uscc=uscc)
        for pk, org_id, uscc in Application.objects.filter(pk__in=application_ids)
        .values_list("pk", "organisation_id", "organisation__uscc")
    }
    for application_id, org_id, uscc in Partner.objects.filter(application_id__in=application_ids).values_list(
            "application_id", "organisation_id", "uscc"):
        if org_id:
            parties[application_id].partner_ids.add(org_id)
        if uscc:
            parties[application_id].partner_usccs.add(uscc)
    return parties


def ties_of(reviewers: list[ReviewerProfile]) -> dict[int, ReviewerTies]:
    ties = {r.pk: ReviewerTies(affiliation_id=r.affiliation_id, affiliation_uscc=r.affiliation_uscc)
            for r in reviewers}
    for reviewer_id, application_id, uscc in DeclaredConflict.objects.filter(reviewer__in=list(ties)).values_list(
            "reviewer_id", "application_id", "uscc"):
        if application_id:
            ties[reviewer_id].declared_applications.add(application_id)
        if uscc:
            ties[reviewer_id].declared_usccs.add(uscc)
    return ties


def excluded_pairs(application_ids, reviewers: list[ReviewerProfile]) -> dict[tuple[int, int], Exclusion]:
    """(application id, reviewer id) → the applicant's exclusion (回避申请) that names that pool member. One query;
    the members are indexed by normalised name, so each exclusion meets only its namesakes."""
    by_name: dict[str, list[ReviewerProfile]] = defaultdict(list)
    for reviewer in reviewers:
        by_name[normalise_name(reviewer.name)].append(reviewer)
    found = {}
    for exclusion in Exclusion.objects.filter(application_id__in=list(application_ids)).order_by("seq"):
        for reviewer in by_name.get(normalise_name(exclusion.name), ()):
            employer = reviewer.affiliation_name
            if same_person(exclusion.name, exclusion.employer, reviewer.name, employer):
                found.setdefault((exclusion.application_id, reviewer.pk), exclusion)
    return found


def conflict_matrix(application_ids: list[int], reviewers: list[ReviewerProfile], *,
                    with_exclusions: bool = True) -> dict[tuple[int, int], str]:
    """(application id, reviewer id) → conflict reason code, for every conflicted pair. Four queries (three
    without the applicants' exclusions, which only officers' work reads).

    The reviewers are indexed by employer (record, credit code, body identifier) and by declared ties, so each
    application meets only the reviewers one of the rules could name, and ``conflict_reason`` decides for those:
    linear in applications and reviewers, not their product (2,000 × 500 pairs took seconds)."""
    parties, ties = parties_of(application_ids), ties_of(reviewers)
    by_id: dict[int, list[int]] = defaultdict(list)
    by_code: dict[str, list[int]] = defaultdict(list)
    by_family: dict[str, list[int]] = defaultdict(list)
    by_application: dict[int, list[int]] = defaultdict(list)
    for reviewer_id, tie in ties.items():
        if tie.affiliation_id is not None:
            by_id[tie.affiliation_id].append(reviewer_id)
        own = normalise_uscc(tie.affiliation_uscc)
        if own:
            by_code[own].append(reviewer_id)
            by_family[family_key(own)].append(reviewer_id)
        for code in tie.declared_usccs:
            if code:
                by_family[family_key(code)].append(reviewer_id)
        for application_id in tie.declared_applications:
            by_application[application_id].append(reviewer_id)
    found = {}
    for application_id, party in parties.items():
        codes = {normalise_uscc(c) for c in party.partner_usccs if c}
        candidates = set(by_application.get(application_id, ()))
        for org_id in (party.lead_id, *party.partner_ids):
            candidates.update(by_id.get(org_id, ()))
        for code in (party.lead_uscc, *codes):
            candidates.update(by_code.get(code, ()))
        for code in {family_key(c) for c in (party.lead_uscc, *codes) if c}:
            candidates.update(by_family.get(code, ()))
        for reviewer_id in candidates:
            reason = conflict_reason(application_id, party, ties[reviewer_id])
            if reason:
                found[(application_id, reviewer_id)] = reason
    if with_exclusions:
        for pair in excluded_pairs(application_ids, reviewers):
            found.setdefault(pair, "excluded")
    return found


@dataclass(frozen=True)
class EmployerCheck:
    """The conflict rules run for one reviewer on one application, told to the reviewer who declares."""

    employer: str  # the reviewer's registered employer
    conflict: str | None  # a key of ``conflicts.REASONS``; None when no tie was found

    @property
    def rule(self) -> str:
        return str(REASONS[self.conflict]) if self.conflict else ""


def employer_check(assignment: Assignment) -> EmployerCheck | None:
    """What the portal's conflict rules find for the assigned reviewer's registered employer (compared by credit
    code with the lead organisation and the partners); None when the reviewer has no employer with a credit code
    registered, so no such check ran. Three queries."""
    reviewer = assignment.reviewer
    code = normalise_uscc(reviewer.affiliation_uscc)
    if not code and reviewer.affiliation_id is None:
        return None
    # The reviewer reads this: the applicant's exclusions are never looked at (nor told).
    conflict = conflict_matrix([assignment.application_id], [reviewer], with_exclusions=False).get(
        (assignment.application_id, reviewer.pk))
    if conflict not in REVIEWER_VISIBLE:
        conflict = None
    employer = reviewer.affiliation_name or (reviewer.affiliation.name if reviewer.affiliation_id else "") or code
    return EmployerCheck(employer=employer, conflict=conflict)


def matching_reviewers(track: Track, reviewers: list[ReviewerProfile]) -> set[int]:
    """The reviewers one of whose keywords appears in the track's title or tasks (the guide's words)."""
    text = f"{track.title}\n{track.tasks}".lower()
    return {r.pk for r in reviewers if any(word and word.lower() in text for word in r.expertise or [])}


def expertise_matches(track: Track, reviewers: list[ReviewerProfile], application_ids) -> set[tuple[int, int]]:
    """Pairs where one of the reviewer's keywords appears in the track's title or tasks (the guide's words)."""
    matching = matching_reviewers(track, reviewers)
    return {(a, r) for a in application_ids for r in matching}


# --- the reviewer ------------------------------------------------------------------------------------------------


def reviewer_queue(user) -> QuerySet[Assignment]:
    """The reviewer's assignments the office has confirmed, newest round first. Two queries with the count."""
    return (
        Assignment.objects.filter(reviewer__user=user, state__in=[AssignmentState.CONFIRMED, AssignmentState.ACCEPTED])
        .select_related("application", "round__track__program", "review")
        .only("state", "application__reference", "application__title", "round__deadline", "round__state",
              "round__blind", "round__track__code", "round__track__title", "round__track__program__title",
              "round__track__program__short_title", "review__state", "review__total", "review__submitted_at")
        .order_by("-round__created_at", "application__reference", "pk")
    )


def assignment_for_reviewer(user, pk: int) -> Assignment:
    """The reviewer's own assignment (confirmed or accepted), or 404 — also for every other role."""
    if not (user.is_authenticated and user.is_reviewer):
        raise Http404
    assignment = (
        Assignment.objects.filter(pk=pk, reviewer__user=user,
                                  state__in=[AssignmentState.CONFIRMED, AssignmentState.ACCEPTED])
        .select_related("reviewer", "round__track__program", "application__track__program")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def review_of(assignment: Assignment) -> Review | None:
    return (Review.objects.filter(assignment=assignment)
            .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))).first())


def other_reviews(assignment: Assignment) -> list[Review]:
    """The other submitted reviews of the same application, shown only once the reviewer's own is submitted."""
    own = Review.objects.filter(assignment=assignment, state=ReviewState.SUBMITTED).exists()
    if not own:
        return []
    return list(
        Review.objects.filter(assignment__application_id=assignment.application_id, state=ReviewState.SUBMITTED)
        .exclude(assignment=assignment).order_by("assignment_id")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
    )


# --- the officer: rounds and the assignment page -----------------------------------------------------------------


def _officer_or_404(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_officer):
        raise Http404


def round_for_officer(user, track_id: int) -> ReviewRound | None:
    """The track's round, for an officer who may read its program's office (its own, or one below that lets it
    read); None when the track has no round yet; 404 for everyone else."""
    _officer_or_404(user)
    return (ReviewRound.objects.filter(office_scope(user, "track__program__office"), track_id=track_id)
            .select_related("track__program", "shortfall_confirmed_by").first())


def track_for_officer(user, track_id: int) -> Track:
    """A track of a program the officer may read (the round page before a round is opened); else 404."""
    _officer_or_404(user)
    track = Track.objects.filter(office_scope(user, "program__office"), pk=track_id).select_related("program").first()
    if track is None:
        raise Http404
    return track


def _scoped(user, queryset: QuerySet, path: str, pk: int):
    """One row of ``queryset`` whose program the officer may read, or 404 (for other roles too)."""
    _officer_or_404(user)
    found = queryset.filter(office_scope(user, path), pk=pk).first()
    if found is None:
        raise Http404
    return found


def assignment_for_officer(user, pk: int) -> Assignment:
    return _scoped(user, Assignment.objects.select_related("round__track__program"), "round__track__program__office",
                   pk)


def review_for_officer(user, pk: int) -> Review:
    return _scoped(user, Review.objects.select_related("assignment__round__track__program"),
                   "assignment__round__track__program__office", pk)


def award_for_officer(user, pk: int) -> Award:
    return _scoped(user, Award.objects.select_related("round__track__program", "application"),
                   "round__track__program__office", pk)


def objection_for_officer(user, pk: int) -> Objection:
    return _scoped(user, Objection.objects.select_related("round__track__program"), "round__track__program__office",
                   pk)


def tracks_in_review(user) -> QuerySet[Track]:
    """Tracks with applications in expert review or a round, of the programs the officer may read, in the
    overview's order (ids only: the page is cut on these, then ``overview_rows`` loads it). Each track is tested
    with an index probe, never a join with every application."""
    reviewed = Application.objects.filter(track=OuterRef("pk"), status__in=REVIEWED_STATUSES)
    return (Track.objects.filter(Q(Exists(reviewed)) | Q(review_round__isnull=False))
            .filter(office_scope(user, "program__office"))
            .order_by("program__code", "position", "pk"))


def overview_rows(ids) -> QuerySet[Track]:
    """One page of the overview: the tracks ``ids`` with their program, round and the number of applications in
    expert review, counted as a subquery per track of the page."""
    return (Track.objects.filter(pk__in=ids).select_related("program", "review_round")
            .annotate(in_review=count_of(Application.objects.filter(track=OuterRef("pk"), status=Status.PASSED))))


@dataclass
class AssignmentRow:
    application: Application
    assignments: list[Assignment] = field(default_factory=list)
    needed: int = 0

    @property
    def active(self) -> list[Assignment]:
        return [a for a in self.assignments if a.state in ACTIVE_ASSIGNMENT]

    @property
    def missing(self) -> int:
        return max(0, self.needed - len(self.active))

    @property
    def open_conflicts(self) -> list[Assignment]:
        """Declared conflicts whose place no active assignment fills yet (``replacement`` is set by
        ``assignment_rows``)."""
        return [a for a in self.assignments
                if a.state == AssignmentState.CONFLICT and getattr(a, "replacement", None) is None]


def round_application_list(review_round: ReviewRound) -> QuerySet[Application]:
    """The applications the round page lists, in reference order (paginated on their ids)."""
    return Application.objects.filter(track_id=review_round.track_id, status__in=REVIEWED_STATUSES).order_by(
        "reference", "pk")


def round_application_rows(ids) -> QuerySet[Application]:
    """One page of ``round_application_list``: only what a row shows."""
    return (Application.objects.filter(pk__in=ids).select_related("organisation")
            .only("reference", "title", "status", "organisation__name"))


def assignment_rows(review_round: ReviewRound, applications: list[Application] | None = None) -> list[AssignmentRow]:
    """One row per application (the given ones, else every application of the round) with its assignments. One
    query for the assignments (and one for the applications when none are given)."""
    if applications is None:
        applications = list(round_application_rows(round_application_list(review_round).values("pk"))
                            .order_by("reference", "pk"))
    rows = {a.pk: AssignmentRow(a, needed=review_round.reviewers_per_application) for a in applications}
    loaded = {}
    for assignment in (Assignment.objects.filter(round=review_round, application_id__in=list(rows))
                       .select_related("reviewer", "review")
                       .only("state", "source", "expertise_match", "replaces_id", "application_id", "round_id",
                             "reviewer__name", "review__state", "review__total").order_by("pk")):
        assignment.replacement = None
        loaded[assignment.pk] = assignment
        rows[assignment.application_id].assignments.append(assignment)
    # A declared conflict reads as replaced while an active assignment fills its place.
    for assignment in loaded.values():
        if assignment.replaces_id in loaded and assignment.state in ACTIVE_ASSIGNMENT:
            loaded[assignment.replaces_id].replacement = assignment
    return list(rows.values())


@dataclass(frozen=True)
class RoundSummary:
    proposed: int  # assignments proposed, not yet confirmed
    open_conflicts: int  # declared conflicts whose place no active assignment fills yet


def round_summary(review_round: ReviewRound) -> RoundSummary:
    """What the round page says of the whole round, whatever page of applications it shows. One query."""
    filled = Assignment.objects.filter(round=review_round, state__in=list(ACTIVE_ASSIGNMENT),
                                       replaces__isnull=False).values("replaces_id")
    counts = Assignment.objects.filter(round=review_round).aggregate(
        proposed=Count("pk", filter=Q(state=AssignmentState.PROPOSED)),
        open_conflicts=Count("pk", filter=Q(state=AssignmentState.CONFLICT) & ~Q(pk__in=filled)))
    return RoundSummary(**counts)


def reviewer_loads(review_round: ReviewRound, reviewer_ids=None) -> list[ReviewerProfile]:
    """Reviewers (the given ones, else the pools the round's program draws from) with each one's load in this
    round. One query."""
    reviewers = (ReviewerProfile.objects.filter(candidates(review_round.track.program.office_id))
                 if reviewer_ids is None else ReviewerProfile.objects.filter(pk__in=list(reviewer_ids)))
    return list(reviewers.annotate(
        load=Count("assignments", filter=Q(assignments__round=review_round,
                                           assignments__state__in=list(ACTIVE_ASSIGNMENT)))).order_by("name", "pk"))


def assignable_reviewers(office_code: str) -> QuerySet[ReviewerProfile]:
    """The active experts of the pools a program of ``office_code`` draws from, as the officer's "assign by hand"
    list names them."""
    return (ReviewerProfile.objects.filter(candidates(office_code), active=True)
            .only("pk", "name", "affiliation_name").order_by("name", "pk"))


def pool_page(user) -> QuerySet[ReviewerProfile]:
    """The experts the officer's offices draw from (``pools.pool_of``), with the pool each belongs to."""
    return (ReviewerProfile.objects.filter(pool_of(user)).select_related("user", "affiliation", "office")
            .order_by("name", "pk"))


def pool_member_for(user, pk: int) -> ReviewerProfile:
    """An expert of a pool the officer's offices draw from, or 404."""
    _officer_or_404(user)
    found = ReviewerProfile.objects.filter(pool_of(user), pk=pk).select_related("user").first()
    if found is None:
        raise Http404
    return found


# --- ranking -----------------------------------------------------------------------------------------------------


class RankedApplication(NamedTuple):
    """What ranks an application (its tie-breaks) and what a proposal needs of it; ``ranking_details`` replaces it
    with the application itself for the rows shown."""

    pk: int
    reference: str
    status: str
    matching_funds: Decimal | None
    requested_amount: Decimal | None


@dataclass
class RankingRow:
    application: Application | RankedApplication
    totals: list[Decimal]
    reviews: list[tuple[int, Decimal]] = field(default_factory=list)  # (reviewer id, total) of submitted reviews
    aggregate: Decimal | None = None
    rank: int | None = None
    trimmed: bool = False
    # Filled by ``ranking_details`` for the rows shown (one page):
    assigned: int = 0
    normalised: Decimal | None = None
    award: Award | None = None
    tie: ties.Tie | None = None  # equal score up to a tie-break an officer judges (ordered or not)
    proposable: bool = False  # an award may be proposed for it (``proposable``)

    @property
    def done(self) -> int:
        return len(self.totals)

    @property
    def missing(self) -> int:
        return max(0, self.assigned - self.done)

    @property
    def spread(self) -> Decimal | None:
        return scoring.spread(self.totals)

    @property
    def wide(self) -> bool:
        return self.spread is not None and self.spread >= scoring.WIDE_SPREAD


@dataclass
class Ranking:
    """Every application of the round in rank order, and each reviewer's mean and spread over the round (for the
    normalised scores of the rows shown)."""

    rows: list[RankingRow]
    reviewer_stats: dict[int, tuple[float, float]]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]


def ranking(review_round: ReviewRound) -> Ranking:
    """The round's applications ranked by the track's aggregation, with tie-breaks from the guide (``ties``): two
    queries, three where the guide has a tie-break an officer judges (the officer's orders of ties),
    reading only what ranks (no title, no organisation): a page shows a slice of it, filled in by
    ``ranking_details``."""
    procedure = procedure_for(review_round.track)
    applications = [RankedApplication(*values) for values in (
        Application.objects.filter(track_id=review_round.track_id, status__in=REVIEWED_STATUSES).order_by()
        .values_list("pk", "reference", "status", "matching_funds", "requested_amount"))]
    submitted = list(Review.objects.filter(assignment__round=review_round, state=ReviewState.SUBMITTED,
                                           assignment__state=AssignmentState.ACCEPTED)
                     .order_by().values_list("assignment__reviewer_id", "assignment__application_id", "total"))
    rows = {a.pk: RankingRow(a, totals=[]) for a in applications}
    for reviewer, application_id, total in submitted:
        row = rows.get(application_id)
        if row is not None:
            row.totals.append(total)
            row.reviews.append((reviewer, total))
    method = procedure.score_aggregation
    for row in rows.values():
        row.aggregate = scoring.aggregate(method, row.totals)
        row.trimmed = scoring.is_trimmed(method, len(row.totals))
    orders = {}
    if any(not t.computed for t in procedure.tie_breaks):  # a third query, only where an officer judges ties
        orders = {o.members: o for o in TieOrder.objects.filter(round=review_round).select_related("ordered_by")}
    ordered = ties.rank(list(rows.values()), procedure.tie_breaks, orders)
    return Ranking(rows=ordered, reviewer_stats=scoring.reviewer_stats(submitted))


def proposable(row: RankingRow) -> bool:
    """An award may be proposed for this row: its application is still in expert review and has a score (a
    submitted review)."""
    return row.application.status == Status.PASSED and row.aggregate is not None


def default_proposal(ranked: Ranking, track: Track) -> list[RankingRow]:
    """What a proposal chooses unless the officer says otherwise: the best ranked applications that may be
    proposed, up to the track's number of awards."""
    scored = [r for r in ranked if proposable(r)]
    return scored[:track.max_awards] if track.max_awards is not None else scored


def ranking_details(review_round: ReviewRound, ranked: Ranking, rows: list[RankingRow]) -> list[RankingRow]:
    """Fill in the rows shown (one page of ``ranked``): title and organisation, active assignments, award and the
    normalised score. Three queries, whatever the size of the round."""
    by_id = {row.application.pk: row for row in rows}
    ids = list(by_id)
    for application in (Application.objects.filter(pk__in=ids).select_related("organisation")
                        .only("reference", "title", "status", "matching_funds", "requested_amount",
                              "organisation__name")):
        by_id[application.pk].application = application
    assigned = dict(Assignment.objects.filter(round=review_round, application_id__in=ids,
                                              state__in=list(ACTIVE_ASSIGNMENT))
                    .order_by().values("application_id").annotate(n=Count("pk")).values_list("application_id", "n"))
    awards = {a.application_id: a for a in Award.objects.filter(round=review_round, application_id__in=ids)}
    for pk, row in by_id.items():
        row.assigned = assigned.get(pk, 0)
        row.award = awards.get(pk)
        row.proposable = proposable(row)
        values = [scoring.z_score(ranked.reviewer_stats, reviewer, total) for reviewer, total in row.reviews]
        row.normalised = scoring.mean(values) if values else None
    return rows


# --- decision and publicity --------------------------------------------------------------------------------------


def awards_of(review_round: ReviewRound) -> list[Award]:
    return list(
        Award.objects.filter(round=review_round)
        .select_related("application__organisation", "application__project")
        .annotate(open_objections=Count("objections", filter=Q(objections__state=ObjectionState.OPEN)))
        .order_by("rank")
    )


def awards_total(awards: list[Award]) -> Decimal:
    """What the listed awards add up to, those marked not funded left out."""
    return sum((award.amount for award in awards if award.state != AwardState.NOT_FUNDED), Decimal("0.00"))


def may_see_notice(user, award: Award, office_code: str | None = None) -> bool:
    """The approval notice: officers who may read the program's office (``office_code`` when the caller has it),
    and the members of the applicant organisation for its own award."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_officer:
        return may_read(user, office_code or award.round.track.program.office_id)
    return user.is_applicant and user.memberships.filter(
        organisation_id=award.application.organisation_id).exists()


def award_notice_for(user, pk: int) -> Award:
    """An approved award whose notice the user may see (its status, its file, its retry); else 404."""
    award = Award.objects.filter(pk=pk, state=AwardState.APPROVED).exclude(notice_status="").select_related(
        "application", "round__track__program").first()
    if award is None or not may_see_notice(user, award):
        raise Http404
    return award


def application_award_notice(user, application: Application) -> Award | None:
    """The approved award of an application, with its notice, when the user may see it (the applicant's page)."""
    award = Award.objects.filter(application=application, state=AwardState.APPROVED).exclude(
        notice_status="").first()
    if award is None:
        return None
    award.application = application  # the page's own, not read again
    return award if may_see_notice(user, award, application.track.program.office_id) else None


def objections_of(review_round: ReviewRound) -> list[Objection]:
    return list(Objection.objects.filter(round=review_round)
                .select_related("award__application", "raised_by", "resolved_by").order_by("created_at", "pk"))


def publicity_round(pk: int) -> ReviewRound:
    """A round whose proposed list is published (in publicity or decided); 404 before that, for everyone."""
    review_round = (ReviewRound.objects.filter(pk=pk, state__in=[RoundState.PUBLICITY, RoundState.DECIDED])
                    .select_related("track__program").first())
    if review_round is None:
        raise Http404
    return review_round


def objections_by(user, review_round: ReviewRound) -> list[Objection]:
    """The objections the user lodged against this publicity list, oldest first, with the award's application: one
    query whatever their number; none (and no query) for a visitor who is not signed in."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Objection.objects.filter(round=review_round, raised_by=user)
                .select_related("award__application").order_by("created_at", "pk"))


def publicity_list() -> QuerySet[ReviewRound]:
    return (ReviewRound.objects.filter(state__in=[RoundState.PUBLICITY, RoundState.DECIDED])
            .select_related("track__program").order_by("-publicity_starts", "pk"))
