"""The permission matrix for background jobs: a job's status, file and retry are its requester's only (here the
officer); everyone else, another officer (admin) included, gets 404, and a refused request changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from jobs import services
from jobs.models import Job, JobState
from milestones.jobs import LEDGER_XLSX
from programs.models import Program

from .test_permission_matrix import (
    LOGIN,
    NOT_FOUND,
    OFFICE_ROLES,
    OK,
    POST_ONLY,
    REDIRECT,
    ROLES,
    Case,
    _check,
    expected_for,
    roles,
)

pytestmark = pytest.mark.django_db
NOBODY_ELSE = {role: NOT_FOUND for role in OFFICE_ROLES}
ONLY_THE_REQUESTER = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, **NOBODY_ELSE)


@dataclass
class JobWorld:
    done_pk: int
    failed_pk: int


@pytest.fixture
def job_world(officer, inline_tasks, django_capture_on_commit_callbacks) -> JobWorld:
    program = Program.objects.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.job_request(actor=officer, kind=LEDGER_XLSX, target=program)
    failed = Job.objects.create(kind=LEDGER_XLSX, requested_by=officer, target=program, state=JobState.FAILED,
                                error="x")
    assert Job.objects.get(pk=done.pk).state == JobState.DONE
    return JobWorld(done_pk=done.pk, failed_pk=failed.pk)


CASES: dict[str, Case] = {
    "jobs:status": Case(lambda w: [w.done_pk], get=ONLY_THE_REQUESTER),
    "jobs:download": Case(lambda w: [w.done_pk], get=ONLY_THE_REQUESTER),
    "jobs:retry": Case(lambda w: [w.failed_pk], get=POST_ONLY,
                       post=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, NOT_FOUND, **NOBODY_ELSE)),
}


def _state() -> list:
    return list(Job.objects.order_by("pk").values_list("state", "attempts", "error"))


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_jobs(client, request, job_world, role, django_capture_on_commit_callbacks):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    failures: list[str] = []
    for name, case in CASES.items():
        url = reverse(name, args=case.args(job_world))
        for method in ("get", "post"):
            expected = expected_for(case, method, role)
            if expected is None:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            before = _state()
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {}) if method == "post" else client.get(url)
                _check(response, expected, name, role, method, failures)
                if expected != REDIRECT:
                    if _state() != before:
                        failures.append(f"{method.upper()} {name} as {role} changed something")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)
