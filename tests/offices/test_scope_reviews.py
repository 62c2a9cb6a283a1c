"""Expert review is scoped to the officer's offices: the office's officers see and act; another office's officers
get 404 and do not see the rows; the office above reads and takes no step (the services refuse it and nothing
changes, no audit row)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from audit.services import record_event
from core.confirm import CONFIRM_FIELD, CONFIRMED
from reviews import decisions, services
from reviews.models import Appeal, Assignment, Award, ReviewRound, RoundState
from tests.conftest import client_for
from tests.reviews.conftest import (
    NANSHA,
    YUEXIU,
    end_publicity,
    make_reviewer,
    passed_application,
    run_to_reviewing,
    score_all,
    track_of,
)

from .conftest import audit_count

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def reviewing(officer):
    """A Nansha round under review: one application, scored by one reviewer of the shared pool."""
    track = track_of(NANSHA, "1")
    passed_application(track)
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    score_all(Assignment.objects.get(round=review_round), 80)
    return review_round


@pytest.fixture
def proposed(officer, reviewing):
    (award,) = decisions.round_propose(actor=officer, review_round=reviewing)
    return award


def _pages(track_id: int) -> list[str]:
    return [reverse(name, args=[track_id]) for name in ("reviews:round", "reviews:ranking", "reviews:decision")]


def test_round_pages_office_officer_sees_them_with_the_steps(client, nansha_officer, reviewing):
    client_for(client, nansha_officer)
    for url in _pages(reviewing.track_id):
        assert client.get(url).status_code == 200, url
    assert 'id="propose-awards"' in client.get(_pages(reviewing.track_id)[1]).content.decode()


def test_round_pages_another_offices_officer_gets_404(client, yuexiu_officer, reviewing):
    client_for(client, yuexiu_officer)
    for url in _pages(reviewing.track_id):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reviews:ranking_export", args=[reviewing.track_id])).status_code == 404


def test_round_pages_parent_office_reads_without_step_buttons(client, gz_officer, reviewing):
    client_for(client, gz_officer)
    ranking = client.get(_pages(reviewing.track_id)[1])
    assert ranking.status_code == 200 and ranking.context["rows"]
    assert 'id="propose-awards"' not in ranking.content.decode()
    round_page = client.get(_pages(reviewing.track_id)[0]).content.decode()
    assert "reviews:assignment_add" not in round_page and 'action="/expert-review/tracks' not in round_page


def test_overview_lists_only_the_offices_tracks(client, nansha_officer, yuexiu_officer, gz_officer, reviewing):
    passed_application(track_of(YUEXIU, "1"))
    nansha_row = reverse("reviews:round", args=[reviewing.track_id])
    for user, sees in ((nansha_officer, True), (yuexiu_officer, False), (gz_officer, True)):
        page = client_for(client, user).get(reverse("reviews:overview"))
        assert (nansha_row in page.content.decode()) is sees, user
        tracks = {t.pk for t in page.context["page"].object_list}
        assert (track_of(YUEXIU, "1").pk in tracks) is (user == yuexiu_officer or user == gz_officer)


def test_parent_office_officer_may_not_propose_and_nothing_changes(client, gz_officer, reviewing):
    before = audit_count(action="propose")
    response = client_for(client, gz_officer).post(reverse("reviews:round_step", args=[reviewing.track_id, "propose"]))
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.state == RoundState.REVIEWING and not Award.objects.filter(round=reviewing).exists()
    assert audit_count(action="propose") == before
    with pytest.raises(PermissionDenied):
        decisions.round_propose(actor=gz_officer, review_round=reviewing)


def test_another_offices_officer_gets_404_on_assignment_review_award_and_objection_steps(
        client, yuexiu_officer, officer, proposed):
    assignment = Assignment.objects.get(round=proposed.round)
    client_for(client, yuexiu_officer)
    urls = [reverse("reviews:assignment_step", args=[assignment.pk, "remove"]),
            reverse("reviews:review_reopen", args=[assignment.review.pk]),
            reverse("reviews:award_step", args=[proposed.pk, "adjust"]),
            reverse("reviews:round_step", args=[proposed.round.track_id, "withdraw_proposal"]),
            reverse("reviews:tie_order", args=[proposed.round.track_id])]
    for url in urls:
        assert client.post(url, {"reason": "x", "amount": "1", "order": ""}).status_code == 404, url
    proposed.refresh_from_db()
    assert proposed.round.state == RoundState.PROPOSED and proposed.state == "proposed"


def test_parent_office_officer_steps_are_refused_by_the_services(gz_officer, proposed):
    review_round = ReviewRound.objects.get(pk=proposed.round_id)
    assignment = Assignment.objects.get(round=review_round)
    before = audit_count()
    refused = [
        lambda: decisions.round_withdraw_proposal(actor=gz_officer, review_round=review_round, reason="重新评审"),
        lambda: decisions.round_start_publicity(actor=gz_officer, review_round=review_round),
        lambda: decisions.award_adjust(actor=gz_officer, award=proposed, amount=proposed.amount, reason="调整"),
        lambda: services.review_reopen(actor=gz_officer, review=assignment.review, reason="重评"),
        lambda: services.assignment_remove(actor=gz_officer, assignment=assignment, reason="回避"),
    ]
    for step in refused:
        with pytest.raises(PermissionDenied):
            step()
    review_round.refresh_from_db()
    assert review_round.state == RoundState.PROPOSED and audit_count() == before


def test_decision_page_parent_office_reads_awards_without_buttons(client, officer, gz_officer, proposed):
    end_publicity(decisions.round_start_publicity(actor=officer, review_round=proposed.round))
    page = client_for(client, gz_officer).get(reverse("reviews:decision", args=[proposed.round.track_id]))
    assert page.status_code == 200 and [a.pk for a in page.context["awards"]] == [proposed.pk]
    html = page.content.decode()
    assert "data-approve" not in html and 'id="close-round"' not in html
    approve = client.post(reverse("reviews:award_step", args=[proposed.pk, "approve"]), {CONFIRM_FIELD: CONFIRMED})
    assert approve.status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == "proposed"


def test_notice_pdf_status_answers_404_to_another_office(client, officer, yuexiu_officer, gz_officer,
                                                         django_capture_on_commit_callbacks):
    from tests.reviews.conftest import approved_award

    with django_capture_on_commit_callbacks(execute=False):
        award = approved_award(officer, track_of(NANSHA, "1"))
    url = reverse("reviews:notice_status", args=[award.pk])
    assert client_for(client, yuexiu_officer).get(url).status_code == 404
    assert client_for(client, gz_officer).get(url).status_code == 200
    assert client_for(client, officer).get(url).status_code == 200


def test_appeals_list_shows_only_the_offices_appeals(client, officer, nansha_officer, yuexiu_officer, gz_officer):
    application = passed_application(track_of(NANSHA, "1"))
    application.status = Status.REFUSED
    application.save(update_fields=["status"])
    decision = record_event(target=application, actor=officer, action="refuse", to_state=Status.REFUSED)
    appeal = Appeal.objects.create(application=application, decision=decision, stage="formal",
                                   reasons="材料齐全", lodged_by=application.created_by,
                                   period_ends=timezone.localdate())
    for user, sees in ((nansha_officer, True), (yuexiu_officer, False), (gz_officer, True)):
        page = client_for(client, user).get(reverse("reviews:appeals"))
        assert ([a.pk for a in page.context["page"]] == [appeal.pk]) is sees
        if sees:
            assert page.context["page"][0].decidable is (user == nansha_officer)
    step = reverse("reviews:appeal_step", args=[appeal.pk, "dismiss"])
    assert client_for(client, yuexiu_officer).post(step, {"reason": "驳回"}).status_code == 404
    client_for(client, gz_officer).post(step, {"reason": "驳回"})
    appeal.refresh_from_db()
    assert appeal.state == "lodged"


def test_overview_and_ranking_query_counts_are_fixed_under_scoping(client, officer, gz_officer, reviewing):
    client_for(client, gz_officer)
    urls = (reverse("reviews:overview"), reverse("reviews:ranking", args=[reviewing.track_id]))
    counts = []
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        counts.append(len(one))
    for code in ("1", "2", "3"):
        passed_application(track_of(YUEXIU, code))
        passed_application(track_of("qingyuan-2023-ip-reserve-projects", code))
    for _ in range(3):
        passed_application(reviewing.track)
    for url, expected in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == expected, url
    overview = client.get(urls[0]).context["page"].object_list
    assert {t.program.code for t in overview} == {NANSHA, YUEXIU}  # not Qingyuan's: another city
