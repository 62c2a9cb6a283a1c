"""Every URL pattern × every role: who may open what. Generated from the URL resolver, so a new URL without a
case here fails ``test_permission_matrix_covers_every_url``.

Outsiders get 404 (the same as for an object that does not exist), anonymous visitors are sent to sign in,
nobody gets a 500, and a refused request changes nothing.

Offices: every program of the worlds belongs to the Nansha office (``conftest.py``). Three office roles are derived
from the officer's column unless a case names them (``expected_for``): the officer of another office (Fangchenggang,
which then owns nothing) gets 404 on every object of the world's programs and sees empty lists; the officer of the
parent office (Guangzhou, which Nansha lets read) reads what the officer reads and takes no step (404); the Nansha
office's administrator (on Nansha's staff as its administrator) has the officer's rights there and the office pages.
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

BASE_ROLES = ("anonymous", "applicant", "other_applicant", "reviewer", "officer", "admin")
OFFICE_ROLES = ("other_office", "parent_office", "office_admin")
ROLES = BASE_ROLES + OFFICE_ROLES
OK, REDIRECT, FORBIDDEN, NOT_ALLOWED, CONFLICT, NOT_FOUND = 200, 302, 403, 405, 409, 404
LOGIN = "login"  # anonymous: a redirect to the sign-in page
HEALTH = "health"  # /healthz: 200 or 503 (no worker runs during the matrix), a JSON answer either way
NANSHA = "nansha-2024-high-value-patent-center"


def roles(anonymous, applicant, other_applicant, reviewer, officer, admin, **office_roles) -> dict[str, object]:
    """The expectation of each role; the office roles (``other_office``, ``parent_office``, ``office_admin``) only
    where they differ from what ``expected_for`` derives from the officer's."""
    assert set(office_roles) <= set(OFFICE_ROLES), office_roles
    return dict(zip(BASE_ROLES, (anonymous, applicant, other_applicant, reviewer, officer, admin), strict=True),
                **office_roles)


OBJECT, LIST = "object", "list"


@dataclass(frozen=True)
class Case:
    args: Callable[[World], list] = lambda w: []
    get: dict[str, object] = field(default_factory=dict)
    post: dict[str, object] = field(default_factory=dict)
    # OBJECT: an object of the world's program (another office's officer gets 404); LIST: a list, a dashboard or
    # a page of no office (each office role as the officer: the rows are narrowed, not the page).
    office: str = OBJECT


def expected_for(case: Case, method: str, role: str):
    """What ``role`` gets for ``method`` on ``case``; None where the case says nothing for that method."""
    expectations = case.get if method == "get" else case.post
    if role in expectations:
        return expectations[role]
    if role not in OFFICE_ROLES or "officer" not in expectations:
        return None
    officer = expectations["officer"]
    if (role == "office_admin" or case.office == LIST or officer in (LOGIN, NOT_ALLOWED, NOT_FOUND)
            or expectations.get("other_applicant") == officer):
        return officer
    if role == "other_office":
        return NOT_FOUND
    return officer if method == "get" else NOT_FOUND  # the parent office reads and takes no step


