"""The reviewer's conflict declaration says what the portal already checked: the registered employer against the
applicant and its partners, by credit code — only when the reviewer has an employer with a code to check."""

import pytest
from django.urls import reverse

from reviews.models import Assignment, ReviewerProfile
from tests.conftest import client_for
from tests.organisations.factories import OrganisationFactory

from .conftest import make_reviewer, passed_application, run_to_reviewing

pytestmark = pytest.mark.django_db

CHECKED = "系统已按统一社会信用代码核对您登记的工作单位"
FOUND = "系统核对发现"
DECLARE = "您不在申报单位、合作单位或其同一集团单位任职"


@pytest.fixture
def assignment(officer, pool_track):
    lead = OrganisationFactory(name="广州盲评测试科技有限公司")
    passed_application(pool_track, organisation=lead, partners=[OrganisationFactory()])
    make_reviewer(name="核对专家")
    review_round = run_to_reviewing(officer, pool_track, per_application=1)
    assert review_round.blind
    return Assignment.objects.select_related("reviewer__user", "application").get(round=review_round)


def declaration_page(client, assignment) -> str:
    client_for(client, assignment.reviewer.user).cookies.load({"django_language": "zh-hans"})
    return client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()


def test_declaration_says_the_employer_was_checked_by_credit_code(client, assignment):
    page = declaration_page(client, assignment)
    assert CHECKED in page and assignment.reviewer.affiliation_name in page and FOUND not in page
    assert "广州盲评测试科技有限公司" not in page  # blind review: the applicant stays withheld
    assert 'id="no-conflict"' in page


def test_declaration_without_a_registered_credit_code_claims_no_check(client, assignment):
    ReviewerProfile.objects.filter(pk=assignment.reviewer_id).update(affiliation_uscc="", affiliation=None)
    page = declaration_page(client, assignment)
    assert CHECKED not in page and FOUND not in page and DECLARE in page


def test_declaration_when_the_employer_now_matches_says_so(client, assignment):
    # The reviewer's employer was changed after the assignment: it is now the lead organisation.
    lead = assignment.application.organisation
    ReviewerProfile.objects.filter(pk=assignment.reviewer_id).update(affiliation=lead, affiliation_uscc=lead.uscc,
                                                                     affiliation_name=lead.name)
    page = declaration_page(client, assignment)
    assert FOUND in page and CHECKED not in page
