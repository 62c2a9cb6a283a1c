"""Demo expert review: the demo reviewer in the pool, with a standing conflict declared, and a review round on the
Nansha track, so the reviewer's queue has the demo's passed application on first run. Idempotent."""

from django.db import transaction

from programs.models import Track
from reviews import services
from reviews.models import DeclaredConflict, ReviewerProfile, ReviewRound

NANSHA = "nansha-2024-high-value-patent-center"
# A valid code (GB 32100) for a university in Guangzhou's Tianhe district: no tie to the demo applicant.
DEMO_REVIEWER_USCC = "124400004554162268"
# The reviewer's former employer, an enterprise in Haizhu (440105): a standing conflict, no tie to the demo either.
FORMER_EMPLOYER_USCC = "91440105MA5CKR7Q1Q"


def demo_reviewer(reviewer) -> ReviewerProfile:
    """The demo reviewer's pool entry (and the standing conflict they declared), made once."""
    profile, created = ReviewerProfile.objects.get_or_create(user=reviewer, defaults={
        "name": reviewer.full_name or reviewer.username, "affiliation_name": "华南某大学（演示）",
        "affiliation_uscc": DEMO_REVIEWER_USCC, "expertise": ["专利", "新能源"], "load_limit": 10})
    if not DeclaredConflict.objects.filter(reviewer=profile).exists():
        services.conflict_declare_standing(actor=reviewer, reviewer=profile, uscc=FORMER_EMPLOYER_USCC,
                                           reason="演示：本人曾任该公司知识产权顾问（2019—2022年），申请回避其申报项目。")
    return profile


def seed_review(*, reviewer, officer) -> bool:
    """Open the demo round if there is none yet; True if it was created."""
    track = Track.objects.filter(program__code=NANSHA, code="1").first()
    if track is None:
        return False
    with transaction.atomic():
        demo_reviewer(reviewer)
        if ReviewRound.objects.filter(track=track).exists():
            return False
        review_round = services.round_open(actor=officer, track=track, reviewers_per_application=1)
        services.assignment_propose(actor=officer, review_round=review_round)
        services.round_start_review(actor=officer, review_round=review_round)
    return True
