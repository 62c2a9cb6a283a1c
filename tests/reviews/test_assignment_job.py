"""The automatic assignment as a background job: its progress and outcome on the round page, the commit's second
look at every chosen pair, the paginated round page with a fixed number of queries, and the solver's guarantees on
random instances (checked against the pair-by-pair network it replaces)."""

import re
from collections import Counter

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from jobs import services as job_services
from jobs.models import Job, JobState
from reviews import services
from reviews.assignment import LOAD, MISMATCH, Problem, solve
from reviews.jobs import ASSIGNMENT
from reviews.models import Assignment, AssignmentState, ReviewerProfile, RoundState
from reviews.proposal import _commit, assignment_plan
from tests.conftest import client_for
from tests.jobs.helpers import ask

from .conftest import make_reviewer, passed_application, run_to_reviewing

pytestmark = pytest.mark.django_db


def _propose_url(track):
    return reverse("reviews:round_step", args=[track.pk, "propose_assignment"])


@pytest.fixture
def assigning(officer, nansha):
    applications = [passed_application(nansha) for _ in range(4)]
    reviewers = [make_reviewer() for _ in range(5)]
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=3)
    return review_round, applications, reviewers


# --- the job -----------------------------------------------------------------------------------------------------


def test_assignment_job_proposes_in_the_background_and_records_progress_and_outcome(
        client, officer, nansha, assigning, inline_tasks, django_capture_on_commit_callbacks, monkeypatch):
    review_round, applications, _reviewers = assigning
    seen = []
    told = job_services.job_progress

    def spy(*, job_id, percent):
        told(job_id=job_id, percent=percent)
        seen.append(Job.objects.get(pk=job_id).progress)  # as a poll of the status would read it

    monkeypatch.setattr(job_services, "job_progress", spy)
    client_for(client, officer)
    job = ask(client, _propose_url(nansha), django_capture_on_commit_callbacks)
    assert (job.kind, job.state, job.target) == (ASSIGNMENT, JobState.DONE, review_round)
    assert seen == sorted(seen) and seen[0] < 50 < seen[-1] < 100 and len(seen) >= 4
    assert job.progress == 100 and job.summary == {"created": 12, "missing": 0, "seed": None}
    assert Assignment.objects.filter(round=review_round, state=AssignmentState.PROPOSED).count() == 12
    assert Counter(Assignment.objects.values_list("application", flat=True)) == {a.pk: 3 for a in applications}
    assert AuditEvent.objects.filter(action="propose_assignment").get().data["created"] == 12
    page = client.get(reverse("reviews:round", args=[nansha.pk])).content.decode()
    box = page[page.index('id="assignment-job"'):]
    assert 'data-job-state="done"' in box and "已生成 12 条分配。" in box  # the officer's language


def test_assignment_job_tells_the_places_it_could_not_fill(client, officer, nansha, inline_tasks,
                                                           django_capture_on_commit_callbacks):
    [passed_application(nansha) for _ in range(3)]
    [make_reviewer(load_limit=2) for _ in range(2)]
    services.round_open(actor=officer, track=nansha, reviewers_per_application=2)
    client_for(client, officer)
    job = ask(client, _propose_url(nansha), django_capture_on_commit_callbacks)
    assert job.summary == {"created": 4, "missing": 2, "seed": None}
    label = client.get(reverse("jobs:status", args=[job.pk])).json()["label"]
    assert label.startswith("已生成 4 条分配。") and "有 2 个评审名额无法" in label


