"""The permission matrix for projects: the officer's pages and steps, the funded unit's (applicant is a member of
the project's organisation; other_applicant is not), the ledger and the fund plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from milestones.services import contract_record, report_submit
from organisations.models import Membership
from tests.milestones.conftest import open_project, pdf

from .test_permission_matrix import (
    LIST,
    LOGIN,
    NOT_FOUND,
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

UNIT_AND_OFFICERS = roles(LOGIN, OK, NOT_FOUND, NOT_FOUND, OK, OK)
OFFICERS_ONLY = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
OFFICER_STEP = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT)
# An export asked for with a POST reads: the parent office may ask for it too (its office reads the program).
OFFICER_READ = roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT, parent_office=REDIRECT)
UNIT_STEP = roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)


@dataclass
class ProjectWorld:
    project_pk: int
    program_pk: int
    report_pk: int
    evidence_pk: int


@pytest.fixture
def project_world(applicant, officer, inline_tasks, django_capture_on_commit_callbacks) -> ProjectWorld:
    with django_capture_on_commit_callbacks(execute=True):  # the task book is rendered
        project = open_project(officer)
    Membership.objects.create(organisation_id=project.application.organisation_id, user=applicant)
    contract_record(actor=officer, project=project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    report = project.reports.get(seq=1)
    report_submit(actor=applicant, report=report, values={}, narrative="中期进展", evidence=[pdf("evidence.pdf")])
    return ProjectWorld(project_pk=project.pk, program_pk=project.application.track.program_id,
                        report_pk=report.pk, evidence_pk=report.evidence.get().pk)


PROJECT = lambda w: [w.project_pk]  # noqa: E731
PROGRAM = lambda w: [w.program_pk]  # noqa: E731
CASES: dict[str, Case] = {
    # Everyone signed in may open the list: it shows only what the user may see.
    "milestones:projects": Case(get=roles(LOGIN, OK, OK, OK, OK, OK), office=LIST),
    "milestones:project": Case(PROJECT, get=UNIT_AND_OFFICERS),
    "milestones:contract": Case(PROJECT, get=POST_ONLY, post=OFFICER_STEP),
    "milestones:contract_file": Case(PROJECT, get=UNIT_AND_OFFICERS),
    "milestones:task_book": Case(PROJECT, get=UNIT_AND_OFFICERS),
    "milestones:task_book_status": Case(PROJECT, get=UNIT_AND_OFFICERS),
    # The task book is ready: the unit and officers are told there is nothing to retry.
    # Rendering again a document one may read is no step in the program: the parent office may (so for exports).
    "milestones:task_book_retry": Case(PROJECT, get=POST_ONLY,
                                       post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                                  parent_office=REDIRECT)),
    # No acceptance recorded yet: no conclusion, for anyone.
    "milestones:conclusion": Case(lambda w: [w.project_pk, 1], get=roles(LOGIN, *[NOT_FOUND] * 5)),
    "milestones:conclusion_status": Case(lambda w: [w.project_pk, 1], get=roles(LOGIN, *[NOT_FOUND] * 5)),
    "milestones:conclusion_retry": Case(lambda w: [w.project_pk, 1], get=POST_ONLY,
                                        post=roles(LOGIN, *[NOT_FOUND] * 5)),
    "milestones:release": Case(lambda w: [w.project_pk, 1], get=POST_ONLY, post=OFFICER_STEP),
    # An officer's unconfirmed POST is answered with the confirmation page (issue 16: what pays is asked first).
    "milestones:confirm_payment": Case(lambda w: [w.project_pk, 1], get=POST_ONLY, post=OFFICERS_ONLY),
    # No acceptance was requested in this world: 404 for everyone (the per-role downloads: test_project_files.py).
    "milestones:acceptance_file": Case(lambda w: [w.project_pk, 1, "final_report"],
                                       get=roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "milestones:cancel_payment": Case(lambda w: [w.project_pk, 1], get=POST_ONLY, post=OFFICER_STEP),
    "milestones:midterm": Case(PROJECT, get=POST_ONLY, post=OFFICER_STEP),
    # The office requires a mid-term check (issue 16): officers only; the unit and everyone else get 404.
    "milestones:require_midterm": Case(PROJECT, get=POST_ONLY, post=OFFICER_STEP),
    "milestones:acceptance_request": Case(PROJECT, get=POST_ONLY, post=UNIT_STEP),
    "milestones:acceptance_record": Case(PROJECT, get=POST_ONLY, post=OFFICER_STEP),
    "milestones:report_add": Case(PROJECT, get=POST_ONLY, post=OFFICER_STEP),
    "milestones:report": Case(lambda w: [w.project_pk, w.report_pk], get=UNIT_AND_OFFICERS),
    "milestones:report_review": Case(lambda w: [w.project_pk, w.report_pk], get=POST_ONLY, post=OFFICER_STEP),
    "milestones:evidence": Case(lambda w: [w.project_pk, w.report_pk, w.evidence_pk], get=UNIT_AND_OFFICERS),
    "milestones:ledger": Case(PROGRAM, get=OFFICERS_ONLY),
    # Excel files are asked for with a POST (a background job); the page then offers the file.
    "milestones:ledger_export": Case(PROGRAM, get=POST_ONLY, post=OFFICER_READ),
    "milestones:fund_plan": Case(PROGRAM, get=OFFICERS_ONLY),
    "milestones:completion": Case(PROGRAM, get=OFFICERS_ONLY),
    "milestones:fund_plan_export": Case(PROGRAM, get=POST_ONLY, post=OFFICER_READ),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_projects(client, request, project_world, role, django_capture_on_commit_callbacks):
    from milestones.models import ProjectTranche

    user = None if role == "anonymous" else request.getfixturevalue(role)
    failures: list[str] = []
    for name, case in CASES.items():
        url = reverse(name, args=case.args(project_world))
        for method in ("get", "post"):
            expected = expected_for(case, method, role)
            if expected is None:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            before = list(ProjectTranche.objects.order_by("pk").values_list("state", "released_amount"))
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {}) if method == "post" else client.get(url)
                _check(response, expected, name, role, method, failures)
                # An empty POST is bad input: it pays nothing, whoever sends it.
                if list(ProjectTranche.objects.order_by("pk").values_list("state", "released_amount")) != before:
                    failures.append(f"{method.upper()} {name} as {role} changed a tranche")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# A recorded acceptance whose conclusion failed: the unit (applicant) and officers see it, and "try again" is a
# redirect with the message for them; everyone else gets 404 and nothing changes.
CONCLUSION_CASES: dict[str, Case] = {
    "milestones:conclusion": Case(lambda w: [w.project_pk, 1], get=roles(LOGIN, *[NOT_FOUND] * 5)),  # no file yet
    "milestones:conclusion_status": Case(lambda w: [w.project_pk, 1], get=UNIT_AND_OFFICERS),
    "milestones:conclusion_retry": Case(lambda w: [w.project_pk, 1], get=POST_ONLY,
                                        post=roles(LOGIN, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
                                                   parent_office=REDIRECT)),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_projects_acceptance_conclusion(client, request, project_world, officer, role,
                                                          django_capture_on_commit_callbacks):
    from milestones.models import Acceptance, Project
    from tests.milestones.conftest import recorded_acceptance

    with django_capture_on_commit_callbacks(execute=False):  # the conclusion is not made: it failed
        acceptance = recorded_acceptance(officer, Project.objects.get(pk=project_world.project_pk))
    Acceptance.objects.filter(pk=acceptance.pk).update(conclusion_status="failed")
    user = None if role == "anonymous" else request.getfixturevalue(role)
    failures: list[str] = []
    for name, case in CONCLUSION_CASES.items():
        url = reverse(name, args=case.args(project_world))
        for method in ("get", "post"):
            expected = expected_for(case, method, role)
            if expected is None:
                continue
            client.logout()
            if user is not None:
                client.force_login(user)
            with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {}) if method == "post" else client.get(url)
                _check(response, expected, name, role, method, failures)
                if expected in (LOGIN, NOT_FOUND):
                    if Acceptance.objects.get(pk=acceptance.pk).conclusion_status != "failed":
                        failures.append(f"{method.upper()} {name} as {role} retried the conclusion")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)
