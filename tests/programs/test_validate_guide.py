import copy

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from programs.models import Program, Track

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted word for word, in English (they are also translated to Chinese)."""
    with translation.override("en"):
        yield

VALID = {
    "program": {
        "code": "test-guide",
        "title": "测试指南",
        "issuer": "测试局",
        "level": "district",
        "region": "440115",
        "year": 2024,
        "reference_prefix": "T2024",
        "tracks": [
            {
                "code": "1",
                "title": "测试项目",
                "budget": "100000.00",
                "tranches": [
                    {"share_percent": "60", "amount": "60000.00", "trigger": "on_approval"},
                    {"share_percent": "40", "amount": "40000.00", "trigger": "on_acceptance"},
                ],
                "kpis": [{"metric": "报告", "comparator": "gte", "target": "1", "unit": "份", "text": "形成1份报告"}],
                "rules": [{"kind": "rd_intensity", "params": {"min_percent": "3", "years": 3}, "text": "不低于3%"}],
                "materials": [{"title": "申报书"}],
            }
        ],
    }
}


def write(tmp_path, data) -> str:
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def bad(mutate):
    data = copy.deepcopy(VALID)
    mutate(data["program"])
    return data


CASES = {
    "shares": (
        lambda p: p["tracks"][0]["tranches"][0].update(share_percent="50"),
        "program.tracks[1] «1».tranches: tranche shares add up to 90 %, not 100 %",
    ),
    "weights": (
        lambda p: p.update(rubric={"code": "r", "title": "r", "criteria": [{"title": "a", "weight": "60"},
                                                                           {"title": "b", "weight": "30"}]}),
        "program.rubric.criteria: criteria weights add up to 90, not 100",
    ),
    "rule_kind": (
        lambda p: p["tracks"][0]["rules"][0].update(kind="moon_phase"),
        "program.tracks[1] «1».rules[1].kind: unknown rule kind “moon_phase”",
    ),
    "negative": (
        lambda p: p["tracks"][0].update(budget="-5"),
        "program.tracks[1] «1».budget: must not be negative (found -5)",
    ),
    "kpi_target": (
        lambda p: p["tracks"][0]["kpis"][0].pop("target"),
        "program.tracks[1] «1».kpis[1].target: KPI “报告” has no target",
    ),
    "duplicate_code": (
        lambda p: p["tracks"].append(copy.deepcopy(p["tracks"][0])),
        "program.tracks[2] «1»: duplicate track code “1” (also tracks[1])",
    ),
    "amounts": (
        lambda p: p["tracks"][0]["tranches"][1].update(amount="30000.00"),
        "tranche amounts add up to 90000.00 yuan, not the budget of 100000.00 yuan",
    ),
    "missing_param": (
        lambda p: p["tracks"][0]["rules"][0]["params"].pop("years"),
        "rules[1].params: rule kind “rd_intensity” needs the parameter “years”",
    ),
    "unknown_key": (
        lambda p: p["tracks"][0].update(buget="1"),
        "program.tracks[1] «1»: unknown key “buget”",
    ),
}


def _rule(p, **rule):
    p["tracks"][0]["rules"] = [rule]


def _partners(p, params, **track):
    p["tracks"][0].update(track)
    _rule(p, kind="partner_types", params=params, text="须联合1家知识产权服务机构")


def _groups(p, groups, kpi_group="A"):
    p["tracks"][0]["kpi_groups"] = groups
    if kpi_group is not None:
        p["tracks"][0]["kpis"][0]["group"] = kpi_group


T = "program.tracks[1] «1»"
# Guides v2: soft rules, members, rule parameters, partner types, KPI groups, award money, procedure, status.
CASES.update({
    "soft_not_boolean": (
        lambda p: p["tracks"][0]["rules"][0].update(soft="yes"),
        f"{T}.rules[1].soft: write true or false (found yes)",
    ),
    "note_not_text": (
        lambda p: p["tracks"][0]["rules"][0].update(note=["a"]),
        f"{T}.rules[1].note: write text",
    ),
    "applies_to_value": (
        lambda p: p["tracks"][0]["rules"][0].update(applies_to="everyone"),
        f"{T}.rules[1].applies_to: “everyone” is not one of: lead, all_members",
    ),
    "applies_to_kind": (
        lambda p: p["tracks"][0]["rules"][0].update(applies_to="all_members"),
        f"{T}.rules[1].applies_to: rule kind “rd_intensity” is checked for the lead only",
    ),
    "branch_exception_not_boolean": (
        lambda p: _rule(p, kind="legal_person", params={"branch_exception": "yes"}, text="具有独立法人资格"),
        f"{T}.rules[1].params.branch_exception: write true or false (found yes)",
    ),
    "branch_exception_on_other_kind": (
        lambda p: _rule(p, kind="region", params={"region": "440115", "branch_exception": True}, text="南沙区"),
        f"{T}.rules[1].params: rule kind “region” has no parameter “branch_exception”",
    ),
    "history_region_unknown": (
        lambda p: _rule(p, kind="no_failed_acceptance", params={"region": "999999"}, text="未通过验收的"),
        f"{T}.rules[1].params.region: region “999999” is not loaded",
    ),
    "history_issuer_empty": (
        lambda p: _rule(p, kind="no_prior_award", params={"issuer": " "}, text="已承担过"),
        f"{T}.rules[1].params.issuer: write the awarding office's name as the guide gives it",
    ),
    "partner_types_unknown_type": (
        lambda p: _partners(p, {"types": ["moon_agency"], "min": 1}),
        f"{T}.rules[1].params.types: “moon_agency” is not one of",
    ),
    "partner_types_no_types": (
        lambda p: _partners(p, {"types": [], "min": 1}),
        f"{T}.rules[1].params.types: write a list of at least one organisation type",
    ),
    "partner_types_missing_min": (
        lambda p: _partners(p, {"types": ["ip_service"]}),
        f"{T}.rules[1].params: rule kind “partner_types” needs the parameter “min”",
    ),
    "partner_types_min_zero": (
        lambda p: _partners(p, {"types": ["ip_service"], "min": 0}),
        f"{T}.rules[1].params.min: a partner requirement asks for at least 1 partner (found 0)",
    ),
    "partner_types_max_below_min": (
        lambda p: _partners(p, {"types": ["ip_service"], "min": 2, "max": 1}),
        f"{T}.rules[1].params.max: “max” (1) is smaller than “min” (2)",
    ),
    "partner_types_on_refused_track": (
        lambda p: _partners(p, {"types": ["ip_service"], "min": 1}, joint_policy="refused"),
        f"{T}.rules[1]: a track that refuses joint applications cannot require partners",
    ),
    "partner_types_above_limit": (
        lambda p: _partners(p, {"types": ["ip_service"], "min": 3}, partner_limit=2),
        f"{T}.rules[1].params.min: requires 3 partners but partner_limit is 2",
    ),
    "kpi_group_undeclared": (
        lambda p: _groups(p, [], kpi_group="B"),
        f"{T}.kpis[1].group: KPI group “B” is not declared in this track's kpi_groups",
    ),
    "kpi_group_unused": (
        lambda p: _groups(p, [{"code": "A", "min": 1}], kpi_group=None),
        f"{T}.kpi_groups[1]: KPI group “A” has no KPI",
    ),
    "kpi_group_min_above_members": (
        lambda p: _groups(p, [{"code": "A", "min": 2}]),
        f"{T}.kpi_groups[1].min: KPI group “A” asks for 2 of its KPIs but has only 1",
    ),
    "kpi_group_min_zero": (
        lambda p: _groups(p, [{"code": "A", "min": 0}]),
        f"{T}.kpi_groups[1].min: a group asks for at least 1 of its KPIs (found 0)",
    ),
    "kpi_group_duplicate": (
        lambda p: _groups(p, [{"code": "A", "min": 1}, {"code": "A", "min": 1}]),
        f"{T}.kpi_groups[2].code: duplicate KPI group code “A”",
    ),
    "award_mode_value": (
        lambda p: p["tracks"][0].update(award_mode="lottery"),
        f"{T}.award_mode: “lottery” is not one of",
    ),
    "pool_needs_budget": (
        lambda p: (p["tracks"][0].pop("budget"), p["tracks"][0].pop("tranches"),
                   p["tracks"][0].update(award_mode="pool", max_awards=10)),
        f"{T}.budget: award_mode “pool” needs the track's budget",
    ),
    "fixed_needs_budget": (
        lambda p: (p["tracks"][0].pop("budget"), p["tracks"][0].pop("tranches"),
                   p["tracks"][0].update(award_mode="fixed")),
        f"{T}.budget: award_mode “fixed” needs the track's budget",
    ),
    "allocation_without_pool": (
        lambda p: p["tracks"][0].update(award_mode="fixed", allocation="by_score"),
        f"{T}.allocation: an allocation shares a pool; set “award_mode: pool” or remove “allocation”",
    ),
    "pool_of_one_award": (
        lambda p: p["tracks"][0].update(award_mode="pool", max_awards=1),
        f"{T}.award_mode: a pool is shared by several awards, but max_awards is 1",
    ),
    "tie_break_unknown": (
        lambda p: p["tracks"][0].update(tie_breaks=["coin_toss"]),
        f"{T}.tie_breaks[1]: “coin_toss” is not one of: matching_funds",
    ),
    "tie_break_unknown_key": (
        lambda p: p["tracks"][0].update(tie_breaks=[{"key": "coin_toss", "kind": "judged"}]),
        f"{T}.tie_breaks[1].key: “coin_toss” is not one of: matching_funds, requested_amount_low, local_service",
    ),
    "tie_break_unknown_kind": (
        lambda p: p["tracks"][0].update(tie_breaks=[{"key": "matching_funds", "kind": "lottery"}]),
        f"{T}.tie_breaks[1].kind: “matching_funds” can be computed / judged, not “lottery”",
    ),
    "tie_break_judged_only": (  # no field of the application says how complete the member mix is
        lambda p: p["tracks"][0].update(tie_breaks=[{"key": "member_mix", "kind": "computed"}]),
        f"{T}.tie_breaks[1].kind: “member_mix” can be judged, not “computed”",
    ),
    "tie_break_without_kind": (
        lambda p: p["tracks"][0].update(tie_breaks=[{"key": "member_mix"}]),
        f"{T}.tie_breaks[1]: “kind” is missing",
    ),
    "tie_break_other_key": (
        lambda p: p["tracks"][0].update(tie_breaks=[{"key": "member_mix", "kind": "judged", "weight": 2}]),
        f"{T}.tie_breaks[1]: unknown key “weight”; allowed keys are: key, kind",
    ),
    "tie_break_twice": (
        lambda p: p["tracks"][0].update(tie_breaks=["matching_funds", {"key": "matching_funds", "kind": "computed"}]),
        f"{T}.tie_breaks[2].key: a tie-break key is listed twice",
    ),
    "tie_break_not_a_list": (
        lambda p: p["tracks"][0].update(tie_breaks="matching_funds"),
        f"{T}.tie_breaks: write a list of tie-breaks",
    ),
    "reviewers_zero": (
        lambda p: p["tracks"][0].update(reviewers_per_application=0),
        f"{T}.reviewers_per_application: at least one reviewer reads each application",
    ),
    "aggregation_value": (
        lambda p: p["tracks"][0].update(score_aggregation="median"),
        f"{T}.score_aggregation: “median” is not one of",
    ),
    "publicity_kind_without_days": (
        lambda p: p["tracks"][0].update(publicity_day_kind="working"),
        f"{T}.publicity_day_kind: give “publicity_days” too, or remove “publicity_day_kind”",
    ),
    "publicity_zero_days": (
        lambda p: p.update(procedure={"publicity_days": 0}),
        "program.procedure.publicity_days: a publicity period lasts at least one day",
    ),
    "appeal_kind_without_days": (
        lambda p: p["tracks"][0].update(appeal_day_kind="working"),
        f"{T}.appeal_day_kind: give “appeal_days” too, or remove “appeal_day_kind”",
    ),
    "appeal_zero_days": (
        lambda p: p.update(procedure={"appeal_days": 0}),
        "program.procedure.appeal_days: an appeal period lasts at least one day",
    ),
    "appeal_kind_value": (
        lambda p: p["tracks"][0].update(appeal_days=10, appeal_day_kind="weeks"),
        f"{T}.appeal_day_kind: “weeks” is not one of",
    ),
    "midterm_not_boolean": (
        lambda p: p.update(procedure={"midterm_check": "required"}),
        "program.procedure.midterm_check: write true or false (found required)",
    ),
    "procedure_unknown_key": (
        lambda p: p.update(procedure={"publicity": 5}),
        "program.procedure: unknown key “publicity”",
    ),
    "guide_status_value": (
        lambda p: p.update(guide_status="draft"),
        "program.guide_status: “draft” is not one of: final, draft_for_comment",
    ),
    "timeline_not_text": (
        lambda p: p.update(timeline_text=["2024年6月"]),
        "program.timeline_text: write text",
    ),
})


def test_validate_guide_accepts_the_valid_guide(tmp_path, capsys):
    call_command("validate_guide", write(tmp_path, VALID))
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_guide_names_each_problem_with_its_place(tmp_path, capsys, case):
    mutate, message = CASES[case]
    path = write(tmp_path, bad(mutate))
    with pytest.raises(CommandError):
        call_command("validate_guide", path)
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_guide_loaddata_refuses_with_the_same_message_and_changes_nothing(tmp_path, case):
    mutate, message = CASES[case]
    path = write(tmp_path, bad(mutate))
    before = (Program.objects.count(), Track.objects.count())
    with pytest.raises(CommandError) as excinfo:
        call_command("loaddata", path, verbosity=0)
    assert message in str(excinfo.value)
    assert (Program.objects.count(), Track.objects.count()) == before
    assert not Program.objects.filter(code="test-guide").exists()


def test_validate_guide_loaddata_loads_a_valid_guide_once(tmp_path):
    path = write(tmp_path, VALID)
    call_command("loaddata", path, verbosity=0)
    call_command("loaddata", path, verbosity=0)
    program = Program.objects.get(code="test-guide")
    assert program.tracks.count() == 1
    assert program.tracks.get().tranches.count() == 2


def test_validate_guide_reload_removes_dropped_children(tmp_path):
    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    fewer = copy.deepcopy(VALID)
    fewer["program"]["tracks"][0]["kpis"] = []
    call_command("loaddata", write(tmp_path, fewer), verbosity=0)
    assert Track.objects.get(program__code="test-guide").kpis.count() == 0


def test_validate_guide_reports_yaml_syntax_errors_with_line(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("program:\n  code: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("validate_guide", str(path))
    assert "line" in capsys.readouterr().err


def test_validate_guide_names_the_file_and_line_of_a_wrong_tie_break_kind(tmp_path, capsys):
    data = bad(lambda p: p["tracks"][0].update(tie_breaks=[{"key": "matching_funds", "kind": "computed"},
                                                           {"key": "member_mix", "kind": "computed"}]))
    path = write(tmp_path, data)
    lines = open(path, encoding="utf-8").read().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip() == "- key: member_mix")
    with pytest.raises(CommandError):
        call_command("validate_guide", path)
    err = capsys.readouterr().err
    assert f"{path}:" in err
    assert (f"line {line + 1}: program.tracks[1] «1».tie_breaks[2].kind: “member_mix” can be judged, "
            f"not “computed”") in err


def test_validate_guide_still_loads_the_list_of_bare_keys_with_each_default_kind(tmp_path):
    call_command("loaddata", write(tmp_path, bad(lambda p: p["tracks"][0].update(
        tie_breaks=["member_mix", "matching_funds"]))), verbosity=0)
    assert Track.objects.get(program__code="test-guide").tie_breaks == [
        {"key": "member_mix", "kind": "judged"}, {"key": "matching_funds", "kind": "computed"}]


def test_validate_guide_names_the_line_of_each_problem(tmp_path, capsys):
    data = bad(lambda p: _groups(p, [], kpi_group="B"))
    path = write(tmp_path, data)
    lines = open(path, encoding="utf-8").read().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip().startswith("group: B"))
    with pytest.raises(CommandError):
        call_command("validate_guide", path)
    assert f"line {line}: program.tracks[1] «1».kpis[1].group: KPI group “B”" in capsys.readouterr().err


FULL = bad(lambda p: (
    p.update(guide_status="draft_for_comment", timeline_text="（一）项目启动阶段", encoding_notes="程序说明",
             procedure={"midterm_check": True, "tie_breaks": ["matching_funds"], "procedure_text": "同等条件下优先",
                        "appeal_days": 10, "appeal_day_kind": "working"}),
    p["tracks"][0].update(
        award_mode="pool", allocation="by_score", max_awards=10, awards_is_maximum=True, encoding_notes="项目说明",
        publicity_days=5, publicity_day_kind="working",
        tie_breaks=[{"key": "local_service", "kind": "judged"}, {"key": "requested_amount_low", "kind": "computed"}],
        kpi_groups=[{"code": "A", "min": 1, "text": "二者满足其一"}],
        kpis=[{"metric": "产值", "comparator": "gte", "target": "500", "unit": "万元", "group": "A"},
              {"metric": "融资额", "comparator": "gte", "target": "100", "unit": "万元", "group": "A"}],
        rules=[{"kind": "rd_intensity", "params": {"min_percent": "3", "years": 3}, "soft": True,
                "note": "原则上", "text": "原则上不低于3%"},
               {"kind": "no_blacklist", "applies_to": "all_members", "text": "未被列入失信名单"},
               {"kind": "legal_person", "params": {"branch_exception": True}, "text": "单独入统的分公司"},
               {"kind": "no_failed_acceptance", "params": {"region": "440100", "issuer": "广州市市场监督管理局"},
                "text": "未通过验收"},
               {"kind": "partner_types", "params": {"types": ["ip_service"], "min": 1}, "text": "须联合"}],
    ),
))


def test_validate_guide_accepts_every_new_key(tmp_path, capsys):
    call_command("validate_guide", write(tmp_path, FULL))
    assert "valid" in capsys.readouterr().out


def test_validate_guide_loaddata_stores_every_new_key(tmp_path):
    call_command("loaddata", write(tmp_path, FULL), verbosity=0)
    program = Program.objects.get(code="test-guide")
    assert (program.guide_status, program.timeline_text, program.encoding_notes) == (
        "draft_for_comment", "（一）项目启动阶段", "程序说明")
    track = program.tracks.get()
    assert (track.award_mode, track.allocation, track.encoding_notes) == ("pool", "by_score", "项目说明")
    # The track inherits the program's procedure defaults unless it gives its own value.
    assert (track.midterm_check, track.procedure_text) == (True, "同等条件下优先")
    assert track.tie_breaks == [{"key": "local_service", "kind": "judged"},
                                {"key": "requested_amount_low", "kind": "computed"}]
    assert (track.publicity_days, track.publicity_day_kind) == (5, "working")
    assert (track.appeal_days, track.appeal_day_kind) == (10, "working")  # inherited from the program
    assert track.reviewers_per_application is None and track.score_aggregation == ""
    group = track.kpi_groups.get()
    assert (group.code, group.min_count, group.text) == ("A", 1, "二者满足其一")
    assert [k.group_id for k in track.kpis.order_by("seq")] == [group.pk, group.pk]
    rules = list(track.rules.order_by("seq"))
    assert (rules[0].soft, rules[0].encoding_note, rules[0].applies_to) == (True, "原则上", "lead")
    assert (rules[1].soft, rules[1].applies_to) == (False, "all_members")
    assert rules[2].params == {"branch_exception": True}
    assert rules[3].params == {"region": "440100", "issuer": "广州市市场监督管理局"}
    assert rules[4].params == {"types": ["ip_service"], "min": 1}


def test_validate_guide_refuses_a_program_code_that_is_a_portal_page(tmp_path, capsys):
    """/programs/calendar/ is the working calendar: a program coded "calendar" could never be opened."""
    path = write(tmp_path, bad(lambda p: p.update(code="calendar")))
    with pytest.raises(CommandError):
        call_command("validate_guide", path)
    err = capsys.readouterr().err
    assert "program.code" in err and "calendar" in err
    assert not Program.objects.filter(code="calendar").exists()


def test_validate_guide_names_a_draft_note_that_needs_a_person_and_accepts_the_others(db):
    from programs.guide_format import check_guide, parse_guide

    text = (
        "program:\n  code: x-2024\n  title: 某区项目\n  issuer: 某局\n  level: district\n  region: \"440115\"\n"
        "  year: 2024\n  reference_prefix: G2024\n"
        "  draft:\n  - {field: reference_prefix, confidence: needs_person, source: 某区项目申报指南, line: 1}\n"
        "  - {field: year, confidence: recognised, source: 2024年度, line: 1}\n"
        "  tracks:\n  - code: \"1\"\n    title: 甲\n"
        "    rules:\n    - kind: officer\n      text: 经营状况良好\n"
        "      draft: [{confidence: maybe, source: 经营状况良好, line: 3}]\n"
    )
    problems = check_guide(parse_guide(text), text)
    assert len(problems) == 2
    assert any("program.reference_prefix" in p and "某区项目申报指南" in p for p in problems)
    assert any("rules[1].draft" in p and "maybe" in p for p in problems)
