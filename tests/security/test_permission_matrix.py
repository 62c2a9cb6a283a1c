"""Every URL pattern × every role: who may open what. Generated from the URL resolver, so a new URL without a
case here fails ``test_permission_matrix_covers_every_url``.

Outsiders get 404 (the same as for an object that does not exist), anonymous visitors are sent to sign in,
nobody gets a 500, and a refused request changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin as django_admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from applications.models import Application
from audit.models import AuditEvent
from organisations.models import Invitation
from tests.factories import UserFactory

from .world import World, build_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "applicant", "other_applicant", "reviewer", "officer", "admin")
OK, REDIRECT, NOT_ALLOWED, CONFLICT, NOT_FOUND = 200, 302, 405, 409, 404
LOGIN = "login"  # anonymous: a redirect to the sign-in page
NANSHA = "nansha-2024-high-value-patent-center"


def roles(anonymous, applicant, other_applicant, reviewer, officer, admin) -> dict[str, object]:
    return dict(zip(ROLES, (anonymous, applicant, other_applicant, reviewer, officer, admin), strict=True))


@dataclass(frozen=True)
class Case:
    args: Callable[[World], list] = lambda w: []
    get: dict[str, object] = field(default_factory=dict)
    post: dict[str, object] = field(default_factory=dict)


PUBLIC = roles(OK, OK, OK, OK, OK, OK)
OFFICERS = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
ADMINS = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK)
APPLICANTS = roles(LOGIN, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
OWNER = roles(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
OWNER_AND_OFFICERS = roles(LOGIN, OK, NOT_FOUND, NOT_FOUND, OK, OK)
POST_ONLY = roles(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
SUBMITTED = lambda w: [w.submitted.pk]  # noqa: E731
DRAFT = lambda w: [w.draft.pk]  # noqa: E731

CASES: dict[str, Case] = {
    "home": Case(get=roles(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    "home_reviewer": Case(get=roles(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND)),
    "set_language": Case(get=roles(*[REDIRECT] * 6), post=roles(*[REDIRECT] * 6)),
    "accounts:login": Case(get=PUBLIC),
    "accounts:logout": Case(get=roles(*[NOT_ALLOWED] * 6), post=roles(*[REDIRECT] * 6)),
    "accounts:register": Case(get=PUBLIC),
    "programs:catalogue": Case(get=PUBLIC),
    "programs:program": Case(lambda w: [NANSHA], get=PUBLIC),
    "programs:track": Case(lambda w: [NANSHA, "1"], get=PUBLIC),
    # An officer's empty POST is answered on the track page with what is missing (nothing saved).
    "programs:track_plan": Case(lambda w: [NANSHA, "1"], get=POST_ONLY,
                                post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)),
    "programs:call_window": Case(lambda w: [NANSHA], get=OFFICERS, post=OFFICERS),
    # Nansha is a final guide: there is nothing to publish, for anyone.
    "programs:publish": Case(lambda w: [NANSHA], get=roles(LOGIN, *[NOT_FOUND] * 5)),
    # The PRC working calendar: the portal's admins keep it; a refused empty POST answers on the page (nothing saved).
    "programs:calendar": Case(get=ADMINS),
    "programs:calendar_preview": Case(get=POST_ONLY, post=ADMINS),
    # A preview not carried back whole is answered on the calendar page with its message.
    "programs:calendar_enter": Case(get=POST_ONLY,
                                     post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT)),
    "programs:calendar_day": Case(get=POST_ONLY, post=ADMINS),
    # Nothing was refused: the owner is told there is nothing to appeal (a redirect with the message).
    "reviews:appeal_lodge": Case(SUBMITTED, get=POST_ONLY,
                                 post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "organisations:list": Case(get=roles(LOGIN, OK, OK, NOT_FOUND, OK, OK)),
    "organisations:create": Case(get=roles(LOGIN, OK, OK, NOT_FOUND, OK, OK)),
    "organisations:detail": Case(lambda w: [w.org.pk], get=OWNER_AND_OFFICERS),
    "organisations:edit": Case(lambda w: [w.org.pk], get=OWNER_AND_OFFICERS, post=OWNER_AND_OFFICERS),
    "organisations:members": Case(lambda w: [w.org.pk], get=OWNER_AND_OFFICERS, post=OWNER_AND_OFFICERS),
    "organisations:blacklist": Case(lambda w: [w.org.pk], get=OFFICERS, post=OFFICERS),
    # The only owner may not be removed or demoted: the page says so (a redirect with a message).
    "organisations:member_remove": Case(lambda w: [w.org.pk, w.membership.pk], get=POST_ONLY,
                                        post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT)),
    "organisations:member_role": Case(lambda w: [w.org.pk, w.membership.pk], get=POST_ONLY,
                                      post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT)),
    "organisations:invitation_cancel": Case(lambda w: [w.org.pk, w.invitation.pk], get=POST_ONLY,
                                            post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT)),
    "organisations:invitations": Case(get=APPLICANTS),
    # Only the invitee answers an invitation.
    "organisations:invitation_accept": Case(lambda w: [w.invitation.pk], get=POST_ONLY,
                                            post=roles(LOGIN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "organisations:invitation_decline": Case(lambda w: [w.invitation.pk], get=POST_ONLY,
                                             post=roles(LOGIN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "organisations:records": Case(lambda w: [w.org.pk], get=OFFICERS, post=OFFICERS),
    "organisations:record_edit": Case(lambda w: [w.org.pk, w.record.pk], get=OFFICERS, post=OFFICERS),
    "applications:mine": Case(get=APPLICANTS),
    "applications:officer_queue": Case(get=OFFICERS),
    "applications:start": Case(lambda w: [w.track.pk], get=APPLICANTS, post=APPLICANTS),
    "applications:detail": Case(SUBMITTED, get=OWNER_AND_OFFICERS),
    "applications:edit": Case(DRAFT, get=OWNER, post=roles(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    # An empty autosave is refused as such (409) for the member, never saved; 404 for everyone else.
    "applications:autosave": Case(DRAFT, get=POST_ONLY,
                                  post=roles(LOGIN, CONFLICT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "applications:check": Case(DRAFT, get=OWNER),
    "applications:materials": Case(DRAFT, get=OWNER, post=OWNER),
    "applications:material_download": Case(lambda w: [w.submitted.pk, w.upload_pk], get=OWNER_AND_OFFICERS),
    # The submitted application's upload cannot be removed: its member is told so; others get 404.
    "applications:material_remove": Case(lambda w: [w.submitted.pk, w.upload_pk], get=POST_ONLY,
                                         post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "applications:pdf": Case(SUBMITTED, get=OWNER_AND_OFFICERS),
    "applications:pdf_status": Case(SUBMITTED, get=OWNER_AND_OFFICERS),
    # A return without a reason is refused on the page (a redirect with the message); 404 for non-officers.
    "applications:decide": Case(lambda w: [w.submitted.pk, "return"], get=POST_ONLY,
                                post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT)),
    "applications:decide_condition": Case(SUBMITTED, get=POST_ONLY,
                                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)),
    "applications:withdraw": Case(SUBMITTED, get=POST_ONLY,
                                  post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    # A never-submitted draft is deleted by its members only.
    "applications:delete": Case(DRAFT, get=POST_ONLY,
                                post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "applications:versions": Case(SUBMITTED, get=OWNER_AND_OFFICERS),
    "applications:pdf_retry": Case(SUBMITTED, get=POST_ONLY,
                                   post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT)),
    "notifications:inbox": Case(get=roles(LOGIN, OK, OK, OK, OK, OK)),
    "notifications:settings": Case(get=roles(LOGIN, OK, OK, OK, OK, OK)),
    # The applicant's own notification: opened or marked read by its recipient only.
    "notifications:open": Case(lambda w: [_notification(w)], get=POST_ONLY,
                               post=roles(LOGIN, REDIRECT, *[NOT_FOUND] * 4)),
    "notifications:read": Case(lambda w: [_notification(w)], get=POST_ONLY,
                               post=roles(LOGIN, REDIRECT, *[NOT_FOUND] * 4)),
    "notifications:read_all": Case(get=POST_ONLY, post=roles(LOGIN, *[REDIRECT] * 5)),
    "dashboards:applicant": Case(get=APPLICANTS),
    "dashboards:reviewer": Case(get=roles(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND)),
    "dashboards:officer": Case(get=OFFICERS),
    "dashboards:admin": Case(get=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK)),
    # Guide drafts: the portal's admins only. An empty upload is answered on the page; an empty edit or fill, and
    # loading a draft that still has problems, are refused with a message on the draft's page (nothing changes).
    "drafting:list": Case(get=ADMINS, post=ADMINS),
    "drafting:detail": Case(lambda w: [w.guide_draft.pk], get=ADMINS),
    "drafting:save": Case(lambda w: [w.guide_draft.pk], get=POST_ONLY,
                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT)),
    "drafting:fill": Case(lambda w: [w.guide_draft.pk], get=POST_ONLY,
                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT)),
    "drafting:load": Case(lambda w: [w.guide_draft.pk], get=POST_ONLY,
                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT)),
}


def _notification(world: World) -> int:
    from notifications.models import Notification

    return Notification.objects.filter(recipient__memberships__organisation=world.org).order_by("pk").first().pk
# Requests that change state when allowed: only the refused ones are checked to change nothing.
CHANGES_STATE = {"applications:withdraw", "notifications:read", "notifications:read_all", "notifications:open",
                 "applications:delete", "applications:pdf_retry", "organisations:invitation_accept",
                 "organisations:invitation_decline",
                 "organisations:invitation_cancel", "applications:start", "set_language", "accounts:logout"}


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from url_names(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


@pytest.fixture
def world(applicant, other_applicant, officer, nansha, django_capture_on_commit_callbacks):
    return build_world(applicant=applicant, other_applicant=other_applicant, officer=officer, nansha=nansha,
                       capture=django_capture_on_commit_callbacks)


def _state(world: World) -> tuple:
    rows = Application.objects.order_by("pk").values_list("status", "version", "draft", "title")
    invitation = Invitation.objects.get(pk=world.invitation.pk)
    return list(rows), AuditEvent.objects.count(), invitation.state


def _check(response, expected, name, role, method):
    where = f"{method.upper()} {name} as {role}"
    if expected == LOGIN:
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code} ≠ {expected}"


def all_cases() -> dict[str, Case]:
    from .test_permission_matrix_jobs import CASES as JOB_CASES
    from .test_permission_matrix_projects import CASES as PROJECT_CASES
    from .test_permission_matrix_reviews import CASES as REVIEW_CASES

    return CASES | REVIEW_CASES | PROJECT_CASES | JOB_CASES


def test_permission_matrix_covers_every_url():
    cases = all_cases()
    missing = sorted(set(url_names()) - set(cases))
    assert not missing, f"add a permission case for: {missing}"
    assert not set(cases) - set(url_names()), "cases for URLs that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, request, world, role, django_capture_on_commit_callbacks):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    for name, case in CASES.items():
        url = reverse(name, args=case.args(world))
        for method, expectations in (("get", case.get), ("post", case.post)):
            if role not in expectations:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            before = _state(world)
            # Each request in a savepoint rolled back afterwards: one allowed step (an accepted invitation, a
            # withdrawal) must not change what the next request of the matrix sees.
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {}) if method == "post" else client.get(url)
                expected = expectations[role]
                _check(response, expected, name, role, method)
                if expected in (LOGIN, NOT_FOUND, NOT_ALLOWED) or name not in CHANGES_STATE:
                    assert _state(world) == before, f"{method.upper()} {name} as {role} changed something"
                transaction.set_rollback(True)


@pytest.mark.parametrize("role", ["anonymous", "applicant", "reviewer", "officer"])
def test_permission_matrix_admin_is_for_admins_only(client, request, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    for model in django_admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"], url


def test_permission_matrix_admin_opens_every_changelist(client, admin):
    client.force_login(admin)
    for model in django_admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_permission_matrix_a_member_of_another_organisation_cannot_reach_a_draft(client, world):
    outsider = UserFactory(role=Role.APPLICANT)
    client.force_login(outsider)
    for name in ("applications:detail", "applications:edit", "applications:check", "applications:materials"):
        assert client.get(reverse(name, args=[world.draft.pk])).status_code == 404, name
