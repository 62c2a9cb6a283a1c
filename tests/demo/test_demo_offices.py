"""The demo shows the offices: each seed office has an officer of its own who sees only its programs."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from applications.models import Application
from milestones.models import Project
from offices.models import Office, OfficeMembership, OfficeRole
from offices.selectors import may_act_in
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
NANSHA, YUEXIU = "nansha-2024-high-value-patent-center", "yuexiu-2018-ip-operation-fund-plan"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def test_seed_demo_gives_every_office_an_officer_of_its_own(seeded):
    for office in Office.objects.all():
        user = User.objects.get(username=f"officer-{office.code}")
        assert list(OfficeMembership.objects.filter(user=user).values_list("office_id", "role")) == [
            (office.code, OfficeRole.ADMIN)]
    demo_officer = User.objects.get(username="officer")
    assert OfficeMembership.objects.filter(user=demo_officer).count() == Office.objects.count()


def test_seed_demo_twice_adds_no_membership(seeded):
    before = OfficeMembership.objects.count()
    call_command("seed_demo", verbosity=0)
    assert OfficeMembership.objects.count() == before


def test_seed_demo_nansha_officer_cannot_see_yuexius_project(client, seeded):
    project = Project.objects.select_related("application__track__program").get(
        application__track__program__code=YUEXIU)
    nansha_application = Application.objects.filter(track__program__code=NANSHA).exclude(status="draft").first()
    nansha = User.objects.get(username="officer-gz-nansha")
    yuexiu = User.objects.get(username="officer-gz-yuexiu")
    assert not may_act_in(nansha, project.application.track.program.office_id)
    client_for(client, nansha)
    assert client.get(reverse("milestones:project", args=[project.pk])).status_code == 404
    assert client.get(reverse("applications:detail", args=[nansha_application.pk])).status_code == 200
    client_for(client, yuexiu)
    assert client.get(reverse("milestones:project", args=[project.pk])).status_code == 200
    assert client.get(reverse("applications:detail", args=[nansha_application.pk])).status_code == 404
    # The demo officer works for every office and sees both.
    client_for(client, User.objects.get(username="officer"))
    assert client.get(reverse("milestones:project", args=[project.pk])).status_code == 200
    assert client.get(reverse("applications:detail", args=[nansha_application.pk])).status_code == 200
