"""Expert pools: an office draws from the shared pool, its own and the pools of the offices above it, never a
sibling's; the automatic assignment prunes its candidates in SQL (its query count stays fixed); conflicts and
exclusions still bar an expert whatever the pool; experts added from the pool page go to the officer's office."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role
from applications.models import Exclusion
from reviews import services
from reviews.models import ReviewerProfile
from reviews.proposal import assignment_plan
from reviews.selectors import assignable_reviewers
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.reviews.conftest import NANSHA, make_reviewer, passed_application, track_of

from .conftest import officer_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POOLS = (None, "gd", "gz", "gz-nansha", "gz-yuexiu", "qingyuan", "fangchenggang")
NANSHA_DRAWS = {None, "gd", "gz", "gz-nansha"}  # shared, the province, the city, its own


def _expert(pool, **kwargs) -> ReviewerProfile:
    profile = make_reviewer(name=f"{pool or '共享'}专家", **kwargs)
    ReviewerProfile.objects.filter(pk=profile.pk).update(office_id=pool)
    profile.refresh_from_db()
    return profile


@pytest.fixture
def experts(db) -> dict:
    return {pool: _expert(pool) for pool in POOLS}


def _round(officer, per_application: int, applications: int = 1):
    track = track_of(NANSHA, "1")
    for _ in range(applications):
        passed_application(track)
    return services.round_open(actor=officer, track=track, reviewers_per_application=per_application)


def test_pool_page_lists_shared_own_and_the_offices_above_not_a_siblings(client, nansha_officer, experts):
    page = client_for(client, nansha_officer).get(reverse("reviews:pool"))
    assert {r.office_id for r in page.context["page"]} == NANSHA_DRAWS
    gz_page = client_for(client, officer_of("gz")).get(reverse("reviews:pool"))
    assert {r.office_id for r in gz_page.context["page"]} == {None, "gd", "gz"}


def test_pool_resend_link_of_a_siblings_expert_is_404(client, nansha_officer, experts):
    url = reverse("reviews:pool_resend_link", args=[experts["gz-yuexiu"].pk])
    assert client_for(client, nansha_officer).post(url).status_code == 404


def test_solver_candidates_are_shared_program_office_and_its_ancestors(officer, experts):
    review_round = _round(officer, per_application=len(POOLS))
    plan = assignment_plan(review_round)
    (chosen,) = plan.chosen.values()
    assert {ReviewerProfile.objects.get(pk=pk).office_id for pk in chosen} == NANSHA_DRAWS


def test_solver_query_count_is_fixed_with_one_and_many_experts(officer):
    _expert("gz-nansha")
    review_round = _round(officer, per_application=2, applications=2)
    with CaptureQueriesContext(connection) as one:
        assignment_plan(review_round)
    for pool in POOLS * 3:
        _expert(pool)
    with CaptureQueriesContext(connection) as many:
        plan = assignment_plan(review_round)
    assert len(many) == len(one)
    assert all(len(chosen) == 2 for chosen in plan.chosen.values())


def test_conflict_and_exclusion_bar_an_expert_of_an_ancestors_pool(officer):
    review_round = _round(officer, per_application=3)
    application = review_round.track.applications.get()
    tied = _expert("gd", affiliation=application.organisation)  # works for the applicant: a conflict
    excluded = _expert("gz")
    Exclusion.objects.create(application=application, seq=1, name=excluded.name, employer=excluded.affiliation_name,
                             reason="竞争关系")
    free = [_expert(pool) for pool in ("gz-nansha", None, "gd")]
    (chosen,) = assignment_plan(review_round).chosen.values()
    assert set(chosen) == {p.pk for p in free}
    assert tied.pk not in chosen and excluded.pk not in chosen


def test_assign_by_hand_offers_and_accepts_only_the_drawn_pools(officer, experts):
    review_round = _round(officer, per_application=1)
    application = review_round.track.applications.get()
    offered = {r.office_id for r in assignable_reviewers(review_round.track.program.office_id)}
    assert offered == NANSHA_DRAWS
    with pytest.raises(ValidationError) as refused:
        services.assignment_add(actor=officer, review_round=review_round, application=application,
                                reviewer=experts["qingyuan"])
    assert refused.value.code == "other_pool"
    assert not review_round.assignments.exists()


def _add(client, **extra):
    return client.post(reverse("reviews:pool_add"), {"action": "add", "name": "新专家", "email": "new@example.org",
                                                 "load_limit": "5", **extra})


def test_adding_from_the_pool_page_puts_the_expert_in_the_officers_office(client, nansha_officer):
    _add(client_for(client, nansha_officer))
    assert ReviewerProfile.objects.get(user__email="new@example.org").office_id == "gz-nansha"


def test_an_officer_of_several_offices_chooses_and_may_not_pick_shared(client):
    two = officer_of("gz-nansha", "qingyuan")
    client_for(client, two)
    page = _add(client, pool="")
    assert page.status_code == 200 and not ReviewerProfile.objects.exists()  # no shared pool for an officer
    _add(client, pool="qingyuan")
    assert ReviewerProfile.objects.get(user__email="new@example.org").office_id == "qingyuan"


def test_an_officer_may_not_add_to_another_offices_pool(client, nansha_officer):
    response = _add(client_for(client, nansha_officer), pool="gz-yuexiu")
    assert response.status_code == 200 and not ReviewerProfile.objects.exists()
    with pytest.raises(PermissionDenied):  # the same refusal as a wrong role
        services.reviewer_add(actor=nansha_officer, office="gz-yuexiu",
                              data=services.ReviewerData(name="x", email="x@example.org"))
    assert not ReviewerProfile.objects.exists()


def test_an_officer_taken_off_an_office_while_the_form_was_open_gets_the_refusal_on_the_pool_field(
        client, nansha_officer, monkeypatch):
    # The form offered Yuexiu's pool (the officer was on its staff then); the service now refuses it.
    monkeypatch.setattr("reviews.pool_views.pool_choices",
                        lambda user: [("gz-nansha", "南沙"), ("gz-yuexiu", "越秀")])
    response = _add(client_for(client, nansha_officer), pool="gz-yuexiu")
    assert response.status_code == 200 and not ReviewerProfile.objects.exists()
    with translation.override("zh-hans"):
        assert response.context["form"].errors["pool"] == [
            gettext("You are not on the staff of this pool's office (any more): choose one of your offices' pools.")]
    assert 'value="新专家"' in response.content.decode()  # what was typed is kept


def test_platform_admin_may_add_to_the_shared_pool(client):
    admin = UserFactory(role=Role.ADMIN, is_staff=True)
    _add(client_for(client, admin), pool="")
    assert ReviewerProfile.objects.get(user__email="new@example.org").office_id is None


def test_pool_page_offers_resend_only_for_pools_the_officer_works_for_with_a_fixed_query_count(
        client, nansha_officer, experts):
    from accounts.models import User

    User.objects.filter(role=Role.REVIEWER).update(password="!")  # no password set yet: the link may be resent
    client_for(client, nansha_officer)
    url = reverse("reviews:pool")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    offered = {pool for pool, expert in experts.items() if f'data-resend="{expert.pk}"' in html}
    assert offered == {None, "gz-nansha"}  # not the province's or the city's experts: their offices' business
    for pool in POOLS * 3:
        _expert(pool)
    User.objects.filter(role=Role.REVIEWER).update(password="!")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_conflict_declare_standing_by_an_officer_only_on_experts_of_pools_it_draws_on(experts, nansha_officer,
                                                                                     yuexiu_officer):
    from audit.models import AuditEvent
    from reviews.models import DeclaredConflict
    from tests.organisations.factories import make_uscc

    code = make_uscc(4242)
    with pytest.raises(PermissionDenied):  # Nansha's own expert: not Yuexiu's business
        services.conflict_declare_standing(actor=yuexiu_officer, reviewer=experts["gz-nansha"], uscc=code,
                                           reason="原工作单位")
    assert not DeclaredConflict.objects.exists()
    for pool in ("gz-nansha", "gz", None):  # its own, its city's, the shared pool: it draws on them
        services.conflict_declare_standing(actor=nansha_officer, reviewer=experts[pool], uscc=code, reason="原工作单位")
    assert DeclaredConflict.objects.filter(uscc=code).count() == 3
    assert AuditEvent.objects.filter(action="declare_standing_conflict", actor=nansha_officer).count() == 3
    # The expert itself always may.
    services.conflict_declare_standing(actor=experts["gz-yuexiu"].user, reviewer=experts["gz-yuexiu"], uscc=code,
                                       reason="亲属任职")
    assert DeclaredConflict.objects.filter(reviewer=experts["gz-yuexiu"]).exists()
