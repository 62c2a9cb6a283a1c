"""The overview and the ranking at a province's scale: fixed query counts with one and many rows, the ranking page
in pages (a proposal from any page keeps the default choice of the others), the ranking workbook in a long layout
(one row per review, a summary sheet per track)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.models import Status
from core.spreadsheet import MONEY_FORMAT
from programs.selectors import rubric_for
from reviews import decisions
from reviews.exports import ranking_xlsx
from reviews.models import Assignment, Award, Review, ReviewState
from tests.conftest import client_for

from .conftest import make_pool_track, make_reviewer, passed_application, run_to_reviewing, score_all, track_of

pytestmark = pytest.mark.django_db

OVERVIEW_QUERIES = 4  # session, user, the page (ids cut, rows, counts and total as subqueries), unread notices
RANKING_QUERIES = 10  # session, user (with the offices it works for: which steps the page offers), round, the
# ranking (2), the page's details (3), export job, unread notices


def _round(officer, track, scores: list[int], *, reviewers=3):
    """A round on ``track``: one application per score, every reviewer's total near it (score ± reviewer)."""
    applications = [passed_application(track) for _ in scores]
    for _ in range(reviewers):
        make_reviewer(load_limit=50)
    review_round = run_to_reviewing(officer, track, per_application=reviewers)
    by_application = dict(zip((a.pk for a in applications), scores, strict=True))
    for assignment in Assignment.objects.filter(round=review_round).order_by("pk"):
        score_all(assignment, by_application[assignment.application_id] + assignment.reviewer_id % 3)
    return review_round, applications


@pytest.fixture
def one(officer, pool_track):
    return _round(officer, pool_track, [80])[0]


@pytest.fixture
def many(officer, nansha):
    return _round(officer, nansha, [90 - 3 * i for i in range(12)])[0]


def test_overview_query_count_is_fixed_with_one_and_many_tracks(client, officer, one, django_assert_num_queries):
    client_for(client, officer)
    url = reverse("reviews:overview")
    client.get(url)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        assert "data-round-state" in client.get(url).content.decode()
    for code in ("1", "2", "3"):
        passed_application(track_of("yuexiu-2018-ip-operation-fund-plan", code))
    with django_assert_num_queries(OVERVIEW_QUERIES):
        page = client.get(url)
    assert len(page.context["page"].object_list) >= 4


def test_overview_counts_only_applications_in_expert_review(client, officer, pool_track):
    for status in (Status.PASSED, Status.PASSED, Status.APPROVED, Status.SUBMITTED):
        application = passed_application(pool_track)
        type(application).objects.filter(pk=application.pk).update(status=status)
    page = client_for(client, officer).get(reverse("reviews:overview"))
    (track,) = [t for t in page.context["page"].object_list if t.pk == pool_track.pk]
    assert track.in_review == 2


def test_ranking_page_query_count_is_fixed_with_one_and_many_rows(client, officer, one, many, monkeypatch,
                                                                  django_assert_num_queries):
    monkeypatch.setattr("reviews.views.RANKING_PAGE", 5)  # the twelve of ``many`` fill three pages
    client_for(client, officer)
    client.get(reverse("reviews:ranking", args=[one.track_id]))
    for review_round, page in ((one, 1), (many, 1), (many, 3)):
        with django_assert_num_queries(RANKING_QUERIES):
            response = client.get(reverse("reviews:ranking", args=[review_round.track_id]), {"page": page})
        assert len(response.context["rows"]) == (1 if review_round is one else 5 if page == 1 else 2)


def test_ranking_page_shows_one_page_in_rank_order(client, officer, many, monkeypatch):
    monkeypatch.setattr("reviews.views.RANKING_PAGE", 5)
    client_for(client, officer)
    url = reverse("reviews:ranking", args=[many.track_id])
    first, second = (client.get(url, {"page": n}).context["rows"] for n in (1, 2))
    assert [r.rank for r in first] == [1, 2, 3, 4, 5] and [r.rank for r in second] == [6, 7, 8, 9, 10]
    assert [r.aggregate for r in first + second] == sorted((r.aggregate for r in first + second), reverse=True)
    row = second[0]
    assert row.done == row.assigned == 3 and row.application.organisation.name  # details filled for the page
    assert row.normalised is not None


@pytest.mark.parametrize("who", ["applicant", "reviewer"])
def test_ranking_pages_and_overview_are_404_for_non_officers(client, request, many, who):
    client_for(client, request.getfixturevalue(who))
    assert client.get(reverse("reviews:overview")).status_code == 404
    assert client.get(reverse("reviews:ranking", args=[many.track_id]), {"page": 2}).status_code == 404
    assert client.post(reverse("reviews:round_step", args=[many.track_id, "propose"])).status_code == 404
    assert not Award.objects.exists()


def test_proposal_from_a_later_page_keeps_the_default_choice_of_the_others(client, officer, monkeypatch):
    """At most three awards: the best three are ticked by default. On page 2 the officer unticks the third and
    ticks the fourth; the first two (on page 1) stay proposed."""
    track = make_pool_track(max_awards=3)
    review_round, applications = _round(officer, track, [90, 80, 70, 60, 50])
    monkeypatch.setattr("reviews.views.RANKING_PAGE", 2)
    client_for(client, officer)
    page = client.get(reverse("reviews:ranking", args=[track.pk]), {"page": 2}).content.decode()
    third, fourth = applications[2], applications[3]
    assert f'name="shown" value="{third.pk}"' in page and f'name="shown" value="{applications[0].pk}"' not in page
    response = client.post(reverse("reviews:round_step", args=[track.pk, "propose"]),
                           {"shown": [third.pk, fourth.pk], "application": [fourth.pk]})
    assert response.status_code == 302
    proposed = set(Award.objects.filter(round=review_round).values_list("application_id", flat=True))
    assert proposed == {applications[0].pk, applications[1].pk, fourth.pk}


