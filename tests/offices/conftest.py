import pytest

from accounts.models import Role
from offices.models import OfficeMembership, OfficeRole
from tests.factories import UserFactory


@pytest.fixture
def nansha_admin(db):
    """The Nansha office's administrator: an officer account, on Nansha's staff only, as its administrator."""
    user = UserFactory(role=Role.OFFICER, username="nansha_admin", offices=[])
    OfficeMembership.objects.create(office_id="gz-nansha", user=user, role=OfficeRole.ADMIN)
    return user


@pytest.fixture
def nansha_officer(db):
    return UserFactory(role=Role.OFFICER, username="nansha_officer", email="ns@example.cn", offices=["gz-nansha"])
