"""Officers of one office each, for the scoping tests: Nansha's (the program's office), Yuexiu's (a sibling
district: another office), Guangzhou's (the parent: reads Nansha's programs, takes no step) and the province's;
and the Nansha office's administrator, for the office pages."""

from __future__ import annotations

import pytest

from accounts.models import Role
from audit.models import AuditEvent
from offices.models import OfficeMembership, OfficeRole
from tests.factories import UserFactory


def officer_of(*codes: str, name: str | None = None):
    return UserFactory(role=Role.OFFICER, offices=list(codes), full_name=name or f"{'、'.join(codes)}主管")


@pytest.fixture
def nansha_admin(db):
    """The Nansha office's administrator: an officer account, on Nansha's staff only, as its administrator."""
    user = UserFactory(role=Role.OFFICER, username="nansha_admin", offices=[])
    OfficeMembership.objects.create(office_id="gz-nansha", user=user, role=OfficeRole.ADMIN)
    return user


@pytest.fixture
def nansha_officer(db):
    return UserFactory(role=Role.OFFICER, username="nansha_officer", email="ns@example.cn", offices=["gz-nansha"],
                       full_name="gz-nansha主管")


@pytest.fixture
def yuexiu_officer(db):
    return officer_of("gz-yuexiu")


@pytest.fixture
def gz_officer(db):
    return officer_of("gz")


@pytest.fixture
def province_officer(db):
    return officer_of("gd")


def audit_count(**filters) -> int:
    return AuditEvent.objects.filter(**filters).count()


@pytest.fixture
def english():
    """Messages are asserted in English (the msgids); the Chinese catalogue is checked by tests/test_i18n.py."""
    from django.utils import translation

    with translation.override("en"):
        yield
