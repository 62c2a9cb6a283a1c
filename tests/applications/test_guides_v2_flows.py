"""Guides v2 as applicants and officers meet it: pre-checks, soft conditions, KPI groups, award money."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Status
from organisations.models import FinancialYear
from programs.models import KPI, AwardMode, KPIGroup, Track
from tests.organisations.factories import PatentFactory, ProjectRecordFactory

from .conftest import make_org, valid_draft, valid_submission

pytestmark = pytest.mark.django_db


def _group_first_two(track: Track, min_count: int = 1) -> list[KPI]:
    group = KPIGroup.objects.create(track=track, code="A", min_count=min_count, text="二者满足其一")
    kpis = [k for k in track.kpis.order_by("seq") if not k.qualitative][:2]
    KPI.objects.filter(pk__in=[k.pk for k in kpis]).update(group=group)
    return kpis


def test_kpi_group_one_of_two_committed_submits(applicant, ready_draft, nansha):
    first, second = _group_first_two(nansha)
    data = valid_submission(nansha)
    data.kpis[second.pk] = (None, "")
    app = services.application_submit(actor=applicant, application=ready_draft, data=data)
    assert app.status == Status.SUBMITTED
    assert app.kpi_commitments.get(kpi=first).value == first.target


def test_kpi_group_none_committed_is_refused_naming_the_group(applicant, ready_draft, nansha):
    first, second = _group_first_two(nansha)
    data = valid_submission(nansha)
    data.kpis[first.pk] = (first.target - 1, "")
    data.kpis[second.pk] = (None, "")
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=applicant, application=ready_draft, data=data)
    (message,) = exc.value.message_dict[f"kpi_{first.pk}"]
    assert first.metric in message and second.metric in message
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT


def test_kpi_group_form_leaves_group_members_optional_and_shows_the_group(client, applicant, draft, nansha):
    first, second = _group_first_two(nansha)
    client.force_login(applicant)
    data = valid_draft(nansha) | {f"kpi_{second.pk}": "", "action": "save"}
    client.post(reverse("applications:edit", args=[draft.pk]), data)
    body = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert 'class="kpi-group" data-min="1"' in body and "二者满足其一" in body
    from applications.forms import ApplicationForms

    forms = ApplicationForms(nansha, data=data)
    assert forms.is_valid(), forms.main.errors


def test_track_page_shows_kpi_group(client, nansha):
    _group_first_two(nansha)
    body = client.get(reverse("programs:track", args=[nansha.program.code, nansha.code])).content.decode()
    assert "kpi-group" in body and "二者满足其一" in body


@pytest.mark.parametrize("mode, requested, ok", [
    (AwardMode.FIXED, "300000", True), (AwardMode.FIXED, "200000", False),
    (AwardMode.CAP, "200000", True), (AwardMode.CAP, "300000.01", False),
    (AwardMode.POOL, "300000", True), (AwardMode.POOL, "300001", False),
])
def test_award_problems_follow_the_track_money_rule(nansha, mode, requested, ok):
    from applications.checks import award_problems

    nansha.award_mode = mode
    assert (award_problems(nansha, Decimal(requested)) == []) is ok


def test_soft_failure_shown_on_check_page_with_explanation_box(client, applicant, org, ready_draft, nansha):
    rule = nansha.rules.get(kind="rd_intensity")
    nansha.rules.filter(pk=rule.pk).update(soft=True)
    FinancialYear.objects.filter(organisation=org).update(rd_spend=Decimal("290000"))  # 2.9 %
    client.force_login(applicant)
    body = client.get(reverse("applications:check", args=[ready_draft.pk])).content.decode()
    assert f'name="explain-{rule.pk}"' in body and "2.9" in body
    assert 'name="action" value="submit"' in body  # a soft failure does not block


def test_soft_failure_submitted_through_the_form_and_seen_by_the_officer(client, applicant, officer, org,
                                                                         ready_draft, nansha):
    rule = nansha.rules.get(kind="rd_intensity")
    nansha.rules.filter(pk=rule.pk).update(soft=True)
    FinancialYear.objects.filter(organisation=org).update(rd_spend=Decimal("290000"))
    client.force_login(applicant)
    url = reverse("applications:edit", args=[ready_draft.pk])
    refused = client.post(url, valid_draft(nansha) | {"action": "submit"})
    assert f'href="#explain-{rule.pk}"' in refused.content.decode()
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT
    client.post(url, valid_draft(nansha) | {"action": "submit", f"explain-{rule.pk}": "2025年研发投入已达4%"})
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.SUBMITTED
    assert ready_draft.explanations == {str(rule.pk): "2025年研发投入已达4%"}
    client.force_login(officer)
    body = client.get(reverse("applications:detail", args=[ready_draft.pk])).content.decode()
    assert "soft-failure" in body and "2025年研发投入已达4%" in body and "2.9" in body


@pytest.mark.parametrize("role", ["anonymous", "other_applicant", "reviewer", "officer", "admin"])
def test_track_precheck_only_for_the_members_own_organisation(client, request, role, applicant, nansha):
    make_org(applicant, name="南沙预检公司", region="440104")  # registered outside Nansha
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    body = client.get(reverse("programs:track", args=[nansha.program.code, nansha.code])).content.decode()
    assert "南沙预检公司" not in body and "precheck" not in body


def test_track_precheck_tells_the_member_what_fails_and_where_to_fix_it(client, applicant, nansha):
    org = make_org(applicant, name="越秀预检公司", region="440104")
    client.force_login(applicant)
    body = client.get(reverse("programs:track", args=[nansha.program.code, nansha.code])).content.decode()
    assert "越秀预检公司" in body and "alert-danger" in body
    assert reverse("organisations:edit", args=[org.pk]) in body  # the region is fixed in the profile
    start = client.get(reverse("applications:start", args=[nansha.pk])).content.decode()
    assert "越秀预检公司" in start and "alert-danger" in start


def test_track_precheck_passes_for_an_eligible_member(client, applicant, org, nansha):
    client.force_login(applicant)
    body = client.get(reverse("programs:track", args=[nansha.program.code, nansha.code])).content.decode()
    assert org.name in body and "alert-danger" not in body


def test_track_precheck_runs_a_fixed_number_of_queries(client, applicant, nansha):
    org = make_org(applicant)
    client.force_login(applicant)
    url = reverse("programs:track", args=[nansha.program.code, nansha.code])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    PatentFactory.create_batch(15, organisation=org)
    ProjectRecordFactory.create_batch(5, organisation=org)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one.captured_queries) == len(many.captured_queries)


def test_partner_uscc_is_checked_like_the_leads(client, applicant, draft, nansha):
    client.force_login(applicant)
    data = valid_draft(nansha) | {"partners-0-uscc": "124400004554162260", "action": "save"}
    body = client.post(reverse("applications:edit", args=[draft.pk]), data).content.decode()
    assert "is-invalid" in body
    draft.refresh_from_db()
    assert draft.draft["partners-0-uscc"] == "124400004554162260"  # kept as typed


def test_submitted_partner_is_linked_to_its_portal_profile(applicant, other_applicant, ready_draft, nansha):
    from applications.services import PartnerData

    partner_org = make_org(other_applicant, name="合作单位")
    data = valid_submission(nansha)
    data.partners = [PartnerData(name="合作单位", uscc=partner_org.uscc, org_type="enterprise")]
    app = services.application_submit(actor=applicant, application=ready_draft, data=data)
    assert app.partners.get().organisation == partner_org
