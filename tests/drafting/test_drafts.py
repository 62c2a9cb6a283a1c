"""Drafts of the five seed guides against their hand-written fixtures, fact by fact."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from drafting.compare import compare, unsourced
from drafting.draft import count_notes, draft_guide, draft_yaml, notes
from programs.guide_format import check_guide, parse_guide

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT.parent / "shared" / "guides"
# The share of the hand fixture's facts each draft gets right before a person edits it (README, "Drafting a guide").
FLOORS = {
    "nansha-2024-high-value-patent-center": 0.90,
    "yuexiu-2018-ip-operation-fund-plan": 0.93,
    "guangdong-2021-ip-cluster-centers": 0.96,
    "fangchenggang-2022-ip-projects": 0.94,
    "qingyuan-2023-ip-reserve-projects": 0.95,
}

pytestmark = pytest.mark.skipif(not GUIDES.is_dir(), reason="the guides' texts are in ../shared/guides")


def _draft(name: str) -> dict:
    return draft_guide((GUIDES / f"{name}.txt").read_text(encoding="utf-8"), source_file=f"{name}.txt")


def _hand(name: str) -> dict:
    return yaml.safe_load((ROOT / "fixtures" / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", FLOORS)
def test_draft_matches_the_hand_fixture_fact_by_fact(name, capsys):
    result = compare(_hand(name), _draft(name))
    with capsys.disabled():
        print(f"\n{name}: {len(result.right)}/{len(result.right) + len(result.wrong)} facts right "
              f"({result.share:.1%})")
    assert result.share >= FLOORS[name], result.wrong


@pytest.mark.django_db
@pytest.mark.parametrize("name", FLOORS)
def test_draft_every_fact_has_its_source_sentence(name):
    document = _draft(name)
    assert unsourced(document) == []
    text = (GUIDES / f"{name}.txt").read_text(encoding="utf-8")
    lines = len(text.splitlines())
    assert all(n["source"] and 1 <= n["line"] <= lines for n in notes(document))


def _fill_from_hand(document: dict, hand: dict) -> dict:
    """What a person does with the flagged items: the header fields from the hand fixture, the rest confirmed."""
    program = document["program"]
    for n in program["draft"]:
        if n["confidence"] == "needs_person":
            program[n["field"]] = hand["program"][n["field"]]
    for n in notes(document):
        if n["confidence"] == "needs_person":
            n["confidence"] = "recognised"
    return document


@pytest.mark.django_db
@pytest.mark.parametrize("name", FLOORS)
def test_draft_validates_once_flagged_items_are_filled(name):
    text = draft_yaml(_draft(name))
    problems = check_guide(parse_guide(text), text)
    flagged = [n for n in notes(parse_guide(text)) if n["confidence"] == "needs_person"]
    assert flagged and len(problems) == len(flagged)  # only the flagged items are named, each with its sentence
    assert all(n["source"] in p for n, p in zip(flagged, problems, strict=True))
    filled = draft_yaml(_fill_from_hand(parse_guide(text), _hand(name)))
    assert check_guide(parse_guide(filled), filled) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", FLOORS)
def test_draft_office_is_the_office_of_the_guides_region_as_the_hand_fixture_names_it(name):
    """Each seed guide's region has one office (fixtures/offices.yaml): the draft guesses it, with its sentence."""
    program = _draft(name)["program"]
    assert program["office"] == _hand(name)["program"]["office"]
    note = next(n for n in program["draft"] if n["field"] == "office")
    assert note["confidence"] == "guessed" and note["source"]


@pytest.mark.django_db
def test_draft_office_needs_a_person_where_the_region_has_no_office():
    from offices.models import Office

    Office.objects.filter(code="gz-yuexiu").update(region_id="440100")  # no office in 越秀区 any more
    program = _draft("yuexiu-2018-ip-operation-fund-plan")["program"]
    assert program["office"] == ""
    assert next(n for n in program["draft"] if n["field"] == "office")["confidence"] == "needs_person"


@pytest.mark.django_db
def test_draft_flags_the_issuer_and_the_reference_prefix_for_a_person():
    """Nansha names its office only inside a cited document's title (《广州市市场监督管理局关于…》): not its issuer."""
    document = _draft("nansha-2024-high-value-patent-center")
    flagged = [n["field"] for n in document["program"]["draft"] if n["confidence"] == "needs_person"]
    assert flagged == ["issuer", "reference_prefix"]
    assert count_notes(document)["needs_person"] == 2


@pytest.mark.django_db
def test_draft_guide_command_writes_a_draft_validate_guide_names_the_flagged_item(tmp_path):
    out = tmp_path / "draft.yaml"
    call_command("draft_guide", str(GUIDES / "yuexiu-2018-ip-operation-fund-plan.txt"), "-o", str(out))
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [t["budget"] for t in document["program"]["tracks"]][:2] == ["1700000.00", "800000.00"]
    with pytest.raises(CommandError):
        call_command("validate_guide", str(out))


@pytest.mark.django_db
def test_validate_guide_names_the_sentence_that_needs_a_person(tmp_path, capsys):
    out = tmp_path / "draft.yaml"
    call_command("draft_guide", str(GUIDES / "nansha-2024-high-value-patent-center.txt"), "-o", str(out))
    with pytest.raises(CommandError):
        call_command("validate_guide", str(out))
    err = capsys.readouterr().err
    assert "program.reference_prefix" in err and "2024年度南沙区高价值专利培育布局中心建设项目实施方案" in err


def test_draft_guide_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("draft_guide", str(tmp_path / "none.txt"), "-o", str(tmp_path / "out.yaml"))
    assert str(tmp_path / "none.txt") in str(caught.value)
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.django_db
def test_draft_guide_command_reads_a_word_file(tmp_path):
    import zipfile

    lines = (GUIDES / "nansha-2024-high-value-patent-center.txt").read_text(encoding="utf-8").splitlines()
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    word = tmp_path / "nansha.bin"
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    out = tmp_path / "draft.yaml"
    call_command("draft_guide", str(word), "--docx", "-o", str(out))
    track = yaml.safe_load(out.read_text(encoding="utf-8"))["program"]["tracks"][0]
    assert (track["budget"], [t["share_percent"] for t in track["tranches"]]) == ("300000.00", ["50", "50"])
