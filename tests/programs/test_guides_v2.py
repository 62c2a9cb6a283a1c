"""What the re-encoded guides say, item by item of issue 6 (each outcome traceable to a guide sentence)."""

from decimal import Decimal

import pytest

from programs.models import AwardMode, RuleKind, Track

from .test_guides import guide_text

pytestmark = pytest.mark.django_db

NANSHA = "nansha-2024-high-value-patent-center"


def track(program: str, code: str) -> Track:
    return Track.objects.select_related("program").get(program__code=program, code=code)


def test_guides_v2_nansha_rd_and_ip_spend_are_soft():
    t = track(NANSHA, "1")
    text = guide_text(f"{NANSHA}.txt")
    for kind in (RuleKind.RD_INTENSITY, RuleKind.IP_SPEND_SHARE):
        rule = t.rules.active().get(kind=kind)
        assert rule.soft and "原则上" in rule.text and rule.text in text
        assert rule.encoding_note
    # Only 原则上 conditions are soft.
    assert set(t.rules.filter(soft=True).values_list("kind", flat=True)) == {
        RuleKind.RD_INTENSITY, RuleKind.IP_SPEND_SHARE}


def test_guides_v2_nansha_legal_person_admits_a_separately_counted_branch():
    rule = track(NANSHA, "1").rules.get(kind=RuleKind.LEGAL_PERSON)
    assert rule.params == {"branch_exception": True}
    assert "单独入统的分公司视同具有独立法人资格" in rule.text


def test_guides_v2_nansha_states_a_senior_manager_target_and_a_midterm_check():
    t = track(NANSHA, "1")
    kpi = t.kpis.get(metric__contains="高管")
    assert (kpi.comparator, kpi.target, kpi.unit) == ("gte", Decimal("1"), "名")
    assert t.midterm_check is True and "严格做好项目中期检查" in t.procedure_text
    assert t.award_mode == AwardMode.FIXED and t.budget == Decimal("300000.00")
