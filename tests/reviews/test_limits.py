"""Expert review's bad input says what is wrong (issue 15, item 21): a reason that is too long or holds a NUL is
not answered "Give a reason"; the pool import refuses a value longer than its column with the row and the field
instead of cutting it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from reviews import services
from reviews.models import Assignment, AssignmentState, ReviewerProfile
from tests.conftest import client_for

from .conftest import make_reviewer, passed_application, run_to_reviewing
from .test_pool import good_rows, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(officer, pool_track):
    passed_application(pool_track)
    make_reviewer()
    return Assignment.objects.get(round=run_to_reviewing(officer, pool_track, per_application=1))


@pytest.mark.parametrize("reason, problem", [("理" * 2_001, "2,000"), ("专业\x00不符", "NUL")], ids=["long", "nul"])
def test_reason_problem_is_named_not_give_a_reason(officer, assignment, reason, problem):
    with pytest.raises(ValidationError) as refused:
        services.assignment_remove(actor=officer, assignment=assignment, reason=reason)
    message = refused.value.message_dict["reason"][0]
    assert problem in message and "Give a reason" not in message
    assignment.refresh_from_db()
    assert assignment.state != AssignmentState.REMOVED


@pytest.mark.parametrize("reason, problem", [("理" * 2_001, "2,000"), ("专业\x00不符", "NUL")], ids=["long", "nul"])
def test_reason_problem_is_named_on_the_page(client, officer, assignment, reason, problem):
    client_for(client, officer)
    response = client.post(reverse("reviews:assignment_step", args=[assignment.pk, "remove"]), {"reason": reason},
                           follow=True)
    page = response.content.decode()
    assert problem in page and "请填写理由" not in page
    assignment.refresh_from_db()
    assert assignment.state != AssignmentState.REMOVED and not AuditEvent.objects.filter(action="remove").exists()


@pytest.mark.parametrize("column, value, label, limit", [
    (0, "王" * 101, "name", 100), (2, "大学" * 101, "affiliation", 200), (4, "教" * 101, "professional title", 100),
    (1, "a" * 140 + "@example.org", "e-mail", 150)], ids=["name", "affiliation", "title", "email"])
def test_pool_import_refuses_a_value_longer_than_its_column(officer, column, value, label, limit):
    rows = good_rows()
    rows[1][column] = value
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.reviewer_pool_import(actor=officer, office="gd", content=workbook(rows))
    message = " ".join(refused.value.messages)
    assert "Row 3" in message and f"the {label} has {len(value)} characters; at most {limit}" in message
    assert not ReviewerProfile.objects.exists()
