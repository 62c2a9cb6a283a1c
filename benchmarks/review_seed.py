"""The expert-review part of the benchmark's data set: a pool of marked experts and, on every track with
applications that reached expert review, a round of realistic size: each application reviewed by 3 to 5 experts
of a panel drawn from the pool (one busy expert sits on every panel).

Rounds of earlier editions are decided, every review submitted. Rounds of the current programs are reviewing,
their deadline passed yesterday: most reviews submitted, some still drafts or not started (what the reminder
sweep finds)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from applications.models import Application, Status
from programs.models import Track
from programs.selectors import rubric_for
from reviews.models import (
    Assignment,
    AssignmentState,
    Review,
    ReviewerProfile,
    ReviewRound,
    ReviewScore,
    ReviewState,
    RoundState,
)
from reviews.scoring import weighted_total

from . import bulk

PER_APPLICATION = (3, 4, 5, 5)  # reviewers per application: a round's number is drawn from these
BATCH = 2000
REVIEWED = (Status.PASSED, Status.APPROVED, Status.NOT_FUNDED)


@dataclass
class Reviews:
    reviews: int = 0
    rounds: int = 0
    smallest: int = 0
    largest: int = 0


def clear(user_prefix: str) -> None:
    ReviewRound.objects.filter(created_by__username__startswith=user_prefix).delete()
    ReviewerProfile.objects.filter(user__username__startswith=user_prefix).delete()


def seed_reviews(rng: random.Random, *, officer: User, password: str, reference_prefix: str, user_prefix: str,
                 applications: int) -> Reviews:
    """Write the pool and the rounds."""
    by_track: dict[int, list[tuple[int, str]]] = {}
    for pk, track_id, status in (Application.objects.filter(reference__startswith=reference_prefix,
                                                            status__in=REVIEWED)
                                 .order_by("pk").values_list("pk", "track_id", "status")):
        by_track.setdefault(track_id, []).append((pk, status))
    if not by_track:
        return Reviews()
    pool_size = max(max(PER_APPLICATION) + 3, min(500, applications // 20))
    users = User.objects.bulk_create(
        (User(username=f"{user_prefix}expert{i + 1}", role=Role.REVIEWER, password=password,
              full_name=f"基准专家{i + 1}") for i in range(pool_size)), batch_size=BATCH)
    profiles = ReviewerProfile.objects.bulk_create(
        (ReviewerProfile(user=u, name=u.full_name, affiliation_name="基准大学", load_limit=10_000,
                         expertise=[rng.choice(["专利", "商标", "运营", "导航", "保护"])]) for u in users),
        batch_size=BATCH)
    today = timezone.localdate()
    tracks = {t.pk: t for t in Track.objects.filter(pk__in=list(by_track)).select_related("program")}
    rounds, plan = [], []
    for track_id, rows in sorted(by_track.items()):
        current = not tracks[track_id].program.code.startswith("bench-")
        per = rng.choice(PER_APPLICATION)
        rounds.append(ReviewRound(track_id=track_id, reviewers_per_application=per, created_by=officer,
                                  state=RoundState.REVIEWING if current else RoundState.DECIDED,
                                  deadline=today - dt.timedelta(days=1 if current else 300)))
        plan.append((rows, per, current))
    rounds = ReviewRound.objects.bulk_create(rounds, batch_size=BATCH)
    assignments, draft = [], set()
    for review_round, (rows, per, current) in zip(rounds, plan, strict=True):
        panel_size = min(len(profiles), max(per + 2, len(rows) * per // 25))
        panel = [profiles[0], *rng.sample(profiles[1:], panel_size - 1)]
        for pk, _status in rows:
            chosen = {panel[0].pk} if rng.random() < 0.3 else set()
            while len(chosen) < per:
                chosen.add(rng.choice(panel).pk)
            for reviewer_id in sorted(chosen):
                unfinished = current and rng.random() < 0.25
                assignments.append(Assignment(
                    round=review_round, application_id=pk, reviewer_id=reviewer_id,
                    state=AssignmentState.CONFIRMED if unfinished and rng.random() < 0.3 else AssignmentState.ACCEPTED))
                if unfinished:
                    draft.add(len(assignments) - 1)
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    now = timezone.now()
    criteria = {r.track_id: list(rubric.criteria.all()) if (rubric := rubric_for(tracks[r.track_id])) else []
                for r in rounds}
    round_track = {r.pk: r.track_id for r in rounds}
    reviews, scores = [], []
    for n, assignment in enumerate(assignments):
        if n in draft and assignment.state == AssignmentState.CONFIRMED:
            continue  # not started
        marks = criteria[round_track[assignment.round_id]]
        values = [Decimal(rng.randint(50, 100)) for _c in marks]
        submitted = n not in draft
        reviews.append(Review(
            assignment=assignment, state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
            opinion="方案可行，预期效益明确。", recommendation="fund",
            submitted_at=now if submitted else None,
            total=weighted_total(list(zip(values, [c.weight for c in marks], strict=True))) if submitted else None))
        scores.append(values)
    reviews = Review.objects.bulk_create(reviews, batch_size=BATCH)
    bulk.write(
        ReviewScore,
        (ReviewScore(review=review, criterion=c, score=s)
         for review, values in zip(reviews, scores, strict=True)
         for c, s in zip(criteria[round_track[review.assignment.round_id]], values, strict=True)),
        batch_size=BATCH)
    sizes = [len(rows) for rows, _per, _current in plan]
    return Reviews(reviews=len(reviews), rounds=len(rounds), smallest=min(sizes), largest=max(sizes))
