"""The outcomes issue 6 names, on the real fixtures, as an applicant and an officer meet them."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.eligibility import Outcome, evaluate_rule, facts_for
from applications.forms import DECLARATION_TEXT
from applications.models import Status
from applications.services import BudgetData, SubmissionData
from organisations.choices import OrgType
from organisations.models import PatentKind
from programs.models import RuleKind, Track
from tests.organisations.factories import OrganisationFactory, PatentFactory

from .conftest import open_call

pytestmark = pytest.mark.django_db
QINGYUAN = "qingyuan-2023-ip-reserve-projects"
GUANGDONG = "guangdong-2021-ip-cluster-centers"
FANGCHENGGANG = "fangchenggang-2022-ip-projects"
NANSHA = "nansha-2024-high-value-patent-center"


def _rule(program: str, track: str, kind: str):
    return Track.objects.get(program__code=program, code=track).rules.active().get(kind=kind)


def _facts(org):
    return facts_for(organisation_id=org.pk, requested_amount=None, matching_funds=None, on=timezone.localdate())


def test_outcome_a_patent_agency_passes_qingyuan_17_type_rule():
    agency = OrganisationFactory(org_type=OrgType.PATENT_AGENCY, region_id="441802")
    assert evaluate_rule(_rule(QINGYUAN, "17", RuleKind.ORG_TYPE), _facts(agency)).outcome == Outcome.PASS


@pytest.mark.parametrize("track", ["1", "2"])
def test_outcome_a_trademark_agency_passes_guangdongs_type_rule(track):
    agency = OrganisationFactory(org_type=OrgType.TRADEMARK_AGENCY)
    assert evaluate_rule(_rule(GUANGDONG, track, RuleKind.ORG_TYPE), _facts(agency)).outcome == Outcome.PASS


def test_outcome_a_nansha_branch_counted_separately_passes_the_legal_person_rule():
    branch = OrganisationFactory(is_legal_person=False, is_separately_counted_branch=True)
    plain = OrganisationFactory(is_legal_person=False)
    rule = _rule(NANSHA, "1", RuleKind.LEGAL_PERSON)
    assert evaluate_rule(rule, _facts(branch)).outcome == Outcome.PASS
    assert evaluate_rule(rule, _facts(plain)).outcome == Outcome.FAIL


def test_outcome_fangchenggang_6_applicant_committing_to_one_of_two_targets_submits(applicant):
    track = Track.objects.select_related("program").get(program__code=FANGCHENGGANG, code="6")
    open_call(track.program)
    org = OrganisationFactory(members=[applicant])
    PatentFactory.create_batch(7, organisation=org, kind=PatentKind.UTILITY)
    PatentFactory.create_batch(3, organisation=org, kind=PatentKind.INVENTION)
    kpis = list(track.kpis.active())
    grouped = [k for k in kpis if k.group_id]
    assert len(grouped) == 2 and grouped[0].group.min_count == 1
    values = {k.pk: ((None, "按计划开展") if k.qualitative else (k.target, "")) for k in kpis if not k.group_id}
    values[grouped[0].pk] = (grouped[0].target, "")  # the first of the two; the other left empty
    values[grouped[1].pk] = (None, "")
    application = services.application_start(actor=applicant, track=track, organisation=org)
    data = SubmissionData(
        title="高价值专利培育转化", plan="培育高价值专利组合并推进转化。", requested_amount=Decimal("100000"),
        matching_funds=Decimal("0"), matching_committed=False, kpis=values,
        budget=[BudgetData("专利培育", "grant", Decimal("100000"))], declaration=str(DECLARATION_TEXT),
    )
    submitted = services.application_submit(actor=applicant, application=application, data=data)
    assert submitted.status == Status.SUBMITTED
    assert submitted.kpi_commitments.get(kpi=grouped[0]).value == grouped[0].target
    assert submitted.kpi_commitments.get(kpi=grouped[1]).value is None


def test_outcome_yuexiu_shows_draft_for_comment_on_every_page(client, applicant):
    program = "yuexiu-2018-ip-operation-fund-plan"
    track = Track.objects.filter(program__code=program).first()
    client.force_login(applicant)
    for url in (reverse("programs:program", args=[program]), reverse("programs:track", args=[program, track.code]),
                reverse("applications:start", args=[track.pk])):
        body = client.get(url).content.decode()
        assert "征求意见稿" in body and "draft-banner" in body, url
    catalogue = client.get(reverse("programs:catalogue")).content.decode()
    assert "征求意见稿" in catalogue
