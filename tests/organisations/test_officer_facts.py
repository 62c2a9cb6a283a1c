"""Officer-owned facts (the credit blacklist, past awards, acceptance outcomes) are read-only to applicants:
not on their forms, not through a tampered POST, not through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from organisations.services import organisation_set_blacklisted, organisation_update
from tests.conftest import client_for

from .factories import OrganisationFactory, ProjectRecordFactory
from .test_views import edit_data

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"organisations:{name}", args=args)


# ---------------------------------------------------------------- the profile form


def test_edit_applicant_cannot_untick_the_blacklist(client, applicant):
    org = OrganisationFactory(members=[applicant], blacklisted=True, full_time_staff=10)
    client_for(client, applicant)
    data = edit_data(client, org, full_time_staff="11")
    data.pop("blacklisted", None)  # what unticking the box would send
    response = client.post(url("edit", org.pk), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.blacklisted is True and org.full_time_staff == 11


def test_edit_form_offers_no_blacklist_box(client, applicant):
    org = OrganisationFactory(members=[applicant])
    response = client_for(client, applicant).get(url("edit", org.pk))
    assert "blacklisted" not in response.context["form"].fields
    assert 'name="blacklisted"' not in response.content.decode()


def test_create_tampered_blacklist_value_is_ignored(client, applicant):
    from organisations.models import Organisation

    from .factories import make_uscc

    data = {"name": "新企业", "uscc": make_uscc(7001), "region": "440115", "org_type": "enterprise",
            "is_legal_person": "on", "blacklisted": "on"}
    response = client_for(client, applicant).post(url("create"), data)
    assert response.status_code == 302
    assert Organisation.objects.get(name="新企业").blacklisted is False


def test_organisation_update_refuses_officer_owned_fields(applicant, officer):
    org = OrganisationFactory(members=[applicant], blacklisted=True)
    for actor in (applicant, officer):
        with pytest.raises(TypeError):
            organisation_update(actor=actor, organisation=org, blacklisted=False)
    org.refresh_from_db()
    assert org.blacklisted is True


# ---------------------------------------------------------------- the officer's service


def test_organisation_set_blacklisted_by_officer_records_from_to_and_reason(officer):
    org = OrganisationFactory()
    organisation_set_blacklisted(actor=officer, organisation=org, blacklisted=True, reason="信用中国 2026-11-30")
    org.refresh_from_db()
    assert org.blacklisted is True
    event = AuditEvent.objects.get(action="organisation_blacklist")
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        officer, "not_listed", "listed", "信用中国 2026-11-30")


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_organisation_set_blacklisted_wrong_role_is_refused(request, role, applicant):
    org = OrganisationFactory(members=[applicant], blacklisted=True)
    with pytest.raises(PermissionDenied):
        organisation_set_blacklisted(actor=request.getfixturevalue(role), organisation=org, blacklisted=False,
                                     reason="x")
    org.refresh_from_db()
    assert org.blacklisted is True and not AuditEvent.objects.filter(action="organisation_blacklist").exists()


def test_organisation_set_blacklisted_same_state_or_no_reason_is_refused(officer):
    org = OrganisationFactory(blacklisted=False)
    with pytest.raises(ValidationError) as info:
        organisation_set_blacklisted(actor=officer, organisation=org, blacklisted=False, reason="复核")
    assert list(info.value.message_dict) == ["blacklisted"]
    with pytest.raises(ValidationError) as info:
        organisation_set_blacklisted(actor=officer, organisation=org, blacklisted=True, reason="  ")
    assert list(info.value.message_dict) == ["reason"]
    org.refresh_from_db()
    assert org.blacklisted is False and not AuditEvent.objects.exists()


# ---------------------------------------------------------------- the officer's page, per role


def test_blacklist_page_anonymous_is_sent_to_sign_in(client):
    org = OrganisationFactory()
    response = client.post(url("blacklist", org.pk), {"blacklisted": "on", "reason": "x"})
    assert response.status_code == 302 and "login" in response.url
    org.refresh_from_db()
    assert org.blacklisted is False


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer"])
def test_blacklist_page_non_officer_gets_404_even_as_member(request, client, applicant, role):
    org = OrganisationFactory(members=[applicant], blacklisted=True)
    client_for(client, request.getfixturevalue(role))
    assert client.get(url("blacklist", org.pk)).status_code == 404
    assert client.post(url("blacklist", org.pk), {"reason": "x"}).status_code == 404
    org.refresh_from_db()
    assert org.blacklisted is True


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_blacklist_page_officer_and_admin_set_the_entry(request, client, role):
    org = OrganisationFactory()
    client_for(client, request.getfixturevalue(role))
    assert client.get(url("blacklist", org.pk)).status_code == 200
    response = client.post(url("blacklist", org.pk), {"blacklisted": "on", "reason": "信用中国"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.blacklisted is True
    assert AuditEvent.objects.get(action="organisation_blacklist").reason == "信用中国"


def test_blacklist_page_missing_reason_names_the_field_and_changes_nothing(client, officer):
    org = OrganisationFactory()
    response = client_for(client, officer).post(url("blacklist", org.pk), {"blacklisted": "on", "reason": ""})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["reason"]
    org.refresh_from_db()
    assert org.blacklisted is False


def test_detail_member_sees_the_entry_read_only(client, applicant):
    org = OrganisationFactory(members=[applicant], blacklisted=True)
    ProjectRecordFactory(organisation=org)
    body = client_for(client, applicant).get(url("detail", org.pk)).content.decode()
    assert url("blacklist", org.pk) not in body
    assert url("records", org.pk) not in body
