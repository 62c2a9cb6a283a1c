"""Issue 18, tie-breaks: equal scores are separated by the guide's tie-breaks in the guide's order; a computed one
reads the application's data, a judged one leaves the tied applications a tie (并列) until the officer orders them
with a reason (audited, printed in the workbook); the order lapses when a score changes."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from audit.models import AuditEvent
from programs.models import Track
from reviews import decisions
from reviews.exports import ranking_xlsx
from reviews.models import Assignment, Review, RoundState, TieOrder
from reviews.selectors import ranking
from tests.conftest import client_for

from .conftest import make_reviewer, passed_application, run_to_reviewing, score_all, track_of

pytestmark = pytest.mark.django_db

GUANGDONG = "guangdong-2021-ip-cluster-centers"  # [member_mix judged, matching_funds computed]
QINGYUAN = "qingyuan-2023-ip-reserve-projects"  # track 11: [matching_funds computed, overseas_market judged, …]
FANGCHENGGANG = "fangchenggang-2022-ip-projects"  # track 7: [local_service judged]
RANKING_QUERIES = 11  # session, user (with the offices it works for: which steps the page offers), round, the
# ranking (2 + the officer's orders), details (3), job, notices


def _round(officer, track, entries: list[tuple[int, str, str]]):
    """A round on ``track`` with one reviewer per application: (score, matching funds, requested) each."""
    applications = [passed_application(track, matching=m, requested=r) for _s, m, r in entries]
    make_reviewer(load_limit=50)
    review_round = run_to_reviewing(officer, track, per_application=1)
    scores = {a.pk: s for a, (s, _m, _r) in zip(applications, entries, strict=True)}
    for assignment in Assignment.objects.filter(round=review_round):
        score_all(assignment, scores[assignment.application_id])
    return review_round, applications


def _ranks(review_round) -> list[tuple[int, int | None, bool]]:
    """(application id, rank, still tied) in rank order."""
    return [(r.application.pk, r.rank, bool(r.tie and r.tie.open)) for r in ranking(review_round)]


@pytest.fixture
def tied(officer):
    """Guangdong 1: a and b tie at 80 (a commits more matching funds), c scores 70."""
    review_round, (a, b, c) = _round(officer, track_of(GUANGDONG, "1"),
                                     [(80, "900000", "1000000"), (80, "600000", "1000000"), (70, "800000", "1000000")])
    return review_round, a, b, c


# --- computed tie-breaks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key,first", [("matching_funds", 1), ("requested_amount_low", 0)])
def test_ties_each_computed_tie_break_separates_by_the_application_data(officer, nansha, key, first):
    # b commits more matching funds, a asks for less: each computed tie-break puts a different one first.
    Track.objects.filter(pk=nansha.pk).update(tie_breaks=[{"key": key, "kind": "computed"}])
    review_round, apps = _round(officer, nansha, [(80, "100000", "200000"), (80, "300000", "300000")])
    assert _ranks(review_round) == [(apps[first].pk, 1, False), (apps[1 - first].pk, 2, False)]


def test_ties_qingyuan_matching_funds_first_then_the_officer_judges(officer):
    review_round, (a, b, c) = _round(officer, track_of(QINGYUAN, "11"),
                                     [(85, "100000", "80000"), (85, "300000", "80000"), (85, "100000", "80000")])
    ranks = _ranks(review_round)
    assert ranks[0] == (b.pk, 1, False)  # 企业配套经费较多的 separates b
    assert sorted(ranks[1:]) == sorted([(a.pk, 2, True), (c.pk, 2, True)])  # 海外市场 / 协同创新: the officer's
    assert ranking(review_round)[1].tie.tie_break.key == "overseas_market"


def test_ties_fangchenggang_7_local_service_shows_the_tie(officer):
    review_round, (a, b) = _round(officer, track_of(FANGCHENGGANG, "7"), [(75, "0", "100000"), (75, "0", "90000")])
    assert {(pk, rank, open_) for pk, rank, open_ in _ranks(review_round)} == {(a.pk, 1, True), (b.pk, 1, True)}


# --- a judged tie, ordered by the officer ----------------------------------------------------------------------


def test_ties_guangdong_member_mix_shows_a_tie_listed_by_matching_funds(tied):
    review_round, a, b, c = tied
    assert _ranks(review_round) == [(a.pk, 1, True), (b.pk, 1, True), (c.pk, 3, False)]
    assert ranking(review_round)[0].tie.tie_break.key == "member_mix"


def test_ties_officer_orders_the_tie_with_a_reason_audited(officer, tied):
    review_round, a, b, c = tied
    order = decisions.round_order_tie(actor=officer, review_round=review_round, order=[b.pk, a.pk],
                                      reason="乙申报单位成员含专利运营机构与产业基金，要素更齐全")
    assert (order.order, order.tie_break, order.score, order.ordered_by) == ([b.pk, a.pk], "member_mix",
                                                                             Decimal("80.00"), officer)
    # The officer's order stands; the matching funds (a's are higher) no longer apply.
    assert _ranks(review_round) == [(b.pk, 1, False), (a.pk, 2, False), (c.pk, 3, False)]
    event = AuditEvent.objects.get(object_id=str(review_round.pk), action="order_tie")
    assert (event.actor, event.reason, event.from_state, event.to_state) == (
        officer, "乙申报单位成员含专利运营机构与产业基金，要素更齐全", "reviewing", "reviewing")
    assert event.data == {"tie_break": "member_mix", "score": "80.00", "order": [b.reference, a.reference],
                          "before": []}
    # Ordered again: the same row changes, the audit keeps both.
    decisions.round_order_tie(actor=officer, review_round=review_round, order=[a.pk, b.pk], reason="复核后调整")
    assert TieOrder.objects.get().order == [a.pk, b.pk]
    assert [e.data["before"] for e in AuditEvent.objects.filter(action="order_tie").order_by("pk")] == [
        [], [b.reference, a.reference]]


def test_ties_the_order_lapses_when_a_score_changes(officer, tied):
    review_round, a, b, c = tied
    decisions.round_order_tie(actor=officer, review_round=review_round, order=[b.pk, a.pk], reason="要素更齐全")
    Review.objects.filter(assignment__application__in=[a, b]).update(total=Decimal("82.00"))  # both re-scored
    assert _ranks(review_round)[:2] == [(a.pk, 1, True), (b.pk, 1, True)]


def test_ties_order_refused_for_a_wrong_role(reviewer, applicant, tied):
    review_round, a, b, _c = tied
    for user in (reviewer, applicant):
        with pytest.raises(PermissionDenied):
            decisions.round_order_tie(actor=user, review_round=review_round, order=[b.pk, a.pk], reason="理由")
    assert not TieOrder.objects.exists()


def test_ties_order_refused_in_a_wrong_state(officer, tied):
    review_round, a, b, _c = tied
    decisions.round_propose(actor=officer, review_round=review_round)
    with pytest.raises(ValidationError) as excinfo:
        decisions.round_order_tie(actor=officer, review_round=review_round, order=[b.pk, a.pk], reason="理由")
    assert excinfo.value.code == "wrong_state"
    assert not TieOrder.objects.exists() and not AuditEvent.objects.filter(action="order_tie").exists()


@pytest.mark.parametrize("which,reason", [("not_tied", "理由"), ("no_reason", " ")])
def test_ties_order_refused_without_a_tie_or_a_reason(officer, tied, which, reason):
    review_round, a, b, c = tied
    order = [a.pk, c.pk] if which == "not_tied" else [b.pk, a.pk]
    with pytest.raises(ValidationError) as excinfo:
        decisions.round_order_tie(actor=officer, review_round=review_round, order=order, reason=reason)
    assert set(excinfo.value.message_dict) == {"order" if which == "not_tied" else "reason"}
    assert not TieOrder.objects.exists()


def test_ties_proposal_may_not_cut_through_a_tie_the_officer_has_not_ordered(officer, tied):
    review_round, a, b, _c = tied
    with pytest.raises(ValidationError, match="order the tie on the ranking first"):
        decisions.round_propose(actor=officer, review_round=review_round, application_ids=[a.pk])
    assert not review_round.awards.exists()
    decisions.round_order_tie(actor=officer, review_round=review_round, order=[b.pk, a.pk], reason="乙要素更齐全")
    (award,) = decisions.round_propose(actor=officer, review_round=review_round, application_ids=[b.pk])
    assert award.application_id == b.pk


# --- the ranking page and the workbook -------------------------------------------------------------------------


def test_ties_ranking_page_shows_the_tie_and_its_form(client, officer, tied):
    review_round, a, b, c = tied
    html = client_for(client, officer).get(reverse("reviews:ranking", args=[review_round.track_id])).content.decode()
    members = ",".join(str(pk) for pk in sorted([a.pk, b.pk]))
    assert html.count(f'data-tie="{members}"') == 2 and "并列" in html
    assert f'data-tie-form="{members}"' in html


def test_ties_view_orders_the_tie(client, officer, tied):
    review_round, a, b, _c = tied
    url = reverse("reviews:tie_order", args=[review_round.track_id])
    response = client_for(client, officer).post(url, {"application": [a.pk, b.pk], "place": ["2", "1"],
                                                      "reason": "要素更齐全"}, follow=True)
    assert TieOrder.objects.get().order == [b.pk, a.pk]
    html = response.content.decode()  # back on the ranking: no tie left, the order marked and its reason shown
    assert "data-tie=" not in html and html.count("data-tie-ordered") == 2 and "要素更齐全" in html
    assert [r.application.pk for r in response.context["rows"]][:2] == [b.pk, a.pk]


@pytest.mark.parametrize("places", [["1", "1"], ["1"], ["1", "x"], ["2", "3"]])
def test_ties_view_refuses_bad_places_and_changes_nothing(client, officer, tied, places):
    review_round, a, b, _c = tied
    url = reverse("reviews:tie_order", args=[review_round.track_id])
    response = client_for(client, officer).post(url, {"application": [a.pk, b.pk], "place": places,
                                                      "reason": "理由"}, follow=True)
    assert "请为每项并列申报填写不同的名次，从 1（最优）到 2。" in response.content.decode()  # the page's language
    assert not TieOrder.objects.exists()


@pytest.mark.parametrize("who", ["applicant", "reviewer"])
def test_ties_view_is_404_for_non_officers(client, request, tied, who):
    review_round, a, b, _c = tied
    response = client_for(client, request.getfixturevalue(who)).post(
        reverse("reviews:tie_order", args=[review_round.track_id]),
        {"application": [a.pk, b.pk], "place": ["2", "1"], "reason": "理由"})
    assert response.status_code == 404 and not TieOrder.objects.exists()


def test_ties_workbook_prints_the_tie_then_the_order_and_reason(officer, tied):
    review_round, a, b, c = tied

    def summary():
        with translation.override("en"):
            book = load_workbook(io.BytesIO(ranking_xlsx([review_round])))
        rows = list(book.worksheets[1].iter_rows(values_only=True))
        assert rows[0][-2:] == ("Tie", "Reason for the officer's order")
        return {row[1]: (row[0], row[-2] or "", row[-1] or "") for row in rows[1:]}

    before = summary()
    assert before[a.reference][:2] == (1, "tied: a more complete mix of member types, to be judged by the officer")
    assert before[b.reference][0] == 1 and before[c.reference] == (3, "", "")
    decisions.round_order_tie(actor=officer, review_round=review_round, order=[b.pk, a.pk], reason="乙要素更齐全")
    after = summary()
    assert after[b.reference] == (1, f"ordered by {officer}, place 1 of 2: a more complete mix of member types",
                                  "乙要素更齐全")
    assert after[a.reference] == (2, f"ordered by {officer}, place 2 of 2: a more complete mix of member types",
                                  "乙要素更齐全")


def test_ties_ranking_page_query_count_is_fixed_with_one_and_many_ties(client, officer, django_assert_num_queries):
    track = track_of(GUANGDONG, "1")
    review_round, apps = _round(officer, track, [(80, "600000", "1000000")] * 2)
    url = reverse("reviews:ranking", args=[track.pk])
    client_for(client, officer).get(url)
    with django_assert_num_queries(RANKING_QUERIES):
        client.get(url)
    more = [passed_application(track) for _ in range(6)]
    reviewer = make_reviewer(load_limit=50)
    for application in more:
        Assignment.objects.create(round=review_round, application=application, reviewer=reviewer, state="confirmed")
    for assignment in Assignment.objects.filter(round=review_round, application__in=more):
        score_all(assignment, 70 if assignment.application_id % 2 else 60)
    decisions.round_order_tie(actor=officer, review_round=review_round, order=[a.pk for a in apps], reason="理由")
    with django_assert_num_queries(RANKING_QUERIES):
        response = client.get(url)
    assert sum(1 for r in response.context["rows"] if r.tie and r.tie.open) == 6
    assert review_round.state == RoundState.REVIEWING
