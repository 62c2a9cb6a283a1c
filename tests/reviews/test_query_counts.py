"""The reviewer's queue, the assignment page and the ranking run a fixed number of queries whatever the number of
applications, reviewers and reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.models import JobState
from reviews.models import Assignment
from tests.conftest import client_for
from tests.jobs.helpers import ask

from .conftest import make_reviewer, passed_application, run_to_reviewing, score_all

pytestmark = pytest.mark.django_db


def build(officer, track, n_applications, n_reviewers):
    for _ in range(n_applications):
        passed_application(track)
    for _ in range(n_reviewers):
        make_reviewer(load_limit=50)
    review_round = run_to_reviewing(officer, track, per_application=3)
    for i, assignment in enumerate(Assignment.objects.filter(round=review_round).order_by("pk")):
        score_all(assignment, 60 + i % 40)
    return review_round


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def small(officer, pool_track):
    return build(officer, pool_track, 1, 3)


@pytest.fixture
def large(officer, nansha):
    return build(officer, nansha, 12, 9)


@pytest.mark.parametrize("page", ["round", "ranking", "decision", "overview"])
def test_officer_lists_run_the_same_queries_for_one_and_many(client, officer, small, large, page):
    client_for(client, officer)
    urls = [reverse(f"reviews:{page}", args=[] if page == "overview" else [r.track_id]) for r in (small, large)]
    counts = [count(client, url) for url in urls]
    assert counts[0] == counts[1]


def test_reviewer_queue_runs_the_same_queries_for_one_and_many(client, officer, pool_track):
    one = build(officer, pool_track, 1, 3)
    reviewer = Assignment.objects.filter(round=one).first().reviewer
    client_for(client, reviewer.user)
    few = count(client, reverse("reviews:queue"))
    from tests.reviews.conftest import track_of

    for code in ("1", "2", "3"):
        track = track_of("yuexiu-2018-ip-operation-fund-plan", code)
        for _ in range(4):
            passed_application(track)
        run_to_reviewing(officer, track, per_application=3)
    assert Assignment.objects.filter(reviewer=reviewer).count() >= 10
    assert count(client, reverse("reviews:queue")) == few


def test_ranking_export_runs_the_same_queries_for_one_and_many(client, officer, small, large, inline_tasks,
                                                               django_capture_on_commit_callbacks):
    """Asking for the export and making it (the job, run on commit) take the same queries for 1 and many rows."""
    client_for(client, officer)
    ask(client, reverse("reviews:ranking_export", args=[small.track_id]), django_capture_on_commit_callbacks)
    counts = []  # after one request: the session and the content types are cached
    for review_round in (small, large):
        url = reverse("reviews:ranking_export", args=[review_round.track_id])
        with CaptureQueriesContext(connection) as queries:
            job = ask(client, url, django_capture_on_commit_callbacks)
        assert job.state == JobState.DONE
        counts.append(len(queries))
    assert counts[0] == counts[1]
