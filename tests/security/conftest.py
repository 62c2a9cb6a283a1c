import pytest

from accounts.models import Role
from offices.models import OfficeMembership, OfficeRole
from programs.models import Program
from tests.applications.conftest import nansha  # noqa: F401  (the Nansha track with its call open)
from tests.factories import UserFactory

WORLD_OFFICE, PARENT_OFFICE, OTHER_OFFICE = "gz-nansha", "gz", "fangchenggang"


@pytest.fixture(autouse=True)
def _programs_in_one_office(db):
    """Every program of the worlds belongs to the Nansha office, so the office roles mean something: Guangzhou
    (its parent, which it lets read) reads them; Fangchenggang owns none of them (nor any other)."""
    Program.objects.update(office=WORLD_OFFICE)


@pytest.fixture
def other_office(db):
    """An officer of another office: on Fangchenggang's staff only."""
    return UserFactory(role=Role.OFFICER, username="officer_elsewhere", offices=[OTHER_OFFICE])


@pytest.fixture
def parent_office(db):
    """An officer of the parent office: on Guangzhou's staff only (Nansha lets its parent read)."""
    return UserFactory(role=Role.OFFICER, username="officer_parent", offices=[PARENT_OFFICE])


@pytest.fixture
def office_admin(db):
    """The Nansha office's administrator: an officer account on Nansha's staff as its only administrator."""
    user = UserFactory(role=Role.OFFICER, username="office_admin", offices=[])
    OfficeMembership.objects.create(office_id=WORLD_OFFICE, user=user, role=OfficeRole.ADMIN)
    return user
