"""The permission matrix for the funding finder: the anonymous quick check is public; an organisation's list is its
applicants' only; the demand forecast and its bulk match are officers' only. Everyone else gets 404 (anonymous
visitors are sent to sign in), and a refused request changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from jobs.models import Job

from .test_permission_matrix import (
    APPLICANTS,
    LIST,
    LOGIN,
    NOT_FOUND,
    OFFICERS,
    POST_ONLY,
    PUBLIC,
    REDIRECT,
    ROLES,
    Case,
    _check,
    expected_for,
    roles,
)

pytestmark = pytest.mark.django_db

CASES: dict[str, Case] = {
    "finder:check": Case(get=PUBLIC),
    "finder:mine": Case(get=APPLICANTS),
    # The forecast is a list narrowed to the officer's offices: every office role opens it (its own rows).
    "finder:forecast": Case(get=OFFICERS, office=LIST),
    "finder:forecast_run": Case(get=POST_ONLY, post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT),
                                office=LIST),
}
QUICK = {"region": "440115", "org_type": "enterprise", "invention_patents": "3"}


def _state() -> list:
    return list(Job.objects.order_by("pk").values_list("kind", "state"))


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_finder(client, request, role, django_capture_on_commit_callbacks):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    for name, case in CASES.items():
        url = reverse(name)
        for method in ("get", "post"):
            expected = expected_for(case, method, role)
            if expected is None:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            before = _state()
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                data = QUICK if name == "finder:check" else {}
                response = client.post(url, {}) if method == "post" else client.get(url, data)
                _check(response, expected, name, role, method)
                if expected != REDIRECT:
                    assert _state() == before, f"{method.upper()} {name} as {role} changed something"
                else:
                    assert Job.objects.filter(kind="finder.bulk_match", requested_by=user).exists()
                transaction.set_rollback(True)


def test_permission_matrix_finder_quick_check_answers_everyone_the_same_list(client, applicant):
    anonymous = client.get(reverse("finder:check"), QUICK).context["rows"]
    client.force_login(applicant)
    signed_in = client.get(reverse("finder:check"), QUICK).context["rows"]
    assert [r.track.pk for r in anonymous] == [r.track.pk for r in signed_in]
