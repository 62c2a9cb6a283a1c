import pytest
from django.urls import reverse

from organisations.models import Organisation
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


def test_admin_changelist_and_change_page_render(client, admin, applicant):
    org = OrganisationFactory(members=[applicant])
    FinancialYearFactory(organisation=org)
    PatentFactory(organisation=org)
    CertificationFactory(organisation=org)
    ProjectRecordFactory(organisation=org)
    client_for(client, admin)
    response = client.get(reverse("admin:organisations_organisation_changelist"), {"q": org.uscc})
    assert response.status_code == 200 and org.name in response.content.decode()
    response = client.get(reverse("admin:organisations_organisation_change", args=[org.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="zh-hans"' in body and "保存" in body  # the admin speaks Chinese by default


def test_admin_normalises_and_checks_the_code(client, admin):
    client_for(client, admin)
    code = make_uscc(31337)
    data = {
        "name": "后台录入单位",
        "uscc": code.lower()[:9] + " " + code.lower()[9:],
        "region": "440115",
        "org_type": "enterprise",
        "is_legal_person": "on",
    }
    for prefix in ("memberships", "financial_years", "patents", "certifications", "project_records"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:organisations_organisation_add"), data)
    assert response.status_code == 302
    assert Organisation.objects.get(name="后台录入单位").uscc == code
    response = client.post(reverse("admin:organisations_organisation_add"), data | {"uscc": code[:17] + "Z"})
    assert response.status_code == 200 and response.context["adminform"].form.has_error("uscc", "charset")
