"""The officer's hand on an assignment: a refused conflicted reviewer is refused with the conflict rule that
matched, a removal asks for a reason (kept in the audit event), and a conflict replaced by hand or by a proposal
reads as replaced, not as still to be replaced."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from organisations.uscc import check_character
from reviews import services
from reviews.models import Assignment, AssignmentState
from tests.conftest import client_for
from tests.organisations.factories import OrganisationFactory, make_uscc

from .conftest import make_reviewer, passed_application, run_to_reviewing

pytestmark = pytest.mark.django_db


def _same_body(code: str) -> str:
    """Another credit code of the same legal body (positions 9–17), registered in another division."""
    other = code[:2] + "440115" + code[8:17]
    return other + check_character(other)


@pytest.fixture
def parties(nansha):
    lead, partner = OrganisationFactory(uscc=make_uscc(9100, "440104")), OrganisationFactory()
    application = passed_application(nansha, organisation=lead, partners=[partner])
    [make_reviewer() for _ in range(2)]
    return application, lead, partner


@pytest.mark.parametrize(("tie", "words"), [
    ("lead", "works for the lead organisation"),
    ("partner", "works for a partner organisation"),
    ("family", "works for an organisation of the same family (credit code)"),
    ("standing", "declared a conflict"),
])
def test_assignment_add_of_a_conflicted_reviewer_names_the_rule(officer, nansha, parties, tie, words):
    application, lead, partner = parties
    reviewer = {
        "lead": lambda: make_reviewer(affiliation=lead),
        "partner": lambda: make_reviewer(uscc=partner.uscc),
        "family": lambda: make_reviewer(uscc=_same_body(lead.uscc)),
        "standing": lambda: make_reviewer(),
    }[tie]()
    if tie == "standing":
        services.conflict_declare_standing(actor=reviewer.user, reviewer=reviewer, uscc=lead.uscc, reason="母公司")
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=2)
    with pytest.raises(ValidationError) as exc:
        services.assignment_add(actor=officer, review_round=review_round, application=application, reviewer=reviewer)
    (message,) = exc.value.messages
    assert reviewer.name in message and words in message
    assert not Assignment.objects.filter(reviewer=reviewer).exists()


def test_assignment_add_page_says_which_rule_in_chinese(client, officer, nansha, parties):
    application, lead, _partner = parties
    insider = make_reviewer(affiliation=lead)
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=2)
    client_for(client, officer).cookies.load({"django_language": "zh-hans"})
    response = client.post(reverse("reviews:assignment_add", args=[nansha.pk]),
                           {"application": application.pk, "reviewer": insider.pk}, follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    with translation.override("zh-hans"):
        assert "与该申报存在利益冲突" in message and "任职于牵头单位" in message
    assert not Assignment.objects.filter(round=review_round).exists()


@pytest.fixture
def reviewing(officer, pool_track):
    application = passed_application(pool_track)
    [make_reviewer() for _ in range(2)]
    review_round = run_to_reviewing(officer, pool_track, per_application=2)
    return review_round, application


def _remove_form(page: str, assignment: Assignment) -> str:
    action = reverse("reviews:assignment_step", args=[assignment.pk, "remove"])
    match = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S)
    assert match, "no remove form"
    return match.group(0)


def test_remove_asks_the_officer_for_a_reason(client, officer, pool_track, reviewing):
    review_round, _application = reviewing
    assignment = Assignment.objects.filter(round=review_round).first()
    client_for(client, officer)
    form = _remove_form(client.get(reverse("reviews:round", args=[pool_track.pk])).content.decode(), assignment)
    assert re.search(r'<(input|textarea)[^>]*name="reason"[^>]*required', form)
    assert 'type="hidden" name="reason"' not in form
    url = reverse("reviews:assignment_step", args=[assignment.pk, "remove"])
    response = client.post(url, {"reason": "  "}, follow=True)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED and not AuditEvent.objects.filter(action="remove").exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    client.post(url, {"reason": "专家临时出差，无法按期评审"})
    assignment.refresh_from_db()
    event = AuditEvent.objects.get(action="remove", object_id=str(assignment.pk))
    assert assignment.state == AssignmentState.REMOVED and event.reason == "专家临时出差，无法按期评审"


def _row(page: str, name: str) -> str:
    match = re.search(rf'<li class="mb-1" data-reviewer="{re.escape(name)}".*?</li>', page, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def test_conflict_replaced_by_hand_reads_as_replaced(client, officer, pool_track, reviewing):
    review_round, application = reviewing
    conflicted = Assignment.objects.filter(round=review_round).first()
    services.assignment_declare_conflict(actor=conflicted.reviewer.user, assignment=conflicted, reason="曾参与该项目")
    client_for(client, officer).cookies.load({"django_language": "en"})
    url = reverse("reviews:round", args=[pool_track.pk])
    page = client.get(url).content.decode()
    assert "Conflict declared; to be replaced" in _row(page, conflicted.reviewer.name)
    assert "declared a conflict: propose a replacement" in page
    extra = make_reviewer(name="替换专家")
    added = services.assignment_add(actor=officer, review_round=review_round, application=application,
                                    reviewer=extra)
    assert added.replaces_id == conflicted.pk
    assert AuditEvent.objects.get(action="add", object_id=str(added.pk)).data["replaces"] == conflicted.pk
    page = client.get(url).content.decode()
    row = _row(page, conflicted.reviewer.name)
    assert "to be replaced" not in row and "Conflict declared; replaced by 替换专家" in row
    assert "declared a conflict: propose a replacement" not in page
    # The replacement removed, the conflicted place is open again.
    services.assignment_remove(actor=officer, assignment=added, reason="专业不符")
    assert "Conflict declared; to be replaced" in _row(client.get(url).content.decode(), conflicted.reviewer.name)


def test_conflict_replaced_by_a_proposal_reads_as_replaced(client, officer, pool_track, reviewing):
    review_round, _application = reviewing
    conflicted = Assignment.objects.filter(round=review_round).first()
    services.assignment_declare_conflict(actor=conflicted.reviewer.user, assignment=conflicted, reason="回避")
    make_reviewer(name="候补专家")
    services.assignment_propose(actor=officer, review_round=review_round)
    replacement = Assignment.objects.get(round=review_round, state=AssignmentState.PROPOSED)
    assert replacement.replaces_id == conflicted.pk
    client_for(client, officer).cookies.load({"django_language": "en"})
    row = _row(client.get(reverse("reviews:round", args=[pool_track.pk])).content.decode(),
               conflicted.reviewer.name)
    assert "Conflict declared; replaced by 候补专家" in row


@pytest.mark.parametrize("crafted", ["²", "9" * 30])
def test_assignment_add_with_a_crafted_id_names_the_field_and_adds_nothing(client, officer, nansha, parties, crafted):
    application, _lead, _partner = parties
    reviewer = make_reviewer()
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=2)
    client_for(client, officer)
    response = client.post(reverse("reviews:assignment_add", args=[nansha.pk]),
                           {"application": application.pk, "reviewer": crafted}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and not Assignment.objects.filter(round=review_round).exists(), messages
    assert reviewer.pk  # the real expert was there to choose; the crafted value chose nothing
