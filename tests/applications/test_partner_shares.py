"""A partner's share of the grant (经费分配比例): typed in the application form, kept in the submitted version
(which the task book prints), refused when the partners would leave the lead unit nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications import services
from applications.forms import ApplicationForms
from applications.services import PartnerData

from .conftest import valid_draft, valid_submission

pytestmark = pytest.mark.django_db


def test_partner_share_read_from_the_form(nansha):
    forms = ApplicationForms(nansha, data=dict(valid_draft(nansha), **{"partners-0-share_percent": "30"}))
    assert forms.is_valid()
    (partner,) = forms.submission_data().partners
    assert (partner.role, partner.share_percent) == ("专利挖掘", Decimal("30"))


def test_partner_share_kept_in_the_submitted_version(applicant, ready_draft, nansha):
    data = valid_submission(nansha)
    data.partners = [PartnerData(name="华南理工大学", org_type="university", role="专利挖掘",
                                 share_percent=Decimal("30"))]
    application = services.application_submit(actor=applicant, application=ready_draft, data=data)
    (row,) = application.versions.get().snapshot["partners"]
    assert (row["role"], row["share_percent"]) == ("专利挖掘", "30.00")
    assert application.partners.get().share_percent == Decimal("30.00")


def test_partner_shares_leaving_the_lead_nothing_are_refused(applicant, ready_draft, nansha):
    data = valid_submission(nansha)
    data.partners = [PartnerData(name="华南理工大学", org_type="university", share_percent=Decimal("60")),
                     PartnerData(name="中山大学", org_type="university", share_percent=Decimal("40"))]
    with pytest.raises(ValidationError) as refused:
        services.application_submit(actor=applicant, application=ready_draft, data=data)
    assert "partners" in refused.value.message_dict
    ready_draft.refresh_from_db()
    assert ready_draft.status == "draft" and not ready_draft.versions.exists()
    data.partners[1].share_percent = Decimal("30")  # the lead keeps 10 %
    assert services.application_submit(actor=applicant, application=ready_draft, data=data).versions.count() == 1