def test_assignment_job_fails_with_the_reason_when_the_round_is_past_assigning(
        client, officer, nansha, assigning, inline_tasks, django_capture_on_commit_callbacks):
    review_round, _applications, _reviewers = assigning
    type(review_round).objects.filter(pk=review_round.pk).update(state=RoundState.PUBLICITY)
    client_for(client, officer)
    job = ask(client, _propose_url(nansha), django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED and job.error == "提出拟立项名单后不能再分配专家。"  # the service's reason
    assert not Assignment.objects.exists()


def test_round_page_shows_the_running_job_with_its_progress(client, officer, nansha, assigning,
                                                            django_capture_on_commit_callbacks):
    review_round, _applications, _reviewers = assigning
    client_for(client, officer)
    with django_capture_on_commit_callbacks(execute=False):  # asked for, not yet run
        client.post(_propose_url(nansha))
    job = Job.objects.get(kind=ASSIGNMENT)
    page = client.get(reverse("reviews:round", args=[nansha.pk])).content.decode()
    assert re.search(r'id="assignment-job-box"[^>]*data-job-state="queued"[^>]*data-reload="1"', page)
    assert 'id="assignment-job-progress" max="100" value="0"' in page
    job_services.job_start(job_id=job.pk)
    job_services.job_progress(job_id=job.pk, percent=40)
    assert client.get(reverse("jobs:status", args=[job.pk])).json() == {
        "state": "running", "label": "正在处理", "download_url": "", "message": "", "progress": 40}
    page = client.get(reverse("reviews:round", args=[nansha.pk])).content.decode()
    assert 'id="assignment-job-progress" max="100" value="40"' in page and "40%" in page
    assert 'id="propose-assignment" disabled' in page  # one assignment at a time
    # Asking again while it runs gives the same job back: one assignment at a time per officer and round.
    client.post(_propose_url(nansha))
    assert Job.objects.filter(kind=ASSIGNMENT).count() == 1
    assert not Assignment.objects.filter(round=review_round).exists()


@pytest.mark.parametrize("who", ["applicant", "reviewer", "anonymous"])
def test_round_page_and_assignment_job_are_404_for_non_officers(client, request, who, nansha, assigning,
                                                                django_capture_on_commit_callbacks):
    if who != "anonymous":
        client_for(client, request.getfixturevalue(who))
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(_propose_url(nansha))
    page = client.get(reverse("reviews:round", args=[nansha.pk]))
    if who == "anonymous":
        assert posted.status_code == page.status_code == 302  # to the login page
    else:
        assert posted.status_code == page.status_code == 404
    assert not Job.objects.exists() and not Assignment.objects.exists()


# --- the commit's second look ------------------------------------------------------------------------------------


def test_commit_leaves_out_pairs_that_no_longer_hold_and_counts_them_short(officer, nansha, assigning):
    review_round, applications, reviewers = assigning
    plan = assignment_plan(review_round)
    assert sum(len(ids) for ids in plan.chosen.values()) == 12
    gone, full, conflicted = reviewers[0], reviewers[1], reviewers[2]
    ReviewerProfile.objects.filter(pk=gone.pk).update(active=False)
    ReviewerProfile.objects.filter(pk=full.pk).update(load_limit=1)
    victim = next(a for a, ids in plan.chosen.items() if conflicted.pk in ids)
    services.conflict_declare_standing(actor=officer, reviewer=conflicted, reason="母公司",
                                       uscc=next(x for x in applications if x.pk == victim).organisation.uscc)
    proposal = _commit(actor=officer, review_round=review_round, plan=plan)
    made = list(Assignment.objects.filter(round=review_round).values_list("application", "reviewer"))
    assert gone.pk not in {r for _a, r in made}
    assert sum(1 for _a, r in made if r == full.pk) == 1
    assert (victim, conflicted.pk) not in made
    assert proposal.created == len(made) and sum(proposal.shortfall.values()) == 12 - len(made)


def test_propose_locks_the_round_and_only_the_chosen_reviewers(officer, nansha, assigning):
    review_round, _applications, _reviewers = assigning
    idle = [make_reviewer() for _ in range(3)]
    ReviewerProfile.objects.filter(pk__in=[r.pk for r in idle]).update(active=False)
    with CaptureQueriesContext(connection) as queries:
        services.assignment_propose(actor=officer, review_round=review_round)
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert len(locks) == 2  # the round row, the chosen reviewers' rows
        assert all(str(r.pk) not in locks[1].split("IN", 1)[1] for r in idle)
    assert Assignment.objects.filter(round=review_round).count() == 12


# --- the round page ----------------------------------------------------------------------------------------------


def _round_with(officer, track, n_applications):
    for _ in range(n_applications):
        passed_application(track)
    for _ in range(9):
        make_reviewer(load_limit=50)
    return run_to_reviewing(officer, track, per_application=3)


def test_round_page_runs_the_same_queries_for_one_and_thirty_applications(
        client, officer, nansha, pool_track, django_assert_num_queries):
    one, many = _round_with(officer, pool_track, 1), _round_with(officer, nansha, 30)
    client_for(client, officer)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("reviews:round", args=[one.track_id])).status_code == 200
    with django_assert_num_queries(len(first)):
        page = client.get(reverse("reviews:round", args=[many.track_id]))
    assert len(page.context["rows"]) == 25 and page.context["page"].paginator.count == 30
    with django_assert_num_queries(len(first)):
        last = client.get(reverse("reviews:round", args=[many.track_id]), {"page": 2})
    assert len(last.context["rows"]) == 5


def test_round_page_lists_each_application_once_across_its_pages(client, officer, nansha):
    review_round = _round_with(officer, nansha, 30)
    client_for(client, officer)
    url = reverse("reviews:round", args=[nansha.pk])
    shown = [row.application.pk for n in (1, 2) for row in client.get(url, {"page": n}).context["rows"]]
    expected = list(review_round.track.applications.order_by("reference", "pk").values_list("pk", flat=True))
    assert shown == expected
    page = client.get(url).content.decode()
    assert 'page=2">' in page and page.count("data-application=") == 25
    reviewers_on_page = {a.reviewer_id for row in client.get(url).context["rows"] for a in row.assignments}
    assert {r.pk for r in client.get(url).context["loads"]} == reviewers_on_page


# --- the solver on random instances ------------------------------------------------------------------------------


