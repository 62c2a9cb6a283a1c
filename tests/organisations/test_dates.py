"""Implausible dates are refused with a message naming the field, in the user's language, and change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organisations.models import ProjectRecord
from organisations.services import (
    RowChanges,
    profile_save_certifications,
    profile_save_patents,
    project_record_create,
)
from tests.conftest import client_for

from .factories import OrganisationFactory
from .test_views import edit_data, record_data

pytestmark = pytest.mark.django_db

FUTURE = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def url(name: str, *args) -> str:
    return reverse(f"organisations:{name}", args=args)


def patent_row(granted_on: str) -> dict:
    return {"patent-0-kind": "invention", "patent-0-number": "ZL2020100000001", "patent-0-title": "装置",
            "patent-0-granted_on": granted_on, "patent-0-status": "valid"}


def cert_row(valid_from: str, valid_until: str) -> dict:
    return {"cert-0-standard": "GB/T 29490", "cert-0-certificate_number": "IPMS-1",
            "cert-0-valid_from": valid_from, "cert-0-valid_until": valid_until}


@pytest.mark.parametrize("granted_on", ["0001-01-01", "1984-12-31", "2099-01-01", FUTURE])
def test_edit_implausible_grant_date_names_the_field_and_saves_nothing(client, applicant, granted_on):
    org = OrganisationFactory(members=[applicant], name="原名")
    client_for(client, applicant)
    response = client.post(url("edit", org.pk), edit_data(client, org, name="新名", **patent_row(granted_on)))
    assert response.status_code == 200
    errors = response.context["patents"].forms[0].errors
    assert list(errors) == ["granted_on"]
    assert "1985-04-01" in errors["granted_on"][0] or "未来" in errors["granted_on"][0]
    org.refresh_from_db()
    assert org.name == "原名" and not org.patents.exists()
    assert f'value="{granted_on}"' in response.content.decode()  # what was typed stays on the page


def test_edit_plausible_grant_date_is_saved(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    response = client.post(url("edit", org.pk), edit_data(client, org, **patent_row("1985-04-01")))
    assert response.status_code == 302
    assert org.patents.get().granted_on == dt.date(1985, 4, 1)


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "field"),
    [
        ("2024-01-01", "2023-12-31", "valid_until"),  # ends before it starts
        ("2024-01-01", "2099-01-01", "valid_until"),  # longer than a certificate runs
        ("0001-01-01", "2003-01-01", "valid_from"),
        ("2099-01-01", "2101-01-01", "valid_from"),
    ],
)
def test_edit_implausible_certificate_dates_name_the_field(client, applicant, valid_from, valid_until, field):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    response = client.post(url("edit", org.pk), edit_data(client, org, **cert_row(valid_from, valid_until)))
    assert response.status_code == 200
    assert field in response.context["certifications"].forms[0].errors
    assert not org.certifications.exists()


def test_edit_certificate_of_three_years_is_saved(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    response = client.post(url("edit", org.pk), edit_data(client, org, **cert_row("2024-01-15", "2027-01-15")))
    assert response.status_code == 302
    assert org.certifications.get().valid_until == dt.date(2027, 1, 15)


def test_edit_date_message_is_in_english_for_english_users(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    client.cookies["django_language"] = "en"
    data = edit_data(client, org, **patent_row("0001-01-01"))
    response = client.post(url("edit", org.pk), data)
    message = response.context["patents"].forms[0].errors["granted_on"][0]
    assert message.startswith("Enter a date between 1985-04-01 and ")


def test_edit_date_message_is_in_chinese_by_default(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    response = client.post(url("edit", org.pk), edit_data(client, org, **patent_row("0001-01-01")))
    message = response.context["patents"].forms[0].errors["granted_on"][0]
    assert "1985-04-01" in message and "请" in message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"awarded_on": "2099-06-01", "accepted_on": ""}, "awarded_on"),
        ({"awarded_on": "0001-01-01"}, "awarded_on"),
        ({"awarded_on": "2019-09-01", "accepted_on": "2099-09-01"}, "accepted_on"),
        ({"awarded_on": "2019-09-01", "accepted_on": "2018-09-01"}, "accepted_on"),
    ],
)
def test_records_implausible_award_dates_name_the_field(client, officer, overrides, field):
    org = OrganisationFactory()
    response = client_for(client, officer).post(url("records", org.pk), record_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ProjectRecord.objects.exists()


# ---------------------------------------------------------------- the services refuse them too


def test_profile_save_patents_refuses_year_one(applicant):
    org = OrganisationFactory(members=[applicant])
    values = {"kind": "invention", "number": "ZL1", "title": "", "granted_on": dt.date(1, 1, 1), "status": "valid"}
    with pytest.raises(ValidationError) as info:
        profile_save_patents(actor=applicant, organisation=org, changes=RowChanges(saved=[(None, values)]))
    assert list(info.value.message_dict) == ["granted_on"]
    assert not org.patents.exists()


def test_profile_save_certifications_refuses_a_thirty_year_certificate(applicant):
    org = OrganisationFactory(members=[applicant])
    values = {"standard": "GB/T 29490", "certificate_number": "", "valid_from": dt.date(2024, 1, 1),
              "valid_until": dt.date(2054, 1, 1)}
    with pytest.raises(ValidationError) as info:
        profile_save_certifications(actor=applicant, organisation=org, changes=RowChanges(saved=[(None, values)]))
    assert list(info.value.message_dict) == ["valid_until"]


def test_project_record_create_refuses_an_award_in_2099(officer):
    org = OrganisationFactory()
    with pytest.raises(ValidationError) as info:
        project_record_create(actor=officer, organisation=org, title="x", level="district",
                              category="high_value_patent", awarded_on=dt.date(2099, 1, 1), acceptance="pending",
                              accepted_on=None, note="")
    assert list(info.value.message_dict) == ["awarded_on"]
    assert not ProjectRecord.objects.exists()
