"""Offices (issue 19): an officer sees an organisation that applied in a program of its offices (or that has
submitted nothing yet: no office's applicant); another office's applicants answer 404. The office above reads the
profile and takes no step on it (edit, credit blacklist, project records, members)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import Organisation
from organisations.selectors import organisations_for
from organisations.services import organisation_set_blacklisted, project_record_create
from tests import office_officers
from tests.applications.conftest import (  # noqa: F401  (fixtures)
    draft,
    make_org,
    nansha,
    org,
    ready_draft,
    submitted,
)

pytestmark = pytest.mark.django_db
nansha_officer, yuexiu_officer, gz_officer = (
    office_officers.nansha_officer, office_officers.yuexiu_officer, office_officers.gz_officer)
STEPS = ("organisations:edit", "organisations:blacklist", "organisations:records")


def test_list_shows_the_offices_applicants_and_those_not_yet_applying(submitted, other_applicant, nansha_officer,  # noqa: F811
                                                                     yuexiu_officer, gz_officer):
    fresh = make_org(other_applicant, name="尚未申报的单位")
    applied = submitted.organisation
    assert set(organisations_for(nansha_officer)) == {applied, fresh}
    assert set(organisations_for(gz_officer)) == {applied, fresh}
    assert set(organisations_for(yuexiu_officer)) == {fresh}


def test_pages_another_office_404_parent_reads_without_steps(client, submitted, nansha_officer, yuexiu_officer,  # noqa: F811
                                                            gz_officer):
    pk = submitted.organisation_id
    detail = reverse("organisations:detail", args=[pk])
    client.force_login(yuexiu_officer)
    for name in ("organisations:detail", "organisations:members", *STEPS):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    client.force_login(gz_officer)
    body = client.get(detail).content.decode()
    assert submitted.organisation.name in body
    for name in STEPS:
        assert reverse(name, args=[pk]) not in body
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    members = client.get(reverse("organisations:members", args=[pk]))
    assert members.status_code == 200 and not members.context["manager"]
    client.force_login(nansha_officer)
    body = client.get(detail).content.decode()
    for name in STEPS:
        assert reverse(name, args=[pk]) in body
        assert client.get(reverse(name, args=[pk])).status_code == 200, name


def test_steps_refused_to_the_parent_office_change_nothing(client, submitted, gz_officer, nansha_officer):  # noqa: F811
    organisation = submitted.organisation
    client.force_login(gz_officer)
    assert client.post(reverse("organisations:blacklist", args=[organisation.pk]),
                       {"blacklisted": "on", "reason": "信用中国"}).status_code == 404
    with pytest.raises(PermissionDenied):
        organisation_set_blacklisted(actor=gz_officer, organisation=organisation, blacklisted=True, reason="信用中国")
    with pytest.raises(PermissionDenied):
        project_record_create(actor=gz_officer, organisation=organisation, title="往年项目")
    assert not Organisation.objects.get(pk=organisation.pk).blacklisted
    assert not organisation.project_records.exists()
    organisation_set_blacklisted(actor=nansha_officer, organisation=organisation, blacklisted=True, reason="信用中国")
    assert Organisation.objects.get(pk=organisation.pk).blacklisted


def test_list_scoped_officer_runs_the_same_queries_with_one_and_many_rows(client, submitted, other_applicant,  # noqa: F811
                                                                         officer, yuexiu_officer):
    url = reverse("organisations:list")

    def count(user) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_org(other_applicant, name="尚未申报的单位")
    one = count(yuexiu_officer)
    assert len(client.get(url).context["page"]) == 1
    assert one == count(officer)
    for i in range(8):
        make_org(other_applicant, name=f"尚未申报的单位{i}")
    assert count(yuexiu_officer) == one
    assert len(client.get(url).context["page"]) == 9