PUBLIC = roles(OK, OK, OK, OK, OK, OK)
OFFICERS = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
ADMINS = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK)
APPLICANTS = roles(LOGIN, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
OWNER = roles(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
OWNER_AND_OFFICERS = roles(LOGIN, OK, NOT_FOUND, NOT_FOUND, OK, OK)
POST_ONLY = roles(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
OFFICE = lambda w: ["gz-nansha"]  # noqa: E731
OFFICE_ADMINS = roles(LOGIN, *[NOT_FOUND] * 4, OK, office_admin=OK)
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
    # The call window's page is a step (its form): the parent office does not reach it.
    "programs:call_window": Case(lambda w: [NANSHA], get=roles(*OFFICERS.values(), parent_office=NOT_FOUND),
                                 post=OFFICERS),
    # Nansha is a final guide: there is nothing to publish, for anyone.
    "programs:publish": Case(lambda w: [NANSHA], get=roles(LOGIN, *[NOT_FOUND] * 5)),
    # The PRC working calendar: the portal's admins keep it; a refused empty POST answers on the page (nothing saved).
    "programs:calendar": Case(get=ADMINS, office=LIST),
    "programs:calendar_preview": Case(get=POST_ONLY, post=ADMINS, office=LIST),
    # A preview not carried back whole is answered on the calendar page with its message.
    "programs:calendar_enter": Case(get=POST_ONLY,
                                     post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT),
                                     office=LIST),
    "programs:calendar_day": Case(get=POST_ONLY, post=ADMINS, office=LIST),
    # Nothing was refused: the owner is told there is nothing to appeal (a redirect with the message).
    "reviews:appeal_lodge": Case(SUBMITTED, get=POST_ONLY,
                                 post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "organisations:list": Case(get=roles(LOGIN, OK, OK, NOT_FOUND, OK, OK), office=LIST),
    "organisations:create": Case(get=roles(LOGIN, OK, OK, NOT_FOUND, OK, OK), office=LIST),
    # The profile of an organisation that applied to the world's (Nansha's) program is that program's object: another
    # office's officer gets 404 (organisations that have applied nowhere stay open to every officer). Editing the
    # profile, its members, the credit blacklist and project records are steps: the parent office only reads.
    "organisations:detail": Case(lambda w: [w.org.pk], get=OWNER_AND_OFFICERS),
    "organisations:edit": Case(lambda w: [w.org.pk], get=roles(*OWNER_AND_OFFICERS.values(), parent_office=NOT_FOUND),
                               post=OWNER_AND_OFFICERS),
    "organisations:members": Case(lambda w: [w.org.pk], get=OWNER_AND_OFFICERS,
                                  post=roles(*OWNER_AND_OFFICERS.values(), parent_office=FORBIDDEN)),
    "organisations:blacklist": Case(lambda w: [w.org.pk], get=roles(*OFFICERS.values(), parent_office=NOT_FOUND),
                                    post=OFFICERS),
    # The only owner may not be removed or demoted: the page says so (a redirect with a message).
    "organisations:member_remove": Case(lambda w: [w.org.pk, w.membership.pk], get=POST_ONLY,
                                        post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                   parent_office=FORBIDDEN)),
    "organisations:member_role": Case(lambda w: [w.org.pk, w.membership.pk], get=POST_ONLY,
                                      post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                   parent_office=FORBIDDEN)),
    "organisations:invitation_cancel": Case(lambda w: [w.org.pk, w.invitation.pk], get=POST_ONLY,
                                            post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                   parent_office=FORBIDDEN)),
    "organisations:invitations": Case(get=APPLICANTS),
    # Only the invitee answers an invitation.
    "organisations:invitation_accept": Case(lambda w: [w.invitation.pk], get=POST_ONLY,
                                            post=roles(LOGIN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "organisations:invitation_decline": Case(lambda w: [w.invitation.pk], get=POST_ONLY,
                                             post=roles(LOGIN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "organisations:records": Case(lambda w: [w.org.pk], get=roles(*OFFICERS.values(), parent_office=NOT_FOUND),
                                  post=OFFICERS),
    "organisations:record_edit": Case(lambda w: [w.org.pk, w.record.pk],
                                      get=roles(*OFFICERS.values(), parent_office=NOT_FOUND), post=OFFICERS),
    "applications:mine": Case(get=APPLICANTS),
    "applications:officer_queue": Case(get=OFFICERS, office=LIST),
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
                                post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                           parent_office=FORBIDDEN)),
    # An empty decision is answered on the page (for the parent office too: nothing to refuse yet, nothing saved).
    "applications:decide_condition": Case(SUBMITTED, get=POST_ONLY,
                                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK,
                                                     parent_office=OK)),
    "applications:withdraw": Case(SUBMITTED, get=POST_ONLY,
                                  post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    # A never-submitted draft is deleted by its members only.
    "applications:delete": Case(DRAFT, get=POST_ONLY,
                                post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "applications:versions": Case(SUBMITTED, get=OWNER_AND_OFFICERS),
    # Rendering again a document one may read is no step in the program: the parent office may.
    "applications:pdf_retry": Case(SUBMITTED, get=POST_ONLY,
                                   post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                              parent_office=REDIRECT)),
    "notifications:inbox": Case(get=roles(LOGIN, OK, OK, OK, OK, OK), office=LIST),
    "notifications:settings": Case(get=roles(LOGIN, OK, OK, OK, OK, OK), office=LIST),
    # The applicant's own notification: opened or marked read by its recipient only.
    "notifications:open": Case(lambda w: [_notification(w)], get=POST_ONLY,
                               post=roles(LOGIN, REDIRECT, *[NOT_FOUND] * 4)),
    "notifications:read": Case(lambda w: [_notification(w)], get=POST_ONLY,
                               post=roles(LOGIN, REDIRECT, *[NOT_FOUND] * 4)),
    "notifications:read_all": Case(get=POST_ONLY, post=roles(LOGIN, *[REDIRECT] * 5), office=LIST),
    "dashboards:applicant": Case(get=APPLICANTS),
    "dashboards:reviewer": Case(get=roles(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND)),
    "dashboards:officer": Case(get=OFFICERS, office=LIST),
    "dashboards:admin": Case(get=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK), office=LIST),
    # The office's audit log and pages: the Nansha office's administrator and the platform admin (admin) only.
    "dashboards:office_audit": Case(OFFICE, get=OFFICE_ADMINS),
    "offices:list": Case(get=OFFICERS, office=LIST),
    "offices:create": Case(get=ADMINS, post=ADMINS, office=LIST),
    "offices:set_password": Case(lambda w: ["MQ", "set-password"], get=PUBLIC, office=LIST),
    # An empty POST is answered on the page with what is missing (nothing saved).
    "offices:detail": Case(OFFICE, get=OFFICE_ADMINS, post=OFFICE_ADMINS),
    "offices:edit": Case(OFFICE, get=ADMINS, post=ADMINS),
    # No role given: refused with the page's message (a redirect), nothing changed.
    "offices:staff_role": Case(lambda w: ["gz-nansha", _admin_membership()], get=POST_ONLY,
                               post=roles(LOGIN, *[NOT_FOUND] * 4, REDIRECT, office_admin=REDIRECT)),
    # The office's only administrator is not removed: the page says so.
    "offices:staff_remove": Case(lambda w: ["gz-nansha", _admin_membership()], get=POST_ONLY,
                                 post=roles(LOGIN, *[NOT_FOUND] * 4, REDIRECT, office_admin=REDIRECT)),
    # The health check, for a load balancer: anyone, signed in or not.
    "healthz": Case(get=roles(*[HEALTH] * 6), post=roles(*[NOT_ALLOWED] * 6), office=LIST),
    # Two-factor sign-in: every signed-in user's own pages (no object in the address, so no outsider).
    "twofactor:overview": Case(get=roles(LOGIN, *[OK] * 5), office=LIST),
    # An empty code is refused on the page (nothing saved).
    "twofactor:enrol": Case(get=roles(LOGIN, *[OK] * 5), post=roles(LOGIN, *[OK] * 5), office=LIST),
    # Shown once, right after enrolment; otherwise back to the overview.
    "twofactor:backup_codes": Case(get=roles(LOGIN, *[REDIRECT] * 5), office=LIST),
    # Nobody here has a device: the second step has nothing to ask and sends the user on.
    "twofactor:verify": Case(get=roles(LOGIN, *[REDIRECT] * 5), post=roles(LOGIN, *[REDIRECT] * 5), office=LIST),
    # Nobody here has turned it on: there is nothing to turn off or renew (back to the overview, which says so).
    "twofactor:disable": Case(get=POST_ONLY, post=roles(LOGIN, *[REDIRECT] * 5), office=LIST),
    "twofactor:backup_codes_renew": Case(get=POST_ONLY, post=roles(LOGIN, *[REDIRECT] * 5), office=LIST),
    # Guide drafts: the portal's admins only. An empty upload is answered on the page; an empty edit or fill, and
    # loading a draft that still has problems, are refused with a message on the draft's page (nothing changes).
    "drafting:list": Case(get=ADMINS, post=ADMINS, office=LIST),
    "drafting:detail": Case(lambda w: [w.guide_draft.pk], get=ADMINS, office=LIST),
    "drafting:save": Case(lambda w: [w.guide_draft.pk], get=POST_ONLY,
                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT), office=LIST),
    "drafting:fill": Case(lambda w: [w.guide_draft.pk], get=POST_ONLY,
                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT), office=LIST),
    "drafting:load": Case(lambda w: [w.guide_draft.pk], get=POST_ONLY,
                          post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT), office=LIST),
}


