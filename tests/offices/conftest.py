"""Officers of one office each, for the scoping tests: Nansha's (the program's office), Yuexiu's (a sibling
district: another office), Guangzhou's (the parent: reads Nansha's programs, takes no step) and the province's."""

from __future__ import annotations

import pytest

from accounts.models import Role
from audit.models import AuditEvent
from tests.factories import UserFactory


def officer_of(*codes: str, name: str | None = None):
    return UserFactory(role=Role.OFFICER, offices=list(codes), full_name=name or f"{'、'.join(codes)}主管")


@pytest.fixture
def nansha_officer(db):
    return officer_of("gz-nansha")


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


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the Chinese catalogue is checked by tests/test_i18n.py."""
    from django.utils import translation

    with translation.override("en"):
        yield
