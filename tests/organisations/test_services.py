import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from organisations.choices import AwardCategory, OrgType, RecordLevel
from organisations.models import (
    AcceptanceOutcome,
    FinancialYear,
    Organisation,
    Patent,
    PatentKind,
    ProjectRecord,
    Region,
)
from organisations.services import (
    RowChanges,
    organisation_create,
    organisation_profile_save,
    organisation_update,
    profile_save_certifications,
    profile_save_financial_years,
    profile_save_patents,
    project_record_create,
    project_record_update,
)

from .factories import (
    CertificationFactory,
    FinancialYearFactory,
    OrganisationFactory,
    PatentFactory,
    ProjectRecordFactory,
    make_uscc,
)

pytestmark = pytest.mark.django_db


def org_fields(**overrides):
    fields = {
        "name": "广州南沙测试科技有限公司",
        "uscc": make_uscc(9001),
        "region": Region.objects.get(pk="440115"),
        "org_type": OrgType.ENTERPRISE,
        "is_legal_person": True,
        "full_time_staff": 30,
    }
    return fields | overrides


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# ---------------------------------------------------------------- organisation_create


def test_organisation_create_makes_the_applicant_a_member(applicant):
    org = organisation_create(actor=applicant, **org_fields())
    assert list(org.members.all()) == [applicant]
    [event] = events("organisation_create")
    assert event.actor == applicant and event.object_id == str(org.pk)


def test_organisation_create_normalises_the_code(applicant):
    code = make_uscc(9002)
    org = organisation_create(actor=applicant, **org_fields(uscc=f" {code[:9].lower()} {code[9:]}"))
    assert org.uscc == code


def test_organisation_create_by_officer_adds_no_member(officer):
    org = organisation_create(actor=officer, **org_fields())
    assert org.members.count() == 0


def test_organisation_create_reviewer_is_refused(reviewer):
    with pytest.raises(PermissionDenied):
        organisation_create(actor=reviewer, **org_fields())
    assert not Organisation.objects.filter(name="广州南沙测试科技有限公司").exists()


def test_organisation_create_bad_code_names_the_field(applicant):
    with pytest.raises(ValidationError) as info:
        organisation_create(actor=applicant, **org_fields(uscc="91440300MA5G1LCH6Y"))
    assert "uscc" in info.value.message_dict
    assert not Organisation.objects.filter(uscc="91440300MA5G1LCH6Y").exists()
    assert not events("organisation_create")


def test_organisation_create_duplicate_code_is_refused(other_applicant):
    existing = OrganisationFactory()
    with pytest.raises(ValidationError) as info:
        organisation_create(actor=other_applicant, **org_fields(uscc=existing.uscc))
    assert "uscc" in info.value.message_dict


# ---------------------------------------------------------------- organisation_update


def test_organisation_update_by_member_records_the_change(applicant):
    org = OrganisationFactory(members=[applicant], full_time_staff=10)
    organisation_update(actor=applicant, organisation=org, full_time_staff=12, name=org.name)
    org.refresh_from_db()
    assert org.full_time_staff == 12
    [event] = events("organisation_update")
    assert event.data == {"changed": {"full_time_staff": [10, 12]}}


def test_organisation_update_by_officer(officer):
    org = OrganisationFactory()
    organisation_update(actor=officer, organisation=org, full_time_staff=77)
    org.refresh_from_db()
    assert org.full_time_staff == 77


@pytest.mark.parametrize("role", ["other_applicant", "reviewer"])
def test_organisation_update_non_member_is_refused(request, role, applicant):
    org = OrganisationFactory(members=[applicant], name="原名")
    with pytest.raises(PermissionDenied):
        organisation_update(actor=request.getfixturevalue(role), organisation=org, name="新名")
    org.refresh_from_db()
    assert org.name == "原名"


def test_organisation_update_invalid_value_changes_nothing(applicant):
    org = OrganisationFactory(members=[applicant])
    code = org.uscc
    with pytest.raises(ValidationError):
        organisation_update(actor=applicant, organisation=org, uscc="91350100M000100Y44", name="新名")
    org.refresh_from_db()
    assert org.uscc == code and org.name != "新名"


def test_organisation_update_nothing_changed_writes_no_event(applicant):
    org = OrganisationFactory(members=[applicant])
    organisation_update(actor=applicant, organisation=org, name=org.name)
    assert not events("organisation_update")


