"""The demo data must pass the portal's own checks and hold applications in every state."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from applications.models import Application, ApplicationVersion, ConditionDecision, Status
from audit.models import AuditEvent
from organisations.models import Organisation
from organisations.uscc import is_valid_uscc
from tests.conftest import client_for
from tests.organisations.test_views import edit_data

pytestmark = pytest.mark.django_db
NANSHA = "nansha-2024-high-value-patent-center"


def test_seed_demo_every_organisation_has_a_valid_uscc_and_its_profile_saves(client):
    call_command("seed_demo", verbosity=0)
    organisations = list(Organisation.objects.prefetch_related("memberships__user"))
    assert organisations
    for org in organisations:
        assert is_valid_uscc(org.uscc), org.uscc
        member = org.memberships.first().user
        client_for(client, member)
        response = client.post(reverse("organisations:edit", args=[org.pk]), edit_data(client, org))
        assert response.status_code == 302, response.context["form"].errors
        assert response.url == reverse("organisations:detail", args=[org.pk])


def test_seed_demo_twice_keeps_one_demo_organisation_and_repairs_an_old_code(client):
    call_command("seed_demo", verbosity=0)
    org = Organisation.objects.get()
    Organisation.objects.filter(pk=org.pk).update(uscc="91440101MA59TEST03")  # what earlier demos created
    call_command("seed_demo", verbosity=0)
    org.refresh_from_db()
    assert Organisation.objects.count() == 1
    assert is_valid_uscc(org.uscc)
    assert org.memberships.get().user == User.objects.get(username="applicant")


def test_seed_demo_publishes_the_draft_for_comment_once_and_audits_it():
    from audit.models import AuditEvent
    from programs.models import Program
    from programs.selectors import is_call_open

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    yuexiu = Program.objects.get(code="yuexiu-2018-ip-operation-fund-plan")
    assert yuexiu.is_draft_for_comment and yuexiu.published_at is not None and is_call_open(yuexiu)
    assert AuditEvent.objects.filter(action="publish", object_id=str(yuexiu.pk)).count() == 1


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    """Every row the demo makes, and the audit trail itself (its ids, so a replaced row shows too)."""
    from milestones.models import KpiEvidence, KpiReport, Project, ProjectTranche
    from notifications.models import Notification
    from reviews.models import Assignment, Award, DeclaredConflict, Review, ReviewerProfile, ReviewRound, ReviewScore

    models = (Application, ApplicationVersion, ConditionDecision, User, Organisation, ReviewerProfile,
              DeclaredConflict, ReviewRound, Assignment, Review, ReviewScore, Award, Project, ProjectTranche,
              KpiReport, KpiEvidence, Notification)
    return {
        **{model._meta.label: model.objects.count() for model in models},
        "events": tuple(AuditEvent.objects.order_by("pk").values_list("pk", "action")),
        "passwords": tuple(User.objects.order_by("username").values_list("password", flat=True)),
        "tranches": tuple(ProjectTranche.objects.order_by("pk").values_list("state", "amount")),
    }


def test_seed_demo_holds_applications_in_every_state(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        seed()
    states = set(Application.objects.filter(title__startswith="【演示】").values_list("status", flat=True))
    # Every state but "not funded" (the demo round has one application, and it is approved).
    assert states == set(Status.values) - {Status.NOT_FUNDED}
    from reviews.models import Assignment

    assignment = Assignment.objects.get(reviewer__user__username="reviewer", round__track__program__code=NANSHA)
    assert assignment.application.status == Status.PASSED  # the reviewer's queue has something to show
    passed = Application.objects.get(status=Status.PASSED)
    assert passed.versions.get().snapshot["decisions"]  # the officer decided each condition
    assert passed.versions.get().snapshot["declaration"]["text"]


def test_seed_demo_twice_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        seed()
        before = counts()
        output = seed()
    assert counts() == before
    assert "0 demo applications created" in output and "no demo project created" in output


def test_seed_demo_officer_queue_shows_the_demo(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        seed()
    client.force_login(User.objects.get(username="officer"))
    body = client.get(reverse("applications:officer_queue")).content.decode()
    for status in (Status.SUBMITTED, Status.RETURNED, Status.PASSED, Status.REFUSED):
        assert Application.objects.get(status=status).reference in body
