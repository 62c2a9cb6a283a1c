import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from organisations.models import AcceptanceOutcome, Membership, Organisation, ProjectRecord
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
    data = form_data(context["form"], context["financial_years"], context["patents"], context["certifications"])
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


@pytest.mark.parametrize("role", ["applicant", "officer"])
def test_list_query_count_is_fixed(request, client, django_assert_num_queries, role):
    user = request.getfixturevalue(role)
    client_for(client, user)
    members = [user] if role == "applicant" else []
    OrganisationFactory(members=members, region_id="440100")
    with django_assert_num_queries(0) as one:
        pass
    response = client.get(url("list"))
    assert len(response.context["page"]) == 1
    with django_assert_num_queries(len(capture_queries(client))) as _:
        pass
    for n in range(29):
        region = "440000" if n % 2 else "440115"
        OrganisationFactory(members=members, region_id=region, uscc=make_uscc(500 + n, region))
    with django_assert_num_queries(len(one.captured_queries) or len(capture_queries(client))):
        response = client.get(url("list"))
    assert len(response.context["page"]) == 20 and response.context["page"].paginator.count == 30
