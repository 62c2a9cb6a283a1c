"""Issue 16, "the plan before the money": an officer sets a track's tranche plan (audited) where the guide states
none; a plan must add up to 100 % and pay after acceptance where the guide does."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from programs.models import Track, TrancheTrigger
from programs.services import PlanRow, track_plan_set

FANGCHENGGANG = "fangchenggang-2022-ip-projects"
NANSHA = "nansha-2024-high-value-patent-center"
HALVES = [PlanRow(Decimal("50"), TrancheTrigger.ON_CONTRACT), PlanRow(Decimal("50"), TrancheTrigger.ON_ACCEPTANCE)]


def track(program: str, code: str = "1") -> Track:
    return Track.objects.get(program__code=program, code=code)


@pytest.mark.django_db
def test_track_plan_set_saves_plan_and_audits(officer):
    fcg = track(FANGCHENGGANG)
    assert not fcg.tranches.exists()
    track_plan_set(actor=officer, track=fcg, rows=HALVES, reason="局务会决定")
    plan = list(fcg.tranches.order_by("seq").values_list("seq", "share_percent", "trigger"))
    assert plan == [(1, Decimal("50.00"), "on_contract"), (2, Decimal("50.00"), "on_acceptance")]
    event = AuditEvent.objects.get(action="set_tranche_plan", object_id=str(fcg.pk))
    assert event.actor == officer and event.reason == "局务会决定"
    assert event.data["after"] == [["50.00", "on_contract"], ["50.00", "on_acceptance"]]


@pytest.mark.django_db
def test_track_plan_set_refuses_other_roles(applicant, reviewer):
    fcg = track(FANGCHENGGANG)
    for actor in (applicant, reviewer):
        with pytest.raises(PermissionDenied):
            track_plan_set(actor=actor, track=fcg, rows=HALVES)
    assert not fcg.tranches.exists()
    assert not AuditEvent.objects.filter(action="set_tranche_plan").exists()


@pytest.mark.django_db
def test_track_plan_set_refuses_shares_not_adding_to_100(officer):
    fcg = track(FANGCHENGGANG)
    with pytest.raises(ValidationError) as exc:
        track_plan_set(actor=officer, track=fcg, rows=[PlanRow(Decimal("50"), TrancheTrigger.ON_CONTRACT),
                                                       PlanRow(Decimal("40"), TrancheTrigger.ON_ACCEPTANCE)])
    assert [e.code for e in exc.value.error_list] == ["plan"]
    assert not fcg.tranches.exists()


@pytest.mark.django_db
def test_track_plan_set_requires_tranche_after_acceptance_where_guide_pays_on_acceptance(officer):
    ns = track(NANSHA)
    with pytest.raises(ValidationError):
        track_plan_set(actor=officer, track=ns, rows=[PlanRow(Decimal("100"), TrancheTrigger.ON_CONTRACT)])
    assert ns.tranches.count() == 2  # the guide's plan is untouched
    # a guide that states no acceptance payment may pay the whole award after the contract
    track_plan_set(actor=officer, track=track(FANGCHENGGANG), rows=[PlanRow(Decimal("100"),
                                                                            TrancheTrigger.ON_CONTRACT)])


@pytest.mark.django_db
def test_track_plan_set_refused_once_a_project_is_open(officer):
    from tests.reviews.conftest import YUEXIU, approved_award, track_of

    award = approved_award(officer, track_of(YUEXIU, "1"))
    with pytest.raises(ValidationError) as exc:
        track_plan_set(actor=officer, track=award.round.track, rows=HALVES)
    assert exc.value.code == "projects_open"


def plan_post(share_a="50", share_b="50"):
    return {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "reason": "局务会决定",
            "form-0-share_percent": share_a, "form-0-trigger": "on_contract",
            "form-1-share_percent": share_b, "form-1-trigger": "on_acceptance"}


@pytest.mark.django_db
def test_track_page_officer_sets_plan(client, officer):
    from django.urls import reverse

    fcg = track(FANGCHENGGANG)
    client.force_login(officer)
    page = client.get(reverse("programs:track", args=[FANGCHENGGANG, "1"])).content.decode()
    assert "data-plan-form" in page and "data-plan-missing" in page and "事前立项资助" in page
    response = client.post(reverse("programs:track_plan", args=[FANGCHENGGANG, "1"]), plan_post())
    assert response.status_code == 302
    assert fcg.tranches.count() == 2
    assert AuditEvent.objects.filter(action="set_tranche_plan", actor=officer).exists()


@pytest.mark.django_db
def test_track_page_refused_plan_changes_nothing(client, officer):
    from django.urls import reverse

    client.force_login(officer)
    response = client.post(reverse("programs:track_plan", args=[FANGCHENGGANG, "1"]), plan_post("50", "30"))
    assert response.status_code == 200 and "data-plan-form" in response.content.decode()
    assert not track(FANGCHENGGANG).tranches.exists()


@pytest.mark.django_db
def test_track_page_plan_other_roles_404(client, applicant, reviewer):
    from django.urls import reverse

    for user in (applicant, reviewer):
        client.force_login(user)
        assert "data-plan-form" not in client.get(reverse("programs:track", args=[FANGCHENGGANG, "1"])).content.decode()
        assert client.post(reverse("programs:track_plan", args=[FANGCHENGGANG, "1"]), plan_post()).status_code == 404
    assert not track(FANGCHENGGANG).tranches.exists()
