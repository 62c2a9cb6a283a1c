"""Officers of one office each, for the scoping tests beside each app's tests (import the fixtures you use):
Nansha's (the office of the Nansha program the tests apply to), Yuexiu's (a sibling district: another office),
Guangzhou's (Nansha's parent: reads its programs, takes no step in them) and the province's (two levels up)."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import UserFactory

NANSHA_PROGRAM = "nansha-2024-high-value-patent-center"


def officer_of(*codes: str, username: str):
    return UserFactory(role=Role.OFFICER, offices=list(codes), username=username,
                       full_name=f"{'、'.join(codes)}主管")


@pytest.fixture
def nansha_officer(db):
    return officer_of("gz-nansha", username="scope_nansha")


@pytest.fixture
def yuexiu_officer(db):
    return officer_of("gz-yuexiu", username="scope_yuexiu")


@pytest.fixture
def gz_officer(db):
    return officer_of("gz", username="scope_gz")


@pytest.fixture
def province_officer(db):
    return officer_of("gd", username="scope_gd")
