"""Builders for expert review tests: applications already through formal review, a pool, a round."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, ApplicationVersion, Partner, Status
from organisations.models import Membership
from programs.models import Allocation, AwardMode, Track
from reviews import services
from reviews.models import Review
from tests.factories import UserFactory
from tests.organisations.factories import OrganisationFactory, make_uscc

NANSHA = "nansha-2024-high-value-patent-center"
YUEXIU = "yuexiu-2018-ip-operation-fund-plan"
_serial = count(5000)
_ref = count(1)


def track_of(program: str, code: str) -> Track:
    return Track.objects.select_related("program").get(program__code=program, code=code)


def make_pool_track(*, budget="600000.00", max_awards=10, allocation=Allocation.BY_SCORE) -> Track:
    """Yuexiu 7 set as the issue reads the guide: a pool of 60万 by score, at most ten awards."""
    track = track_of(YUEXIU, "7")
    Track.objects.filter(pk=track.pk).update(award_mode=AwardMode.POOL, allocation=allocation,
                                             budget=Decimal(budget), max_awards=max_awards, awards_is_maximum=True)
    track.refresh_from_db()
    return track


def passed_application(track: Track, *, organisation=None, partners=(), matching="100000", requested="300000",
                       title=None) -> Application:
    """An application that passed formal review, with its submitted version, as the applications app leaves it."""
    member = UserFactory(role=Role.APPLICANT, full_name=f"申报联系人{next(_ref)}")
    organisation = organisation or OrganisationFactory(name=f"广州测试申报企业{next(_serial)}有限公司",
                                                       contact_name="王联系")
    Membership.objects.get_or_create(organisation=organisation, user=member)
    n = next(_ref)
    title = title or f"高价值专利培育项目{n}"
    application = Application.objects.create(
        reference=f"T{track.program.reference_prefix}-{track.code}-{n:05d}", track=track, organisation=organisation,
        created_by=member, status=Status.PASSED, title=title, requested_amount=Decimal(requested),
        matching_funds=Decimal(matching), version=1, submitted_at=timezone.now(),
    )
    snapshot_partners = []
    for i, partner in enumerate(partners, 1):
        Partner.objects.create(application=application, seq=i, name=partner.name, uscc=partner.uscc,
                               org_type=partner.org_type, organisation=partner)
        snapshot_partners.append({"name": partner.name, "uscc": partner.uscc, "org_type": partner.org_type,
                                  "role": "专利挖掘"})
    ApplicationVersion.objects.create(application=application, number=1, submitted_at=timezone.now(),
                                      submitted_by=member, snapshot={
                                          "title": title,
                                          "plan": f"由{organisation.name}牵头建设高价值专利培育中心。",
                                          "requested_amount": requested, "matching_funds": matching,
                                          "partners": snapshot_partners, "budget": [], "kpis": {}})
    return application


def make_reviewer(*, name=None, affiliation=None, uscc="", expertise=(), load_limit=10):
    n = next(_serial)
    user = UserFactory(role=Role.REVIEWER, username=f"expert{n}", full_name=name or f"专家{n}")
    from reviews.models import ReviewerProfile

    return ReviewerProfile.objects.create(
        user=user, name=name or f"专家{n}", affiliation=affiliation,
        affiliation_uscc=uscc or (affiliation.uscc if affiliation else make_uscc(n, "440104")),
        affiliation_name=affiliation.name if affiliation else f"某大学{n}", expertise=list(expertise),
        load_limit=load_limit)


def score_all(assignment, value, *, opinion="方案可行。"):
    """The assigned reviewer declares no conflict and submits ``value`` on every criterion."""
    from programs.selectors import rubric_for

    user = assignment.reviewer.user
    services.assignment_accept(actor=user, assignment=assignment)
    review = Review.objects.get(assignment=assignment)
    criteria = rubric_for(assignment.round.track).criteria.all()
    values = value if isinstance(value, dict) else {c.pk: Decimal(str(value)) for c in criteria}
    data = services.ScoreData(scores={pk: (v, "") for pk, v in values.items()}, opinion=opinion,
                              recommendation="fund")
    return services.review_submit(actor=user, review=review, data=data)


def run_to_reviewing(officer, track, *, per_application=3):
    review_round = services.round_open(actor=officer, track=track, reviewers_per_application=per_application)
    services.assignment_propose(actor=officer, review_round=review_round)
    return services.round_start_review(actor=officer, review_round=review_round)


def end_publicity(review_round):
    from reviews.models import ReviewRound

    ReviewRound.objects.filter(pk=review_round.pk).update(
        publicity_starts=timezone.localdate() - dt.timedelta(days=20),
        publicity_ends=timezone.localdate() - dt.timedelta(days=1))
    review_round.refresh_from_db()
    return review_round


def proposed_award(officer, track, *, organisation=None):
    """One application reviewed by one reviewer (80 points) and proposed for an award."""
    from reviews import decisions
    from reviews.models import Assignment

    passed_application(track, organisation=organisation)
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    score_all(Assignment.objects.get(round=review_round), 80)
    (award,) = decisions.round_propose(actor=officer, review_round=review_round)
    return award


def approved_award(officer, track, *, organisation=None):
    """One application reviewed, proposed, published and approved (立项); its notice is queued on commit (run it
    inside ``django_capture_on_commit_callbacks(execute=True)`` with ``inline_tasks`` to have it made)."""
    from reviews import decisions

    award = proposed_award(officer, track, organisation=organisation)
    review_round = award.round
    end_publicity(decisions.round_start_publicity(actor=officer, review_round=review_round))
    award.refresh_from_db()
    return decisions.award_approve(actor=officer, award=award)


@pytest.fixture
def nansha(db) -> Track:
    return track_of(NANSHA, "1")


@pytest.fixture
def pool_track(db) -> Track:
    return make_pool_track()


@pytest.fixture
def reviewing(officer, pool_track):
    """Yuexiu 7's two applications in review, two reviewers each from a pool of three."""
    for _ in range(2):
        passed_application(pool_track)
    for _ in range(3):
        make_reviewer()
    return run_to_reviewing(officer, pool_track, per_application=2)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the Chinese catalogue is checked by tests/test_i18n.py."""
    from django.utils import translation

    with translation.override("en"):
        yield