# ---------------------------------------------------------------- members


# (membership services: tests/organisations/test_members.py)


# ---------------------------------------------------------------- profile rows


def fy_values(year: int, revenue: str = "1000000") -> dict:
    return {
        "year": year,
        "sales_revenue": Decimal(revenue),
        "rd_spend": Decimal("50000"),
        "ip_spend": Decimal("8000"),
    }


def test_profile_save_financial_years_adds_changes_and_deletes(applicant):
    org = OrganisationFactory(members=[applicant])
    keep = FinancialYearFactory(organisation=org, year=2022)
    drop = FinancialYearFactory(organisation=org, year=2021)
    changes = RowChanges(saved=[(None, fy_values(2023)), (keep, fy_values(2022, "2000000"))], deleted=[drop])
    profile_save_financial_years(actor=applicant, organisation=org, changes=changes)
    figures = {fy.year: fy.sales_revenue for fy in org.financial_years.all()}
    assert figures == {2023: Decimal("1000000"), 2022: Decimal("2000000")}
    [event] = events("financial_years_save")
    assert event.data == {"saved": ["2023", "2022"], "deleted": ["2021"]}


def test_profile_save_financial_years_negative_amount_changes_nothing(applicant):
    org = OrganisationFactory(members=[applicant])
    changes = RowChanges(saved=[(None, fy_values(2023)), (None, fy_values(2022, "-1"))])
    with pytest.raises(ValidationError) as info:
        profile_save_financial_years(actor=applicant, organisation=org, changes=changes)
    assert "sales_revenue" in info.value.message_dict
    assert not org.financial_years.exists()


def test_profile_save_financial_years_future_year_is_refused(applicant):
    org = OrganisationFactory(members=[applicant])
    with pytest.raises(ValidationError) as info:
        profile_save_financial_years(
            actor=applicant, organisation=org, changes=RowChanges(saved=[(None, fy_values(2999))])
        )
    assert "year" in info.value.message_dict


def test_profile_save_rows_of_another_organisation_are_refused(applicant):
    org = OrganisationFactory(members=[applicant])
    foreign = FinancialYearFactory(year=2020)
    with pytest.raises(PermissionDenied):
        profile_save_financial_years(actor=applicant, organisation=org, changes=RowChanges(deleted=[foreign]))
    with pytest.raises(PermissionDenied):
        profile_save_financial_years(
            actor=applicant, organisation=org, changes=RowChanges(saved=[(foreign, fy_values(2020, "1"))])
        )
    foreign.refresh_from_db()
    assert foreign.sales_revenue != Decimal("1")


@pytest.mark.parametrize("role", ["other_applicant", "reviewer"])
def test_profile_save_non_member_is_refused(request, role):
    org = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        profile_save_financial_years(
            actor=request.getfixturevalue(role),
            organisation=org,
            changes=RowChanges(saved=[(None, fy_values(2023))]),
        )
    assert not org.financial_years.exists()


def test_profile_save_patents_by_officer(officer):
    org = OrganisationFactory()
    old = PatentFactory(organisation=org)
    values = {
        "kind": PatentKind.UTILITY,
        "number": "ZL202220000001.1",
        "title": "",
        "granted_on": dt.date(2023, 1, 5),
        "status": "valid",
    }
    profile_save_patents(
        actor=officer, organisation=org, changes=RowChanges(saved=[(None, values)], deleted=[old])
    )
    assert list(org.patents.values_list("number", flat=True)) == ["ZL202220000001.1"]


def test_profile_save_patents_duplicate_number_is_refused(applicant):
    org = OrganisationFactory(members=[applicant])
    old = PatentFactory(organisation=org)
    values = {
        "kind": PatentKind.INVENTION,
        "number": old.number,
        "title": "",
        "granted_on": dt.date(2023, 1, 5),
        "status": "valid",
    }
    with pytest.raises(ValidationError):
        profile_save_patents(actor=applicant, organisation=org, changes=RowChanges(saved=[(None, values)]))
    assert org.patents.count() == 1


def test_profile_save_certifications_end_before_start_is_refused(applicant):
    org = OrganisationFactory(members=[applicant])
    values = {
        "standard": "GB/T 29490",
        "certificate_number": "X",
        "valid_from": dt.date(2024, 1, 1),
        "valid_until": dt.date(2023, 1, 1),
    }
    with pytest.raises(ValidationError) as info:
        profile_save_certifications(
            actor=applicant, organisation=org, changes=RowChanges(saved=[(None, values)])
        )
    assert "valid_until" in info.value.message_dict
    assert not org.certifications.exists()


