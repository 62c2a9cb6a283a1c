"""The permission matrix for expert review: the officer's pages, the assigned reviewer's pages, publicity."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from reviews import decisions
from reviews.appeals import appeal_lodge
from reviews.models import Assignment, Award, Review, ReviewerProfile
from tests.organisations.factories import make_uscc
from tests.reviews.conftest import make_pool_track, passed_application, run_to_reviewing, score_all
from tests.reviews.test_appeals import refused

from .test_permission_matrix import (
    LIST,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OFFICERS,
    OK,
    POST_ONLY,
    PUBLIC,
    REDIRECT,
    ROLES,
    Case,
    _check,
    expected_for,
    roles,
)

pytestmark = pytest.mark.django_db
ONLY_THE_REVIEWER = roles(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND)


@dataclass
class ReviewWorld:
    track_id: int
    assignment: Assignment
    review: Review
    award: Award
    objection_pk: int
    round_pk: int
    profile_pk: int
    appeal_pk: int


@pytest.fixture
def review_world(reviewer, officer, other_applicant, inline_tasks, django_capture_on_commit_callbacks) -> ReviewWorld:
    with django_capture_on_commit_callbacks(execute=True):
        track = make_pool_track()
        passed_application(track)
        profile = ReviewerProfile.objects.create(user=reviewer, name="评审专家", affiliation_name="某大学",
                                                 affiliation_uscc=make_uscc(8801, "440104"), load_limit=10)
        review_round = run_to_reviewing(officer, track, per_application=1)
        assignment = Assignment.objects.get(round=review_round)
        review = score_all(assignment, 80)
        (award,) = decisions.round_propose(actor=officer, review_round=review_round)
        review_round = decisions.round_start_publicity(actor=officer, review_round=review_round)
        objection = decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="评分存疑")
        refusal = refused(track, officer)
        appeal = appeal_lodge(actor=refusal.created_by, application=refusal, reasons="该材料已于附件三提交。")
    return ReviewWorld(track_id=track.pk, assignment=assignment, review=review, award=award,
                       objection_pk=objection.pk, round_pk=review_round.pk, profile_pk=profile.pk,
                       appeal_pk=appeal.pk)


TRACK = lambda w: [w.track_id]  # noqa: E731
CASES: dict[str, Case] = {
    "reviews:overview": Case(get=OFFICERS, office=LIST),
    "reviews:pool": Case(get=OFFICERS, post=POST_ONLY, office=LIST),  # a list: its forms have pages of their own
    "reviews:pool_add": Case(get=OFFICERS, post=OFFICERS, office=LIST),
    "reviews:pool_import": Case(get=OFFICERS, post=OFFICERS, office=LIST),
    # The reviewer has a password: the officer is told there is no link to resend (a redirect with the message).
    "reviews:pool_resend_link": Case(lambda w: [w.profile_pk], get=POST_ONLY,
                                     post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT),
                                     office=LIST),  # an expert of the shared pool
    "reviews:round": Case(TRACK, get=OFFICERS),
    # The parent office's steps are refused with the page's message (a redirect, or the page), changing nothing
    # (tests/offices/test_scope_reviews.py asserts the state and that no audit row is written).
    "reviews:assignment_add": Case(TRACK, get=POST_ONLY,
                                   post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                              parent_office=REDIRECT)),
    # An irreversible step posted without its confirmation answers with the confirmation page (core/confirm.py).
    "reviews:round_step": Case(lambda w: [w.track_id, "close"], get=POST_ONLY,
                               post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, parent_office=OK)),
    "reviews:ranking": Case(TRACK, get=OFFICERS),
    # The export is asked for with a POST (a background job); the ranking page then offers the file.
    "reviews:ranking_export": Case(TRACK, get=POST_ONLY,
                                   post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                              parent_office=REDIRECT)),
    # An empty order is refused with the page's message (a redirect to the ranking); nothing is stored.
    "reviews:tie_order": Case(TRACK, get=POST_ONLY,
                              post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                         parent_office=REDIRECT)),
    "reviews:appeals": Case(get=OFFICERS, office=LIST),
    # A decision without its reason is refused with the queue's message (a redirect); the appeal stays lodged.
    "reviews:appeal_step": Case(lambda w: [w.appeal_pk, "dismiss"], get=POST_ONLY,
                                post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                           parent_office=REDIRECT)),
    "reviews:decision": Case(TRACK, get=OFFICERS),
    "reviews:decision_plan": Case(TRACK, get=POST_ONLY, post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)),
    "reviews:assignment_step": Case(lambda w: [w.assignment.pk, "remove"], get=POST_ONLY,
                                    post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                               parent_office=REDIRECT)),
    "reviews:review_reopen": Case(lambda w: [w.review.pk], get=POST_ONLY,
                                  post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                             parent_office=REDIRECT)),
    # No notice before approval: 404 for everyone.
    "reviews:notice_pdf": Case(lambda w: [w.award.pk], get=roles(LOGIN, *[NOT_FOUND] * 5)),
    "reviews:notice_status": Case(lambda w: [w.award.pk], get=roles(LOGIN, *[NOT_FOUND] * 5)),
    "reviews:notice_retry": Case(lambda w: [w.award.pk], get=POST_ONLY, post=roles(LOGIN, *[NOT_FOUND] * 5)),
    "reviews:award_step": Case(lambda w: [w.award.pk, "approve"], get=POST_ONLY,
                               post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, parent_office=OK)),
    "reviews:objection_step": Case(lambda w: [w.objection_pk, "uphold"], get=POST_ONLY,
                                   post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                              parent_office=REDIRECT)),
    "reviews:queue": Case(get=ONLY_THE_REVIEWER),
    "reviews:assignment": Case(lambda w: [w.assignment.pk], get=ONLY_THE_REVIEWER),
    "reviews:declare": Case(lambda w: [w.assignment.pk, "accept"], get=POST_ONLY,
                            post=roles(LOGIN, NOT_FOUND, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND)),
    "reviews:dossier_pdf": Case(lambda w: [w.assignment.pk], get=ONLY_THE_REVIEWER),
    "reviews:dossier_status": Case(lambda w: [w.assignment.pk], get=ONLY_THE_REVIEWER),
    # The PDF is ready: the reviewer is told there is nothing to retry (a redirect with the message).
    "reviews:dossier_retry": Case(lambda w: [w.assignment.pk], get=POST_ONLY,
                                  post=roles(LOGIN, NOT_FOUND, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND)),
    "reviews:publicity_index": Case(get=PUBLIC),
    "reviews:publicity": Case(lambda w: [w.round_pk], get=PUBLIC),
    "reviews:set_password": Case(lambda w: ["MQ", "set-password"], get=PUBLIC),
    "reviews:password_set": Case(get=PUBLIC),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_reviews(client, request, review_world, role, django_capture_on_commit_callbacks):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    failures: list[str] = []
    for name, case in CASES.items():
        url = reverse(name, args=case.args(review_world))
        for method in ("get", "post"):
            expected = expected_for(case, method, role)
            if expected is None:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {}) if method == "post" else client.get(url)
                _check(response, expected, name, role, method, failures)
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# After approval (立项), the notice: officers and the applicant organisation's members (applicant), no one else.
# It failed: "try again" is a redirect with the message for those who may see it.
NOTICE_SEEN = roles(LOGIN, OK, NOT_FOUND, NOT_FOUND, OK, OK)
NOTICE_CASES: dict[str, Case] = {
    "reviews:notice_pdf": Case(lambda w: [w.pk], get=roles(LOGIN, *[NOT_FOUND] * 5)),  # failed: no file to give
    "reviews:notice_status": Case(lambda w: [w.pk], get=NOTICE_SEEN),
    # Rendering the notice again is no step in the program: the parent office, which reads it, may.
    "reviews:notice_retry": Case(lambda w: [w.pk], get=POST_ONLY,
                                 post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                            parent_office=REDIRECT)),
}


@pytest.fixture
def failed_notice(applicant, officer, inline_tasks, django_capture_on_commit_callbacks) -> Award:
    from organisations.models import Membership
    from tests.reviews.conftest import approved_award

    with django_capture_on_commit_callbacks(execute=True):
        award = approved_award(officer, make_pool_track())
    Membership.objects.create(organisation_id=award.application.organisation_id, user=applicant)
    Award.objects.filter(pk=award.pk).update(notice_status="failed")
    return award


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_reviews_approval_notice(client, request, failed_notice, role,
                                                   django_capture_on_commit_callbacks):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    failures: list[str] = []
    for name, case in NOTICE_CASES.items():
        url = reverse(name, args=case.args(failed_notice))
        for method in ("get", "post"):
            expected = expected_for(case, method, role)
            if expected is None:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {}) if method == "post" else client.get(url)
                _check(response, expected, name, role, method, failures)
                refused = expected in (LOGIN, NOT_FOUND, NOT_ALLOWED)
                if refused and Award.objects.get(pk=failed_notice.pk).notice_status != "failed":
                    failures.append(f"{method.upper()} {name} as {role} retried the notice")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def test_permission_matrix_reviews_names_exist():
    assert all(reverse(name, args=case.args(_Dummy())) for name, case in CASES.items())
    assert NOT_ALLOWED == 405


class _Dummy:
    track_id = round_pk = objection_pk = profile_pk = appeal_pk = 1
    assignment = review = award = type("Obj", (), {"pk": 1})()