def _admin_membership() -> int:
    from offices.models import OfficeMembership

    return OfficeMembership.objects.get(office="gz-nansha", user__username="office_admin").pk



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
def world(applicant, other_applicant, officer, office_admin, nansha, django_capture_on_commit_callbacks):
    return build_world(applicant=applicant, other_applicant=other_applicant, officer=officer, nansha=nansha,
                       capture=django_capture_on_commit_callbacks)


def _state(world: World) -> tuple:
    rows = Application.objects.order_by("pk").values_list("status", "version", "draft", "title")
    invitation = Invitation.objects.get(pk=world.invitation.pk)
    return list(rows), AuditEvent.objects.count(), invitation.state


def _check(response, expected, name, role, method, failures: list | None = None):
    """Assert the response is ``expected``; with ``failures``, note a mismatch there instead (the test then lists
    every one at its end, so a leak report is whole)."""
    where = f"{method.upper()} {name} as {role}"
    if expected == LOGIN:
        ok = response.status_code == 302 and reverse("accounts:login") in response["Location"]
    elif expected == HEALTH:
        ok = response.status_code in (200, 503) and set(response.json()["checks"]) >= {"database", "celery"}
    else:
        ok = response.status_code == expected
    message = f"{where}: {response.status_code} ≠ {expected}"
    if failures is None:
        assert ok, message
    elif not ok:
        failures.append(message)