def test_profile_save_certifications_updates_a_row(applicant):
    org = OrganisationFactory(members=[applicant])
    cert = CertificationFactory(organisation=org)
    values = {
        "standard": "GB/T 29490-2023",
        "certificate_number": cert.certificate_number,
        "valid_from": cert.valid_from,
        "valid_until": cert.valid_until,
    }
    profile_save_certifications(actor=applicant, organisation=org, changes=RowChanges(saved=[(cert, values)]))
    cert.refresh_from_db()
    assert cert.standard == "GB/T 29490-2023"


def test_organisation_profile_save_is_all_or_nothing(applicant):
    org = OrganisationFactory(members=[applicant], full_time_staff=10)
    bad_patent = {
        "kind": PatentKind.INVENTION,
        "number": "ZL1",
        "title": "",
        "granted_on": dt.date(2999, 1, 1),
        "status": "valid",
    }
    with pytest.raises(ValidationError):
        organisation_profile_save(
            actor=applicant,
            organisation=org,
            fields={"full_time_staff": 99},
            financial_years=RowChanges(saved=[(None, fy_values(2023))]),
            patents=RowChanges(saved=[(None, bad_patent)]),
        )
    org.refresh_from_db()
    assert org.full_time_staff == 10
    assert not FinancialYear.objects.filter(organisation=org).exists()
    assert not Patent.objects.filter(organisation=org).exists()
    assert not AuditEvent.objects.exists()


# ---------------------------------------------------------------- project records


def record_values(**overrides) -> dict:
    values = {
        "title": "2019年度高价值专利培育项目",
        "level": RecordLevel.DISTRICT,
        "category": AwardCategory.HIGH_VALUE_PATENT,
        "awarded_on": dt.date(2019, 9, 1),
        "acceptance": AcceptanceOutcome.PASSED,
        "accepted_on": dt.date(2021, 9, 1),
        "note": "",
    }
    return values | overrides


def test_project_record_create_by_officer(officer):
    org = OrganisationFactory()
    record = project_record_create(actor=officer, organisation=org, **record_values())
    assert record.recorded_by == officer and record.source == "officer"
    [event] = events("project_record_create")
    assert event.to_state == "passed" and event.object_id == str(record.pk)


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_project_record_create_non_officer_is_refused(request, role):
    user = request.getfixturevalue(role)
    org = OrganisationFactory(members=[user] if role == "applicant" else [])
    with pytest.raises(PermissionDenied):
        project_record_create(actor=user, organisation=org, **record_values())
    assert not ProjectRecord.objects.exists()


def test_project_record_create_needs_acceptance_date(officer):
    org = OrganisationFactory()
    with pytest.raises(ValidationError) as info:
        project_record_create(actor=officer, organisation=org, **record_values(accepted_on=None))
    assert "accepted_on" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        project_record_create(
            actor=officer, organisation=org, **record_values(accepted_on=dt.date(2018, 1, 1))
        )
    assert "accepted_on" in info.value.message_dict
    assert not ProjectRecord.objects.exists()


def test_project_record_update_records_the_outcome_change(officer, admin):
    record = ProjectRecordFactory(recorded_by=officer)
    project_record_update(
        actor=admin, record=record, acceptance=AcceptanceOutcome.FAILED, accepted_on=dt.date(2022, 1, 1)
    )
    record.refresh_from_db()
    assert record.acceptance == "failed" and record.recorded_by == admin
    [event] = events("project_record_update")
    assert (event.from_state, event.to_state) == ("pending", "failed")


def test_project_record_update_back_to_pending_clears_the_date(officer):
    record = ProjectRecordFactory(acceptance=AcceptanceOutcome.PASSED, accepted_on=dt.date(2022, 1, 1))
    project_record_update(actor=officer, record=record, acceptance=AcceptanceOutcome.PENDING)
    record.refresh_from_db()
    assert record.accepted_on is None


def test_project_record_update_applicant_is_refused(applicant):
    record = ProjectRecordFactory(organisation=OrganisationFactory(members=[applicant]))
    with pytest.raises(PermissionDenied):
        project_record_update(actor=applicant, record=record, title="改过")
    record.refresh_from_db()
    assert record.title != "改过"
