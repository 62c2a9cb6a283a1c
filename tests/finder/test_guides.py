"""Issue 20's "done when" on the five guides' real fixtures: who is told it qualifies for what, and why not."""

from __future__ import annotations

import pytest

from finder.matching import AREA
from finder.selectors import organisation_rows
from finder.verdicts import ELIGIBLE, NOT_ELIGIBLE
from organisations.choices import OrgType, org_type_admitted
from programs.models import RuleKind

from .conftest import GUANGDONG, NANSHA, QINGYUAN, YUEXIU, organisation_of, patent_heavy_firm

pytestmark = pytest.mark.django_db


def _by_track(rows):
    return {(row.track.program.code, row.track.code): row for row in rows}


def test_finder_nansha_firm_qualifies_for_nansha_1_not_yuexiu_1(calls_open):
    firm = patent_heavy_firm()
    rows = _by_track(organisation_rows(firm))

    nansha = rows[(NANSHA, "1")]
    assert nansha.match.verdict == ELIGIBLE
    assert not nansha.match.failing
    assert nansha.passed == len(nansha.match.results) > 0

    yuexiu = rows[(YUEXIU, "1")]
    assert yuexiu.match.verdict == NOT_ELIGIBLE
    [wrong_district] = yuexiu.match.failing
    assert wrong_district.kind == AREA
    assert wrong_district.message.values["area"].endswith("越秀区")
    assert wrong_district.message.values["region"].endswith("南沙区")
    assert "越秀区" in wrong_district.reason and "南沙区" in wrong_district.reason
    # Nansha's own track comes before everything it cannot win.
    order = [r.track for r in organisation_rows(firm)]
    assert order.index(nansha.track) < order.index(yuexiu.track)


def test_finder_nansha_firm_told_why_not_and_where_to_fix(calls_open):
    """A firm short of R&D: Nansha 1's 原则上 condition fails softly (it may still apply and explain)."""
    firm = patent_heavy_firm()
    firm.financial_years.update(rd_spend=1000000)  # 2 % of sales
    row = _by_track(organisation_rows(firm))[(NANSHA, "1")]
    assert row.match.verdict == "soft"
    [soft] = [r for r in row.rows if r.result.soft_failure]
    assert soft.result.kind == RuleKind.RD_INTENSITY
    assert soft.fix_url.endswith(f"/organisations/{firm.pk}/#years")


def test_finder_patent_agency_sees_guangdong_and_qingyuan_17(calls_open):
    agency = organisation_of(OrgType.PATENT_AGENCY, "441802")
    rows = _by_track(organisation_rows(agency))
    for key in ((GUANGDONG, "1"), (GUANGDONG, "2"), (QINGYUAN, "17")):
        assert rows[key].match.verdict == ELIGIBLE, key
    # An enterprise-only track is not offered, with the type named as the reason.
    [reason] = rows[(QINGYUAN, "5")].match.failing[:1]
    assert reason.kind == RuleKind.ORG_TYPE


def test_finder_university_sees_the_tracks_that_admit_universities(calls_open):
    university = organisation_of(OrgType.UNIVERSITY, "441802")
    rows = organisation_rows(university)
    assert rows
    admitting = set()
    for row in rows:
        types = [r for r in row.track.finder_rules if r.kind == RuleKind.ORG_TYPE]
        in_area = row.track.program.code == QINGYUAN or any(r.kind == RuleKind.REGION for r in row.track.finder_rules)
        if types and all(org_type_admitted(OrgType.UNIVERSITY, r.params["types"]) for r in types) and in_area:
            admitting.add((row.track.program.code, row.track.code))
    offered = {(r.track.program.code, r.track.code) for r in rows if r.match.verdict != NOT_ELIGIBLE}
    assert (QINGYUAN, "3") in offered
    assert offered == admitting
    for row in rows:
        if (row.track.program.code, row.track.code) not in offered:
            assert row.match.failing and all(r.reason for r in row.match.failing)
