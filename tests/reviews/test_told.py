"""Issue 18, "who was not told": a declared conflict reaches the round's officers (the round waits for a
replacement) and the expert (the conflict is accepted); the applicants hear that their application is in
publicity, and of each objection against it, lodged and resolved; the objector sees "我的异议" on the publicity
page, with its status, and nobody else does."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from notifications.models import Notification
from notifications.services import render
from reviews import decisions, services
from reviews.models import Assignment, Objection
from tests.conftest import client_for
from tests.factories import UserFactory

from .conftest import make_reviewer, passed_application, run_to_reviewing, score_all

pytestmark = pytest.mark.usefixtures("inline_tasks")


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def _no_empty_field(text: str) -> None:
    assert "：。" not in text and ": ." not in text and "：\n\n" not in text and ":\n\n" not in text


def _members(application):
    return [m.user for m in application.organisation.memberships.select_related("user")]


@pytest.fixture
def confirmed(officer, pool_track):
    passed_application(pool_track)
    make_reviewer(name="冲突专家")
    review_round = run_to_reviewing(officer, pool_track, per_application=1)
    return Assignment.objects.select_related("reviewer__user", "application", "round").get(round=review_round)


def test_declared_conflict_tells_the_rounds_officer_and_the_expert_with_the_reason(
        officer, confirmed, django_capture_on_commit_callbacks):
    bystander = UserFactory(role=Role.OFFICER)  # never worked on this round
    expert = confirmed.reviewer.user
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_declare_conflict(actor=expert, assignment=confirmed, reason="本人曾在申报单位兼职")
    to_officer = Notification.objects.get(kind="reviews.conflict_declared")
    assert (to_officer.recipient, to_officer.target) == (officer, confirmed)
    assert to_officer.link == reverse("reviews:round", args=[confirmed.round.track_id])
    title, body = render(to_officer, "en")
    assert confirmed.application.reference in title and "本人曾在申报单位兼职" in body
    assert "waits for a replacement" in body and "冲突专家" in body
    [message] = _mail_to(officer)
    assert "本人曾在申报单位兼职" in message.body and "另行指派" in message.body
    _no_empty_field(message.body)
    to_expert = Notification.objects.get(kind="reviews.conflict_accepted")
    assert to_expert.recipient == expert and to_expert.link == reverse("reviews:queue")
    [message] = [m for m in _mail_to(expert) if "利益冲突" in m.subject]
    assert "已被接受" in message.body and "本人曾在申报单位兼职" in message.body
    assert confirmed.application.organisation.name not in message.body  # blind review: still withheld
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_accepting_an_assignment_tells_nobody_of_a_conflict(officer, confirmed):
    services.assignment_accept(actor=confirmed.reviewer.user, assignment=confirmed)
    assert not Notification.objects.filter(kind__startswith="reviews.conflict").exists()


def _in_publicity(officer, track, n=1):
    applications = [passed_application(track) for _ in range(n)]
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    for assignment in Assignment.objects.filter(round=review_round):
        score_all(assignment, 85)
    awards = decisions.round_propose(actor=officer, review_round=review_round)
    return applications, awards, decisions.round_start_publicity(actor=officer, review_round=review_round)


def test_publicity_tells_each_applicant_its_award_and_the_period(officer, pool_track,
                                                                  django_capture_on_commit_callbacks):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        applications, awards, review_round = _in_publicity(officer, pool_track, n=2)
    for application in applications:
        (member,) = _members(application)
        notice = Notification.objects.get(kind="reviews.in_publicity", recipient=member)
        award = notice.target
        assert award.application == application
        assert notice.values["ends"] == review_round.publicity_ends.isoformat()
        assert notice.link == reverse("reviews:publicity", args=[review_round.pk])
        [message] = [m for m in _mail_to(member) if "公示" in m.subject]
        assert f"{award.amount:,.2f}" in message.body and application.reference in message.body
        _no_empty_field(message.body)
    assert Notification.objects.filter(kind="reviews.in_publicity").count() == 2


def test_publicity_notices_cost_the_same_for_one_and_many_applicants(officer, pool_track):
    def queries(n):
        applications, awards, review_round = _in_publicity(officer, pool_track, n=n)
        from reviews.models import ReviewRound
        from reviews.notices import publicity_started

        with CaptureQueriesContext(connection) as captured:
            publicity_started(ReviewRound.objects.select_related("track").get(pk=review_round.pk))
        Objection.objects.all().delete()
        return len(captured)

    one = queries(1)
    from reviews.models import ReviewRound

    ReviewRound.objects.all().delete()
    assert queries(4) == one


def test_objection_lodged_and_resolved_tell_the_applicant_without_naming_the_objector(
        officer, other_applicant, pool_track, django_capture_on_commit_callbacks):
    (application,), (award,), review_round = _in_publicity(officer, pool_track)
    (member,) = _members(application)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        objection = decisions.objection_lodge(actor=other_applicant, review_round=review_round,
                                              reason="该单位不在越秀区注册", award=award)
    lodged = Notification.objects.get(kind="reviews.objection_against")
    assert (lodged.recipient, lodged.target) == (member, objection)
    [message] = [m for m in _mail_to(member) if "异议" in m.subject]
    assert "该单位不在越秀区注册" in message.body and str(other_applicant) not in message.body
    assert other_applicant.username not in message.body
    _no_empty_field(message.body)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        decisions.objection_resolve(actor=officer, objection=objection, step="dismiss",
                                    resolution="经核查该单位注册地为越秀区")
    resolved = Notification.objects.get(kind="reviews.objection_against_resolved")
    assert resolved.recipient == member
    title, body = render(resolved, "zh-hans")
    assert "异议不成立" in body and "经核查该单位注册地为越秀区" in body
    [message] = [m for m in _mail_to(member) if "异议" in m.subject]
    _no_empty_field(message.body)
    assert Notification.objects.filter(kind="reviews.objection_resolved", recipient=other_applicant).exists()
    assert not Notification.objects.filter(recipient=other_applicant,
                                           kind__startswith="reviews.objection_against").exists()


def test_objection_against_the_whole_list_tells_every_applicant_on_it(officer, other_applicant, pool_track):
    applications, awards, review_round = _in_publicity(officer, pool_track, n=2)
    decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="评审程序不规范")
    told = Notification.objects.filter(kind="reviews.objection_against").values_list("recipient_id", flat=True)
    assert sorted(told) == sorted(m.pk for a in applications for m in _members(a))


# --- 我的异议 on the publicity page ------------------------------------------------------------------------------


def _page(client, user, review_round):
    if user is not None:
        client_for(client, user)
    response = client.get(reverse("reviews:publicity", args=[review_round.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_publicity_page_shows_the_objector_my_objections_with_status_and_answer(client, officer, other_applicant,
                                                                               pool_track):
    (application,), (award,), review_round = _in_publicity(officer, pool_track)
    objection = decisions.objection_lodge(actor=other_applicant, review_round=review_round,
                                          reason="该单位不在越秀区注册", award=award)
    page = _page(client, other_applicant, review_round)
    assert 'id="my-objections"' in page and "我的异议" in page and "该单位不在越秀区注册" in page
    assert f'data-objection="{objection.pk}" data-state="open"' in page and "待主管部门答复" in page
    decisions.objection_resolve(actor=officer, objection=objection, step="uphold", resolution="核实属实")
    page = _page(client, other_applicant, review_round)
    assert 'data-state="upheld"' in page and "异议成立" in page and "核实属实" in page


@pytest.mark.parametrize("who", ["anonymous", "applicant", "officer", "reviewer"])
def test_publicity_page_hides_an_objection_from_everyone_but_its_objector(client, officer, other_applicant,
                                                                          applicant, reviewer, pool_track, who):
    (application,), (award,), review_round = _in_publicity(officer, pool_track)
    decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="该单位不在越秀区注册",
                              award=award)
    user = {"anonymous": None, "applicant": applicant, "officer": officer, "reviewer": reviewer}[who]
    page = _page(client, user, review_round)
    assert "我的异议" not in page and "该单位不在越秀区注册" not in page


def test_publicity_page_costs_the_same_for_one_and_many_objections(client, officer, other_applicant, pool_track,
                                                                  django_assert_num_queries):
    (application,), (award,), review_round = _in_publicity(officer, pool_track)
    decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason="异议一", award=award)
    client_for(client, other_applicant)
    url = reverse("reviews:publicity", args=[review_round.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        decisions.objection_lodge(actor=other_applicant, review_round=review_round, reason=f"异议{n}")
    with django_assert_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert page.count("data-objection=") == 6