SPREAD = 10**9  # the reference's level cost: far above any load or expertise cost of these small instances


def _reference_cost(problem: Problem) -> tuple[int, int, int]:
    """(places filled, spread, cost) of the pair-by-pair network the class network replaces: each application's
    k-th place costs ``SPREAD × level`` (evenness first), then the loads and the expertise."""
    graph = nx.DiGraph()
    for reviewer, places in problem.capacity.items():
        for k in range(1, places + 1):
            graph.add_edge(("r", reviewer), ("slot", reviewer, k), capacity=1,
                           weight=LOAD * (problem.load.get(reviewer, 0) + k))
            graph.add_edge(("slot", reviewer, k), "t", capacity=1, weight=0)
    top_need = max(problem.needs.values())
    for application, need in problem.needs.items():
        for k in range(1, need + 1):
            graph.add_edge("s", ("k", application, k), capacity=1, weight=SPREAD * (top_need - need + k))
            graph.add_edge(("k", application, k), ("a", application), capacity=1, weight=0)
        for reviewer in problem.capacity:
            if reviewer not in problem.forbidden.get(application, set()) and problem.capacity[reviewer] > 0:
                graph.add_edge(("a", application), ("r", reviewer), capacity=1,
                               weight=0 if reviewer in problem.matching else MISMATCH)
    if "s" not in graph or "t" not in graph:
        return 0, 0, 0
    flow = nx.max_flow_min_cost(graph, "s", "t")
    total = nx.cost_of_flow(graph, flow)
    return sum(flow["s"].values()), total // SPREAD, total % SPREAD


def _cost(problem: Problem, result: dict[int, list[int]]) -> tuple[int, int, int]:
    loads = Counter(r for chosen in result.values() for r in chosen)
    top_need = max(problem.needs.values())
    spread = sum(top_need - need + k for a, need in problem.needs.items()
                 for k in range(1, len(result.get(a, [])) + 1))
    cost = sum(LOAD * (problem.load.get(r, 0) + k) for r, n in loads.items() for k in range(1, n + 1))
    cost += sum(MISMATCH for chosen in result.values() for r in chosen if r not in problem.matching)
    return sum(loads.values()), spread, cost


@st.composite
def instances(draw):
    n_apps = draw(st.integers(min_value=1, max_value=14))
    reviewers = list(range(100, 100 + draw(st.integers(min_value=1, max_value=12))))
    need = draw(st.integers(min_value=1, max_value=4))
    capacity = {r: draw(st.integers(min_value=0, max_value=5)) for r in reviewers}
    load = {r: draw(st.integers(min_value=0, max_value=2)) for r in reviewers}
    # Conflicts come in blocks, as organisations do: a few shapes shared by many applications.
    shapes = draw(st.lists(st.sets(st.sampled_from(reviewers), max_size=3), min_size=1, max_size=4))
    forbidden = {a: draw(st.sampled_from(shapes)) for a in range(n_apps)}
    matching = frozenset(draw(st.sets(st.sampled_from(reviewers))))
    # Some applications may already hold reviewers (added by hand): they need fewer.
    needs = {a: draw(st.integers(min_value=1, max_value=need)) for a in range(n_apps)}
    return Problem(needs=needs, capacity=capacity, load=load, forbidden=forbidden, matching=matching)


@given(problem=instances(), seed=st.one_of(st.none(), st.integers(min_value=0, max_value=2**32)))
@settings(max_examples=150, deadline=None)
def test_solver_keeps_conflicts_limits_and_fills_every_place_candidates_allow(problem, seed):
    result = solve(problem, seed=seed)
    loads = Counter(r for chosen in result.values() for r in chosen)
    for application, chosen in result.items():
        assert not set(chosen) & problem.forbidden[application]
        assert len(chosen) == len(set(chosen)) <= problem.needs[application]
    assert all(loads[r] <= problem.capacity[r] for r in problem.capacity)
    # Each application gets its reviewers when candidates suffice: one left short has every candidate full.
    for application, need in problem.needs.items():
        chosen = set(result.get(application, []))
        if len(chosen) < need:
            for r in set(problem.capacity) - problem.forbidden[application] - chosen:
                assert loads[r] == problem.capacity[r]
    # The same optimum as the pair-by-pair network: as many places, as evenly spread over the applications, the
    # same balance and expertise cost.
    if seed is None:
        assert _cost(problem, result) == _reference_cost(problem)


def test_solver_at_scale_stays_under_the_goal():
    """2,000 applications × 500 reviewers × 3, conflicts in blocks: well under the issue's 5 s (here, on SQLite's
    machine, the solver alone; the benchmark times the service on PostgreSQL)."""
    import time

    from benchmarks.assignment_scale import scale_problem

    problem = scale_problem(2000, 500, 3)
    started = time.perf_counter()
    result = solve(problem)
    took = time.perf_counter() - started
    assert sum(len(ids) for ids in result.values()) == 6000
    assert took < 5, took