def test_ranking_workbook_has_one_row_per_review_and_a_ranked_summary_per_track(officer, pool_track):
    review_round, applications = _round(officer, pool_track, [70, 90, 80])
    type(applications[0]).objects.filter(pk=applications[0].pk).update(title="=HYPERLINK(\"http://x\")")
    awards = decisions.round_propose(actor=officer, review_round=review_round)
    review_round.refresh_from_db()
    with translation.override("en"):
        book = load_workbook(io.BytesIO(ranking_xlsx([review_round])))
    program = pool_track.program
    assert book.sheetnames == ["Review scores", f"{program.reference_prefix}-{pool_track.code}"]
    reviews_sheet, summary = book.worksheets

    criteria = list(rubric_for(pool_track).criteria.all())
    header = [c.value for c in reviews_sheet[1]]
    assert header == ["Reference", "Project title", "Organisation", "Track", "Reviewer",
                      *[c.title_en or c.title for c in criteria], "Weighted total"]
    submitted = list(Review.objects.filter(assignment__round=review_round, state=ReviewState.SUBMITTED)
                     .select_related("assignment__application__organisation", "assignment__reviewer")
                     .prefetch_related("scores"))
    rows = [[c.value for c in row] for row in reviews_sheet.iter_rows(min_row=2)]
    assert len(rows) == len(submitted) == 9  # one row per review
    expected = {}
    for review in submitted:
        application = review.assignment.application
        scores = {s.criterion_id: float(s.score) for s in review.scores.all()}
        expected[(application.reference, review.assignment.reviewer.name)] = [
            application.organisation.name, f"{program}: {pool_track}",
            *[scores[c.pk] for c in criteria], float(review.total)]
    assert {(r[0], r[4]): [r[2], r[3], *r[5:]] for r in rows} == expected
    titles = {r[0]: r[1] for r in rows}
    assert titles[applications[0].reference] == "'=HYPERLINK(\"http://x\")"  # text stays text

    # The summary, ranked by the mean of each application's totals, computed here from the reviews.
    totals: dict[str, list[Decimal]] = {}
    for review in submitted:
        totals.setdefault(review.assignment.application.reference, []).append(review.total)
    means = {ref: (sum(t) / len(t)).quantize(Decimal("0.01")) for ref, t in totals.items()}
    ranked = sorted(means, key=lambda ref: (-means[ref], ref))
    assert [c.value for c in summary[1]] == ["Rank", "Reference", "Project title", "Aggregate score", "Mean score",
                                            "Reviews done", "Proposed award (yuan)", "Tie",
                                            "Reason for the officer's order"]
    lines = list(summary.iter_rows(min_row=2))
    assert [line[1].value for line in lines] == ranked
    assert [line[0].value for line in lines] == [1, 2, 3]
    assert [line[4].value for line in lines] == [float(means[ref]) for ref in ranked]
    assert [line[5].value for line in lines] == [3, 3, 3]
    amounts = {a.application.reference: a.amount for a in awards}
    assert [line[6].value for line in lines] == [float(amounts[ref]) for ref in ranked]
    assert all(line[6].number_format == MONEY_FORMAT for line in lines)
    # The rows of the reviews sheet follow the rank.
    assert [r[0] for r in rows] == [ref for ref in ranked for _ in range(3)]


def test_proposal_with_every_box_on_the_page_unticked_is_refused(client, officer, monkeypatch):
    track = make_pool_track(max_awards=3)
    review_round, applications = _round(officer, track, [90, 80])
    client_for(client, officer)
    response = client.post(reverse("reviews:round_step", args=[track.pk, "propose"]),
                           {"shown": [a.pk for a in applications]}, follow=True)
    with translation.override("zh-hans"):
        refusal = translation.gettext("Tick at least one application to propose.")
    assert refusal != "Tick at least one application to propose."  # translated, and shown as such
    assert refusal in [str(m) for m in response.context["messages"]]
    assert not Award.objects.filter(round=review_round).exists()
    review_round.refresh_from_db()
    assert review_round.state == "reviewing"


@pytest.mark.parametrize("crafted", ["²", "9" * 30, "１２", "12x"])
def test_proposal_with_a_crafted_id_is_refused_with_the_message_and_changes_nothing(client, officer, crafted):
    """A superscript digit, a number past any column, full-width digits or text: no choice, said as such; no 500."""
    track = make_pool_track(max_awards=3)
    review_round, applications = _round(officer, track, [90, 80])
    client_for(client, officer)
    response = client.post(reverse("reviews:round_step", args=[track.pk, "propose"]),
                           {"shown": [crafted, *[a.pk for a in applications]], "application": [crafted]}, follow=True)
    with translation.override("zh-hans"):
        refusal = translation.gettext("Tick at least one application to propose.")
    assert refusal in [str(m) for m in response.context["messages"]]
    assert not Award.objects.filter(round=review_round).exists()
    review_round.refresh_from_db()
    assert review_round.state == "reviewing"


def test_posted_id_takes_ascii_row_ids_only():
    from core.forms import MAX_ID, posted_id, posted_ids

    assert posted_ids(["12", "²", "１２", "x", "", str(MAX_ID), str(MAX_ID + 1), "007"]) == [12, MAX_ID, 7]
    assert posted_id(None) is None
