"""The five guides' calls opened (Yuexiu's draft for comment published) and organisations of the kinds the issue
names: a Nansha patent-heavy firm, a patent agency in Qingyuan and a university in Qingyuan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from organisations.choices import OrgType
from organisations.models import Region
from programs.models import Program
from programs.selectors import office_today
from programs.services import program_publish, program_set_call_window
from tests.organisations.factories import (
    CertificationFactory,
    FinancialYearFactory,
    OrganisationFactory,
    PatentFactory,
)

NANSHA = "nansha-2024-high-value-patent-center"
YUEXIU = "yuexiu-2018-ip-operation-fund-plan"
GUANGDONG = "guangdong-2021-ip-cluster-centers"
QINGYUAN = "qingyuan-2023-ip-reserve-projects"
FANGCHENGGANG = "fangchenggang-2022-ip-projects"


def open_call(officer, code: str, *, opens_in: int = -3, days: int = 30) -> Program:
    today = office_today()
    program = Program.objects.get(code=code)
    opens = today + dt.timedelta(days=opens_in)
    program = program_set_call_window(actor=officer, program=program, opens=opens,
                                      closes=opens + dt.timedelta(days=days))
    if program.is_draft_for_comment and program.published_at is None:
        program = program_publish(actor=officer, program=program, reason="区局党组会决定 2026-11-30")
    return program


@pytest.fixture
def calls_open(officer):
    """Every guide's call open today (for a month)."""
    return {code: open_call(officer, code) for code in (NANSHA, YUEXIU, GUANGDONG, QINGYUAN, FANGCHENGGANG)}


def patent_heavy_firm(members=(), region="440115", **kwargs):
    """An enterprise with R&D at 6 % of sales and IP spend at 20 % of R&D in each of the last three years, and
    twenty valid invention patents."""
    firm = OrganisationFactory(region=Region.objects.get(pk=region), org_type=OrgType.ENTERPRISE,
                               members=list(members), **kwargs)
    year = office_today().year
    for n in range(1, 4):
        FinancialYearFactory(organisation=firm, year=year - n, sales_revenue=Decimal("50000000.00"),
                             rd_spend=Decimal("3000000.00"), ip_spend=Decimal("600000.00"))
    for _n in range(20):
        PatentFactory(organisation=firm)
    CertificationFactory(organisation=firm)
    return firm


def organisation_of(org_type: str, region: str, members=()):
    return OrganisationFactory(region=Region.objects.get(pk=region), org_type=org_type, members=list(members))
