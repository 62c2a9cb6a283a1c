import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from organisations.models import AcceptanceOutcome, Organisation, ProjectRecord
from tests.conftest import client_for

from .factories import (
    CertificationFactory,
    FinancialYearFactory,
    OrganisationFactory,
    PatentFactory,
    ProjectRecordFactory,
    make_uscc,
)

pytestmark = pytest.mark.django_db

ROLES_WITHOUT_ACCESS = ["other_applicant", "reviewer"]


def url(name: str, *args) -> str:
    return reverse(f"organisations:{name}", args=args)


def as_post_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def form_data(*forms_and_formsets) -> dict:
    """What a browser would submit for these unbound forms and formsets, as rendered."""
    data: dict = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is False:
                continue
            data[field.html_name] = "on" if value is True else as_post_value(value)

    for item in forms_and_formsets:
        if hasattr(item, "management_form"):
            add(item.management_form)
            for form in item.forms:
                add(form)
        else:
            add(item)
    return data


def edit_data(client, org, **overrides) -> dict:
    context = client.get(url("edit", org.pk)).context
    data = form_data(
        context["form"], context["financial_years"], context["patents"], context["certifications"]
    )
    return data | overrides


def messages_of(response) -> list[str]:
    return [m.level_tag for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------- list


def test_list_applicant_sees_only_their_organisations(client, applicant):
    mine = OrganisationFactory(members=[applicant])
    OrganisationFactory()
    response = client_for(client, applicant).get(url("list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [mine]


def test_list_officer_sees_all_and_filters_by_name_or_code(client, officer):
    first = OrganisationFactory(name="甲科技有限公司")
    second = OrganisationFactory(name="乙知识产权服务有限公司")
    client_for(client, officer)
    assert set(client.get(url("list")).context["page"]) == {first, second}
    assert list(client.get(url("list"), {"q": "知识产权"}).context["page"]) == [second]
    assert list(client.get(url("list"), {"q": first.uscc[-6:].lower()}).context["page"]) == [first]


def test_list_officer_filters_by_region_including_districts(client, officer):
    nansha = OrganisationFactory()
    OrganisationFactory(region_id="441802", uscc=make_uscc(77, "441802"))
    response = client_for(client, officer).get(url("list"), {"region": "440100"})
    assert list(response.context["page"]) == [nansha]


def test_list_reviewer_gets_404(client, reviewer):
    assert client_for(client, reviewer).get(url("list")).status_code == 404


def test_list_anonymous_is_sent_to_sign_in(client):
    response = client.get(url("list"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_list_is_paginated(client, officer):
    OrganisationFactory.create_batch(25)
    response = client_for(client, officer).get(url("list"), {"page": 2})
    assert len(response.context["page"]) == 5 and response.context["page"].paginator.count == 25


@pytest.mark.parametrize(("role", "expected"), [("applicant", 5), ("officer", 5)])
def test_list_query_count_is_fixed(request, client, django_assert_num_queries, role, expected):
    """Session, user, the page with its total (cut on ids: one query), the header's unread notifications, and the
    applicant's invitations or the officer's region choices: 1 row or 30."""
    user = request.getfixturevalue(role)
    client_for(client, user)
    members = [user] if role == "applicant" else []
    OrganisationFactory(members=members)
    with django_assert_num_queries(expected):
        response = client.get(url("list"))
    assert len(response.context["page"]) == 1
    for n in range(29):
        region = ["440000", "440100", "440115"][n % 3]  # province, city and district: region paths differ
        OrganisationFactory(members=members, region_id=region, uscc=make_uscc(500 + n, region))
    with django_assert_num_queries(expected):
        response = client.get(url("list"), {"page": 2})
    assert len(response.context["page"]) == 10 and response.context["page"].paginator.count == 30
    body = response.content.decode()
    assert all(org.region.full_name in body for org in response.context["page"])


# ---------------------------------------------------------------- create


def create_data(**overrides) -> dict:
    data = {
        "name": "广州南沙新创科技有限公司",
        "uscc": make_uscc(4242),
        "region": "440115",
        "org_type": "enterprise",
        "is_legal_person": "on",
        "full_time_staff": "35",
        "park_enterprise_count": "",
        "address": "南沙区某路1号",
        "contact_name": "李四",
        "contact_phone": "020-88888888",
    }
    return data | overrides


def test_create_form_offers_regions_grouped_by_province_with_full_names(client, applicant):
    response = client_for(client, applicant).get(url("create"))
    assert response.status_code == 200
    groups = [label for label, options in response.context["form"].fields["region"].choices if label]
    assert groups == ["广东省", "广西壮族自治区"]
    body = response.content.decode()
    assert '<optgroup label="广东省">' in body and "广东省广州市南沙区</option>" in body


def test_create_by_applicant_redirects_to_edit_with_message(client, applicant):
    response = client_for(client, applicant).post(url("create"), create_data())
    org = Organisation.objects.get(name="广州南沙新创科技有限公司")
    assert response.status_code == 302 and response.url == url("edit", org.pk)
    assert list(org.members.all()) == [applicant]
    assert messages_of(response) == ["success"]


def test_create_accepts_lowercase_code_with_spaces(client, applicant):
    code = make_uscc(4243)
    spaced = f"{code[:6]} {code[6:12].lower()} {code[12:].lower()}"
    client_for(client, applicant).post(url("create"), create_data(uscc=spaced))
    assert Organisation.objects.filter(uscc=code).exists()


def test_create_by_officer(client, officer):
    response = client_for(client, officer).post(url("create"), create_data())
    assert response.status_code == 302
    assert Organisation.objects.filter(name="广州南沙新创科技有限公司").exists()


def test_create_reviewer_gets_404(client, reviewer):
    client_for(client, reviewer)
    assert client.get(url("create")).status_code == 404
    assert client.post(url("create"), create_data()).status_code == 404
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("uscc", "91440300MA5G1LCH6Y", "check"),
        ("uscc", "91440300MA5G1LCH6", "length"),
        ("uscc", "91440300MA5G1LCHIA", "charset"),
        ("region", "999999", "invalid_choice"),
        ("full_time_staff", "-3", "min_value"),
        ("name", "", "required"),
    ],
)
def test_create_bad_input_names_the_field_keeps_input_and_changes_nothing(
    client, applicant, field, value, code
):
    response = client_for(client, applicant).post(url("create"), create_data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert form.has_error(field, code)
    body = response.content.decode()
    assert 'value="广州南沙新创科技有限公司"' in body or field == "name"
    assert f'value="{value}"' in body or field in {"region", "name"}
    assert not Organisation.objects.exists()


def test_create_duplicate_code_points_to_membership(client, applicant):
    existing = OrganisationFactory()
    response = client_for(client, applicant).post(url("create"), create_data(uscc=existing.uscc))
    assert response.context["form"].has_error("uscc", "unique")
    assert Organisation.objects.count() == 1


# ---------------------------------------------------------------- detail


def test_detail_member_sees_profile_and_records_read_only(client, applicant):
    org = OrganisationFactory(members=[applicant])
    FinancialYearFactory(organisation=org, year=2023)
    PatentFactory(organisation=org, number="ZL202110000001.X")
    CertificationFactory(organisation=org, certificate_number="IPMS-42")
    record = ProjectRecordFactory(organisation=org, title="2019年度高价值专利培育项目")
    response = client_for(client, applicant).get(url("detail", org.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert org.uscc in body and "ZL202110000001.X" in body and "IPMS-42" in body and record.title in body
    assert url("record_edit", org.pk, record.pk) not in body
    assert url("records", org.pk) not in body


def test_detail_officer_sees_any_organisation_and_the_records_page_link(client, officer):
    org = OrganisationFactory()
    response = client_for(client, officer).get(url("detail", org.pk))
    assert response.status_code == 200 and url("records", org.pk) in response.content.decode()


@pytest.mark.parametrize("role", ROLES_WITHOUT_ACCESS)
def test_detail_non_member_gets_404(request, client, applicant, role):
    org = OrganisationFactory(members=[applicant])
    assert client_for(client, request.getfixturevalue(role)).get(url("detail", org.pk)).status_code == 404


def test_detail_unknown_pk_gets_404(client, officer):
    assert client_for(client, officer).get(url("detail", 999999)).status_code == 404


# ---------------------------------------------------------------- edit


def test_edit_prefills_the_last_three_years(client, applicant):
    org = OrganisationFactory(members=[applicant])
    last = timezone.localdate().year - 1
    FinancialYearFactory(organisation=org, year=last - 1)
    formset = client_for(client, applicant).get(url("edit", org.pk)).context["financial_years"]
    assert [f.instance.year for f in formset.initial_forms] == [last - 1]
    assert [f.initial.get("year") for f in formset.extra_forms] == [last, last - 2]


def test_edit_member_saves_profile_and_rows_together(client, applicant):
    org = OrganisationFactory(members=[applicant], full_time_staff=10)
    old_patent = PatentFactory(organisation=org)
    last = timezone.localdate().year - 1
    client_for(client, applicant)
    data = edit_data(
        client,
        org,
        full_time_staff="12",
        **{
            "fy-0-sales_revenue": "1000000",
            "fy-0-rd_spend": "60000",
            "fy-0-ip_spend": "9000",
            "patent-0-DELETE": "on",
            "patent-1-kind": "utility",
            "patent-1-number": "zl 2023 2 0000001.1",
            "patent-1-granted_on": "2023-05-01",
            "patent-1-status": "valid",
            "cert-0-certificate_number": "IPMS-1",
            "cert-0-valid_from": "2024-01-01",
            "cert-0-valid_until": "2027-01-01",
        },
    )
    response = client.post(url("edit", org.pk), data)
    assert response.status_code == 302 and response.url == url("detail", org.pk)
    org.refresh_from_db()
    assert org.full_time_staff == 12
    assert [(fy.year, fy.sales_revenue) for fy in org.financial_years.all()] == [(last, Decimal("1000000"))]
    assert list(org.patents.values_list("number", flat=True)) == ["ZL202320000001.1"]
    assert not org.patents.filter(pk=old_patent.pk).exists()
    assert org.certifications.get().standard == "GB/T 29490"


def test_edit_untouched_submit_changes_nothing(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    response = client.post(url("edit", org.pk), edit_data(client, org))
    assert response.status_code == 302
    assert not org.financial_years.exists() and not org.patents.exists() and not org.certifications.exists()


def test_edit_bad_row_keeps_input_and_changes_nothing(client, applicant):
    org = OrganisationFactory(members=[applicant], name="原来的名称")
    client_for(client, applicant)
    data = edit_data(
        client,
        org,
        name="新的名称",
        **{"fy-0-sales_revenue": "-5", "fy-0-rd_spend": "60000", "fy-0-ip_spend": "9000"},
    )
    response = client.post(url("edit", org.pk), data)
    assert response.status_code == 200
    assert response.context["financial_years"].forms[0].has_error("sales_revenue", "min_value")
    assert response.context["form"].is_valid()
    body = response.content.decode()
    assert 'value="-5"' in body and 'value="新的名称"' in body
    assert '<h1 class="h3 mb-3">原来的名称</h1>' in body
    org.refresh_from_db()
    assert org.name == "原来的名称" and not org.financial_years.exists()
    assert messages_of(response) == ["error"]


def test_edit_half_filled_row_names_the_missing_fields(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    response = client.post(url("edit", org.pk), edit_data(client, org, **{"fy-1-sales_revenue": "100"}))
    errors = response.context["financial_years"].forms[1].errors
    assert set(errors) == {"rd_spend", "ip_spend"}
    assert not org.financial_years.exists()


def test_edit_bad_code_names_the_position(client, applicant):
    org = OrganisationFactory(members=[applicant])
    code = org.uscc
    client_for(client, applicant)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(url("edit", org.pk), edit_data(client, org, uscc=wrong))
    assert response.context["form"].has_error("uscc", "check")
    org.refresh_from_db()
    assert org.uscc == code


def test_edit_duplicate_patent_numbers_are_refused(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    data = edit_data(
        client,
        org,
        **{
            "patent-TOTAL_FORMS": "2",
            "patent-0-kind": "invention",
            "patent-0-number": "ZL1",
            "patent-0-granted_on": "2023-05-01",
            "patent-0-status": "valid",
            "patent-1-kind": "invention",
            "patent-1-number": "ZL1",
            "patent-1-granted_on": "2023-05-02",
            "patent-1-status": "valid",
        },
    )
    response = client.post(url("edit", org.pk), data)
    assert response.status_code == 200 and response.context["patents"].non_form_errors()
    assert not org.patents.exists()


def test_edit_officer_may_edit_any_organisation(client, officer):
    org = OrganisationFactory(full_time_staff=10)
    client_for(client, officer)
    response = client.post(url("edit", org.pk), edit_data(client, org, full_time_staff="11"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.full_time_staff == 11


@pytest.mark.parametrize("role", ROLES_WITHOUT_ACCESS)
def test_edit_non_member_gets_404(request, client, applicant, role):
    org = OrganisationFactory(members=[applicant], name="原来的名称")
    client_for(client, request.getfixturevalue(role))
    assert client.get(url("edit", org.pk)).status_code == 404
    assert client.post(url("edit", org.pk), {"name": "改"}).status_code == 404
    org.refresh_from_db()
    assert org.name == "原来的名称"


# ---------------------------------------------------------------- members


# (members pages: tests/organisations/test_members.py)


# ---------------------------------------------------------------- project records


def record_data(**overrides) -> dict:
    data = {
        "title": "2019年度高价值专利培育项目",
        "level": "district",
        "category": "high_value_patent",
        "awarded_on": "2019-09-01",
        "acceptance": "passed",
        "accepted_on": "2021-09-01",
        "note": "",
    }
    return data | overrides


def test_records_officer_adds_a_record(client, officer):
    org = OrganisationFactory()
    client_for(client, officer)
    assert client.get(url("records", org.pk)).status_code == 200
    response = client.post(url("records", org.pk), record_data())
    assert response.status_code == 302
    record = org.project_records.get()
    assert record.recorded_by == officer and record.acceptance == AcceptanceOutcome.PASSED


def test_records_bad_input_names_the_field_and_changes_nothing(client, officer):
    org = OrganisationFactory()
    response = client_for(client, officer).post(url("records", org.pk), record_data(accepted_on=""))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["accepted_on"]
    assert 'value="2019年度高价值专利培育项目"' in response.content.decode()
    assert not ProjectRecord.objects.exists()


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer"])
def test_records_non_officer_gets_404_even_as_member(request, client, applicant, role):
    org = OrganisationFactory(members=[applicant])
    client_for(client, request.getfixturevalue(role))
    assert client.get(url("records", org.pk)).status_code == 404
    assert client.post(url("records", org.pk), record_data()).status_code == 404
    assert not ProjectRecord.objects.exists()


def test_record_edit_officer_updates_the_outcome(client, officer):
    record = ProjectRecordFactory()
    org = record.organisation
    client_for(client, officer)
    assert client.get(url("record_edit", org.pk, record.pk)).status_code == 200
    response = client.post(
        url("record_edit", org.pk, record.pk),
        record_data(title=record.title, acceptance="failed", accepted_on="2022-03-01"),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.acceptance == "failed" and record.accepted_on == dt.date(2022, 3, 1)


def test_record_edit_wrong_organisation_or_role_gets_404(client, officer, applicant):
    record = ProjectRecordFactory(organisation=OrganisationFactory(members=[applicant]))
    other = OrganisationFactory()
    assert client_for(client, officer).get(url("record_edit", other.pk, record.pk)).status_code == 404
    client_for(client, applicant)
    assert client.get(url("record_edit", record.organisation.pk, record.pk)).status_code == 404


def test_edit_member_records_a_separately_counted_branch(client, applicant):
    """Nansha's legal-person rule admits 单独入统的分公司: the member says so in the profile."""
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    data = edit_data(client, org)
    data.pop("is_legal_person", None)
    data["is_separately_counted_branch"] = "on"
    response = client.post(url("edit", org.pk), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert not org.is_legal_person and org.is_separately_counted_branch
    assert "单独入统" in client.get(url("detail", org.pk)).content.decode()
