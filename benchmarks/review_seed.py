"""The expert-review part of the benchmark's data set: a pool of marked reviewers, and on the track with the most
applications in expert review a round with three reviewers per application, every review submitted with scores.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from accounts.models import Role, User
from applications.models import Application, Status
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

PER_APPLICATION = 3
BATCH = 1000


def clear(user_prefix: str) -> None:
    ReviewRound.objects.filter(created_by__username__startswith=user_prefix).delete()
    ReviewerProfile.objects.filter(user__username__startswith=user_prefix).delete()


def seed_reviews(rng: random.Random, *, officer: User, password: str, reference_prefix: str, user_prefix: str,
                 applications: int) -> int:
    """Write the round; return the number of reviews written."""
    busiest = (
        Application.objects.filter(reference__startswith=reference_prefix, status=Status.PASSED)
        .exclude(track__review_round__isnull=False)
        .values("track_id").annotate(n=Count("pk")).order_by("-n", "track_id").first()
    )
    if busiest is None:
        return 0
    ids = list(Application.objects.filter(reference__startswith=reference_prefix, status=Status.PASSED,
                                          track_id=busiest["track_id"]).values_list("pk", flat=True))
    pool_size = max(PER_APPLICATION + 2, min(200, applications // 50))
    users = User.objects.bulk_create(
        User(username=f"{user_prefix}expert{i + 1}", role=Role.REVIEWER, password=password,
             full_name=f"基准专家{i + 1}")
        for i in range(pool_size)
    )
    profiles = ReviewerProfile.objects.bulk_create(
        ReviewerProfile(user=u, name=u.full_name, affiliation_name="基准大学", load_limit=10_000) for u in users
    )
    review_round = ReviewRound.objects.create(track_id=busiest["track_id"], state=RoundState.REVIEWING,
                                              reviewers_per_application=PER_APPLICATION, created_by=officer)
    assignments = []
    for n, application_id in enumerate(ids):
        # The first reviewer reviews many (a busy reviewer's queue); the rest at random.
        chosen = {profiles[0].pk} if n % 3 == 0 else set()
        while len(chosen) < PER_APPLICATION:
            chosen.add(rng.choice(profiles).pk)
        assignments += [Assignment(round=review_round, application_id=application_id, reviewer_id=r,
                                   state=AssignmentState.ACCEPTED) for r in sorted(chosen)]
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    rubric = rubric_for(review_round.track)
    criteria = list(rubric.criteria.all()) if rubric else []
    now = timezone.now()
    scores_by_assignment = {a.pk: [Decimal(rng.randint(50, 100)) for _c in criteria] for a in assignments}
    reviews = Review.objects.bulk_create(
        (Review(assignment=a, state=ReviewState.SUBMITTED, opinion="方案可行。", recommendation="fund",
                submitted_at=now, total=weighted_total(list(zip(scores_by_assignment[a.pk],
                                                                [c.weight for c in criteria], strict=True))))
         for a in assignments),
        batch_size=BATCH,
    )
    ReviewScore.objects.bulk_create(
        (ReviewScore(review=r, criterion=c, score=s)
         for r in reviews for c, s in zip(criteria, scores_by_assignment[r.assignment_id], strict=True)),
        batch_size=BATCH,
    )
    return len(reviews)


