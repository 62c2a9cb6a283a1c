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
