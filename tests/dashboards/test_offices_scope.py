"""Offices (issue 19): every count, chart, funnel and list of the officer dashboard is of the programs the officer's
offices work for or read; the admin dashboard stays platform-wide. The page runs the same queries scoped."""

import pytest
from django.urls import reverse

from applications.models import Application
from milestones.models import ProjectTranche, TrancheState
from programs.models import Program
from tests import office_officers
from tests.milestones.conftest import open_project

from .test_views import _submit_for

pytestmark = pytest.mark.django_db
nansha_officer, yuexiu_officer, gz_officer = (
    office_officers.nansha_officer, office_officers.yuexiu_officer, office_officers.gz_officer)
NANSHA = office_officers.NANSHA_PROGRAM
OFFICER_DASHBOARD_QUERIES = 13  # as tests/dashboards/test_views.py counts them for an officer of every office


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboards:officer"))
    assert response.status_code == 200
    return response.context


@pytest.fixture
def nansha_world(officer, other_applicant, nansha):
    """One application waiting in formal review and one project (with a tranche due) in Nansha's program."""
    _submit_for(other_applicant, nansha, 1)
    project = open_project(officer)
    ProjectTranche.objects.filter(project=project, seq=1).update(state=TrancheState.DUE)
    return project


def test_officer_dashboard_of_another_office_counts_nothing_of_nansha(client, nansha_world, yuexiu_officer):
    context = dashboard(client, yuexiu_officer)
    assert all(n == 0 for _state, _label, n in context["queue"])
    assert all(n == 0 for _state, _label, n in context["project_states"])
    assert [row.program.code for row in context["funnel"]] == ["yuexiu-2018-ip-operation-fund-plan"]
    assert context["chart"]["programs"] == [str(context["funnel"][0].program)]
    assert context["tranche_count"] == 0 and context["tranches"] == []
    assert context["funded"] == [] and context["funded_total"].projects == 0
    assert context["disbursement_chart"]["labels"] == []
    assert nansha_world.application.reference not in str(context["tranches"])


@pytest.mark.parametrize("who", ["nansha_officer", "gz_officer"])
def test_officer_dashboard_of_the_office_and_its_parent_count_nansha(request, client, nansha_world, who):
    context = dashboard(client, request.getfixturevalue(who))
    counts = {state: n for state, _label, n in context["queue"]}
    assert counts["submitted"] == 1
    assert sum(n for _state, _label, n in context["project_states"]) == 1
    nansha_row = next(row for row in context["funnel"] if row.program.code == NANSHA)
    assert nansha_row.total == Application.objects.filter(track__program__code=NANSHA).count()
    assert [row.program.code for row in context["funded"]] == [NANSHA]
    assert context["tranche_count"] == 1


def test_officer_dashboard_scoped_runs_the_same_queries_with_one_and_many_rows(
    client, officer, other_applicant, nansha, nansha_officer, yuexiu_officer, django_assert_num_queries
):
    _submit_for(other_applicant, nansha, 1)
    for user in (nansha_officer, yuexiu_officer):
        client.force_login(user)
        with django_assert_num_queries(OFFICER_DASHBOARD_QUERIES):
            client.get(reverse("dashboards:officer"))
    _submit_for(other_applicant, nansha, 4)
    open_project(officer)
    for user in (nansha_officer, yuexiu_officer):
        client.force_login(user)
        with django_assert_num_queries(OFFICER_DASHBOARD_QUERIES):
            client.get(reverse("dashboards:officer"))


def test_admin_dashboard_stays_platform_wide(client, admin, nansha_world):
    client.force_login(admin)
    response = client.get(reverse("dashboards:admin"))
    assert len(response.context["guides"]) == Program.objects.count()
