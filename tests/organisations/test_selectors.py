import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from organisations.selectors import (
    can_create_organisation,
    can_edit_organisation,
    organisation_for,
    organisations_for,
    region_choices,
)

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisations_for_member_sees_only_their_own(applicant, other_applicant):
    mine = OrganisationFactory(members=[applicant, other_applicant])
    OrganisationFactory(members=[other_applicant])
    assert list(organisations_for(applicant)) == [mine]


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_organisations_for_officers_see_all(request, role):
    orgs = OrganisationFactory.create_batch(3)
    assert set(organisations_for(request.getfixturevalue(role))) == set(orgs)


def test_organisations_for_reviewer_and_anonymous_see_none(reviewer):
    OrganisationFactory(members=[])
    assert not organisations_for(reviewer).exists()
    assert not organisations_for(AnonymousUser()).exists()


def test_organisation_for_same_404_for_missing_and_not_yours(applicant):
    theirs = OrganisationFactory()
    for pk in (theirs.pk, 999999):
        with pytest.raises(Http404):
            organisation_for(applicant, pk)


def test_can_edit_and_create_per_role(applicant, other_applicant, reviewer, officer):
    org = OrganisationFactory(members=[applicant])
    assert can_edit_organisation(applicant, org) and can_edit_organisation(officer, org)
    assert not can_edit_organisation(other_applicant, org) and not can_edit_organisation(reviewer, org)
    assert can_create_organisation(applicant) and can_create_organisation(officer)
    assert not can_create_organisation(reviewer) and not can_create_organisation(AnonymousUser())


def test_region_choices_full_names_need_no_further_queries(django_assert_num_queries):
    with django_assert_num_queries(1):
        regions = list(region_choices())
        names = [region.full_name for region in regions]
    assert "广东省广州市南沙区" in names
    codes = [region.code for region in regions]
    assert codes == sorted(codes)
