"""Issue 16, "the plan before the money": approval is refused while the track has no tranche plan; the officer
sets it on the decision page (audited) and the approval then opens the project with that plan."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from milestones.models import Project
from programs.models import Tranche
from reviews import decisions
from reviews.models import Assignment, AwardState
from tests.reviews.conftest import (
    YUEXIU,
    end_publicity,
    make_reviewer,
    passed_application,
    run_to_reviewing,
    score_all,
    track_of,
)


def decidable_award(officer, track):
    passed_application(track)
    make_reviewer()
    review_round = run_to_reviewing(officer, track, per_application=1)
    score_all(Assignment.objects.get(round=review_round), 80)
    (award,) = decisions.round_propose(actor=officer, review_round=review_round)
    end_publicity(decisions.round_start_publicity(actor=officer, review_round=review_round))
    award.refresh_from_db()
    return award


@pytest.fixture
def planless(db):
    """A track whose guide states no tranche plan (as Fangchenggang's, Guangdong's and Qingyuan's)."""
    track = track_of(YUEXIU, "1")
    Tranche.objects.filter(track=track).delete()
    return track


def test_award_approve_refused_while_plan_missing(officer, planless):
    award = decidable_award(officer, planless)
    with pytest.raises(ValidationError) as exc:
        decisions.award_approve(actor=officer, award=award)
    assert [e.code for e in exc.value.error_list] == ["no_plan"]
    award.refresh_from_db()
    assert award.state == AwardState.PROPOSED
    assert not Project.objects.filter(application=award.application).exists()


def test_decision_page_sets_plan_then_approval_uses_it(client, officer, planless):
    award = decidable_award(officer, planless)
    url = reverse("reviews:decision", args=[planless.pk])
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert 'id="tranche-plan"' in page and "data-plan-missing" in page
    response = client.post(reverse("reviews:decision_plan", args=[planless.pk]), {"form-TOTAL_FORMS": "2",
                                                                                   "form-INITIAL_FORMS": "0",
                                 "form-0-share_percent": "50", "form-0-trigger": "on_contract",
                                 "form-1-share_percent": "50", "form-1-trigger": "on_acceptance",
                                 "reason": "局务会决定"})
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    assert list(planless.tranches.values_list("share_percent", "trigger")) == [
        (Decimal("50.00"), "on_contract"), (Decimal("50.00"), "on_acceptance")]
    assert AuditEvent.objects.filter(action="set_tranche_plan", actor=officer).exists()
    decisions.award_approve(actor=officer, award=award)
    project = Project.objects.get(application=award.application)
    assert list(project.tranches.values_list("share_percent", "condition")) == [
        (Decimal("50.00"), "on_contract"), (Decimal("50.00"), "on_acceptance")]


def test_decision_page_refuses_plan_not_adding_up(client, officer, planless):
    decidable_award(officer, planless)
    client.force_login(officer)
    response = client.post(reverse("reviews:decision_plan", args=[planless.pk]), {
        "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
        "form-0-share_percent": "50", "form-0-trigger": "on_contract",
        "form-1-share_percent": "30", "form-1-trigger": "on_acceptance"}, follow=True)
    assert not planless.tranches.exists()
    assert "100" in response.content.decode()


def test_decision_page_set_plan_other_roles(client, officer, applicant, reviewer, planless):
    decidable_award(officer, planless)
    url = reverse("reviews:decision_plan", args=[planless.pk])
    for user in (applicant, reviewer):
        client.force_login(user)
        response = client.post(url, {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
                                     "form-0-share_percent": "100", "form-0-trigger": "on_contract"})
        assert response.status_code == 404
    assert not planless.tranches.exists()


def test_notice_and_task_book_print_the_plan_set_at_approval(officer, planless, monkeypatch):
    from milestones import exports as milestone_exports
    from reviews import exports as review_exports

    award = decidable_award(officer, planless)
    from programs.models import TrancheTrigger
    from programs.services import PlanRow, track_plan_set

    track_plan_set(actor=officer, track=planless, rows=[PlanRow(Decimal("50"), TrancheTrigger.ON_CONTRACT),
                                                        PlanRow(Decimal("50"), TrancheTrigger.ON_ACCEPTANCE)])
    decisions.award_approve(actor=officer, award=award)
    printed = {}
    for module in (review_exports, milestone_exports):
        monkeypatch.setattr(
            module, "render_pdf", lambda template, context: printed.setdefault(template, context) and b""
        )
    review_exports.approval_notice_pdf(award)
    milestone_exports.task_book_pdf(Project.objects.get(application=award.application))
    for template in ("reviews/notice_pdf.html", "milestones/task_book_pdf.html"):
        assert [(t.share_percent, t.condition) for t in printed[template]["tranches"]] == [
            (Decimal("50.00"), "on_contract"), (Decimal("50.00"), "on_acceptance")], template
