"""Each guide's counts and figures, checked against the guide text in ../shared/guides."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from programs.models import (
    KPI,
    EligibilityRule,
    KPIGroup,
    Material,
    Origin,
    Program,
    Rubric,
    RuleKind,
    Track,
    Tranche,
)
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

GUIDES_DIR = Path(settings.BASE_DIR).parent / "shared" / "guides"
WAN = Decimal("10000")


def guide_text(name: str) -> str:
    path = GUIDES_DIR / name
    if not path.exists():  # the guides live beside the repository (shared/); CI has them there
        pytest.fail(f"guide text {path} not found; the suite needs ../shared/guides beside the checkout")
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8"))


def test_guides_five_programs_and_46_tracks():
    counts = {p.code: p.tracks.count() for p in Program.objects.all()}
    assert counts == {
        "guangdong-2021-ip-cluster-centers": 2,
        "qingyuan-2023-ip-reserve-projects": 18,
        "yuexiu-2018-ip-operation-fund-plan": 9,
        "nansha-2024-high-value-patent-center": 1,
        "fangchenggang-2022-ip-projects": 16,
    }
    assert Track.objects.count() == 46


def test_guides_yuexiu_amounts_match_the_table():
    text = guide_text("yuexiu-2018-ip-operation-fund-plan.txt")
    tracks = list(Track.objects.filter(program__code="yuexiu-2018-ip-operation-fund-plan").order_by("position"))
    assert len(tracks) == 9
    for track in tracks:
        first, second = track.tranches.order_by("seq")
        assert (first.share_percent, second.share_percent) == (Decimal("60"), Decimal("40"))
        assert first.amount + second.amount == track.budget
        # "项目资金：170万元（第一批102万元，第二批68万元）" — every figure stands in the guide.
        wan = [f"{(a / WAN).normalize():f}万元" for a in (track.budget, first.amount, second.amount)]
        assert f"项目资金：{wan[0]}（第一批{wan[1]}，第二批{wan[2]}" in text, track.code
    assert sum(t.budget for t in tracks) == Decimal("10000000.00")
    firsts = Tranche.objects.filter(track__in=tracks, seq=1)
    seconds = Tranche.objects.filter(track__in=tracks, seq=2)
    assert sum(t.amount for t in firsts) == Decimal("6000000.00")
    assert sum(t.amount for t in seconds) == Decimal("4000000.00")
    program = Program.objects.get(code="yuexiu-2018-ip-operation-fund-plan")
    assert program.total_budget == Decimal("10000000.00")


def test_guides_yuexiu_award_counts():
    tracks = Track.objects.filter(program__code="yuexiu-2018-ip-operation-fund-plan").order_by("position")
    assert [(t.max_awards, t.awards_is_maximum) for t in tracks] == [
        (1, False), (1, False), (1, False), (1, False), (1, False), (1, False), (10, True), (2, False), (1, False)
    ]
    item7 = tracks.get(code="7")
    assert item7.budget == Decimal("600000.00")
    item8 = tracks.get(code="8")
    assert item8.budget == Decimal("1000000.00")


def test_guides_nansha_track_money_and_rules():
    text = guide_text("nansha-2024-high-value-patent-center.txt")
    track = Track.objects.get(program__code="nansha-2024-high-value-patent-center")
    assert track.budget == Decimal("300000.00") and "该项目资金为30万元" in text
    assert [(t.share_percent, t.amount) for t in track.tranches.order_by("seq")] == [
        (Decimal("50"), Decimal("150000.00")), (Decimal("50"), Decimal("150000.00"))
    ]
    assert track.partner_limit == 2 and "联合申报单位最多不超过2家" in text
    rd = track.rules.get(kind=RuleKind.RD_INTENSITY)
    assert Decimal(rd.params["min_percent"]) == 3 and rd.params["years"] == 3
    ip = track.rules.get(kind=RuleKind.IP_SPEND_SHARE)
    assert Decimal(ip.params["min_percent"]) == 3
    program = track.program
    # 2024年6月—7月 is the start-up phase (publication, review, contract), not an application window.
    assert program.call_opens is None and program.call_closes is None and program.call_window_text == ""
    assert "（一）项目启动阶段（2024年6月—2024年7月）" in program.timeline_text
    portfolio = track.kpis.get(target=Decimal("15"))
    assert portfolio.unit == "件" and "不少于15件" in text


def test_guides_guangdong_matching_funds_and_kpis():
    text = guide_text("guangdong-2021-ip-cluster-centers.txt")
    for track in Track.objects.filter(program__code="guangdong-2021-ip-cluster-centers"):
        rule = track.rules.get(kind=RuleKind.MATCHING_FUNDS)
        assert Decimal(rule.params["min_amount"]) == Decimal("500000") and "配套资金50万元以上" in text
        assert track.kpis.filter(target=Decimal("50"), unit="件").exists()
        assert track.joint_policy == "required"
        assert track.materials.count() == 5


@pytest.mark.parametrize("code", [p.stem for p in Path(settings.BASE_DIR, "fixtures").glob("*-20*.yaml")])
def test_guides_every_quoted_sentence_stands_in_the_guide(code):
    """Rules, KPI sentences and materials quote the guide; nothing is invented."""
    text = guide_text(f"{code}.txt")
    program = Program.objects.get(code=code)
    for rule in EligibilityRule.objects.filter(track__program=program):
        assert re.sub(r"\s+", "", rule.text) in text, rule.text
    for kpi in KPI.objects.filter(track__program=program).exclude(text=""):
        assert re.sub(r"\s+", "", kpi.text) in text, kpi.text
        if kpi.target is not None and kpi.unit:
            # The number itself appears in the guide, as digits or (for 三) in words.
            number = f"{kpi.target.normalize():f}"
            assert number in text or kpi.target == 3, (kpi.metric, number)
    for material in Material.objects.filter(track__program=program, origin=Origin.GUIDE):
        assert re.sub(r"\s+", "", material.title).strip("《》") in text, material.title
    # The v2 text fields quote the guide too: KPI groups, the schedule, procedure, call window, titles.
    for group in KPIGroup.objects.filter(track__program=program):
        assert re.sub(r"\s+", "", group.text) in text, group.text
    quoted = [program.timeline_text, program.call_window_text]
    for track in program.tracks.all():
        quoted += [track.procedure_text, track.title, track.applicant_text]
    for line in (line for block in quoted for line in block.splitlines() if line.strip()):
        assert re.sub(r"\s+", "", line) in text, line


def test_guides_every_numeric_kpi_has_target_and_unit():
    assert not KPI.objects.filter(qualitative=False, target__isnull=True).exists()
    assert not KPI.objects.filter(qualitative=False, unit="").exists()
    assert KPI.objects.filter(qualitative=False).count() > 50


def test_guides_reloading_updates_and_never_duplicates():
    before = {m: m.objects.count() for m in (Program, Track, Tranche, KPI, EligibilityRule, Material, Rubric)}
    nansha = Track.objects.get(program__code="nansha-2024-high-value-patent-center")
    nansha.title = "edited by an admin"
    nansha.save(update_fields=["title"])
    call_command("loaddata", *FIXTURES, verbosity=0)
    after = {m: m.objects.count() for m in before}
    assert after == before
    nansha.refresh_from_db()
    assert nansha.title == "高价值专利培育布局中心建设"


def test_guides_portal_rubric_is_labelled_and_weighs_100():
    rubric = Rubric.objects.get(is_portal_default=True)
    assert rubric.source == Rubric.Source.PORTAL
    assert sum(c.weight for c in rubric.criteria.all()) == Decimal("100")