def all_cases() -> dict[str, Case]:
    from .test_permission_matrix_finder import CASES as FINDER_CASES
    from .test_permission_matrix_jobs import CASES as JOB_CASES
    from .test_permission_matrix_projects import CASES as PROJECT_CASES
    from .test_permission_matrix_reviews import CASES as REVIEW_CASES

    return CASES | REVIEW_CASES | PROJECT_CASES | JOB_CASES | FINDER_CASES


def test_permission_matrix_covers_every_url():
    cases = all_cases()
    missing = sorted(set(url_names()) - set(cases))
    assert not missing, f"add a permission case for: {missing}"
    assert not set(cases) - set(url_names()), "cases for URLs that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, request, world, role, django_capture_on_commit_callbacks):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    failures: list[str] = []
    for name, case in CASES.items():
        url = reverse(name, args=case.args(world))
        for method in ("get", "post"):
            expected = expected_for(case, method, role)
            if expected is None:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            before = _state(world)
            # Each request in a savepoint rolled back afterwards: one allowed step (an accepted invitation, a
            # withdrawal) must not change what the next request of the matrix sees.
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {}) if method == "post" else client.get(url)
                _check(response, expected, name, role, method, failures)
                # The parent office reads and takes no step: whatever it posts changes nothing.
                if (expected in (LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED) or name not in CHANGES_STATE
                        or (role == "parent_office" and method == "post" and name != "applications:pdf_retry")) \
                        and _state(world) != before:
                    failures.append(f"{method.upper()} {name} as {role} changed something")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


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


# Pages a signed-in officer or administrator may open before the second step (REQUIRE_STAFF_2FA on, no device yet).
BEFORE_SECOND_STEP = {"twofactor:enrol", "twofactor:verify", "accounts:logout", "set_language", "healthz"}


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_permission_matrix_staff_without_second_step_reach_only_the_set_up(client, request, world, settings, role):
    """With REQUIRE_STAFF_2FA on, a password alone opens nothing for staff: every other page of the matrix sends
    them to set up two-factor sign-in, and changes nothing."""
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(request.getfixturevalue(role))
    for name, case in CASES.items():
        if name in BEFORE_SECOND_STEP:
            continue
        url = reverse(name, args=case.args(world))
        before = _state(world)
        for method in ("get", "post"):
            response = client.post(url, {}) if method == "post" else client.get(url)
            assert response.status_code == 302, f"{method.upper()} {name}: {response.status_code}"
            assert response["Location"].startswith(reverse("twofactor:enrol")), f"{method.upper()} {name}"
        assert _state(world) == before, name
